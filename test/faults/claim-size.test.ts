import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { claimDueDeliveries, recordOutcomes } from "~/data/deliveries.server";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP, testDbKind } from "../support/env";
import { openDb, seedDestination, seedInstalledShop } from "../support/seed";

/**
 * No parameter-limit cliff: a claim of 2,000 rows is one UPDATE … RETURNING (no list of
 * values bound), and recording 2,000 outcomes is one set-based statement over a JSON
 * parameter, on either database.
 */
let db: Db;
let drop: () => Promise<void>;
const N = 2_100;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  db = await openDb(database.url);
  await seedInstalledShop(db, TEST_SHOP);
  const dest = await seedDestination(db, TEST_SHOP, "meta", { pixelId: "1234567890", accessToken: "EAAB-claim-size" });
  const now = new Date(Date.now() - 1000);
  for (let i = 0; i < N; i += 500) {
    await db.delivery.createMany({
      data: Array.from({ length: Math.min(500, N - i) }, (_, j) => ({
        shop: TEST_SHOP, destinationId: dest.id, conversionId: `conv-${i + j}`, eventId: `purchase-${i + j}`, eventName: "purchase", occurredAt: now, nextAttemptAt: now, firstQueuedAt: now,
      })),
    });
  }
});
afterAll(async () => {
  await db?.$disconnect();
  await drop?.();
});

describe("outbox claim and record at size", () => {
  it("claims 2,000 rows in one statement and records their outcomes in one", async () => {
    const claimed = await claimDueDeliveries(db, testDbKind(), { now: new Date(), limit: 2_000, leaseMs: 60_000, workerId: "big-claim" });
    expect(claimed).toHaveLength(2_000);
    expect(new Set(claimed.map((c) => c.id)).size).toBe(2_000);
    const token = claimed[0]!.claimToken;
    expect(claimed.every((c) => c.claimToken === token)).toBe(true);
    expect(await db.delivery.count({ where: { claimToken: token, lockedBy: "big-claim" } })).toBe(2_000);

    // A second claim gets only what is left.
    const rest = await claimDueDeliveries(db, testDbKind(), { now: new Date(), limit: 2_000, leaseMs: 60_000, workerId: "other" });
    expect(rest).toHaveLength(N - 2_000);

    const at = new Date();
    await recordOutcomes(
      db,
      token,
      claimed.map((c) => ({ id: c.id, status: "delivered" as const, at, requestId: "req-1" })),
      claimed.map((c) => ({ deliveryId: c.id, startedAt: at, durationMs: 5, outcome: "delivered" as const, httpStatus: 200 })),
      { provider: testDbKind(), requests: [{ id: "req-1", shop: TEST_SHOP, destinationId: claimed[0]!.destinationId, body: '{"data":[]}' }], now: at },
    );
    const rows = await db.delivery.findMany({ where: { id: { in: claimed.slice(0, 500).map((c) => c.id) } } });
    expect(rows.map((r) => [r.status, r.attempts, r.lockedBy, r.claimToken, r.requestId, r.deliveredAt?.getTime()])).toEqual(rows.map(() => ["delivered", 1, null, null, "req-1", at.getTime()]));
    expect(await db.delivery.count({ where: { status: "delivered" } })).toBe(2_000);
    expect(await db.deliveryAttempt.count()).toBe(2_000);
    expect(await db.deliveryRequest.count()).toBe(1);

    // The other claim's token cannot be used to write over these rows.
    await recordOutcomes(db, rest[0]!.claimToken, claimed.slice(0, 3).map((c) => ({ id: c.id, status: "failed" as const, error: "stale" })), [], { provider: testDbKind() });
    expect(await db.delivery.count({ where: { status: "failed" } })).toBe(0);
  });
});
