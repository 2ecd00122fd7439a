import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildCustomer,
  buildJpyOrder,
  buildOnlineOrder,
  buildRefund,
  buildRefundTransaction,
  gid,
  toWebhookBody,
} from "../factories/order-factory";
import type { CanonicalConversion } from "~/core/conversions/conversion";
import { TEST_API_SECRET } from "../support/env";
import { webhookHmac } from "../support/shopify-signing";
import { waitFor } from "../support/wait";
import { deliver, HOUR, iso, minor, MINUTE, sendPixel, sendWebhook, settle, startOrdersEnv, visitBatch, type OrdersEnv } from "./support";

/**
 * What Shopify (or anyone) can send that is wrong, through the real routes: a clear 4xx when
 * the request is not Shopify's (bad HMAC, missing headers, wrong method, a topic the route is
 * not subscribed to), 200 and a row recorded as rejected, with why, when Shopify sent
 * something a retry cannot fix (a body that is not JSON, a payload missing what we need, a shop that is not
 * installed). Never a 5xx, never an order lost or stored twice. Money in currencies without
 * decimals, refunds larger than the order.
 */

const SHOP = "orders-bad-input.myshopify.com";
const now = Date.now();
const iso0 = (ms: number) => iso(ms);

describe("bad input through the webhook routes", () => {
  let env: OrdersEnv;
  const row = (webhookId: string) => env.db.webhookDelivery.findFirst({ where: { shop: SHOP, webhookId }, select: { topic: true, status: true, error: true, rawBody: true } });

  beforeAll(async () => {
    env = await startOrdersEnv({ shop: SHOP, destinations: ["meta", "ga4"] });
  });
  afterAll(async () => {
    await env?.close();
  });

  it("not from Shopify: bad HMAC 401, HMAC of other bytes 401, missing headers or body 400, unsubscribed topic 400, GET 405; nothing stored", async () => {
    const body = toWebhookBody(buildOnlineOrder({ id: 7600000000001n }));
    const bad = await sendWebhook(env, "orders/create", null, { rawBody: body, secret: "not-the-secret", webhookId: "bad-hmac" });
    expect([bad.status, await bad.json()]).toEqual([401, { error: "invalid HMAC signature" }]);
    // Truncated in transit: Shopify signed the whole body, half of it arrived. A retry helps.
    const res = await fetch(`${env.app.url}/webhooks/orders`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": webhookHmac(body, TEST_API_SECRET), "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": SHOP, "X-Shopify-API-Version": "2026-10", "X-Shopify-Webhook-Id": "cut-in-transit" },
      body: body.slice(0, 500),
    });
    expect(res.status).toBe(401);
    const noTopic = await sendWebhook(env, "orders/create", buildOnlineOrder(), { omitHeaders: ["X-Shopify-Topic"], webhookId: "no-topic" });
    expect([noTopic.status, await noTopic.json()]).toEqual([400, { error: "missing or invalid Shopify webhook headers" }]);
    const noId = await sendWebhook(env, "orders/create", buildOnlineOrder(), { omitHeaders: ["X-Shopify-Webhook-Id"] });
    expect(noId.status).toBe(400);
    // Shopify never sends an empty body; the library refuses it before anything is stored.
    const empty = await sendWebhook(env, "orders/create", null, { rawBody: "", webhookId: "empty" });
    expect(empty.status).toBe(400);
    // A topic the route is not subscribed to (shopify.app.toml) is refused before anything is stored (ADR 0014).
    const unknown = await sendWebhook(env, "orders/exploded", null, { rawBody: body, webhookId: "unknown-topic", path: "/webhooks/orders" });
    expect([unknown.status, await unknown.json()]).toEqual([400, { error: 'topic "orders/exploded" is not subscribed on /webhooks/orders' }]);
    // A GET never reaches the action: 405 with the allowed method.
    const get = await fetch(`${env.app.url}/webhooks/orders`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(await env.db.webhookDelivery.count()).toBe(0);
  });

  it("signed but unusable: not JSON, truncated before signing, missing fields → 200, recorded as rejected with the reason, no order", async () => {
    const order = toWebhookBody(buildOnlineOrder({ id: 7600000000002n }));
    const cases: Array<{ id: string; topic: string; raw: string; error: string; stored: boolean }> = [
      { id: "not-json", topic: "orders/create", raw: "{not json", error: "body is not valid JSON (9 bytes); not retried", stored: false },
      { id: "signed-truncated", topic: "orders/create", raw: order.slice(0, 700), error: "body is not valid JSON (700 bytes); not retried", stored: false },
      { id: "no-id", topic: "orders/create", raw: JSON.stringify({ ...JSON.parse(order), id: undefined }), error: "order payload is malformed: id Invalid input", stored: true },
      { id: "no-created-at", topic: "orders/updated", raw: JSON.stringify({ ...JSON.parse(order), created_at: "yesterday-ish" }), error: 'unparseable created_at "yesterday-ish"', stored: true },
      { id: "no-money", topic: "orders/paid", raw: JSON.stringify({ ...JSON.parse(order), currency: null, total_price: null, total_price_set: null }), error: "order has no total price or currency", stored: true },
      { id: "array", topic: "orders/create", raw: "[]", error: "order payload is malformed:  Invalid input: expected object, received array", stored: true },
      { id: "refund-no-order", topic: "refunds/create", raw: JSON.stringify({ ...JSON.parse(toWebhookBody(buildRefund())), order_id: undefined }), error: "refund payload is malformed: order_id Invalid input", stored: true },
      { id: "redact-no-customer", topic: "customers/redact", raw: JSON.stringify({ shop_id: 1, shop_domain: SHOP }), error: "customers/redact names no customer (no id, email, phone or order)", stored: true },
    ];
    for (const c of cases) {
      const res = await sendWebhook(env, c.topic, null, { rawBody: c.raw, webhookId: c.id });
      expect({ id: c.id, status: res.status }).toEqual({ id: c.id, status: 200 });
      // Shopify retries with the same webhook id: acknowledged again, still one row.
      const again = await sendWebhook(env, c.topic, null, { rawBody: c.raw, webhookId: c.id });
      expect({ id: c.id, status: again.status }).toEqual({ id: c.id, status: 200 });
    }
    await settle(env.db, SHOP);
    for (const c of cases) {
      expect({ id: c.id, row: await row(c.id) }).toEqual({ id: c.id, row: { topic: c.topic, status: "rejected", error: c.error, rawBody: null } });
    }
    expect(await env.db.webhookDelivery.count({ where: { shop: SHOP } })).toBe(cases.length);
    expect(await env.db.order.count()).toBe(0);
  });

  it("any JSON at all, on any order route: never a 5xx, always recorded as processed or rejected, an order only when one is really there", async () => {
    const topics = ["orders/create", "orders/updated", "refunds/create", "draft_orders/update", "subscription_billing_attempts/success", "customers/data_request"];
    const sent: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...topics), fc.jsonValue({ maxDepth: 3 }), fc.boolean(), async (topic, value, namesShop) => {
        const webhookId = `fuzz-${sent.length}`;
        sent.push(webhookId);
        // A compliance body must name its shop (ADR 0014): half of them do, the rest get 401 and are not stored.
        const named = topic === "customers/data_request" && namesShop && value !== null && typeof value === "object" && !Array.isArray(value) ? { ...value, shop_domain: SHOP } : value;
        const res = await sendWebhook(env, topic, null, { rawBody: JSON.stringify(named) ?? "null", webhookId });
        if (topic === "customers/data_request" && named === value) {
          sent.pop();
          return res.status === 401;
        }
        return res.status === 200;
      }),
      { seed: 4242, numRuns: 60 },
    );
    // And shapes that look like orders but are wrong in the middle.
    const near = [
      { ...JSON.parse(toWebhookBody(buildOnlineOrder({ id: 7600000000003n }))), line_items: "lots", total_price_set: { shop_money: { amount: "abc", currency_code: "USD" } } },
      { ...JSON.parse(toWebhookBody(buildOnlineOrder({ id: 7600000000004n }))), id: -5, created_at: 12 },
      { id: 7600000000005, created_at: iso0(now), total_price: "1e309", currency: "USD" },
    ];
    for (const [i, value] of near.entries()) {
      const webhookId = `near-${i}`;
      sent.push(webhookId);
      expect((await sendWebhook(env, "orders/create", null, { rawBody: JSON.stringify(value), webhookId })).status).toBe(200);
    }
    await settle(env.db, SHOP);
    const rows = await env.db.webhookDelivery.findMany({ where: { shop: SHOP, webhookId: { in: sent } }, select: { webhookId: true, status: true, error: true } });
    expect(rows).toHaveLength(sent.length);
    expect(rows.filter((r) => r.status !== "processed" && r.status !== "rejected")).toEqual([]);
    expect(rows.filter((r) => r.webhookId.startsWith("near-")).sort((a, b) => a.webhookId.localeCompare(b.webhookId))).toEqual([
      // A malformed optional part degrades to nothing: the revenue (total_price) is still real.
      { webhookId: "near-0", status: "processed", error: "online order unmatched (none)" },
      { webhookId: "near-1", status: "rejected", error: "order payload is malformed: created_at Invalid input: expected string, received number" },
      { webhookId: "near-2", status: "rejected", error: "order has no total price or currency" },
    ]);
    const orders = await env.db.order.findMany({ select: { orderId: true, totalPrice: true, facts: true } });
    // (Out of the way of the next tests, which count this shop's orders.)
    await env.db.order.deleteMany({ where: { orderId: "7600000000003" } });
    await env.db.conversion.deleteMany({ where: { orderId: "7600000000003" } });
    await env.db.delivery.deleteMany({ where: { eventId: "purchase-7600000000003" } });
    expect(orders.map((o) => [o.orderId, o.totalPrice, (JSON.parse(o.facts) as { lineItems: unknown[] }).lineItems.length])).toEqual([["7600000000003", "127.44", 0]]);
  });

  it("one order, many concurrent deliveries with different webhook ids: stored once, one purchase, one outbox row per destination", async () => {
    const at = now - 30 * MINUTE;
    const order = buildOnlineOrder({ id: 820982911946154508n, admin_graphql_api_id: gid("Order", 820982911946154508n), checkout_token: "ck-race", created_at: iso(at), processed_at: iso(at), updated_at: iso(at + 2_000) });
    await Promise.all(Array.from({ length: 12 }, (_, i) => deliver(env, i % 2 ? "orders/create" : "orders/paid", order, { webhookId: `race-${i}` })));
    await settle(env.db, SHOP);
    expect(await env.db.order.findMany({ where: { shop: SHOP }, select: { orderId: true } })).toEqual([{ orderId: "820982911946154508" }]);
    expect(await env.db.conversion.findMany({ where: { shop: SHOP }, select: { eventId: true } })).toEqual([{ eventId: "purchase-820982911946154508" }]);
    expect((await env.db.delivery.findMany({ where: { shop: SHOP }, select: { eventId: true, status: true } })).sort((a, b) => a.status.localeCompare(b.status))).toEqual([
      { eventId: "purchase-820982911946154508", status: "delivered" },
      { eventId: "purchase-820982911946154508", status: "delivered" },
    ]);
    const notes = (await env.db.webhookDelivery.findMany({ where: { shop: SHOP, webhookId: { startsWith: "race-" } }, select: { error: true } })).map((r) => r.error).sort();
    expect(notes).toEqual(["online order unmatched (none)", ...Array(11).fill("same version already applied")]);
  });

  it("a refund that arrives before its order waits for it, then counts once", async () => {
    const at = now - 40 * MINUTE;
    const id = 7600000000010n;
    const refund = { ...buildRefund({ id: 9600000000010n, order_id: id, transactions: [buildRefundTransaction({ order_id: id, amount: "55.20", currency: "EUR" })] }), created_at: iso(now - 5 * MINUTE), processed_at: iso(now - 5 * MINUTE) };
    await deliver(env, "refunds/create", refund, { webhookId: "early-refund" });
    // Tried once, and waiting (still "received", with why).
    expect(await waitFor(async () => (await row("early-refund"))?.error ?? undefined, { what: "the early refund to be tried" })).toBe("order 7600000000010 not received yet");
    expect((await row("early-refund"))?.status).toBe("received");
    await deliver(env, "orders/create", buildOnlineOrder({ id, admin_graphql_api_id: gid("Order", id), checkout_token: "ck-late", created_at: iso(at), processed_at: iso(at), updated_at: iso(at + 2_000) }));
    await deliver(env, "refunds/create", refund); // and once more under another id
    await settle(env.db, SHOP);
    expect(await row("early-refund")).toMatchObject({ status: "processed", error: "refund recorded" });
    expect(await env.db.order.findUniqueOrThrow({ where: { order_identity: { shop: SHOP, orderId: id.toString() } } })).toMatchObject({ refundedTotal: "60.00" });
    expect(await env.db.conversion.count({ where: { shop: SHOP, orderId: id.toString(), name: "refund" } })).toBe(1);
  });

  it("JPY (no minor unit): amounts stay whole yen through splits, conversions and the platforms; a refund larger than the order is capped and flagged", async () => {
    const id = 7600000000020n;
    const t0 = now - 3 * HOUR;
    const hanako = buildCustomer({ id: 7301234567999n, admin_graphql_api_id: gid("Customer", 7301234567999n), email: "hanako@example.jp", first_name: "Hanako", last_name: "Yamada", currency: "JPY" });
    await sendPixel(env, visitBatch({ clientId: "c-jp", at: t0, url: "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=matcha_jp&gclid=Cj0Kjp" }));
    await sendPixel(env, visitBatch({ clientId: "c-jp", at: t0 + HOUR, url: "https://shop.example.com/?utm_source=line&utm_medium=sms&utm_campaign=matcha_jp" }));
    await sendPixel(env, visitBatch({ clientId: "c-jp", at: t0 + 2 * HOUR, url: "https://shop.example.com/collections/tea?utm_source=instagram&utm_medium=social&utm_campaign=matcha", checkout: { token: "ck-jp", orderId: id, email: "hanako@example.jp", value: 9800, currency: "JPY" } }));
    await settle(env.db, SHOP);
    const at = t0 + 2 * HOUR + 8 * MINUTE;
    await deliver(env, "orders/create", buildJpyOrder({ id, admin_graphql_api_id: gid("Order", id), checkout_token: "ck-jp", customer: hanako, created_at: iso(at), processed_at: iso(at), updated_at: iso(at + 2_000) }));
    await settle(env.db, SHOP);

    const o = await env.db.order.findUniqueOrThrow({ where: { order_identity: { shop: SHOP, orderId: id.toString() } } });
    expect(o).toMatchObject({ currency: "JPY", totalPrice: "9800", presentmentTotal: "9800", matchStatus: "matched", matchMethod: "order_id" });
    const credits = await env.db.attributionCredit.findMany({ where: { shop: SHOP, orderId: id.toString() }, orderBy: { orderAt: "asc" } });
    const linear = credits.filter((c) => c.model === "linear").map((c) => c.revenue);
    expect([...linear].sort()).toEqual(["3266", "3267", "3267"]);
    for (const model of ["first_touch", "last_touch", "linear", "position_based", "time_decay"]) {
      const rows = credits.filter((c) => c.model === model);
      expect(rows.every((c) => /^\d+$/.test(c.revenue) && c.currency === "JPY")).toBe(true);
      expect(rows.reduce((a, c) => a + minor(c.revenue, 0), 0n)).toBe(9800n);
    }
    const purchase = JSON.parse((await env.db.conversion.findUniqueOrThrow({ where: { conversion_event_id: { shop: SHOP, eventId: `purchase-${id}` } } })).payload) as CanonicalConversion;
    expect(purchase.value).toEqual({ shop: { amount: "9800", currency: "JPY" }, presentment: { amount: "9800", currency: "JPY" } });
    const meta = env.standins.received("meta").find((e) => e.eventId === `purchase-${id}`);
    expect((meta?.body as { custom_data?: Record<string, unknown> } | undefined)?.custom_data).toMatchObject({ value: 9800, currency: "JPY" });

    // 12,000 yen back on a 9,800 yen order: capped at 9,800 and flagged where the merchant reads it.
    await deliver(env, "refunds/create", { ...buildRefund({ id: 9600000000020n, order_id: id, transactions: [buildRefundTransaction({ order_id: id, amount: "12000", currency: "JPY" })], refund_line_items: [] }), created_at: iso(now - MINUTE), processed_at: iso(now - MINUTE) }, { webhookId: "jpy-over-refund" });
    await settle(env.db, SHOP);
    const after = await env.db.order.findUniqueOrThrow({ where: { order_identity: { shop: SHOP, orderId: id.toString() } } });
    expect(after.refundedTotal).toBe("9800");
    const flag = "Refund of 12000 JPY exceeds the 9800 JPY left to refund on order #2001; capped.";
    expect((JSON.parse(after.explanation) as string[]).slice(-1)).toEqual([flag]);
    expect(await row("jpy-over-refund")).toMatchObject({ status: "processed", error: `refund recorded; ${flag}` });
    const refund = JSON.parse((await env.db.conversion.findUniqueOrThrow({ where: { conversion_event_id: { shop: SHOP, eventId: "refund-9600000000020" } } })).payload) as CanonicalConversion;
    expect(refund.value).toEqual({ shop: { amount: "9800", currency: "JPY" }, presentment: { amount: "9800", currency: "JPY" } });
    const ga4 = env.standins.received("ga4").find((e) => e.eventName === "refund" && (e.body as { params?: { transaction_id?: string } }).params?.transaction_id === id.toString());
    expect((ga4?.body as { params?: Record<string, unknown> } | undefined)?.params).toMatchObject({ value: 9800, currency: "JPY" });
  });

  it("a shop that never installed the app: acknowledged, recorded as rejected, nothing created", async () => {
    await deliver({ app: env.app, shop: "never-installed.myshopify.com" }, "orders/create", buildOnlineOrder({ id: 7600000000030n }), { webhookId: "stranger" });
    await settle(env.db, "never-installed.myshopify.com");
    expect(await env.db.webhookDelivery.findFirst({ where: { webhookId: "stranger" }, select: { status: true, error: true } })).toEqual({
      status: "rejected",
      error: "the app is not installed on this shop (uninstalled or redacted)",
    });
    expect(await env.db.order.count({ where: { shop: "never-installed.myshopify.com" } })).toBe(0);
    expect(await env.db.shop.count({ where: { domain: "never-installed.myshopify.com" } })).toBe(0);
  });

  it("never answered 5xx and never logged an error for any of it", async () => {
    expect(env.app.output()).not.toMatch(/"level":"error"/);
  });
});
