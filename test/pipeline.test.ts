import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnlineOrder, toWebhookBody } from "./factories/order-factory";
import type { Db } from "~/db.server";
import { startStandins, type Standins } from "./standins";
import { startApp, type RunningApp } from "./support/app-server";
import { createTestDatabase } from "./support/databases";
import { TEST_API_SECRET, TEST_SHOP } from "./support/env";
import { checkoutJourney } from "./support/pixel";
import { openDb, seedDestination, seedInstalledShop } from "./support/seed";
import { signedProxyUrl, webhookHeaders } from "./support/shopify-signing";
import { waitFor } from "./support/wait";

/**
 * The walking skeleton, over real HTTP against the real server (node server.mjs):
 * storefront event through the signed app proxy → orders/create webhook signed as
 * Shopify signs it → reconciled by checkout token → Purchase delivered to the Meta
 * stand-in, which checks the request as Meta documents it.
 */
describe("walking skeleton: pixel → webhook → reconcile → Meta", () => {
  let app: RunningApp;
  let db: Db;
  let standins: Standins;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, TEST_SHOP);
    standins = await startStandins();
    await seedDestination(db, TEST_SHOP, "meta", { ...standins.credentials.meta });
    app = await startApp({ databaseUrl: database.url, env: { DESTINATION_BASE_URLS: JSON.stringify(standins.urls) } });
  });

  afterAll(async () => {
    await app?.stop();
    await standins?.close();
    await db?.$disconnect();
    await drop?.();
  });

  const now = Date.now();
  const orderId = 5975031431338n;
  const checkoutToken = "b1946ac92492d2347c6235b4d2611184";
  const iso = (ms: number) => new Date(ms).toISOString();

  it("stores the pixel's events sent through the signed app proxy", async () => {
    const batch = checkoutJourney({ clientId: "client-walking-1", checkoutToken, orderId: orderId.toString(), email: "jane.doe@example.com" });
    const res = await fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(batch),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.json()).toEqual({ kind: "ok", accepted: 6, duplicates: 0, rejected: [] });
    const stored = await db.pixelEvent.findMany({ where: { shop: TEST_SHOP } });
    expect(stored).toHaveLength(6);
    // Personal data is hashed on arrival, never stored raw.
    expect(JSON.stringify(stored)).not.toContain("jane.doe@example.com");
    expect(stored.find((e) => e.name === "checkout_contact_info_submitted")?.emailHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("verifies, stores and reconciles orders/create, then delivers a Purchase to Meta", async () => {
    const order = buildOnlineOrder({ id: orderId, checkout_token: checkoutToken, created_at: iso(now - 60_000), processed_at: iso(now - 60_000), updated_at: iso(now - 50_000) });
    const body = toWebhookBody(order);
    const headers = webhookHeaders({ topic: "orders/create", shop: TEST_SHOP, secret: TEST_API_SECRET, body, webhookId: "wh-walking-1" });
    const res = await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers, body });
    expect(res.status).toBe(200);
    // Shopify retries: the same webhook id again is acknowledged and stored once.
    const again = await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers, body });
    expect(again.status).toBe(200);
    expect(await db.webhookDelivery.count({ where: { shop: TEST_SHOP, webhookId: "wh-walking-1" } })).toBe(1);

    const delivery = await waitFor(async () => {
      const d = await db.delivery.findFirst({ where: { shop: TEST_SHOP, eventId: `purchase-${orderId}` } });
      return d?.status === "delivered" ? d : undefined;
    });
    const stored = await db.order.findUniqueOrThrow({ where: { order_identity: { shop: TEST_SHOP, orderId: orderId.toString() } } });
    expect(stored.kind).toBe("online");
    expect(stored.matchStatus).toBe("matched");
    expect(["order_id", "checkout_token"]).toContain(stored.matchMethod);
    expect((JSON.parse(stored.explanation) as string[]).join(" ")).toMatch(/checkout/i);

    // The storefront's own events go too (default policy: view content, add to cart,
    // initiate checkout), with the browser's event ids; the purchase comes from the order.
    const stored6 = await db.pixelEvent.findMany({ where: { shop: TEST_SHOP, name: { in: ["product_viewed", "product_added_to_cart", "checkout_started"] } } });
    await waitFor(async () => standins.received("meta").length >= 4, { what: "4 events at the Meta stand-in" });
    const received = standins.received("meta");
    expect(received.map((r) => `${r.eventName}:${r.eventId}`).sort()).toEqual(
      [
        `Purchase:purchase-${orderId}`,
        ...stored6.map((e) => `${{ product_viewed: "ViewContent", product_added_to_cart: "AddToCart", checkout_started: "InitiateCheckout" }[e.name]}:${e.eventId}`),
      ].sort(),
    );
    expect(standins.dedupedCount("meta")).toBe(0);
    const purchase = received.find((r) => r.eventName === "Purchase")!;
    const sent = purchase.body as { user_data: Record<string, unknown>; custom_data: Record<string, unknown> };
    // Identity hashed as Meta documents, click id cookie inherited from the storefront session.
    // sha256("jane.doe@example.com"), computed with sha256sum, not by the code under test.
    expect(sent.user_data.em).toEqual(["86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"]);
    expect(sent.user_data.fbc).toMatch(/^fb\.1\.\d+\.IwAR0/);
    expect(sent.custom_data.currency).toBeDefined();
    const attempts = await db.deliveryAttempt.findMany({ where: { deliveryId: delivery.id } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: "delivered", httpStatus: 200 });
    // The body as sent is stored once per request, on the row's request.
    const request = await db.deliveryRequest.findUniqueOrThrow({ where: { id: delivery.requestId! } });
    expect(request.body).toContain(`"event_id":"${delivery.eventId}"`);
    expect(request.body).not.toContain("jane.doe@example.com");
    expect(request.body).not.toContain(standins.credentials.meta.accessToken);
  });

  it("answers a wrong webhook HMAC with 401 and stores nothing", async () => {
    const before = await db.webhookDelivery.count();
    const body = toWebhookBody(buildOnlineOrder({ id: 1n }));
    const headers = webhookHeaders({ topic: "orders/create", shop: TEST_SHOP, secret: "not-the-secret", body });
    const res = await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers, body });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "invalid HMAC signature" });
    expect(await db.webhookDelivery.count()).toBe(before);
  });

  it("answers a wrong or stale proxy signature with 401 and a malformed body with 400, storing nothing", async () => {
    const before = await db.pixelEvent.count();
    const body = JSON.stringify(checkoutJourney({ clientId: "client-bad", checkoutToken: "t", orderId: "1" }));
    const wrong = await fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: "wrong" }), { method: "POST", body });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "invalid app proxy signature" });
    const stale = await fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 }), { method: "POST", body });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toEqual({ error: "stale or missing app proxy timestamp" });
    const garbage = await fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), { method: "POST", body: "{not json" });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ error: "body is not valid JSON" });
    const wrongShape = await fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), { method: "POST", body: JSON.stringify({ v: 1, events: [] }) });
    expect(wrongShape.status).toBe(400);
    expect(await db.pixelEvent.count()).toBe(before);
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
