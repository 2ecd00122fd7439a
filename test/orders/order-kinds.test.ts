import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildCustomer,
  buildDraftCompletedOrder,
  buildOnlineOrder,
  buildPosOrder,
  buildPostPurchaseEditedOrder,
  buildRefund,
  buildRefundTransaction,
  buildSubscriptionFirstOrder,
  buildSubscriptionRenewalOrder,
  buildTestOrder,
  buildUpsellAppOrder,
  gid,
  type RestOrder,
} from "../factories/order-factory";
import { shortId } from "~/core/reconcile/match-order";
import type { CanonicalConversion } from "~/core/conversions/conversion";
import { sha256Hex } from "../standins";
import { deliver, HOUR, iso, minor, MINUTE, sendPixel, settle, startOrdersEnv, visitBatch, type OrdersEnv } from "./support";

/**
 * Every kind of order through the real webhook routes (signed as Shopify signs them) and the
 * real server: classification, reconciliation with the pixel's evidence, the explanation a
 * merchant reads, attribution credits under all five models (revenue split exactly), and what
 * reached the ad-platform stand-ins.
 */

const SHOP = "orders-kinds.myshopify.com";
const now = Date.now();

const WEB = 820982911946154508n; // above 2^53: must stay exact end to end
const SUB_FIRST = 5975031431603n;
const RENEWAL = 5975031431704n;
const UPSELL = 5975031431805n;
const POS = 5975031431502n;
const DRAFT = 5975031431401n;
const TEST_ORDER = 5975031432007n;

const JANE = buildCustomer(); // 7301234567890, jane.doe@example.com
const SUBSCRIBER = buildCustomer({ id: 7302000000001n, admin_graphql_api_id: gid("Customer", 7302000000001n), email: "sub.buyer@example.com", first_name: "Sam", last_name: "Brewer" });
const WALK_IN = buildCustomer({ id: 7308880000001n, admin_graphql_api_id: gid("Customer", 7308880000001n), email: "walk.in@example.com", first_name: "Wally", last_name: "Inn" });
const DRAFT_BUYER = buildCustomer({ id: 7309990000001n, admin_graphql_api_id: gid("Customer", 7309990000001n), email: "draft.buyer@example.com", first_name: "Dora", last_name: "Phone" });

const S1_AT = now - 26 * HOUR; // Google ad, yesterday
const S2_AT = now - 5 * HOUR; // newsletter
const S3_AT = now - 50 * MINUTE; // Meta ad, buys
const WEB_AT = now - 42 * MINUTE;
const SUB_AT = now - 3 * HOUR;
const SUB_ORDER_AT = SUB_AT + 7 * MINUTE;
const RENEWAL_AT = now - 10 * MINUTE;
const UPSELL_AT = now - 30 * MINUTE;

const round12 = (x: number) => Math.round(x * 1e12) / 1e12;
const GCLID = { gclid: { value: "Cj0KwebGoogle", at: S1_AT } };

function timed(o: RestOrder, at: number, updatedAt = at + 2_000): RestOrder {
  return { ...o, created_at: iso(at), processed_at: iso(at), updated_at: iso(updatedAt) };
}

const webV1 = timed(buildOnlineOrder({ id: WEB, admin_graphql_api_id: gid("Order", WEB), checkout_token: "ck-web-1", customer: JANE }), WEB_AT);

describe("every order kind through the webhook routes", () => {
  let env: OrdersEnv;
  const sessionOf = async (clientId: string, startedAt: number) =>
    (await env.db.visitSession.findFirstOrThrow({ where: { shop: SHOP, clientId, startedAt: new Date(startedAt) } })).id;
  const order = (id: bigint) => env.db.order.findUniqueOrThrow({ where: { order_identity: { shop: SHOP, orderId: id.toString() } } });
  const conversion = async (eventId: string) =>
    JSON.parse((await env.db.conversion.findUniqueOrThrow({ where: { conversion_event_id: { shop: SHOP, eventId } } })).payload) as CanonicalConversion;
  const credits = async (id: bigint) =>
    (await env.db.attributionCredit.findMany({ where: { shop: SHOP, orderId: id.toString() }, orderBy: [{ model: "asc" }, { orderAt: "asc" }] })).map((c) => ({
      model: c.model,
      sessionId: c.sessionId,
      weight: round12(c.weight),
      revenue: c.revenue,
      currency: c.currency,
      channel: c.channel,
    }));
  const deliveries = async (eventId: string) =>
    (await env.db.delivery.findMany({ where: { shop: SHOP, eventId } }))
      .map((d) => ({ destination: Object.entries(env.destinationIds).find(([, id]) => id === d.destinationId)![0], status: d.status, lastError: d.lastError }))
      .sort((a, b) => a.destination.localeCompare(b.destination));
  const hook = (topic: string, payload: unknown, webhookId?: string) => deliver(env, topic, payload, { webhookId });

  beforeAll(async () => {
    // The first six platforms, whose answers this file spells out; the newer ones have their own
    // delivery test (test/destinations/microsoft-reddit-x.delivery.test.ts).
    // The six platforms whose per-kind verdicts are spelled out below; LinkedIn and Klaviyo have
    // their own end-to-end test (test/destinations/linkedin-klaviyo-delivery.test.ts).
    env = await startOrdersEnv({ shop: SHOP, destinations: ["meta", "tiktok", "ga4", "google-ads", "pinterest", "snapchat"] });
    // Jane: Google ad yesterday, newsletter this morning, Meta ad just now → buys (big order id).
    await sendPixel(env, visitBatch({ clientId: "c-web", at: S1_AT, url: "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0KwebGoogle", referrer: "https://www.google.com/" }));
    await sendPixel(env, visitBatch({ clientId: "c-web", at: S2_AT, url: "https://shop.example.com/collections/all?utm_source=klaviyo&utm_medium=email&utm_campaign=weekly", clickIds: GCLID }));
    await sendPixel(
      env,
      visitBatch({
        clientId: "c-web",
        at: S3_AT,
        fbclid: "IwAR0abc123",
        clickIds: { ...GCLID, fbclid: { value: "IwAR0abc123", at: S3_AT } },
        url: "https://shop.example.com/products/trail-runner?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring&fbclid=IwAR0abc123",
        referrer: "https://l.facebook.com/",
        checkout: { token: "ck-web-1", orderId: WEB, email: "jane.doe@example.com" },
      }),
    );
    // Sam, logged in, starts a coffee subscription from a Google ad.
    await sendPixel(
      env,
      visitBatch({
        clientId: "c-sub",
        at: SUB_AT,
        url: "https://shop.example.com/products/coffee-beans?utm_source=google&utm_medium=cpc&utm_campaign=coffee_sub&gclid=Cj0KsubGoogle",
        referrer: "https://www.google.com/",
        checkout: { token: "ck-sub-1", orderId: SUB_FIRST, email: "sub.buyer@example.com", customerId: "7302000000001", value: 27 },
      }),
    );
    await settle(env.db, SHOP);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("web order: matched by the order id the pixel saw at checkout, credited to three sessions under five models, delivered with its exact id", async () => {
    await hook("orders/create", webV1, "wh-web-create");
    await hook("orders/create", webV1, "wh-web-create"); // Shopify's retry: same webhook id
    await hook("orders/updated", webV1); // same version under another topic
    await settle(env.db, SHOP);

    const [s1, s2, s3] = [await sessionOf("c-web", S1_AT), await sessionOf("c-web", S2_AT), await sessionOf("c-web", S3_AT)];
    const o = await order(WEB);
    expect(o).toMatchObject({
      orderId: "820982911946154508",
      kind: "online",
      isTest: false,
      currency: "USD",
      totalPrice: "127.44",
      presentmentCurrency: "EUR",
      presentmentTotal: "117.24",
      matchStatus: "matched",
      matchMethod: "order_id",
      sessionId: s3,
    });
    expect(JSON.parse(o.explanation)).toEqual([`The storefront pixel reported order #1042 at checkout completion in session ${shortId(s3)} (paid social, campaign spring).`]);
    expect(await env.db.order.count({ where: { shop: SHOP } })).toBe(1);
    const hooks = await env.db.webhookDelivery.findMany({ where: { shop: SHOP }, orderBy: { createdAt: "asc" } });
    expect(hooks.map((h) => [h.topic, h.status, h.error])).toEqual([
      ["orders/create", "processed", "online order matched (order_id)"],
      ["orders/updated", "processed", "same version already applied"],
    ]);

    // Attribution: Google (paid search) → newsletter (email) → Meta (paid social).
    const got = await credits(WEB);
    const row = (model: string, sessionId: string, weight: number, revenue: string, channel: string) => ({ model, sessionId, weight: round12(weight), revenue, currency: "USD", channel });
    const decay = got.filter((c) => c.model === "time_decay");
    expect(got.filter((c) => c.model !== "time_decay")).toEqual([
      row("first_touch", s1, 1, "127.44", "paid_search"),
      row("last_touch", s3, 1, "127.44", "paid_social"),
      row("linear", s1, 1 / 3, "42.48", "paid_search"),
      row("linear", s2, 1 / 3, "42.48", "email"),
      row("linear", s3, 1 / 3, "42.48", "paid_social"),
      row("position_based", s1, 0.4, "50.98", "paid_search"),
      row("position_based", s2, 0.2, "25.49", "email"),
      row("position_based", s3, 0.4, "50.97", "paid_social"),
    ]);
    // time decay: credit halves every 7 days before the order (weights computed here, independently).
    const halfLife = 7 * 24 * HOUR;
    const raw = [S1_AT, S2_AT, S3_AT].map((at) => 2 ** (-(WEB_AT - at) / halfLife));
    const sum = raw.reduce((a, b) => a + b, 0);
    expect(decay.map((c) => c.sessionId)).toEqual([s1, s2, s3]);
    decay.forEach((c, i) => {
      expect(c.weight).toBe(round12(raw[i]! / sum));
      expect(Math.abs(Number(minor(c.revenue, 2)) - (raw[i]! / sum) * 12744)).toBeLessThanOrEqual(1);
    });
    for (const model of ["first_touch", "last_touch", "linear", "position_based", "time_decay"]) {
      expect(got.filter((c) => c.model === model).reduce((a, c) => a + minor(c.revenue, 2), 0n)).toBe(12744n);
    }

    // The purchase: exact id, both currencies, identity from the order, click ids from the landing and the session.
    const purchase = await conversion("purchase-820982911946154508");
    expect(purchase).toMatchObject({
      name: "purchase",
      orderId: "820982911946154508",
      orderName: "#1042",
      actionSource: "website",
      value: { shop: { amount: "127.44", currency: "USD" }, presentment: { amount: "117.24", currency: "EUR" } },
      user: { email: "jane.doe@example.com", externalId: "7301234567890" },
      consent: { analytics: true, marketing: true, saleOfData: true },
      isTest: false,
    });
    expect(purchase.clickIds).toEqual({ fbclid: "IwAR0abc123", gclid: "Cj0KwebGoogle", fbc: `fb.1.${S3_AT}.IwAR0abc123`, fbp: `fb.1.${S3_AT}.1234567890` });
    expect(await deliveries("purchase-820982911946154508")).toEqual(
      ["ga4", "google-ads", "meta", "pinterest", "snapchat", "tiktok"].map((destination) => ({ destination, status: "delivered", lastError: null })),
    );
    const meta = env.standins.received("meta").filter((r) => r.eventId === "purchase-820982911946154508");
    expect(meta).toHaveLength(1);
    expect((meta[0]!.body as { custom_data: Record<string, unknown> }).custom_data).toMatchObject({ order_id: "820982911946154508", value: 117.24, currency: "EUR" });
    const ga4 = env.standins.received("ga4").filter((r) => r.eventId === "820982911946154508");
    expect(ga4).toHaveLength(1);
    for (const kind of ["meta", "tiktok", "ga4", "google-ads", "pinterest", "snapchat"] as const) expect(env.standins.dedupedCount(kind)).toBe(0);
  });

  it("post-purchase upsell edits the same order: a newer version moves the total and the credits; the older one changes nothing", async () => {
    const edited = { ...buildPostPurchaseEditedOrder({ id: WEB, admin_graphql_api_id: gid("Order", WEB), checkout_token: "ck-web-1", customer: JANE }), created_at: iso(WEB_AT), processed_at: iso(WEB_AT), updated_at: iso(WEB_AT + 40_000) };
    await hook("orders/updated", edited);
    await hook("orders/updated", webV1); // an older version delivered late
    await settle(env.db, SHOP);
    const o = await order(WEB);
    expect(o).toMatchObject({ kind: "online", totalPrice: "145.44", presentmentTotal: "133.80", matchStatus: "matched", matchMethod: "order_id", shopifyUpdatedAt: new Date(WEB_AT + 40_000) });
    const got = await credits(WEB);
    expect(got.filter((c) => c.model === "linear").map((c) => c.revenue)).toEqual(["48.48", "48.48", "48.48"]);
    for (const model of ["first_touch", "last_touch", "linear", "position_based", "time_decay"]) {
      expect(got.filter((c) => c.model === model).reduce((a, c) => a + minor(c.revenue, 2), 0n)).toBe(14544n);
    }
    const purchase = await conversion("purchase-820982911946154508");
    expect(purchase.value).toEqual({ shop: { amount: "145.44", currency: "USD" }, presentment: { amount: "133.80", currency: "EUR" } });
    expect(purchase.contents?.map((c) => c.sku)).toEqual(["TR-RUN-42", "TR-SOCK-M"]);
    const notes = (await env.db.webhookDelivery.findMany({ where: { shop: SHOP, topic: "orders/updated" }, orderBy: { createdAt: "asc" } })).map((h) => h.error);
    expect(notes).toEqual(["same version already applied", "online order matched (order_id)", "older version ignored"]);
  });

  it("separate upsell order from an app: classified upsell, joined to the buyer by customer id, credited to her sessions", async () => {
    await hook("orders/create", timed(buildUpsellAppOrder({ id: UPSELL, admin_graphql_api_id: gid("Order", UPSELL), customer: JANE }), UPSELL_AT));
    await settle(env.db, SHOP);
    const [s1, s2, s3] = [await sessionOf("c-web", S1_AT), await sessionOf("c-web", S2_AT), await sessionOf("c-web", S3_AT)];
    const o = await order(UPSELL);
    expect(o).toMatchObject({ kind: "upsell", matchStatus: "profile_only", matchMethod: "customer_id", sessionId: s3, totalPrice: "18.00" });
    expect(JSON.parse(o.explanation)).toEqual([
      `Customer 7301234567890 was last seen on the storefront in session ${shortId(s3)}, 20 min before the order; the visit that placed the order was not observed.`,
    ]);
    expect(JSON.parse(o.facts)).toMatchObject({ kindReason: 'tagged "upsell": a separate post-purchase upsell order' });
    const got = await credits(UPSELL);
    expect(got.filter((c) => c.model === "linear").map((c) => [c.sessionId, c.revenue])).toEqual([
      [s1, "6.00"],
      [s2, "6.00"],
      [s3, "6.00"],
    ]);
    expect(got.filter((c) => c.model === "last_touch").map((c) => [c.sessionId, c.revenue])).toEqual([[s3, "18.00"]]);
    expect(await deliveries(`purchase-${UPSELL}`)).toEqual(["ga4", "google-ads", "meta", "pinterest", "snapchat", "tiktok"].map((destination) => ({ destination, status: "delivered", lastError: null })));
  });

  it("subscription: the first order is matched at checkout; the renewal, with no browser, is joined to the subscriber by customer id", async () => {
    const first = timed(buildSubscriptionFirstOrder({ id: SUB_FIRST, admin_graphql_api_id: gid("Order", SUB_FIRST), checkout_token: "ck-sub-1", email: "sub.buyer@example.com", contact_email: "sub.buyer@example.com", customer: SUBSCRIBER }), SUB_ORDER_AT);
    const renewal = timed(buildSubscriptionRenewalOrder({ id: RENEWAL, admin_graphql_api_id: gid("Order", RENEWAL), email: "sub.buyer@example.com", contact_email: "sub.buyer@example.com", customer: SUBSCRIBER }), RENEWAL_AT);
    await hook("orders/create", first);
    await hook("orders/create", renewal);
    await settle(env.db, SHOP);
    const s = await sessionOf("c-sub", SUB_AT);
    const f = await order(SUB_FIRST);
    expect(f).toMatchObject({ kind: "subscription_first", matchStatus: "matched", matchMethod: "order_id", sessionId: s });
    expect(JSON.parse(f.explanation)).toEqual([`The storefront pixel reported order #1045 at checkout completion in session ${shortId(s)} (cpc, campaign coffee_sub).`]);
    const r = await order(RENEWAL);
    expect(r).toMatchObject({ kind: "subscription_renewal", matchStatus: "profile_only", matchMethod: "customer_id", sessionId: s });
    const unattributed = "Not credited to any ad channel: the shop's setting keeps subscription renewals unattributed.";
    expect(JSON.parse(r.explanation)).toEqual([
      `Customer 7302000000001 was last seen on the storefront in session ${shortId(s)}, 3 h before the order; the visit that placed the order was not observed.`,
      "Subscription renewal: no subscription contract names it yet (linked when subscription_contracts/* or a billing attempt arrives).",
      unattributed,
    ]);
    expect(JSON.parse(r.facts)).toMatchObject({ kindReason: 'source_name "subscription_contract_checkout_one": charged by a subscription billing attempt', sourceIdentifier: "9998878778" });
    expect((await credits(SUB_FIRST)).map((c) => [c.model, c.sessionId, c.weight, c.revenue, c.channel])).toEqual(
      ["first_touch", "last_touch", "linear", "position_based", "time_decay"].map((m) => [m, s, 1, "27.00", "paid_search"]),
    );
    // A renewal earns no credit by default (ADR 0025: the shop's setting decides).
    expect(await credits(RENEWAL)).toEqual([]);
    expect((await conversion(`purchase-${RENEWAL}`)).actionSource).toBe("system_generated");
    expect((await conversion(`purchase-${SUB_FIRST}`)).actionSource).toBe("website");
    // The contract links the first order and, through its customer, the renewal (ADR 0024).
    await hook("subscription_contracts/create", { admin_graphql_api_id: gid("SubscriptionContract", 9998878778n), id: 9998878778n, origin_order_id: SUB_FIRST, customer_id: 7302000000001n, status: "active", currency_code: "USD" });
    await settle(env.db, SHOP);
    expect(await env.db.order.count({ where: { shop: SHOP } })).toBe(4);
    expect(JSON.parse((await order(RENEWAL)).explanation).slice(1)).toEqual([
      `Renewal of subscription contract 9998878778 (by its customer's only subscription contract), which order ${SUB_FIRST} started.`,
      unattributed,
    ]);
    expect(JSON.parse((await order(SUB_FIRST)).explanation)).toContain("Started subscription contract 9998878778: its renewals are linked to this order.");
  });

  it("POS, draft and test orders: classified by source, explained when nothing links them, test orders never forwarded nor credited", async () => {
    await hook("orders/create", timed(buildPosOrder({ id: POS, admin_graphql_api_id: gid("Order", POS), customer: WALK_IN, email: "walk.in@example.com" }), now - 25 * MINUTE));
    await hook("orders/create", timed(buildDraftCompletedOrder({ id: DRAFT, admin_graphql_api_id: gid("Order", DRAFT), email: "draft.buyer@example.com", contact_email: "draft.buyer@example.com", customer: DRAFT_BUYER }), now - 20 * MINUTE));
    await hook("orders/create", timed(buildTestOrder({ id: TEST_ORDER, admin_graphql_api_id: gid("Order", TEST_ORDER), customer: JANE }), now - 15 * MINUTE));
    await settle(env.db, SHOP);

    const pos = await order(POS);
    expect(pos).toMatchObject({ kind: "pos", matchStatus: "unmatched", matchMethod: "none", sessionId: null });
    // The order still proves who the buyer is: a profile keyed by the customer id and the hashed email.
    const aliases = await env.db.profileAlias.findMany({ where: { shop: SHOP, profileId: pos.profileId! }, orderBy: { key: "asc" } });
    expect(aliases.map((a) => a.key)).toEqual(["customer:7308880000001", `email:${sha256Hex("walk.in@example.com")}`]);
    expect(JSON.parse(pos.explanation)).toEqual(["Unmatched: POS order with no online evidence and no customer history."]);
    const draft = await order(DRAFT);
    expect(draft).toMatchObject({ kind: "draft", matchStatus: "unmatched", matchMethod: "none", sessionId: null });
    expect(JSON.parse(draft.explanation)).toEqual(["Unmatched: draft order completed in the admin, with no storefront session and no customer history."]);
    const test = await order(TEST_ORDER);
    expect(test).toMatchObject({ kind: "online", isTest: true });
    expect(JSON.parse(test.facts)).toMatchObject({ kindReason: 'source_name "web": online store checkout (test order)' });
    expect(await credits(POS)).toEqual([]);
    expect(await credits(DRAFT)).toEqual([]);
    expect(await credits(TEST_ORDER)).toEqual([]);

    expect((await conversion(`purchase-${POS}`)).actionSource).toBe("physical_store");
    expect((await conversion(`purchase-${DRAFT}`)).actionSource).toBe("other");
    expect(await deliveries(`purchase-${TEST_ORDER}`)).toEqual(
      ["ga4", "google-ads", "meta", "pinterest", "snapchat", "tiktok"].map((destination) => ({ destination, status: "skipped", lastError: "test order (test orders are not forwarded)" })),
    );
    const metaPos = env.standins.received("meta").find((r) => r.eventId === `purchase-${POS}`);
    expect((metaPos?.body as { action_source?: string } | undefined)?.action_source).toBe("physical_store");
    expect(env.standins.received("meta").some((r) => r.eventId === `purchase-${TEST_ORDER}`)).toBe(false);
  });

  it("refund and cancellation: their own conversions, refunded total kept, forwarded only where the platform has the event", async () => {
    const refund = { ...buildRefund({ id: 9112345678901n, order_id: WEB, transactions: [buildRefundTransaction({ order_id: WEB, amount: "55.20", currency: "EUR" })] }), created_at: iso(now - 8 * MINUTE), processed_at: iso(now - 8 * MINUTE) };
    await hook("refunds/create", refund, "wh-refund-1");
    await hook("refunds/create", refund); // the same refund under another webhook id
    const draft = timed(buildDraftCompletedOrder({ id: DRAFT, admin_graphql_api_id: gid("Order", DRAFT), email: "draft.buyer@example.com", contact_email: "draft.buyer@example.com", customer: DRAFT_BUYER }), now - 20 * MINUTE);
    await hook("orders/cancelled", { ...draft, cancelled_at: iso(now - 5 * MINUTE), cancel_reason: "customer", financial_status: "voided", updated_at: iso(now - 5 * MINUTE) });
    await settle(env.db, SHOP);

    // 55.20 EUR back to the card = 60.00 USD at the order's own rate (145.44 USD / 133.80 EUR).
    expect(await order(WEB)).toMatchObject({ refundedTotal: "60.00", totalPrice: "145.44" });
    const r = await conversion("refund-9112345678901");
    expect(r).toMatchObject({ name: "refund", orderId: "820982911946154508", value: { shop: { amount: "60.00", currency: "USD" }, presentment: { amount: "55.20", currency: "EUR" } }, user: { email: "jane.doe@example.com" } });
    expect(await env.db.conversion.count({ where: { shop: SHOP, name: "refund" } })).toBe(1);
    expect(await deliveries("refund-9112345678901")).toEqual([
      { destination: "ga4", status: "delivered", lastError: null },
      // The web order was uploaded with its gclid: Google Ads restates it to what is left (ADR 0026).
      { destination: "google-ads", status: "delivered", lastError: null },
      { destination: "meta", status: "skipped", lastError: "Meta (Facebook & Instagram) has no event for refund" },
      { destination: "pinterest", status: "skipped", lastError: "Pinterest has no event for refund" },
      { destination: "snapchat", status: "skipped", lastError: "Snapchat has no event for refund" },
      { destination: "tiktok", status: "skipped", lastError: "TikTok has no event for refund" },
    ]);
    const ga4Refund = env.standins.received("ga4").filter((e) => e.eventName === "refund");
    expect(ga4Refund).toHaveLength(1);
    expect((ga4Refund[0]!.body as { params: Record<string, unknown> }).params).toMatchObject({ transaction_id: "820982911946154508", value: 55.2, currency: "EUR" });
    const restated = env.standins.received("google-ads").filter((e) => e.eventName === "adjustment:RESTATEMENT" && e.eventId === "purchase-820982911946154508");
    expect(restated.map((e) => (e.body as { restatementValue: { adjustedValue: number } }).restatementValue.adjustedValue).at(-1)).toBe(78.6); // 133.80 − 55.20 EUR

    const d = await order(DRAFT);
    expect(d.cancelledAt).toEqual(new Date(now - 5 * MINUTE));
    expect(d.financialStatus).toBe("voided");
    const cancel = await conversion(`cancel-${DRAFT}`);
    expect(cancel).toMatchObject({ name: "cancel", orderId: DRAFT.toString(), occurredAt: now - 5 * MINUTE, value: { shop: { amount: "86.60", currency: "USD" } } });
    expect((await deliveries(`cancel-${DRAFT}`)).map((x) => x.status)).toEqual(["skipped", "skipped", "skipped", "skipped", "skipped", "skipped"]);

    // Nothing failed, nothing waits, every order stored once.
    const statuses = await env.db.webhookDelivery.groupBy({ by: ["status"], where: { shop: SHOP }, _count: true });
    expect(statuses.map((s) => s.status)).toEqual(["processed"]);
    expect(await env.db.order.count({ where: { shop: SHOP } })).toBe(7);
  });
});
