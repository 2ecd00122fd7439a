import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDueDeliveries, recordOutcomes, releaseDeliveries } from "~/data/deliveries.server";
import { createLogger } from "~/lib/logger.server";
import { processWebhooksTick } from "~/services/process-webhooks.server";
import { testKey } from "../support/seed";
import { checkInvariants, startRig, uniqueOrder, type Rig } from "./rig";

/**
 * Leases (fake clock, real worker loop): a worker that claimed rows and died holds them
 * until the lease runs out, then another worker claims and sends them; the dead worker,
 * should it come back, can no longer write over the result.
 */

const LEASE_MS = 120_000;
let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ kinds: ["meta", "tiktok"], leaseMs: LEASE_MS });
});
afterAll(async () => {
  await rig?.close();
});

describe("outbox leases", () => {
  it("rows claimed by a worker that died wait for the lease to expire, then are sent once by another worker", async () => {
    await rig.stopWorker();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const order = uniqueOrder(rig.clock.now());
      expect(await rig.postOrder(order)).toBe(200);
      ids.push(`purchase-${order.id}`);
    }
    // Turn the webhooks into outbox rows, then let a "worker" claim them and die before sending.
    const silent = createLogger({ write: () => undefined });
    await processWebhooksTick({ db: rig.db, provider: rig.provider, key: testKey(), log: silent, now: rig.clock.now, random: () => 0.5 });
    const claimedAt = rig.clock.now();
    const claimed = await claimDueDeliveries(rig.db, rig.provider, { now: new Date(claimedAt), limit: 100, leaseMs: LEASE_MS, workerId: "dead-worker" });
    expect(claimed.map((c) => c.eventId).sort()).toEqual([...ids, ...ids].sort());

    rig.startWorker();
    // Just before the lease runs out: nothing is sent, the rows are still the dead worker's.
    await rig.drain({ until: claimedAt + LEASE_MS - 1 });
    expect([rig.standins.requests("meta"), rig.standins.requests("tiktok")]).toEqual([0, 0]);
    const held = await rig.db.delivery.findMany({ where: { eventId: { in: ids } } });
    expect(held.map((r) => [r.status, r.lockedBy])).toEqual(held.map(() => ["pending", "dead-worker"]));

    // Past the lease: another worker claims and delivers each row once.
    await rig.drain();
    const done = await rig.db.delivery.findMany({ where: { eventId: { in: ids } } });
    expect(done.map((r) => [r.status, r.lockedBy, r.attempts])).toEqual(done.map(() => ["delivered", null, 1]));
    expect(Math.min(...done.map((r) => r.deliveredAt!.getTime()))).toBeGreaterThanOrEqual(claimedAt + LEASE_MS);
    const figures = await checkInvariants(rig, { only: ids });
    expect(figures.meta).toMatchObject({ rows: 4, distinct: 4, repeats: 0 });
    expect(figures.tiktok).toMatchObject({ rows: 4, distinct: 4, repeats: 0 });

    // The dead worker comes back and tries to record a stale result: nothing changes.
    await recordOutcomes(rig.db, "dead-worker", claimed.map((c) => ({ id: c.id, status: "failed" as const, error: "stale", requestBody: null })), []);
    await releaseDeliveries(rig.db, "dead-worker", claimed.map((c) => c.id), new Date(0));
    const after = await rig.db.delivery.findMany({ where: { eventId: { in: ids } } });
    expect(after.map((r) => [r.status, r.lastError, r.nextAttemptAt.getTime()])).toEqual(done.map((r) => [r.status, r.lastError, r.nextAttemptAt.getTime()]));
  });

  it("a row is never claimed twice while its lease holds, however many workers ask", async () => {
    await rig.stopWorker();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const order = uniqueOrder(rig.clock.now());
      expect(await rig.postOrder(order)).toBe(200);
      ids.push(`purchase-${order.id}`);
    }
    const silent = createLogger({ write: () => undefined });
    await processWebhooksTick({ db: rig.db, provider: rig.provider, key: testKey(), log: silent, now: rig.clock.now, random: () => 0.5 });
    const now = new Date(rig.clock.now());
    const claims = await Promise.all(
      Array.from({ length: 5 }, (_, i) => claimDueDeliveries(rig.db, rig.provider, { now, limit: 3, leaseMs: LEASE_MS, workerId: `w${i}` })),
    );
    const all = claims.flat().map((c) => c.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(12);
    // Release them all for the next test file's worker.
    for (let i = 0; i < 5; i++) await releaseDeliveries(rig.db, `w${i}`, claims[i]!.map((c) => c.id));
    rig.startWorker();
    await rig.drain();
    await checkInvariants(rig, { only: ids });
  });
});
