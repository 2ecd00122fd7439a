/**
 * `npx vite-node scripts/bench-reconcile.ts -- [events] [orders] [samples]` — the reconcile
 * figure of `npm run bench` on its own (issue 10): median and p99 of `applyOrderWebhook` for
 * one new order in a database holding `events` pixel events and `orders` orders, against the
 * same run on an empty database. The seeded data matches bench/run.ts (one shop; every tenth
 * event a checkout with a checkout token; the timed orders name a checkout token that exists
 * and a cart token that does not). SQLite, in process, no server.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { buildOnlineOrder, toWebhookBody } from "../test/factories/order-factory";
import { createLogger } from "~/lib/logger.server";
import { applyOrderWebhook } from "~/services/orders.server";
import { TEST_SHOP } from "../test/support/env";
import { openDb, seedInstalledShop, testKey } from "../test/support/seed";

const ROOT = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2).filter((a) => a !== "--").map(Number);
const EVENTS = args[0] || 100_000;
const ORDERS = args[1] || EVENTS / 10;
const SAMPLES = args[2] || 50;

function seedScale(file: string, events: number, orders: number) {
  const d = new Database(file);
  d.pragma("journal_mode = WAL");
  d.pragma("synchronous = OFF");
  const now = Date.now();
  const ev = d.prepare(`INSERT INTO "PixelEvent" ("id","shop","eventId","name","occurredAt","receivedAt","clientId","checkoutToken","consent","data","identity","processedAt") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`);
  const or = d.prepare(`INSERT INTO "Order" ("id","shop","orderId","kind","shopifyCreatedAt","shopifyUpdatedAt","currency","totalPrice","presentmentCurrency","presentmentTotal","facts","matchStatus","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
  const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
  d.transaction(() => {
    for (let i = 0; i < events; i++) {
      const at = iso(now - (i % 86_400) * 1000);
      ev.run(randomUUID(), TEST_SHOP, `seed-${i}`, i % 10 === 0 ? "checkout_started" : "page_viewed", at, at, `client-${i % 50_000}`, i % 10 === 0 ? `tok-${i}` : null, "1111", "{}", "{}", at);
    }
    for (let i = 0; i < orders; i++) {
      const at = iso(now - i * 1000);
      or.run(randomUUID(), TEST_SHOP, String(7_000_000_000_000 + i), "online", at, at, "USD", "10.00", "USD", "10.00", "{}", "unmatched", at, at);
    }
  })();
  d.close();
}

async function timing(file: string): Promise<number[]> {
  const db = await openDb(`file:${file}`);
  await seedInstalledShop(db, TEST_SHOP);
  const deps = { db, provider: "sqlite" as const, key: testKey(), log: createLogger({ write: () => undefined }), now: Date.now, random: Math.random };
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const id = 9_500_000_000_000n + BigInt(i);
    const now = new Date().toISOString();
    const raw = toWebhookBody(buildOnlineOrder({ id, admin_graphql_api_id: `gid://shopify/Order/${id}`, checkout_token: `tok-${i * 7}`, created_at: now, processed_at: now, updated_at: now }));
    const t = performance.now();
    const r = await applyOrderWebhook(deps, TEST_SHOP, raw, new Date());
    times.push(performance.now() - t);
    if (r.kind !== "processed") throw new Error(`order ${id}: ${JSON.stringify(r)}`);
  }
  await db.$disconnect();
  return times.sort((a, b) => a - b);
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "trueline-reconcile-"));
  try {
    const template = path.join(dir, "template.sqlite");
    execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], { env: { ...process.env, DATABASE_URL: `file:${template}` }, stdio: "pipe" });
    const full = path.join(dir, "full.sqlite");
    const empty = path.join(dir, "empty.sqlite");
    copyFileSync(template, full);
    copyFileSync(template, empty);
    const t0 = Date.now();
    seedScale(full, EVENTS, ORDERS);
    console.log(`seeded ${EVENTS.toLocaleString()} events, ${ORDERS.toLocaleString()} orders in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const f = await timing(full);
    const e = await timing(empty);
    console.log(`reconcile one order (${SAMPLES} samples): median ${pct(f, 0.5).toFixed(2)} ms, p99 ${pct(f, 0.99).toFixed(2)} ms; empty database median ${pct(e, 0.5).toFixed(2)} ms, p99 ${pct(e, 0.99).toFixed(2)} ms; ratio ${(pct(f, 0.5) / pct(e, 0.5)).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
