/**
 * Event-loop delay of a server with WORKER_MODE=inline while a pixel backlog drains.
 * 1. a server with the worker off takes N pixel events (batches of 10);
 * 2. a server with WORKER_MODE=inline (and a probe printing monitorEventLoopDelay each
 *    second) drains them; single-event ingest requests at a steady rate measure what a
 *    shopper's request waits meanwhile.
 * Usage: npx vite-node scripts/measure/loop-delay.ts [events] [seconds] [ingest|quiet]
 */
import path from "node:path";
import { startApp } from "../../test/support/app-server";
import { TEST_API_SECRET, TEST_SHOP } from "../../test/support/env";
import { openDb, seedInstalledShop } from "../../test/support/seed";
import { signedProxyUrl } from "../../test/support/shopify-signing";
import { freshSqlite, ROOT } from "./common";

const events = Number(process.argv[2] ?? 5000);
const seconds = Number(process.argv[3] ?? 15);
/** "ingest" (default): single-event ingest requests at ~50/s during the drain; "quiet": none (loop delay only). */
const probe = process.argv[4] ?? "ingest";
const url = freshSqlite("loop");
const db = await openDb(url);
await seedInstalledShop(db, TEST_SHOP);
const consent = { analytics: true, marketing: true, preferences: true, saleOfData: true };
let seq = 0;
const body = (n: number) =>
  JSON.stringify({ v: 1, consent, identity: { clientId: `m-${seq % 500}` }, events: Array.from({ length: n }, () => ({ id: `m-${seq++}`, name: "page_viewed", timestamp: new Date().toISOString(), url: "https://shop.example.com/" })) });
const env = { LOG_LEVEL: "warn", RATE_LIMIT_SHOP_PER_MIN: "1000000000", RATE_LIMIT_VISITOR_PER_MIN: "1000000000" };

const off = await startApp({ databaseUrl: url, env: { ...env, WORKER_MODE: "off" } });
for (let i = 0; i < events / 10; i++) {
  const r = await fetch(signedProxyUrl(off.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body: body(10) });
  if (!r.ok) throw new Error(`ingest ${r.status}`);
}
await off.stop();
const backlog = await db.pixelEvent.count({ where: { processedAt: null } });

process.env.TRUELINE_NODE_ARGS = `--import ${path.join(ROOT, "scripts/measure/loop-delay-probe.mjs")}`;
const app = await startApp({ databaseUrl: url, env: { ...env, WORKER_MODE: "inline" } });
const lat: number[] = [];
const started = Date.now();
const pending: Array<Promise<void>> = [];
while (Date.now() - started < seconds * 1000) {
  const t = performance.now();
  if (probe === "ingest") pending.push(
    fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body: body(1) }).then(async (r) => {
      await r.arrayBuffer();
      lat.push(performance.now() - t);
    }),
  );
  await new Promise((r) => setTimeout(r, 20)); // ~50 req/s
}
await Promise.all(pending);
const left = await db.pixelEvent.count({ where: { processedAt: null } });
await app.stop();
const samples = app
  .output()
  .split("\n")
  .filter((l) => l.includes('"loop-delay"'))
  .map((l) => JSON.parse(l) as { p50: number; p99: number; max: number });
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))] ?? NaN;
console.log(
  JSON.stringify({
    backlog,
    probe,
    processedInWindow: backlog + (probe === "ingest" ? lat.length : 0) - left,
    leftUnprocessed: left,
    seconds,
    loopDelayP50ms_medianOfSeconds: pct(samples.map((s) => s.p50), 0.5),
    loopDelayP99ms_medianOfSeconds: pct(samples.map((s) => s.p99), 0.5),
    loopDelayMaxms: Math.max(...samples.map((s) => s.max)),
    ingestLatencyP50ms: Math.round(pct(lat, 0.5) * 10) / 10,
    ingestLatencyP99ms: Math.round(pct(lat, 0.99) * 10) / 10,
    requests: lat.length,
  }),
);
await db.$disconnect();
process.exit(0);
