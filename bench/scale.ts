/**
 * `npm run bench:scale` — how throughput grows with processes on PostgreSQL (README
 * "PostgreSQL and scale-out"). Needs PostgreSQL (TEST_POSTGRES_URL, default
 * postgresql://postgres@127.0.0.1:5432/test) and a build (`npm run build`).
 *
 *  - ingest: 1 then 2 stateless web processes (WORKER_MODE=off), one autocannon per process,
 *    storefront batches of 10 events through the signed app proxy; events/s summed;
 *  - delivery: 1 then 3 worker processes (`--worker-only`) draining the same outbox of
 *    purchases to a stand-in that answers in 100 ms, one-event platform (GA4) and a
 *    batching one (Meta); events/s from first claim to last row final.
 * Each figure is also given as a ratio to the one-process figure of the same run.
 * Output: a table on stdout and bench/out/scale.json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { startStandins } from "../test/standins";
import { startApp, type RunningApp } from "../test/support/app-server";
import { withDatabase } from "../test/support/databases";
import { POSTGRES_ADMIN_URL, TEST_API_SECRET, TEST_SHOP } from "../test/support/env";
import { openDb, seedDestination, seedInstalledShop } from "../test/support/seed";
import { signedProxyUrl } from "../test/support/shopify-signing";

const ROOT = path.resolve(import.meta.dirname, "..");
const SECS = Number(process.env.SCALE_SECS ?? 8);
const DELIVERIES = Number(process.env.SCALE_DELIVERIES ?? 1500);

async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(POSTGRES_ADMIN_URL, name);
  execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  return url;
}

let seq = 0;
const consent = { analytics: true, marketing: true, preferences: true, saleOfData: true };
function batch(): string {
  const now = Date.now();
  const events = Array.from({ length: 10 }, (_, i) => ({ id: `scale-${process.pid}-${seq++}`, name: "page_viewed", timestamp: new Date(now - 10 + i).toISOString(), url: "https://shop.example.com/" }));
  return JSON.stringify({ v: 1, consent, identity: { clientId: `scale-${seq % 5000}` }, events });
}

async function ingest(webs: RunningApp[]): Promise<number> {
  const results = await Promise.all(
    webs.map((w) =>
      autocannon({
        url: signedProxyUrl(w.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }),
        method: "POST",
        connections: 16,
        duration: SECS,
        requests: [{ method: "POST", setupRequest: (req) => ({ ...req, headers: { "content-type": "text/plain;charset=UTF-8" }, body: batch() }) }],
      }),
    ),
  );
  const bad = results.reduce((a, r) => a + r.non2xx + r.errors, 0);
  if (bad > 0) console.warn(`  (${bad} non-2xx or errored requests)`);
  return results.reduce((a, r) => a + (r.requests.total - r.non2xx) * 10, 0) / SECS;
}

async function main() {
  const standins = await startStandins();
  const env = { DESTINATION_BASE_URLS: JSON.stringify(standins.urls), LOG_LEVEL: "warn", RATE_LIMIT_SHOP_PER_MIN: "100000000", RATE_LIMIT_VISITOR_PER_MIN: "100000000" };
  const rows: Array<{ figure: string; processes: number; value: number; unit: string; ratioToOne: number }> = [];
  const started: RunningApp[] = [];
  try {
    console.log(`== ingest on PostgreSQL (${os.cpus().length} cores on this machine)`);
    let one = 0;
    for (const n of [1, 2]) {
      const url = await freshDatabase(`trueline_scale_ingest_${n}`);
      const db = await openDb(url);
      await seedInstalledShop(db, TEST_SHOP);
      const webs: RunningApp[] = [];
      for (let i = 0; i < n; i++) webs.push(await startApp({ databaseUrl: url, env: { ...env, WORKER_MODE: "off" } }));
      started.push(...webs);
      await ingest(webs); // warm-up
      const eps = await ingest(webs);
      one ||= eps;
      rows.push({ figure: "ingest", processes: n, value: eps, unit: "events/s", ratioToOne: eps / one });
      console.log(`  ${n} web process(es): ${eps.toFixed(0)} events/s (×${(eps / one).toFixed(2)})`);
      for (const w of webs) await w.stop();
      await db.$disconnect();
    }

    for (const kind of ["ga4", "meta"] as const) {
      console.log(`== delivery to ${kind} on PostgreSQL, stand-in answering in 100 ms`);
      let oneD = 0;
      for (const m of [1, 3]) {
        const url = await freshDatabase(`trueline_scale_deliver_${kind}_${m}`);
        const db = await openDb(url);
        await seedInstalledShop(db, TEST_SHOP);
        const dest = await seedDestination(db, TEST_SHOP, kind, { ...standins.credentials[kind] });
        const now = new Date();
        const conv = (i: number) => ({
          shop: TEST_SHOP, eventId: `purchase-${9_000_000 + i}`, name: "purchase", orderId: String(9_000_000 + i), occurredAt: now,
          payload: JSON.stringify({ eventId: `purchase-${9_000_000 + i}`, name: "purchase", occurredAt: now.getTime(), actionSource: "website", sourceUrl: "https://shop.example.com/thank-you", orderId: String(9_000_000 + i),
            value: { shop: { amount: "42.00", currency: "USD" }, presentment: { amount: "42.00", currency: "USD" } }, user: { email: `buyer${i}@example.com`, ip: "203.0.113.9", userAgent: "Mozilla/5.0" }, clickIds: { gaClientId: "123.456", gclid: "Cj0K" }, consent: null, isTest: false }),
        });
        for (let i = 0; i < DELIVERIES; i += 500) await db.conversion.createMany({ data: Array.from({ length: Math.min(500, DELIVERIES - i) }, (_, j) => conv(i + j)) });
        const convs = await db.conversion.findMany({ select: { id: true, eventId: true } });
        await db.delivery.createMany({ data: convs.map((c) => ({ shop: TEST_SHOP, destinationId: dest.id, conversionId: c.id, eventId: c.eventId, eventName: "purchase", occurredAt: now, nextAttemptAt: now, firstQueuedAt: now })) });
        standins.reset();
        standins.setFault(kind, { type: "latency", ms: 100 });
        const t0 = Date.now();
        const workers: RunningApp[] = [];
        for (let i = 0; i < m; i++) workers.push(await startApp({ databaseUrl: url, env, args: ["--worker-only"] }));
        started.push(...workers);
        for (;;) {
          const open = await db.delivery.count({ where: { status: { in: ["pending", "retrying"] } } });
          if (open === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const secs = (Date.now() - t0) / 1000;
        const delivered = await db.delivery.count({ where: { status: "delivered" } });
        if (delivered !== DELIVERIES) throw new Error(`${kind}: ${delivered}/${DELIVERIES} delivered`);
        const eps = DELIVERIES / secs;
        oneD ||= eps;
        rows.push({ figure: `delivery ${kind}`, processes: m, value: eps, unit: "events/s", ratioToOne: eps / oneD });
        console.log(`  ${m} worker process(es): ${eps.toFixed(0)} events/s (×${(eps / oneD).toFixed(2)}), ${DELIVERIES} delivered once each`);
        for (const w of workers) await w.stop();
        standins.setFault(kind, { type: "none" });
        await db.$disconnect();
      }
    }
  } finally {
    for (const p of started) await p.stop().catch(() => undefined);
    await standins.close();
  }
  const out = path.join(ROOT, "bench", "out");
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "scale.json"), JSON.stringify({ at: new Date().toISOString(), cores: os.cpus().length, rows }, null, 2));
  console.log("\nfigure            processes  value           ×one process");
  for (const r of rows) console.log(`${r.figure.padEnd(18)}${String(r.processes).padEnd(11)}${`${r.value.toFixed(0)} ${r.unit}`.padEnd(16)}${r.ratioToOne.toFixed(2)}`);
}

main().then(() => process.exit(0), (e) => {
  console.error("bench:scale failed:", e);
  process.exit(1);
});
