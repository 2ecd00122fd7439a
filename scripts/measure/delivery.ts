/**
 * Delivery throughput, as bench/run.ts's delivery phase measures it (stand-ins answering in
 * 100 ms, a `--worker-only` process draining N queued conversions), timed from worker-ready.
 * Usage: npx vite-node scripts/measure/delivery.ts [count] [meta|ga4 ...]
 * Needs a build (npx remix vite:build).
 */
import { readFileSync } from "node:fs";
import { startStandins } from "../../test/standins";
import { startApp } from "../../test/support/app-server";
import { TEST_SHOP } from "../../test/support/env";
import { openDb, seedDestination, seedInstalledShop } from "../../test/support/seed";
import { freshSqlite, waitUntil } from "./common";

function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(stat[11]) + Number(stat[12])) * 10;
}

const count = Number(process.argv[2] ?? 3000);
const kinds = (process.argv.slice(3).length ? process.argv.slice(3) : ["meta", "ga4"]) as Array<"meta" | "ga4">;
const standins = await startStandins();
for (const kind of kinds) {
  const url = freshSqlite(`deliver-${kind}`);
  const db = await openDb(url);
  await seedInstalledShop(db, TEST_SHOP);
  const dest = await seedDestination(db, TEST_SHOP, kind, { ...standins.credentials[kind] });
  const now = new Date();
  const conv = (i: number) => ({ shop: TEST_SHOP, eventId: `purchase-${8_000_000 + i}`, name: "purchase", orderId: String(8_000_000 + i), occurredAt: now,
    payload: JSON.stringify({ eventId: `purchase-${8_000_000 + i}`, name: "purchase", occurredAt: now.getTime(), actionSource: "website", sourceUrl: "https://shop.example.com/thank-you", orderId: String(8_000_000 + i),
      value: { shop: { amount: "42.00", currency: "USD" }, presentment: { amount: "42.00", currency: "USD" } }, user: { email: `buyer${i}@example.com`, ip: "203.0.113.9", userAgent: "Mozilla/5.0" }, clickIds: { gaClientId: "123.456", gclid: "Cj0K" }, consent: null, isTest: false }) });
  for (let i = 0; i < count; i += 500) await db.conversion.createMany({ data: Array.from({ length: Math.min(500, count - i) }, (_, j) => conv(i + j)) });
  const convs = await db.conversion.findMany({ select: { id: true, eventId: true } });
  for (let i = 0; i < convs.length; i += 500)
    await db.delivery.createMany({ data: convs.slice(i, i + 500).map((c) => ({ shop: TEST_SHOP, destinationId: dest.id, conversionId: c.id, eventId: c.eventId, eventName: "purchase", occurredAt: now, nextAttemptAt: now, firstQueuedAt: now })) });
  standins.reset();
  standins.setFault(kind, { type: "latency", ms: 100 });
  const worker = await startApp({ databaseUrl: url, env: { LOG_LEVEL: "warn", DESTINATION_BASE_URLS: JSON.stringify(standins.urls) }, args: ["--worker-only"] });
  const started = Date.now();
  const cpuAtReady = cpuMsOf(worker.process.pid!);
  const limitMs = Number(process.env.MEASURE_TIMEOUT_MS ?? 600_000);
  await waitUntil(async () => (await db.delivery.count({ where: { status: { in: ["pending", "retrying"] } } })) === 0, limitMs, 20).catch(async (error) => {
    console.log(JSON.stringify(await db.delivery.groupBy({ by: ["status"], _count: { _all: true } })), worker.output().slice(-3000));
    throw error;
  });
  const secs = (Date.now() - started) / 1000;
  // CPU the worker process spent (utime + stime, clock ticks of 10 ms): robust to a busy machine.
  const cpuMs = cpuMsOf(worker.process.pid!) - cpuAtReady;
  await worker.stop();
  const delivered = await db.delivery.count({ where: { status: "delivered" } });
  const requests = standins.received(kind).length;
  console.log(JSON.stringify({ kind, count, delivered, requestsAtStandin: requests, seconds: secs, eventsPerSecond: Math.round(count / secs), workerCpuMs: cpuMs, workerCpuMsPerEvent: Math.round((cpuMs / count) * 1000) / 1000 }));
  standins.setFault(kind, { type: "none" });
  await db.$disconnect();
}
await standins.close();
process.exit(0);
