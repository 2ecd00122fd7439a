import { afterEach, describe, expect, it } from "vitest";
import { startStandins, STANDIN_KINDS } from "../standins";
import type { RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP, testDbKind } from "../support/env";
import { openDb, seedInstalledShop } from "../support/seed";
import { waitFor } from "../support/wait";
import { startLoad } from "./load";
import { exactlyOnce, seedAllDestinations, startWeb, startWorkerProcess, waitAllFinal, workerPrefix } from "./processes";

/**
 * The documented multi-machine deployment (README "PostgreSQL and scale-out") on loopback:
 * 2 stateless web processes (WORKER_MODE=off) and 3 worker processes (`--worker-only`)
 * sharing one PostgreSQL. Storefront batches and order webhooks are spread over both web
 * processes; every acknowledged event must be stored, and every order delivered exactly
 * once per destination however the workers split the outbox.
 */
const LONG = process.env.DRILL_LONG === "1";

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});
const track = (p: RunningApp) => {
  cleanup.push(() => p.kill9());
  return p;
};

describe.skipIf(testDbKind() !== "postgres")("scale-out on PostgreSQL", () => {
  it("2 web + 3 worker processes under mixed load: nothing lost, nothing sent twice", async () => {
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
    const webs = [track(await startWeb(database.url, standins, { WORKER_MODE: "off" })), track(await startWeb(database.url, standins, { WORKER_MODE: "off" }))];
    const workers: RunningApp[] = [];
    for (let i = 0; i < 3; i++) workers.push(track(await startWorkerProcess(database.url, standins)));

    // Which worker holds which leased rows, sampled until two workers were seen holding rows
    // (all the assertion below needs). The query walks the whole outbox (no index on lockedBy),
    // so sampling every 20 ms through the drain took most of the database's time in the long
    // form (~190k rows) and slowed the workers it watches.
    const leasedBy = new Map<string, Set<string>>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        if ([...leasedBy.values()].filter((rows) => rows.size > 0).length > 1) break;
        for (const r of await db.delivery.findMany({ where: { lockedBy: { not: null } }, select: { id: true, lockedBy: true } })) {
          const w = workers.find((p) => r.lockedBy!.startsWith(workerPrefix(p)));
          if (w) leasedBy.set(workerPrefix(w), (leasedBy.get(workerPrefix(w)) ?? new Set()).add(r.id));
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })().catch(() => undefined);
    cleanup.push(async () => {
      sampling = false;
      await sampler;
    });

    const started = Date.now();
    const load = startLoad({ targets: () => webs.map((w) => w.url), lanes: 8, salt: 7100, journeys: true });
    await new Promise((r) => setTimeout(r, LONG ? 60_000 : 8_000));
    await load.stop();
    const loadSeconds = (Date.now() - started) / 1000;
    const f = load.figures;
    expect(f.unacked.size).toBe(0);
    expect(f.statuses["0"] ?? 0).toBe(0);
    const orders = f.ackedOrders.size;
    expect(orders).toBeGreaterThan(10);

    // Every event answered 2xx is stored exactly once.
    await waitFor(async () => (await db.pixelEvent.count({ where: { shop: TEST_SHOP } })) >= f.storedEventIds.size, { timeoutMs: 60_000 });
    const stored = await db.pixelEvent.findMany({ where: { shop: TEST_SHOP }, select: { eventId: true } });
    expect(new Set(stored.map((e) => e.eventId))).toEqual(f.storedEventIds);

    await waitAllFinal(db, { expectRows: orders * STANDIN_KINDS.length, timeoutMs: LONG ? 900_000 : 240_000 });
    const figures = await exactlyOnce(db, standins, destIds);
    for (const x of figures) {
      // Storefront events are forwarded too, so there are more rows than orders; no event
      // reached a platform twice (platforms without an event id, like GA4 page views, are
      // counted by their purchases below).
      expect(x.repeats, x.kind).toBe(0);
      expect(x.delivered, x.kind).toBeGreaterThanOrEqual(orders);
    }
    // Every acknowledged order reached every destination as a purchase.
    for (const kind of STANDIN_KINDS) {
      const purchases = await db.delivery.count({ where: { destinationId: destIds[kind], status: "delivered", eventName: "purchase" } });
      expect(purchases, kind).toBeGreaterThanOrEqual(orders);
    }
    sampling = false;
    await sampler;
    // The outbox was shared: more than one worker process held rows.
    const perWorker = workers.map((w) => leasedBy.get(workerPrefix(w))?.size ?? 0);
    expect(perWorker.filter((n) => n > 0).length).toBeGreaterThan(1);
    // Every row ended with exactly one attempt: no two workers sent the same row.
    const multi = await db.deliveryAttempt.groupBy({ by: ["deliveryId"], _count: { _all: true } });
    expect(multi.filter((m) => m._count._all !== 1)).toEqual([]);
    console.log(
      `scale-out: 2 web + 3 workers, ${loadSeconds.toFixed(1)} s of load: ${f.proxyOk} storefront batches (${f.storedEventIds.size} events) and ${orders} orders acknowledged, ` +
        `all stored; ${multi.length} deliveries each attempted once; rows seen leased per worker ${JSON.stringify(perWorker)}`,
    );
  }, 1_200_000);
});
