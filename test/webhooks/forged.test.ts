import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCustomer, buildCustomersRedact, buildOnlineOrder, buildShopRedact, gid, toWebhookBody } from "../factories/order-factory";
import { MAX_DELIVERY_AGE_MS } from "~/core/webhooks/acceptance";
import { TEST_API_SECRET } from "../support/env";
import { OPEN_POLICY, settle, startOrdersEnv, type OrdersEnv } from "../orders/support";
import { seedDestination, seedInstalledShop } from "../support/seed";
import { webhookHmac } from "../support/shopify-signing";

/**
 * Issue 11 part 2: Shopify's HMAC covers the body only. Each case takes a body Shopify really
 * signed and sends it again with headers of the attacker's choosing, through the real server.
 * On the code before ADR 0014 every one of them was acted on.
 */

const A = "forged-a.myshopify.com";
const B = "forged-b.myshopify.com";
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

interface Headers {
  topic: string;
  shop: string;
  webhookId: string;
  triggeredAt?: string;
}

/** The exact request Shopify makes for `body` (signature over these bytes), with the given headers. */
function post(env: OrdersEnv, path: string, body: string, h: Headers): Promise<Response> {
  return fetch(`${env.app.url}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": webhookHmac(body, TEST_API_SECRET),
      "X-Shopify-Topic": h.topic,
      "X-Shopify-Shop-Domain": h.shop,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": h.webhookId,
      "X-Shopify-Event-Id": `ev-${h.webhookId}`,
      "X-Shopify-Triggered-At": h.triggeredAt ?? iso(Date.now()),
    },
    body,
  });
}

function orderBody(id: bigint, email: string): string {
  const at = now - 20 * 60_000;
  const customer = buildCustomer({ id: id + 1000n, admin_graphql_api_id: gid("Customer", id + 1000n), email });
  return toWebhookBody(buildOnlineOrder({ id, admin_graphql_api_id: gid("Order", id), email, contact_email: email, customer, checkout_token: `ck-${id}`, created_at: iso(at), processed_at: iso(at), updated_at: iso(at + 2_000) }));
}

describe("forged webhook headers over real HTTP (issue 11 part 2)", () => {
  let env: OrdersEnv;

  /** What shop B holds: nothing forged may change any of it. */
  const stateOf = async (shop: string) => ({
    webhooks: await env.db.webhookDelivery.count({ where: { shop } }),
    orders: await env.db.order.count({ where: { shop } }),
    conversions: await env.db.conversion.count({ where: { shop } }),
    deliveries: await env.db.delivery.count({ where: { shop } }),
    sessions: await env.db.session.count({ where: { shop } }),
    destinations: await env.db.destination.count({ where: { shop } }),
    shop: await env.db.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } }),
    privacyRequests: await env.db.privacyRequest.count({ where: { shop } }),
  });

  beforeAll(async () => {
    env = await startOrdersEnv({ shop: A, destinations: ["meta"] });
    await seedInstalledShop(env.db, B);
    await seedDestination(env.db, B, "meta", { ...env.standins.credentials.meta }, OPEN_POLICY);
  });
  afterAll(async () => {
    await env?.close();
  });

  it("an orders/create body sent again as another shop: 401, nothing stored or forwarded for that shop", async () => {
    const body = orderBody(7700000000001n, "ada.forged@example.com");
    expect((await post(env, "/webhooks/orders", body, { topic: "orders/create", shop: A, webhookId: "genuine-1" })).status).toBe(200);
    await settle(env.db, A);
    expect(await env.db.order.count({ where: { shop: A } })).toBe(1);
    const before = await stateOf(B);

    const forged = await post(env, "/webhooks/orders", body, { topic: "orders/create", shop: B, webhookId: "forged-1" });
    expect([forged.status, await forged.json()]).toEqual([401, { error: "this signed body was delivered for another shop" }]);
    // The same forgery under Shopify's own webhook id for A, and as a retry would look.
    expect((await post(env, "/webhooks/orders", body, { topic: "orders/paid", shop: B, webhookId: "genuine-1" })).status).toBe(401);
    await settle(env.db, B);
    expect(await stateOf(B)).toEqual(before);
    expect(before.webhooks).toBe(0);
    // A's own retry of the same delivery is still acknowledged as a duplicate.
    expect((await post(env, "/webhooks/orders", body, { topic: "orders/create", shop: A, webhookId: "genuine-1" })).status).toBe(200);
    expect(await env.db.webhookDelivery.count({ where: { shop: A, webhookId: "genuine-1" } })).toBe(1);
  });

  it("an order body with X-Shopify-Topic app/uninstalled: 400 on the orders route, 401 on the uninstall route; the shop stays installed", async () => {
    const body = orderBody(7700000000002n, "bo.forged@example.com");
    const before = await stateOf(A);
    const onOrders = await post(env, "/webhooks/orders", body, { topic: "app/uninstalled", shop: A, webhookId: "topic-swap-1" });
    expect([onOrders.status, await onOrders.json()]).toEqual([400, { error: 'topic "app/uninstalled" is not subscribed on /webhooks/orders' }]);
    const onUninstall = await post(env, "/webhooks/app/uninstalled", body, { topic: "app/uninstalled", shop: A, webhookId: "topic-swap-2" });
    expect([onUninstall.status, await onUninstall.json()]).toEqual([401, { error: "app/uninstalled body does not name its shop (myshopify_domain)" }]);
    // Any topic the route is not subscribed to, and a real topic on another route's URL.
    expect((await post(env, "/webhooks/orders", body, { topic: "orders/exploded", shop: A, webhookId: "topic-swap-3" })).status).toBe(400);
    expect((await post(env, "/webhooks/refunds", body, { topic: "orders/create", shop: A, webhookId: "topic-swap-4" })).status).toBe(400);
    expect((await post(env, "/webhooks/shop/redact", body, { topic: "orders/create", shop: A, webhookId: "topic-swap-5" })).status).toBe(400);
    await settle(env.db, A);
    expect(await stateOf(A)).toEqual(before);
    expect(before.sessions).toBe(1);
    expect(before.shop).toEqual({ uninstalledAt: null });
  });

  it("a genuine app/uninstalled of one shop sent as another: 401, the other shop stays installed", async () => {
    const body = JSON.stringify({ id: 60000000001, name: "A", domain: "www.a-custom.example", myshopify_domain: A });
    const before = await stateOf(B);
    const res = await post(env, "/webhooks/app/uninstalled", body, { topic: "app/uninstalled", shop: B, webhookId: "uninstall-as-b" });
    expect([res.status, await res.json()]).toEqual([401, { error: "app/uninstalled body names another shop than X-Shopify-Shop-Domain" }]);
    await settle(env.db, B);
    expect(await stateOf(B)).toEqual(before);
  });

  it("shop/redact and customers/redact naming one shop, sent as another: 401, nothing of the other shop wiped", async () => {
    // B has an order of its own to lose.
    expect((await post(env, "/webhooks/orders", orderBody(7700000000003n, "cy.b@example.com"), { topic: "orders/create", shop: B, webhookId: "b-order" })).status).toBe(200);
    await settle(env.db, B);
    const before = await stateOf(B);
    expect(before.orders).toBe(1);

    const redact = await post(env, "/webhooks/shop/redact", toWebhookBody(buildShopRedact({ shop_domain: A })), { topic: "shop/redact", shop: B, webhookId: "redact-as-b" });
    expect([redact.status, await redact.json()]).toEqual([401, { error: "shop/redact body names another shop than X-Shopify-Shop-Domain" }]);
    const customer = await post(env, "/webhooks/customers/redact", toWebhookBody(buildCustomersRedact({ shop_domain: A, customer: { id: 7700000001003n, email: "cy.b@example.com", phone: null }, orders_to_redact: [7700000000003n] })), { topic: "customers/redact", shop: B, webhookId: "cust-redact-as-b" });
    expect(customer.status).toBe(401);
    const nameless = await post(env, "/webhooks/shop/redact", JSON.stringify({ shop_id: 1 }), { topic: "shop/redact", shop: B, webhookId: "redact-nameless" });
    expect([nameless.status, await nameless.json()]).toEqual([401, { error: "shop/redact body does not name its shop (shop_domain)" }]);
    await settle(env.db, B);
    expect(await stateOf(B)).toEqual(before);
  });

  it("X-Shopify-Triggered-At older than Shopify's retry window plus the margin: 401, nothing stored; inside it: stored", async () => {
    const before = await stateOf(A);
    const stale = await post(env, "/webhooks/orders", orderBody(7700000000004n, "di.stale@example.com"), { topic: "orders/create", shop: A, webhookId: "stale-1", triggeredAt: iso(Date.now() - MAX_DELIVERY_AGE_MS - 60_000) });
    expect([stale.status, await stale.json()]).toEqual([401, { error: "stale delivery: triggered longer ago than Shopify retries (a replay)" }]);
    const week = await post(env, "/webhooks/orders", orderBody(7700000000005n, "di.stale@example.com"), { topic: "orders/create", shop: A, webhookId: "stale-2", triggeredAt: iso(Date.now() - 7 * 24 * 3_600_000) });
    expect(week.status).toBe(401);
    const missing = await fetch(`${env.app.url}/webhooks/orders`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": webhookHmac("{}", TEST_API_SECRET), "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": A, "X-Shopify-API-Version": "2026-10", "X-Shopify-Webhook-Id": "no-triggered-at" },
      body: "{}",
    });
    expect(missing.status).toBe(400);
    expect(await stateOf(A)).toEqual(before);
    // Shopify's last retry, hours after the trigger, is still accepted.
    const late = await post(env, "/webhooks/orders", orderBody(7700000000006n, "di.late@example.com"), { topic: "orders/create", shop: A, webhookId: "late-retry", triggeredAt: iso(Date.now() - MAX_DELIVERY_AGE_MS + 10 * 60_000) });
    expect(late.status).toBe(200);
    await settle(env.db, A);
    expect(await env.db.order.count({ where: { shop: A, orderId: "7700000000006" } })).toBe(1);
  });

  it("the same webhook id with another signed body is a different delivery: stored beside the first, neither dropped nor overwritten", async () => {
    const first = orderBody(7700000000007n, "ed.first@example.com");
    const second = orderBody(7700000000008n, "flo.second@example.com");
    expect((await post(env, "/webhooks/orders", first, { topic: "orders/create", shop: A, webhookId: "shared-id" })).status).toBe(200);
    expect((await post(env, "/webhooks/orders", second, { topic: "orders/create", shop: A, webhookId: "shared-id" })).status).toBe(200);
    // Shopify's retries of each: duplicates.
    expect((await post(env, "/webhooks/orders", first, { topic: "orders/create", shop: A, webhookId: "shared-id" })).status).toBe(200);
    expect((await post(env, "/webhooks/orders", second, { topic: "orders/create", shop: A, webhookId: "shared-id" })).status).toBe(200);
    await settle(env.db, A);
    const rows = await env.db.webhookDelivery.findMany({ where: { shop: A, webhookId: "shared-id" }, select: { status: true, bodyDigest: true } });
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.bodyDigest)).size).toBe(2);
    expect(rows.map((r) => r.status)).toEqual(["processed", "processed"]);
    const orders = await env.db.order.findMany({ where: { shop: A, orderId: { in: ["7700000000007", "7700000000008"] } }, select: { orderId: true }, orderBy: { orderId: "asc" } });
    expect(orders).toEqual([{ orderId: "7700000000007" }, { orderId: "7700000000008" }]);
  });
});
