/**
 * `npx vite-node scripts/measure/webhook-cost.ts -- [--db sqlite|postgres] [--orders N] [--history N]`
 * — deterministic figures for issue 10's webhook path, in process, no server: for each stored
 * orders/create webhook, one `processWebhooksTick(deps, 1)` (claim, install check,
 * applyOrderWebhook with reconcile and outbox rows, finish), counting the statements the
 * database driver executes (better-sqlite3 statement runs / pg `Client.query` calls, BEGIN and
 * COMMIT included) and the process CPU time (`process.cpuUsage`) it takes. Wall-clock time is
 * printed too, but on a shared machine only the counts and the CPU figure compare across runs.
 *
 * The store: `history` processed pixel events of other shoppers (filler), and for each timed
 * order a shopper the pixel saw (a profile with its client alias, a session, a checkout event
 * naming the order's checkout token), so every order is matched by checkout token, its
 * identity resolved (email and customer id attached), attribution credited, and outbox rows
 * written for two destinations (Meta, GA4). PostgreSQL: a fresh database on TEST_POSTGRES_URL's
 * server, migrated, dropped after.
 */
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import Database from "better-sqlite3";
import { buildCustomer, buildOnlineOrder, toWebhookBody } from "../../test/factories/order-factory";
import { startStandins } from "../../test/standins";
import { withDatabase } from "../../test/support/databases";
import { POSTGRES_ADMIN_URL, TEST_SHOP } from "../../test/support/env";
import { openDb, seedDestination, seedInstalledShop, testKey } from "../../test/support/seed";
import { createLogger } from "~/lib/logger.server";
import { storeWebhook } from "~/data/webhooks.server";
import { processWebhooksTick } from "~/services/process-webhooks.server";
import { freshSqlite, ROOT } from "./common";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const KIND = opt("--db", "sqlite") as "sqlite" | "postgres";
const ORDERS = Number(opt("--orders", "200"));
const HISTORY = Number(opt("--history", "20000"));
const WARMUP = 20;

// Statement counter at the driver: every execution, whoever issued it (Prisma or our own SQL).
let statements = 0;
function countStatements() {
  const probe = new Database(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ["run", "get", "all", "iterate"]) {
    const orig = proto[m]!;
    proto[m] = function (this: unknown, ...a: unknown[]) {
      statements++;
      return orig.apply(this, a);
    };
  }
  probe.close();
  const pgProto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const q = pgProto.query;
  pgProto.query = function (this: unknown, ...a: unknown[]) {
    statements++;
    return q.apply(this, a);
  };
}

async function databaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (KIND === "sqlite") return { url: freshSqlite("webhook-cost"), drop: async () => undefined };
  const name = `m_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(POSTGRES_ADMIN_URL, name);
  execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main() {
  const { url, drop } = await databaseUrl();
  const db = await openDb(url);
  const standins = await startStandins();
  try {
    await seedInstalledShop(db, TEST_SHOP);
    await seedDestination(db, TEST_SHOP, "meta", { ...standins.credentials.meta });
    await seedDestination(db, TEST_SHOP, "ga4", { ...standins.credentials.ga4 });
    const now = Date.now();
    const total = ORDERS + WARMUP;
    // Filler history: other shoppers' processed events.
    for (let start = 0; start < HISTORY; start += 2000) {
      const n = Math.min(2000, HISTORY - start);
      await db.pixelEvent.createMany({
        data: Array.from({ length: n }, (_, k) => {
          const i = start + k;
          const at = new Date(now - 3_600_000 - i * 1000);
          return { shop: TEST_SHOP, eventId: `fill-${i}`, name: i % 10 === 0 ? "checkout_started" : "page_viewed", occurredAt: at, receivedAt: at, processedAt: at, clientId: `fill-client-${i % 5000}`, checkoutToken: i % 10 === 0 ? `fill-tok-${i}` : null, consent: "1111" };
        }),
      });
    }
    // One seen shopper per timed order.
    for (let i = 0; i < total; i++) {
      const at = new Date(now - 600_000 + i);
      const profile = await db.profile.create({ data: { shop: TEST_SHOP, firstSeenAt: at, lastSeenAt: at, identifiers: "{}" } });
      await db.profileAlias.create({ data: { shop: TEST_SHOP, key: `client:c-${i}`, profileId: profile.id } });
      const session = await db.visitSession.create({ data: { shop: TEST_SHOP, profileId: profile.id, clientId: `c-${i}`, startedAt: at, lastEventAt: at, eventCount: 2, channel: "paid_social", source: "facebook", campaign: "spring" } });
      await db.pixelEvent.create({ data: { shop: TEST_SHOP, eventId: `ev-${i}`, name: "checkout_started", occurredAt: at, receivedAt: at, processedAt: at, clientId: `c-${i}`, profileId: profile.id, sessionId: session.id, checkoutToken: `tok-${i}`, consent: "1111", url: `https://${TEST_SHOP}/checkouts/tok-${i}` } });
    }
    // The webhooks, stored as the route stores them (not timed).
    for (let i = 0; i < total; i++) {
      const id = 9_100_000_000_000n + BigInt(i);
      const created = new Date(now - 300_000 + i).toISOString();
      const raw = toWebhookBody(
        buildOnlineOrder({ id, admin_graphql_api_id: `gid://shopify/Order/${id}`, checkout_token: `tok-${i}`, cart_token: null, email: `buyer${i}@example.com`, contact_email: `buyer${i}@example.com`, customer: buildCustomer({ id: 8_000_000n + BigInt(i), email: `buyer${i}@example.com` }), created_at: created, processed_at: created, updated_at: created }),
      );
      await storeWebhook(db, { shop: TEST_SHOP, webhookId: randomUUID(), eventId: null, topic: "orders/create", apiVersion: "2025-01", triggeredAt: null, bodyDigest: randomUUID(), rawBody: raw });
      // Stored in order: the claim takes the oldest first.
      await new Promise((r) => setTimeout(r, 2));
    }
    const deps = { db, provider: KIND, key: testKey(), log: createLogger({ write: () => undefined }), now: Date.now, random: Math.random };
    countStatements();
    const counts: number[] = [];
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < total; i++) {
      statements = 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const n = await processWebhooksTick(deps, 1);
      const t = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (n !== 1) throw new Error(`tick ${i} processed ${n}`);
      if (i < WARMUP) continue;
      counts.push(statements);
      cpu.push((c.user + c.system) / 1000);
      wall.push(t);
    }
    const states = await db.webhookDelivery.groupBy({ by: ["status"], _count: true });
    const deliveries = await db.delivery.count({ where: { status: "pending" } });
    const matched = await db.order.count({ where: { matchStatus: "matched" } });
    const credits = await db.attributionCredit.count();
    console.log(`${KIND}: ${ORDERS} order webhooks (after ${WARMUP} warm-up), history ${HISTORY.toLocaleString("en-US")} events`);
    console.log(`  statements per webhook: median ${pct(counts, 0.5)}, min ${Math.min(...counts)}, max ${Math.max(...counts)}`);
    console.log(`  CPU ms per webhook: median ${pct(cpu, 0.5).toFixed(2)}, p90 ${pct(cpu, 0.9).toFixed(2)}, mean ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(2)}`);
    console.log(`  wall ms per webhook: median ${pct(wall, 0.5).toFixed(2)}, p90 ${pct(wall, 0.9).toFixed(2)}`);
    console.log(`  outcome: webhooks ${JSON.stringify(states.map((s) => [s.status, s._count]))}, pending deliveries ${deliveries}, matched orders ${matched}, credits ${credits}`);
  } finally {
    await db.$disconnect();
    await standins.close();
    await drop();
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
