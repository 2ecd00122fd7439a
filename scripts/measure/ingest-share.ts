/**
 * How much of the request loop single-event ingest keeps while an OLD backlog drains (the
 * ingest-pressure guard no longer defers pixel passes once the oldest unprocessed event is
 * 30 s old, which is where the full bench's "one event per request" figure is taken):
 * 1. a server with the worker off takes N pixel events, then their receivedAt is moved 2 minutes back;
 * 2. single-event ingest, 16 connections, SECONDS, against a server with the worker off (the
 *    app's own ceiling), then against one with WORKER_MODE=inline (passes running);
 * 3. prints both req/s, their ratio, p99s, and how many events the inline worker drained meanwhile.
 * Usage: npx vite-node scripts/measure/ingest-share.ts [events] [seconds]
 */
import autocannon from "autocannon";
import { startApp } from "../../test/support/app-server";
import { TEST_API_SECRET, TEST_SHOP } from "../../test/support/env";
import { openDb, seedInstalledShop } from "../../test/support/seed";
import { signedProxyUrl } from "../../test/support/shopify-signing";
import { freshSqlite } from "./common";

const events = Number(process.argv[2] ?? 50_000);
const seconds = Number(process.argv[3] ?? 8);
const url = freshSqlite("share");
const db = await openDb(url);
await seedInstalledShop(db, TEST_SHOP);
const consent = { analytics: true, marketing: true, preferences: true, saleOfData: true };
let seq = 0;
const body = (n: number) =>
  JSON.stringify({ v: 1, consent, identity: { clientId: `s-${seq % 2000}` }, events: Array.from({ length: n }, () => ({ id: `s-${seq++}`, name: "page_viewed", timestamp: new Date().toISOString(), url: "https://shop.example.com/?utm_source=facebook" })) });
const env = { LOG_LEVEL: "warn", RATE_LIMIT_SHOP_PER_MIN: "1000000000", RATE_LIMIT_VISITOR_PER_MIN: "1000000000" };

const off = await startApp({ databaseUrl: url, env: { ...env, WORKER_MODE: "off" } });
const fill = await autocannon({ url: signedProxyUrl(off.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), method: "POST", connections: 16, amount: events / 10, requests: [{ method: "POST", setupRequest: (req) => ({ ...req, headers: { "content-type": "text/plain;charset=UTF-8" }, body: body(10) }) }] });
if (fill.non2xx + fill.errors > 0) throw new Error("fill failed");
await db.$executeRawUnsafe(`UPDATE "PixelEvent" SET "receivedAt" = '2020-01-01T00:00:00.000+00:00'`);
const single = async (base: string) => {
  const r = await autocannon({ url: signedProxyUrl(base, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), method: "POST", connections: 16, duration: seconds, requests: [{ method: "POST", setupRequest: (req) => ({ ...req, headers: { "content-type": "text/plain;charset=UTF-8" }, body: body(1) }) }] });
  return { rps: Math.round(r.requests.average), p99: r.latency.p99, bad: r.non2xx + r.errors };
};
await single(off.url); // warm-up
const ceiling = await single(off.url);
await off.stop();
const before = await db.pixelEvent.count({ where: { processedAt: null } });
const app = await startApp({ databaseUrl: url, env: { ...env, WORKER_MODE: "inline" } });
await new Promise((r) => setTimeout(r, 1000));
const inline = await single(app.url);
const after = await db.pixelEvent.count({ where: { processedAt: null } });
await app.stop();
console.log(JSON.stringify({ backlog: before, seconds, workerOff: ceiling, inline, ratio: Math.round((inline.rps / ceiling.rps) * 1000) / 1000, drainedPerSecond: Math.round((before + inline.rps * seconds - after) / (seconds + 1)) }));
await db.$disconnect();
process.exit(0);
