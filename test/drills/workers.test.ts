import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { startStandins, STANDIN_KINDS, type StandinKind, type Standins } from "../standins";
import type { RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP, testDbKind } from "../support/env";
import { openDb, seedInstalledShop } from "../support/seed";
import { waitFor } from "../support/wait";
import { drillOrder, exactlyOnce, postOrder, seedAllDestinations, startWeb, startWorkerProcess, waitAllFinal, workerPrefix } from "./processes";

/**
 * Worker processes (issue 7): a worker killed with SIGKILL in the middle of a platform call
 * and started again; several workers sharing one PostgreSQL outbox. Real processes
 * (`node server.mjs --worker-only`), real platform stand-ins.
 */

const LONG = process.env.DRILL_LONG === "1";
const LEASE_MS = 120_000; // deliver.server.ts default

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

async function setup(): Promise<{ db: Db; url: string; standins: Standins; destIds: Record<StandinKind, string> }> {
  const database = await createTestDatabase();
  const db = await openDb(database.url);
  const standins = await startStandins();
  cleanup.push(async () => {
    await standins.close();
    await db.$disconnect();
    await database.drop();
  });
  await seedInstalledShop(db, TEST_SHOP);
  const destIds = await seedAllDestinations(db, standins);
  return { db, url: database.url, standins, destIds };
}

function track(p: RunningApp): RunningApp {
  cleanup.push(() => p.kill9());
  return p;
}

describe("worker processes", () => {
  it("a worker killed mid-send: its leased rows wait for the lease, are re-claimed, and re-sent under the SAME event ids", async () => {
    const { db, url, standins, destIds } = await setup();
    const web = track(await startWeb(url, standins));
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const order = drillOrder(1);
      expect(await postOrder(web.url, order)).toBe(200);
      ids.push(`purchase-${order.id}`);
    }
    // Meta takes 4 s to answer; the worker is killed while it waits.
    standins.setFault("meta", { type: "latency", ms: 4000 });
    const first = track(await startWorkerProcess(url, standins));
    // Kill it once the other platforms' results are on record and Meta's request is in flight.
    await waitFor(
      async () => standins.requests("meta") >= 1 && (await db.delivery.count({ where: { status: "delivered" } })) === ids.length * (STANDIN_KINDS.length - 1),
      { what: "every platform but Meta delivered, Meta's request in flight" },
    );
    expect(standins.received("meta")).toHaveLength(0);
    await first.kill9();
    // What the dead worker sent: one request, or more when its webhook run outlasted the pump's
    // kick interval (100 ms, ADR 0016) and the burst left in several.
    const sentByDead = standins.requests("meta");
    const dead = workerPrefix(first);
    const held = await db.delivery.findMany({ where: { destinationId: destIds.meta } });
    expect(held.map((r) => [r.status, r.lockedBy?.startsWith(dead)])).toEqual(ids.map(() => ["pending", true]));
    // Meta processes the request the dead worker sent (its answer goes nowhere).
    await waitFor(async () => standins.received("meta").length >= ids.length, { what: "Meta to process the orphaned request" });
    standins.setFault("meta", { type: "none" });

    const second = track(await startWorkerProcess(url, standins));
    // While the lease holds, the new worker leaves the rows alone.
    await new Promise((r) => setTimeout(r, 1500));
    expect(standins.requests("meta")).toBe(sentByDead);
    expect(await db.delivery.count({ where: { destinationId: destIds.meta, lockedBy: { startsWith: dead } } })).toBe(ids.length);

    if (LONG) {
      // The real thing: wait out the 120 s lease.
      await waitAllFinal(db, { timeoutMs: LEASE_MS + 60_000 });
    } else {
      // Default: fast-forward the dead worker's lease to "expired" (what 120 s of waiting would do).
      await db.delivery.updateMany({ where: { lockedBy: { startsWith: dead } }, data: { lockedUntil: new Date(Date.now() - 1) } });
      await waitAllFinal(db);
    }
    const meta = await db.delivery.findMany({ where: { destinationId: destIds.meta } });
    expect(meta.map((r) => [r.status, r.attempts, r.lockedBy])).toEqual(ids.map(() => ["delivered", 1, null]));
    // The platform saw each event twice, under the same id: its dedup keeps one.
    const counts = new Map<string, number>();
    for (const e of standins.received("meta")) counts.set(e.eventId!, (counts.get(e.eventId!) ?? 0) + 1);
    expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 2));
    expect(standins.dedupedCount("meta")).toBe(ids.length);
    const figures = await exactlyOnce(db, standins, destIds);
    for (const f of figures.filter((f) => f.kind !== "meta")) expect(f, f.kind).toMatchObject({ delivered: ids.length, repeats: 0 });
    console.log(`worker killed mid-send (${LONG ? "real 120 s lease" : "lease fast-forwarded"}): ${JSON.stringify(figures)}`);
    await second.stop();
  }, LEASE_MS + 180_000);

  it.skipIf(testDbKind() !== "postgres")("PostgreSQL: a worker process is woken by NOTIFY, not its poll: a webhook is processed and sent long before the next poll", async () => {
    const { db, url, standins } = await setup();
    const web = track(await startWeb(url, standins));
    const POLL_MS = 120_000;
    const worker = track(await startWorkerProcess(url, standins, { WORKER_POLL_MS: String(POLL_MS) }));
    await waitFor(async () => worker.output().includes("listening for work notifications"), { what: "the worker's LISTEN" });
    // Let its first pass (at start) finish: from here on, only a notification or the poll wakes it.
    await new Promise((r) => setTimeout(r, 500));
    const order = drillOrder(3);
    const posted = Date.now();
    expect(await postOrder(web.url, order)).toBe(200);
    // Far inside the poll interval (the test's own timeout is shorter than it).
    await waitFor(async () => standins.received("meta").some((e) => e.eventId === `purchase-${order.id}`), { what: "Meta to receive the order", timeoutMs: 30_000 });
    const tookMs = Date.now() - posted;
    expect(tookMs).toBeLessThan(POLL_MS);
    const hook = await db.webhookDelivery.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(hook.status).not.toBe("received");
    console.log(`NOTIFY wake-up: webhook stored → Meta request in ${tookMs} ms with a ${POLL_MS} ms poll`);
    await worker.stop();
    await web.stop();
  }, 60_000);

  it.skipIf(testDbKind() !== "postgres")("three workers on one PostgreSQL outbox: every delivery attempted by exactly one worker, each event accepted once", async () => {
    const { db, url, standins, destIds } = await setup();
    const web = track(await startWeb(url, standins));
    const workers = [];
    for (let i = 0; i < 3; i++) workers.push(track(await startWorkerProcess(url, standins)));
    const claimers = new Map<string, number>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const r of await db.delivery.findMany({ where: { lockedBy: { not: null } }, select: { lockedBy: true } })) {
          const w = workers.find((p) => r.lockedBy!.startsWith(workerPrefix(p)));
          if (w) claimers.set(workerPrefix(w), (claimers.get(workerPrefix(w)) ?? 0) + 1);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const orders = LONG ? 2000 : 150;
    // Slow platforms keep rows leased long enough for the workers to compete for them.
    for (const kind of STANDIN_KINDS) standins.setFault(kind, { type: "latency", ms: 30 });
    const statuses: number[] = [];
    for (let i = 0; i < orders; i += 10) {
      statuses.push(...(await Promise.all(Array.from({ length: Math.min(10, orders - i) }, () => postOrder(web.url, drillOrder(2))))));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await waitAllFinal(db, { expectRows: orders * STANDIN_KINDS.length, timeoutMs: LONG ? 900_000 : 180_000 });
    sampling = false;
    await sampler;

    const rows = await db.delivery.findMany({ select: { id: true, status: true, attempts: true } });
    expect(rows).toHaveLength(orders * STANDIN_KINDS.length);
    expect(rows.filter((r) => r.status !== "delivered" || r.attempts !== 1)).toEqual([]);
    const perRow = await db.deliveryAttempt.groupBy({ by: ["deliveryId"], _count: { _all: true } });
    expect(perRow).toHaveLength(rows.length);
    expect(perRow.filter((p) => p._count._all !== 1)).toEqual([]);
    const figures = await exactlyOnce(db, standins, destIds);
    for (const f of figures) {
      expect(f, f.kind).toEqual({ kind: f.kind, delivered: orders, distinctAccepted: orders, repeats: 0, skipped: 0 });
      expect(standins.dedupedCount(f.kind)).toBe(0);
    }
    console.log(`3 workers, ${orders} orders × ${STANDIN_KINDS.length} destinations: every row attempted once, every event accepted once; rows seen leased per worker (samples): ${JSON.stringify([...claimers.values()])}`);
    for (const w of workers) await w.stop();
    await web.stop();
  }, 1_000_000);
});
