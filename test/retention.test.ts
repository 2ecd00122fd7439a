import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { createLogger } from "~/lib/logger.server";
import { saveShopSettings, ShopSettingsSchema } from "~/data/shops.server";
import { runRetentionSweep } from "~/services/retention.server";
import { startWorker } from "~/jobs/worker.server";
import { testKey } from "./support/seed";
import { testDbKind } from "./support/env";
import { createTestDatabase } from "./support/databases";
import { openDb } from "./support/seed";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-22T12:00:00Z");
const SHOP = "retention.myshopify.com";

describe("data retention sweep", () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const d = await createTestDatabase();
    drop = d.drop;
    db = await openDb(d.url);
    await saveShopSettings(db, SHOP, ShopSettingsSchema.parse({ retentionDays: 30 }));
    const event = (id: string, daysAgo: number) => ({
      shop: SHOP, eventId: id, name: "page_viewed", occurredAt: new Date(NOW - daysAgo * DAY), clientId: "c1", consent: "1111", ip: "203.0.113.5",
    });
    await db.pixelEvent.createMany({ data: [event("old", 45), event("new", 3)] });
    const order = (orderId: string, daysAgo: number) => ({
      shop: SHOP, orderId, kind: "online", shopifyCreatedAt: new Date(NOW - daysAgo * DAY), shopifyUpdatedAt: new Date(NOW - daysAgo * DAY),
      currency: "USD", totalPrice: "10.00", presentmentCurrency: "USD", presentmentTotal: "10.00", emailHash: "a".repeat(64),
      facts: JSON.stringify({ orderId, email: "old.buyer@example.com", phone: "+15555550100", totals: { total: "10.00" } }),
    });
    await db.order.createMany({ data: [order("1", 60), order("2", 5)] });
    await db.conversion.create({ data: { shop: SHOP, eventId: "purchase-1", name: "purchase", orderId: "1", occurredAt: new Date(NOW - 60 * DAY), payload: JSON.stringify({ user: { email: "old.buyer@example.com" }, clickIds: { fbclid: "x" } }) } });
  });
  afterAll(async () => {
    await db.$disconnect();
    await drop();
  });

  it("deletes old storefront events and strips personal data from old orders, keeping totals", async () => {
    const result = await runRetentionSweep({ db, now: () => NOW, log: createLogger({ write: () => undefined }) });
    expect(result).toEqual({ shops: 1, events: 1, orders: 1 });
    expect((await db.pixelEvent.findMany({ where: { shop: SHOP } })).map((e) => e.eventId)).toEqual(["new"]);
    const old = await db.order.findFirstOrThrow({ where: { shop: SHOP, orderId: "1" } });
    expect(old.totalPrice).toBe("10.00");
    expect(old.emailHash).toBeNull();
    expect(old.facts).not.toContain("old.buyer@example.com");
    expect(old.facts).not.toContain("5555550100");
    const recent = await db.order.findFirstOrThrow({ where: { shop: SHOP, orderId: "2" } });
    expect(recent.facts).toContain("old.buyer@example.com");
    const conv = await db.conversion.findFirstOrThrow({ where: { shop: SHOP, eventId: "purchase-1" } });
    expect(JSON.parse(conv.payload)).toEqual({ user: {}, clickIds: {} });
    // Idempotent: a second sweep finds nothing more to do.
    expect(await runRetentionSweep({ db, now: () => NOW, log: createLogger({ write: () => undefined }) })).toEqual({ shops: 1, events: 0, orders: 0 });
  });

  it("the worker loop runs the sweep once its interval has passed on its clock", async () => {
    await db.pixelEvent.create({ data: { shop: SHOP, eventId: "old-2", name: "page_viewed", occurredAt: new Date(NOW - 45 * DAY), clientId: "c1", consent: "1111" } });
    let clock = NOW;
    const lines: string[] = [];
    const worker = startWorker({
      db, provider: testDbKind(), key: testKey(), workerId: "retention-test", now: () => clock, pollMs: 10, retentionEveryMs: 3_600_000,
      log: createLogger({ write: (line: string) => lines.push(line) }),
    });
    try {
      await worker.idle();
      // Not yet: the first sweep waits one interval after start.
      expect(await db.pixelEvent.count({ where: { shop: SHOP, eventId: "old-2" } })).toBe(1);
      clock += 3_600_000;
      await worker.idle();
      await worker.idle();
      expect(await db.pixelEvent.count({ where: { shop: SHOP, eventId: "old-2" } })).toBe(0);
      expect(lines.some((l) => l.includes('"retention sweep"'))).toBe(true);
    } finally {
      await worker.stop();
    }
  });
});
