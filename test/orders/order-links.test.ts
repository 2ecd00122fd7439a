import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildCustomer,
  buildDraftCompletedOrder,
  buildDraftOrder,
  buildBillingAttempt,
  buildOnlineOrder,
  buildOrderEditedPayload,
  buildPostPurchaseEditedOrder,
  buildRefund,
  buildSubscriptionContract,
  buildSubscriptionFirstOrder,
  buildSubscriptionRenewalOrder,
  gid,
  type RestOrder,
} from "../factories/order-factory";
import type { CanonicalConversion } from "~/core/conversions/conversion";
import { adminFetch, saveSettingsOverHttp } from "../support/admin-http";
import { deliver, HOUR, iso, MINUTE, sendPixel, settle, startOrdersEnv, visitBatch, type OrdersEnv } from "./support";

/**
 * Issue 13, orders: drafts, subscription contracts, edits, refunds and cancellations through the
 * real webhook routes (signed as Shopify signs them), the real server and the platform stand-ins.
 * What each order inherits and how its explanation says so; renewals credited or not by the
 * shop's setting; Google Ads adjustments (RESTATEMENT, RETRACTION) of the purchase it already
 * has, GA4's refund event, and a skip with its reason everywhere else.
 */

const SHOP = "orders-links.myshopify.com";
const now = Date.now();

const EDITED = 5975031439001n;
const DRAFT_FIRST = 5975031439101n; // the draft arrives before its order
const DRAFT_LATE = 5975031439102n; // the order arrives before its draft
const SUB_FIRST = 5975031439201n;
const RENEWAL_1 = 5975031439202n;
const RENEWAL_2 = 5975031439203n;
const CONTRACT = 9998870001n;

const JANE = buildCustomer();
const SUBSCRIBER = buildCustomer({ id: 7302000000009n, admin_graphql_api_id: gid("Customer", 7302000000009n), email: "sub.links@example.com", first_name: "Sam", last_name: "Links" });
const CHAT_BUYER = buildCustomer({ id: 7309990000009n, admin_graphql_api_id: gid("Customer", 7309990000009n), email: "chat.buyer@example.com", first_name: "Cara", last_name: "Chat" });

const EDIT_AT = now - 40 * MINUTE;
const SUB_AT = now - 3 * HOUR;

function timed(o: RestOrder, at: number, updatedAt = at + 2_000): RestOrder {
  return { ...o, created_at: iso(at), processed_at: iso(at), updated_at: iso(updatedAt) };
}

describe("drafts, subscriptions, edits, refunds and cancellations over signed HTTP", () => {
  let env: OrdersEnv;
  const order = (id: bigint) => env.db.order.findUniqueOrThrow({ where: { order_identity: { shop: SHOP, orderId: id.toString() } } });
  const explanation = async (id: bigint) => JSON.parse((await order(id)).explanation) as string[];
  const conversion = async (eventId: string) =>
    JSON.parse((await env.db.conversion.findUniqueOrThrow({ where: { conversion_event_id: { shop: SHOP, eventId } } })).payload) as CanonicalConversion;
  const deliveries = async (eventId: string) =>
    Object.fromEntries(
      (await env.db.delivery.findMany({ where: { shop: SHOP, eventId } })).map((d) => [
        Object.entries(env.destinationIds).find(([, id]) => id === d.destinationId)![0],
        d.status === "skipped" ? `skipped: ${d.lastError ?? ""}` : d.status,
      ]),
    );
  const hook = async (topic: string, payload: unknown) => {
    await deliver(env, topic, payload);
    await settle(env.db, SHOP);
  };
  const adjustments = () => env.standins.received("google-ads").filter((e) => e.eventName.startsWith("adjustment:"));

  beforeAll(async () => {
    env = await startOrdersEnv({ shop: SHOP });
    // Jane clicks a Google ad and buys (the order she later edits, gets refunded and cancels).
    await sendPixel(
      env,
      visitBatch({
        clientId: "c-edit",
        at: EDIT_AT - 5 * MINUTE,
        url: "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0KeditGoogle",
        referrer: "https://www.google.com/",
        checkout: { token: "ck-edit-1", orderId: EDITED, email: "jane.doe@example.com" },
      }),
    );
    // Sam starts a subscription from a Google ad.
    await sendPixel(
      env,
      visitBatch({
        clientId: "c-sub-links",
        at: SUB_AT,
        url: "https://shop.example.com/products/coffee-beans?utm_source=google&utm_medium=cpc&utm_campaign=coffee_sub&gclid=Cj0KsubLinks",
        referrer: "https://www.google.com/",
        checkout: { token: "ck-sub-links", orderId: SUB_FIRST, email: "sub.links@example.com", customerId: "7302000000009", value: 27 },
      }),
    );
    await settle(env.db, SHOP);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("edit, partial refund, cancel: Google Ads restates then retracts the purchase, GA4 gets the refund, the others say why not", async () => {
    const v1 = timed(buildOnlineOrder({ id: EDITED, admin_graphql_api_id: gid("Order", EDITED), checkout_token: "ck-edit-1", customer: JANE }), EDIT_AT);
    await hook("orders/create", v1);
    const purchaseId = `purchase-${EDITED}`;
    expect(env.standins.received("google-ads").some((e) => e.eventId === purchaseId && !e.eventName.startsWith("adjustment:"))).toBe(true);

    // orders/edited (the edit only), then orders/updated with the added line and the new total.
    await hook("orders/edited", buildOrderEditedPayload({ order_id: EDITED, committed_at: iso(EDIT_AT + 10 * MINUTE), created_at: iso(EDIT_AT + 10 * MINUTE) }));
    const v2At = EDIT_AT + 10 * MINUTE + 1_000;
    const v2 = { ...buildPostPurchaseEditedOrder({ id: EDITED, admin_graphql_api_id: gid("Order", EDITED), checkout_token: "ck-edit-1", customer: JANE }), created_at: iso(EDIT_AT), processed_at: iso(EDIT_AT), updated_at: iso(v2At) };
    await hook("orders/updated", v2);
    // The same version again changes nothing (no second restatement).
    await hook("orders/updated", v2);

    const o = await order(EDITED);
    expect([o.totalPrice, o.presentmentTotal]).toEqual(["145.44", "133.80"]);
    const text = await explanation(EDITED);
    expect(text.some((s) => /^Edited by app 4780109 \(edit 78912328\): 1 line\(s\) added, 0 removed\.$/.test(s))).toBe(true);
    expect(text.some((s) => s.includes("line list and total changed after the purchase was reported"))).toBe(true);

    // Numbered, not stamped: the first change of this order's total or lines.
    const editId = `order_edit-${EDITED}-1`;
    const edit = await conversion(editId);
    expect(edit.adjustment).toMatchObject({ type: "restatement", purchaseEventId: purchaseId, remaining: { presentment: { amount: "133.80", currency: "EUR" } } });
    const editDeliveries = await deliveries(editId);
    expect(editDeliveries["google-ads"]).toBe("delivered");
    expect(editDeliveries.meta).toBe("skipped: Meta (Facebook & Instagram) has no event for order_edit");
    expect(editDeliveries.ga4).toBe("skipped: Google Analytics 4 has no event for order_edit");
    expect(adjustments().map((e) => [e.eventName, e.eventId, (e.body as { restatementValue?: { adjustedValue: number } }).restatementValue?.adjustedValue, e.notes])).toEqual([
      ["adjustment:RESTATEMENT", purchaseId, 133.8, []],
    ]);

    // A partial refund: GA4's refund event joined by transaction id; Google Ads restated to what is left.
    const refundAt = EDIT_AT + 20 * MINUTE;
    await hook("refunds/create", buildRefund({ id: 9112345679001n, order_id: EDITED, created_at: iso(refundAt), processed_at: iso(refundAt) }));
    const refundDeliveries = await deliveries("refund-9112345679001");
    expect(refundDeliveries).toMatchObject({ ga4: "delivered", "google-ads": "delivered", meta: "skipped: Meta (Facebook & Instagram) has no event for refund", tiktok: "skipped: TikTok has no event for refund" });
    const ga4Refund = env.standins.received("ga4").find((e) => e.eventName === "refund" && e.eventId === EDITED.toString());
    expect(ga4Refund).toBeDefined();
    expect(adjustments().map((e) => [e.eventName, (e.body as { restatementValue?: { adjustedValue: number } }).restatementValue?.adjustedValue])).toEqual([
      ["adjustment:RESTATEMENT", 133.8],
      ["adjustment:RESTATEMENT", 78.6], // 133.80 − 55.20 EUR
    ]);

    // The cancellation retracts the purchase (value and count to zero).
    const cancelAt = EDIT_AT + 30 * MINUTE;
    await hook("orders/cancelled", { ...v2, cancelled_at: iso(cancelAt), cancel_reason: "customer", updated_at: iso(cancelAt + 1_000) });
    const cancelDeliveries = await deliveries(`cancel-${EDITED}`);
    expect(cancelDeliveries).toMatchObject({ "google-ads": "delivered", ga4: "skipped: Google Analytics 4 has no event for cancel", meta: "skipped: Meta (Facebook & Instagram) has no event for cancel" });
    const last = adjustments().at(-1)!;
    expect([last.eventName, last.eventId, (last.body as { adjustmentDateTime: string }).adjustmentDateTime]).toEqual([
      "adjustment:RETRACTION",
      purchaseId,
      `${iso(cancelAt).slice(0, 10)} ${iso(cancelAt).slice(11, 19)}+00:00`,
    ]);
    // Nothing the stand-in refused on the way.
    expect(env.standins.rejected("google-ads")).toEqual([]);
  });

  it("draft before its order: the order inherits the chat link's UTMs, click id, staff and customer, and says so", async () => {
    const draft = buildDraftOrder({
      id: 1122334459101n,
      name: "#D31",
      order_id: DRAFT_FIRST,
      customer: CHAT_BUYER,
      tags: "utm_medium:chat",
      note_attributes: [
        { name: "utm_source", value: "instagram" },
        { name: "utm_campaign", value: "dm_sale" },
        { name: "fbclid", value: "IwARchatLink1" },
        { name: "staff", value: "Ana" },
      ],
      updated_at: iso(now - 20 * MINUTE),
    });
    await hook("draft_orders/update", draft);
    const hooks = await env.db.webhookDelivery.findMany({ where: { shop: SHOP, topic: "draft_orders/update" } });
    expect(hooks.map((h) => h.error)).toEqual([`draft completed as order ${DRAFT_FIRST}; applied when the order arrives`]);

    await hook("orders/create", timed(buildDraftCompletedOrder({ id: DRAFT_FIRST, admin_graphql_api_id: gid("Order", DRAFT_FIRST), customer: null, email: null, user_id: null }), now - 19 * MINUTE));
    const o = await order(DRAFT_FIRST);
    expect([o.kind, o.customerId]).toEqual(["draft", CHAT_BUYER.id.toString()]);
    expect((await explanation(DRAFT_FIRST)).some((s) =>
      s ===
      `Completed from draft order #D31 (1122334459101): inherited the customer (${CHAT_BUYER.id}), the staff member (Ana), the link's UTMs (utm_source=instagram, utm_campaign=dm_sale, utm_medium=chat), click id fbclid, 4 note attributes, 1 tag from the draft.`,
    )).toBe(true);
    const purchase = await conversion(`purchase-${DRAFT_FIRST}`);
    expect([purchase.clickIds.fbclid, purchase.user.externalId, purchase.actionSource]).toEqual(["IwARchatLink1", CHAT_BUYER.id.toString(), "other"]);
    const meta = env.standins.received("meta").find((e) => e.eventId === `purchase-${DRAFT_FIRST}`);
    expect((meta?.body as { user_data?: { fbc?: string } }).user_data?.fbc).toMatch(/\.IwARchatLink1$/);
  });

  it("order before its draft: the draft webhook reconciles the order again", async () => {
    await hook("orders/create", timed(buildDraftCompletedOrder({ id: DRAFT_LATE, admin_graphql_api_id: gid("Order", DRAFT_LATE), user_id: null }), now - 15 * MINUTE));
    expect((await explanation(DRAFT_LATE)).some((s) => s.startsWith("Completed from draft"))).toBe(false);
    await hook("draft_orders/update", buildDraftOrder({ id: 1122334459102n, name: "#D32", order_id: DRAFT_LATE, tags: "utm_source:whatsapp", note_attributes: [{ name: "staff_id", value: "98765432101" }], updated_at: iso(now - 14 * MINUTE) }));
    expect((await explanation(DRAFT_LATE)).some((s) => s.startsWith("Completed from draft order #D32 (1122334459102): inherited the staff member (98765432101), the link's UTMs (utm_source=whatsapp)"))).toBe(true);
    // An older version of the draft changes nothing.
    await hook("draft_orders/update", buildDraftOrder({ id: 1122334459102n, name: "#D32", order_id: DRAFT_LATE, tags: "utm_source:older", updated_at: iso(now - 60 * MINUTE) }));
    expect((await explanation(DRAFT_LATE)).some((s) => s.includes("utm_source=whatsapp"))).toBe(true);
  });

  it("subscriptions: renewals linked to their contract and first order; credited to the acquiring channel only when the shop says so", async () => {
    const firstAt = SUB_AT + 7 * MINUTE;
    await hook("orders/create", timed(buildSubscriptionFirstOrder({ id: SUB_FIRST, admin_graphql_api_id: gid("Order", SUB_FIRST), checkout_token: "ck-sub-links", customer: SUBSCRIBER, email: "sub.links@example.com" }), firstAt));
    await hook("subscription_contracts/create", buildSubscriptionContract({ id: CONTRACT, origin_order_id: SUB_FIRST, customer_id: SUBSCRIBER.id, admin_graphql_api_customer_id: gid("Customer", SUBSCRIBER.id) }));
    expect(await explanation(SUB_FIRST)).toContain(`Started subscription contract ${CONTRACT}: its renewals are linked to this order.`);
    const firstCredits = await env.db.attributionCredit.findMany({ where: { shop: SHOP, orderId: SUB_FIRST.toString(), model: "last_touch" } });
    expect(firstCredits.map((c) => [c.channel, c.renewal])).toEqual([["paid_search", false]]);

    // Default setting: the renewal is linked but stays unattributed, and carries no click id.
    const renewal = (id: bigint, at: number) =>
      timed(buildSubscriptionRenewalOrder({ id, admin_graphql_api_id: gid("Order", id), customer: SUBSCRIBER, email: "sub.links@example.com", source_identifier: CONTRACT.toString() }), at);
    await hook("orders/create", renewal(RENEWAL_1, now - 30 * MINUTE));
    await hook("subscription_billing_attempts/success", buildBillingAttempt({ order_id: RENEWAL_1, subscription_contract_id: CONTRACT, idempotency_key: "renewal-1" }));
    const r1 = await explanation(RENEWAL_1);
    expect(r1).toContain(`Renewal of subscription contract ${CONTRACT} (by the billing attempt that charged it), which order ${SUB_FIRST} started.`);
    expect(r1).toContain("Not credited to any ad channel: the shop's setting keeps subscription renewals unattributed.");
    expect(await env.db.attributionCredit.count({ where: { shop: SHOP, orderId: RENEWAL_1.toString() } })).toBe(0);
    expect((await conversion(`purchase-${RENEWAL_1}`)).clickIds.gclid).toBeUndefined();
    expect((await deliveries(`purchase-${RENEWAL_1}`))["google-ads"]).toBe("skipped: no Google click id (gclid, gbraid or wbraid)");

    // The merchant chooses "credit the channel that acquired the subscriber" (Settings).
    const page = await saveSettingsOverHttp(env.app.url, SHOP, { botFiltering: "on", renewalAttribution: "acquiring_channel" });
    expect(page.saved).toBe(true);
    expect(page.html).toContain("Credit the ad channel that brought the subscriber");
    // The billing attempt first this time; the order links when it arrives.
    await hook("subscription_billing_attempts/success", buildBillingAttempt({ order_id: RENEWAL_2, subscription_contract_id: CONTRACT, idempotency_key: "renewal-2" }));
    await hook("orders/create", renewal(RENEWAL_2, now - 20 * MINUTE));
    const r2 = await explanation(RENEWAL_2);
    expect(r2).toContain(`Credited to the channel that acquired the subscriber (order ${SUB_FIRST}), with its identifiers gclid.`);
    const r2Credits = await env.db.attributionCredit.findMany({ where: { shop: SHOP, orderId: RENEWAL_2.toString(), model: "last_touch" } });
    expect(r2Credits.map((c) => [c.channel, c.renewal, c.sessionId])).toEqual([["paid_search", true, firstCredits[0]!.sessionId]]);
    // The first order's own Google click id (its landing page's wins over the session's) goes with the renewal.
    const firstGclid = (await conversion(`purchase-${SUB_FIRST}`)).clickIds.gclid;
    expect(firstGclid).toMatch(/^Cj0K/);
    expect((await conversion(`purchase-${RENEWAL_2}`)).clickIds.gclid).toBe(firstGclid);
    expect((await deliveries(`purchase-${RENEWAL_2}`))["google-ads"]).toBe("delivered");
    expect(env.standins.received("google-ads").find((e) => e.eventId === `purchase-${RENEWAL_2}`)?.body).toMatchObject({ gclid: firstGclid });

    // Attribution shows the credited renewal apart from purchases; the overview counts renewals as their own kind.
    const attribution = await (await adminFetch(env.app.url, SHOP, "/app/attribution?model=last_touch")).text();
    expect(attribution).toContain("Subscription renewals by acquiring channel");
    expect(attribution).toMatch(/data-testid="renewals-by-channel"[\s\S]*Paid search/);
    const overview = await (await adminFetch(env.app.url, SHOP, "/app")).text();
    expect(overview).toMatch(/data-testid="orders-by-kind"[\s\S]*Subscription renewal/);
  });
});
