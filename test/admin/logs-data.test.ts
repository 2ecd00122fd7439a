import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { parseLogFilter } from "~/core/logs/filters";
import { LOG_PAGE_SIZE, getDeliveriesPage, getDeliveryPage, getEventsPage, getOrderPage } from "~/services/logs.server";
import { replayOneDelivery } from "~/services/replay.server";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP } from "../support/env";
import { openDb, seedDestination } from "../support/seed";
import { META_CREDENTIALS } from "../standins";

/** The logs' reads against a real database: keyset pages, filters, and the shop boundary. */
const OTHER = "trueline-other.myshopify.com";

describe("logs reads", () => {
  let db: Db;
  let drop: () => Promise<void>;
  let destA: string;
  let destB: string;
  const base = Date.parse("2026-11-29T12:00:00Z");
  const q = (params: Record<string, string>) => parseLogFilter(new URLSearchParams({ range: "all", ...params }), base);

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    destA = (await seedDestination(db, TEST_SHOP, "meta", { ...META_CREDENTIALS })).id;
    destB = (await seedDestination(db, OTHER, "meta", { ...META_CREDENTIALS })).id;
    const rows = (shop: string, destinationId: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        shop,
        destinationId,
        conversionId: `${shop}-conv-${i % 7}`,
        eventId: `${shop}-ev-${i}`,
        eventName: i % 2 === 0 ? "purchase" : "add_to_cart",
        status: i % 3 === 0 ? "failed" : "delivered",
        nextAttemptAt: new Date(base),
        occurredAt: new Date(base),
        // Several rows share a timestamp: the id breaks the tie, so pages never skip or repeat.
        createdAt: new Date(base - Math.floor(i / 4) * 1000),
      }));
    await db.delivery.createMany({ data: [...rows(TEST_SHOP, destA, 130), ...rows(OTHER, destB, 20)] });
    await db.conversion.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({ id: `${TEST_SHOP}-conv-${i}`, shop: TEST_SHOP, eventId: `c-${i}`, name: "purchase", orderId: `900${i}`, occurredAt: new Date(base), payload: "{}" })),
    });
    await db.pixelEvent.createMany({
      data: Array.from({ length: 3 }, (_, i) => ({ shop: OTHER, eventId: `pe-${i}`, name: "page_viewed", occurredAt: new Date(base), clientId: "c", consent: "1111" })),
    });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await drop?.();
  });

  it("walks every delivery of the shop once, newest first, page by page", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await getDeliveriesPage(db, TEST_SHOP, q(cursor ? { cursor } : {}));
      expect(page.rows.length).toBeLessThanOrEqual(LOG_PAGE_SIZE);
      seen.push(...page.rows.map((r) => r.eventId));
      cursor = page.next ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    const expected = await db.delivery.findMany({ where: { shop: TEST_SHOP }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(seen).toEqual(expected.map((d) => d.eventId));
  });

  it("filters by status, event, destination and order id", async () => {
    const failed = await getDeliveriesPage(db, TEST_SHOP, q({ status: "failed" }));
    expect(failed.rows.every((r) => r.status === "failed")).toBe(true);
    expect(failed.rows.length).toBe(44);
    expect(failed.replayable).toBe(44);
    const purchases = await getDeliveriesPage(db, TEST_SHOP, q({ event: "purchase", status: "failed" }));
    expect(purchases.rows.every((r) => r.eventName === "purchase" && r.status === "failed")).toBe(true);
    const byOrder = await getDeliveriesPage(db, TEST_SHOP, q({ order: "9003" }));
    expect(byOrder.rows.length).toBeGreaterThan(0);
    expect(byOrder.rows.every((r) => r.orderId === "9003")).toBe(true);
    // Another shop's destination id filters to nothing, never to its rows.
    expect((await getDeliveriesPage(db, TEST_SHOP, q({ destination: destB }))).rows).toEqual([]);
  });

  it("never crosses shops: lists, details, orders and replays", async () => {
    const other = await getDeliveriesPage(db, OTHER, q({}));
    expect(other.rows.every((r) => r.eventId.startsWith(OTHER))).toBe(true);
    expect(other.rows.length).toBe(20);
    const mine = await db.delivery.findFirstOrThrow({ where: { shop: TEST_SHOP, status: "failed" } });
    expect(await getDeliveryPage(db, OTHER, mine.id)).toBeNull();
    expect(await replayOneDelivery(db, OTHER, mine.id, new Date())).toEqual({ kind: "not-found" });
    expect((await db.delivery.findUniqueOrThrow({ where: { id: mine.id } })).status).toBe("failed");
    expect((await getEventsPage(db, TEST_SHOP, q({}))).rows).toEqual([]);
    expect((await getEventsPage(db, OTHER, q({}))).rows).toHaveLength(3);
    expect(await getOrderPage(db, OTHER, "9003")).toBeNull();
  });

  it("a delivered row cannot be replayed", async () => {
    const delivered = await db.delivery.findFirstOrThrow({ where: { shop: TEST_SHOP, status: "delivered" } });
    expect(await replayOneDelivery(db, TEST_SHOP, delivered.id, new Date())).toEqual({ kind: "not-replayable", status: "delivered" });
    expect((await db.delivery.findUniqueOrThrow({ where: { id: delivered.id } })).status).toBe("delivered");
  });
});
