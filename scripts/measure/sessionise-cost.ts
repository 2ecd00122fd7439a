/**
 * `npx vite-node scripts/measure/sessionise-cost.ts -- [--db sqlite|postgres] [--events N] [--history N]`
 * — deterministic figures for issue 10's ingest side: the inline worker's pixel pass
 * (sessionising, `processPixelEventsTick`), in process, no server. Counts the statements the
 * database driver executes (better-sqlite3 statement runs / pg `Client.query` calls, BEGIN and
 * COMMIT included) and the process CPU time (`process.cpuUsage`) per 100 events sessionised.
 * Wall-clock time is printed too, but on a shared machine only the counts and CPU compare.
 *
 * The store: `history` already-sessionised events of other shoppers (filler, with their
 * profiles and sessions), then `events` new events stored as ingest stores them
 * (insertPixelEventGroups): 5 events per browser, a tenth of the browsers returning (a profile
 * and an open session from before), a fifth of them identified (email hash) on their last event,
 * landings with UTM tags. No destinations (the storefront conversions path is the outbox's).
 * PostgreSQL: a fresh database on TEST_POSTGRES_URL's server, migrated, dropped after.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import Database from "better-sqlite3";
import { withDatabase } from "../../test/support/databases";
import { POSTGRES_ADMIN_URL, TEST_SHOP } from "../../test/support/env";
import { openDb, seedInstalledShop, testKey } from "../../test/support/seed";
import { createLogger } from "~/lib/logger.server";
import { insertPixelEventGroups, type NewPixelEvent } from "~/data/pixel-events.server";
import { processPixelEventsTick } from "~/services/visits.server";
import { freshSqlite, ROOT } from "./common";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const KIND = opt("--db", "sqlite") as "sqlite" | "postgres";
const EVENTS = Number(opt("--events", "2000"));
const HISTORY = Number(opt("--history", "20000"));
const WARMUP_EVENTS = 200;

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
  if (KIND === "sqlite") return { url: freshSqlite("sessionise-cost"), drop: async () => undefined };
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

function event(i: number, client: number, k: number, at: Date): NewPixelEvent {
  const landing = k === 0;
  return {
    shop: TEST_SHOP, eventId: `ev-${i}`, name: k === 4 ? "checkout_started" : "page_viewed", occurredAt: at, receivedAt: at,
    clientId: `c-${client}`, visitorId: `v-${client}`,
    url: landing ? `https://${TEST_SHOP}/products/p${client % 50}?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring&fbclid=fb${client}` : `https://${TEST_SHOP}/products/p${k}`,
    referrer: landing ? "https://www.facebook.com/" : `https://${TEST_SHOP}/`,
    checkoutToken: k === 4 ? `tok-${client}` : null, orderId: null, cartToken: k >= 3 ? `cart-${client}` : null, customerId: null,
    emailHash: k === 4 && client % 5 === 0 ? `email-hash-${client}` : null, phoneHash: null, consent: "1111", isBot: false,
    data: "{}", identity: landing ? JSON.stringify({ clickIds: { fbclid: `fb${client}` }, cookies: { _fbp: `fb.1.${client}` } }) : "{}", userAgent: "Mozilla/5.0", ip: null,
  };
}

async function main() {
  const { url, drop } = await databaseUrl();
  const db = await openDb(url);
  try {
    await seedInstalledShop(db, TEST_SHOP);
    const now = Date.now();
    // Filler history: other shoppers' processed events.
    for (let start = 0; start < HISTORY; start += 2000) {
      const n = Math.min(2000, HISTORY - start);
      await db.pixelEvent.createMany({
        data: Array.from({ length: n }, (_, k) => {
          const i = start + k;
          const at = new Date(now - 7_200_000 - i * 1000);
          return { shop: TEST_SHOP, eventId: `fill-${i}`, name: "page_viewed", occurredAt: at, receivedAt: at, processedAt: at, clientId: `fill-client-${i % 5000}`, consent: "1111" };
        }),
      });
    }
    const total = EVENTS + WARMUP_EVENTS;
    const clients = Math.ceil(total / 5);
    // Returning browsers: a profile, its client alias and a session 10 minutes old.
    for (let c = 0; c < clients; c += 10) {
      const at = new Date(now - 1_200_000);
      const profile = await db.profile.create({ data: { shop: TEST_SHOP, firstSeenAt: at, lastSeenAt: at, identifiers: "{}" } });
      await db.profileAlias.create({ data: { shop: TEST_SHOP, key: `client:c-${c}`, profileId: profile.id } });
      await db.visitSession.create({ data: { shop: TEST_SHOP, profileId: profile.id, clientId: `c-${c}`, startedAt: at, lastEventAt: at, eventCount: 3, channel: "direct" } });
    }
    // The new events, interleaved across browsers as they arrive.
    const evs: NewPixelEvent[] = [];
    for (let i = 0; i < total; i++) {
      const client = Math.floor(i / 5) - (Math.floor(i / 5) % 4) + (i % 4);
      evs.push(event(i, Math.min(client, clients - 1), Math.floor(i / 20) % 5, new Date(now - 600_000 + i * 50)));
    }
    for (let i = 0; i < evs.length; i += 500) await insertPixelEventGroups(db, [evs.slice(i, i + 500)]);
    const deps = { db, provider: KIND, key: testKey(), log: createLogger({ write: () => undefined }) };
    countStatements();
    let done = 0;
    let warm = 0;
    let stmts = 0;
    let cpuMs = 0;
    const wall: number[] = [];
    while (true) {
      statements = 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const n = await processPixelEventsTick(deps);
      const t = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (n === 0) break;
      if (warm < WARMUP_EVENTS) {
        warm += n;
        continue;
      }
      done += n;
      stmts += statements;
      cpuMs += (c.user + c.system) / 1000;
      wall.push((t * 100) / n);
    }
    const left = await db.pixelEvent.count({ where: { processedAt: null } });
    const sessions = await db.visitSession.count();
    const profiles = await db.profile.count();
    const aliases = await db.profileAlias.count();
    const sessionEvents = await db.visitSession.aggregate({ _sum: { eventCount: true } });
    console.log(`${KIND}: ${done} events sessionised (after ${warm} warm-up), history ${HISTORY.toLocaleString("en-US")} events`);
    console.log(`  per 100 events: statements ${((stmts * 100) / done).toFixed(1)}, CPU ms ${((cpuMs * 100) / done).toFixed(1)}`);
    console.log(`  wall ms per 100 events (per pass, scaled): median ${pct(wall, 0.5).toFixed(1)}, p90 ${pct(wall, 0.9).toFixed(1)}`);
    console.log(`  outcome: unprocessed ${left}, sessions ${sessions}, profiles ${profiles}, aliases ${aliases}, session events ${sessionEvents._sum.eventCount}`);
  } finally {
    await db.$disconnect();
    await drop();
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
