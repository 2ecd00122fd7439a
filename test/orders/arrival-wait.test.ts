import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCustomer, buildOnlineOrder, gid, toWebhookBody } from "../factories/order-factory";
import { insertPixelEventGroups, type NewPixelEvent } from "~/data/pixel-events.server";
import type { Db, DbProvider } from "~/db.server";
import { createLogger } from "~/lib/logger.server";
import { applyOrderWebhook, ORDER_WAIT_FOR_EVENTS_MS } from "~/services/orders.server";
import { processPixelEventsTick } from "~/services/visits.server";
import { createTestDatabase } from "../support/databases";
import { openDb, seedInstalledShop, testKey } from "../support/seed";
import { iso, MINUTE } from "./support";

/**
 * ADR 0005, rule 1 as scoped by issue 10: an order waits (bounded) only for the unsessionised
 * pixel events that could change ITS match — from its shopper's browser, or carrying its
 * customer id, email or phone — not for the rest of the shop's backlog.
 */
const SHOP = "arrival-wait.myshopify.com";
const provider: DbProvider = process.env.TEST_DATABASE === "postgres" ? "postgres" : "sqlite";

function event(over: Partial<NewPixelEvent> & Pick<NewPixelEvent, "eventId" | "name" | "occurredAt" | "clientId">): NewPixelEvent {
  return {
    shop: SHOP,
    receivedAt: over.occurredAt,
    visitorId: null,
    url: "https://shop.example.com/",
    referrer: null,
    checkoutToken: null,
    orderId: null,
    cartToken: null,
    customerId: null,
    emailHash: null,
    phoneHash: null,
    consent: "1111",
    isBot: false,
    data: "{}",
    identity: "{}",
    userAgent: null,
    ip: null,
    ...over,
  };
}

/** A shopper's checkout the pixel saw (sessionised by the caller) and the order that followed. */
function shopper(n: number, at: number, customerId: bigint) {
  const orderId = 7700000000000n + BigInt(n);
  const events = [
    event({ eventId: `s${n}-view`, name: "page_viewed", occurredAt: new Date(at), clientId: `c-shopper-${n}` }),
    event({ eventId: `s${n}-done`, name: "checkout_completed", occurredAt: new Date(at + 5 * MINUTE), clientId: `c-shopper-${n}`, checkoutToken: `ck-${n}`, orderId: String(orderId), data: JSON.stringify({ value: 10, currency: "USD" }) }),
  ];
  const created = at + 6 * MINUTE;
  const order = buildOnlineOrder({
    id: orderId,
    admin_graphql_api_id: gid("Order", orderId),
    checkout_token: `ck-${n}`,
    cart_token: null,
    email: `shopper${n}@example.com`,
    contact_email: `shopper${n}@example.com`,
    customer: buildCustomer({ id: customerId, email: `shopper${n}@example.com` }),
    created_at: iso(created),
    processed_at: iso(created),
    updated_at: iso(created + 2_000),
  });
  return { events, body: toWebhookBody(order) };
}

describe("an order waits only for the unsessionised events that could change its match (ADR 0005)", () => {
  let db: Db;
  let drop: () => Promise<void>;
  const deps = () => ({ db, provider, key: testKey(), log: createLogger({ level: "error", write: () => undefined }), now: Date.now, random: Math.random });

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, SHOP);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await drop?.();
  });

  it("is processed at once when its evidence is sessionised, while another browser's backlog is not", async () => {
    const now = Date.now();
    const s = shopper(1, now - 60 * MINUTE, 7701000000001n);
    await insertPixelEventGroups(db, [s.events]);
    while ((await processPixelEventsTick(deps())) > 0);
    // Another shopper's visit, received before the webhook and not sessionised yet.
    await insertPixelEventGroups(db, [
      Array.from({ length: 20 }, (_, i) => event({ eventId: `other-${i}`, name: "page_viewed", occurredAt: new Date(now - 10 * MINUTE + i * 1_000), clientId: "c-other", customerId: "7701000000999", emailHash: "other-email-key" })),
    ]);
    const receivedAt = new Date(now);
    const result = await applyOrderWebhook(deps(), SHOP, s.body, new Date(now + 1_000), { receivedAt });
    expect(result).toMatchObject({ kind: "processed", note: expect.stringMatching(/^online order matched \(order_id\)/) });
  });

  it("waits while an earlier event of its own browser is unsessionised, up to the bound", async () => {
    const now = Date.now();
    const s = shopper(2, now - 60 * MINUTE, 7701000000002n);
    await insertPixelEventGroups(db, [s.events]);
    while ((await processPixelEventsTick(deps())) > 0);
    // The same browser's earlier visit (an ad click), arriving late: received before the webhook.
    await insertPixelEventGroups(db, [[event({ eventId: "s2-ad", name: "page_viewed", occurredAt: new Date(now - 90 * MINUTE), receivedAt: new Date(now - MINUTE), clientId: "c-shopper-2", url: "https://shop.example.com/?gclid=Cj0Kwait" })]]);
    const receivedAt = new Date(now);
    const waiting = await applyOrderWebhook(deps(), SHOP, s.body, new Date(now + 1_000), { receivedAt });
    expect(waiting).toEqual({ kind: "retry-later", reason: "storefront events of this shopper received before this order are still being processed" });
    // The bound: past ORDER_WAIT_FOR_EVENTS_MS after the webhook was received the order goes ahead.
    expect((await applyOrderWebhook(deps(), SHOP, s.body, new Date(now + ORDER_WAIT_FOR_EVENTS_MS), { receivedAt })).kind).toBe("processed");
  });

  it("waits for an unsessionised event from another browser carrying its customer id", async () => {
    const now = Date.now();
    const s = shopper(3, now - 60 * MINUTE, 7701000000003n);
    await insertPixelEventGroups(db, [s.events]);
    while ((await processPixelEventsTick(deps())) > 0);
    await insertPixelEventGroups(db, [[event({ eventId: "s3-phone", name: "page_viewed", occurredAt: new Date(now - 30 * MINUTE), receivedAt: new Date(now - MINUTE), clientId: "c-shopper-3-phone", customerId: "7701000000003" })]]);
    const receivedAt = new Date(now);
    expect((await applyOrderWebhook(deps(), SHOP, s.body, new Date(now + 1_000), { receivedAt })).kind).toBe("retry-later");
    while ((await processPixelEventsTick(deps())) > 0);
    expect((await applyOrderWebhook(deps(), SHOP, s.body, new Date(now + 6_000), { receivedAt })).kind).toBe("processed");
  });
});
