import type { Db } from "~/db.server";
import {
  buildCustomer,
  buildBillingAttempt,
  buildDraftCompletedOrder,
  buildDraftOrder,
  buildJpyOrder,
  buildOrderEditedPayload,
  buildPostPurchaseEditedOrder,
  buildSubscriptionContract,
  buildOnlineOrder,
  buildPosOrder,
  buildRefund,
  buildRefundTransaction,
  buildSubscriptionFirstOrder,
  buildSubscriptionRenewalOrder,
  buildTestOrder,
  buildUpsellAppOrder,
  toWebhookBody,
  type RestOrder,
} from "../../test/factories/order-factory";
import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { Standins, StandinKind } from "../../test/standins";
import { STANDIN_KINDS } from "../../test/standins";
import { pixelBatch, pixelEvent } from "../../test/support/pixel";
import { signedProxyUrl, webhookHeaders } from "../../test/support/shopify-signing";
import { adminFetch, saveSettingsOverHttp } from "../../test/support/admin-http";
import { DestinationPolicySchema, POLICY_ORDER_KINDS, type DestinationPolicy } from "~/destinations/policy";
import { destinations } from "~/destinations/registry";
import type { DestinationAdapter, DestinationKind } from "~/destinations/destination";
import { GOAL_EVENT_NAMES, SWITCHABLE_EVENT_NAMES, type GoalEventName } from "~/core/conversions/conversion";
import { CUSTOMER_CREATED_SOURCE } from "~/core/conversions/goals";

/** What every demo destination is seeded with (scripts/demo.ts) before the merchant adds goals. */
export const DEMO_POLICY = {
  events: { page_view: true, refund: true, cancel: true },
  orderKinds: { pos: true, subscription_renewal: true },
} as const;

/** The storefront's one custom event (`Shopify.analytics.publish("newsletter_signup", …)`; the pixel sends "custom:newsletter_signup"). */
export const DEMO_CUSTOM_EVENT = "newsletter_signup";

/**
 * Custom goals (ADR 0039) as the merchant maps them on each destination's page: the newsletter
 * signup and a new customer account (customers/create). Where a platform has no event for the
 * goal the mapping still asks for one, so the summary shows the reason it is skipped.
 */
export const DEMO_GOALS: Record<DestinationKind, Record<string, GoalEventName>> = {
  meta: { [DEMO_CUSTOM_EVENT]: "subscribe", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
  tiktok: { [DEMO_CUSTOM_EVENT]: "subscribe", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
  ga4: { [DEMO_CUSTOM_EVENT]: "lead", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
  "google-ads": { [DEMO_CUSTOM_EVENT]: "lead", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
  pinterest: { [DEMO_CUSTOM_EVENT]: "lead", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
  snapchat: { [DEMO_CUSTOM_EVENT]: "subscribe", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
  microsoft: { [DEMO_CUSTOM_EVENT]: "lead", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
  reddit: { [DEMO_CUSTOM_EVENT]: "lead", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
  x: { [DEMO_CUSTOM_EVENT]: "lead", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
  linkedin: { [DEMO_CUSTOM_EVENT]: "lead", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
  klaviyo: { [DEMO_CUSTOM_EVENT]: "subscribe", [CUSTOMER_CREATED_SOURCE]: "sign_up" },
};

/**
 * Google Ads's connection comes from its OAuth flow (tokens the form has no fields for), so its
 * goals are seeded with the destination (scripts/demo.ts) instead of saved through the form.
 */
export const GOALS_SEEDED: ReadonlySet<DestinationKind> = new Set(["google-ads"]);

const registry = destinations as Partial<Record<DestinationKind, DestinationAdapter<unknown>>>;

/**
 * Saves a destination's page as the merchant does (the route's action, intent "save"): the
 * connection fields, the demo's switches and the goal mapping ("goal.customers/create", and
 * rows "goal.source.<i>" / "goal.name.<i>").
 */
async function saveGoalsOverHttp(ctx: Ctx, kind: DestinationKind, goals: Record<string, GoalEventName>): Promise<void> {
  const policy: DestinationPolicy = DestinationPolicySchema.parse(DEMO_POLICY);
  const form = new URLSearchParams({ intent: "save" });
  for (const [k, v] of Object.entries(ctx.standins.credentials[kind as StandinKind] as Record<string, unknown>)) form.set(`config.${k}`, typeof v === "boolean" ? (v ? "on" : "") : String(v));
  for (const n of SWITCHABLE_EVENT_NAMES) if (policy.events[n]) form.set(`event.${n}`, "on");
  for (const k of POLICY_ORDER_KINDS) if ((policy.orderKinds as Record<string, boolean>)[k]) form.set(`orderKind.${k}`, "on");
  if (policy.includeTestOrders) form.set("includeTestOrders", "on");
  if (policy.testMode) form.set("testMode", "on");
  form.set("consent.noConsentInfo", policy.consent.noConsentInfo);
  form.set("consent.declined", policy.consent.declined);
  form.set("currency", policy.currency);
  const { [CUSTOMER_CREATED_SOURCE]: created, ...custom } = goals;
  form.set(`goal.${CUSTOMER_CREATED_SOURCE}`, created ?? "");
  Object.entries(custom).forEach(([source, goal], i) => {
    form.set(`goal.source.${i}`, source);
    form.set(`goal.name.${i}`, goal);
  });
  const res = await adminFetch(ctx.appUrl, ctx.shop, `/app/destinations/${kind}`, { method: "POST", body: form });
  const html = await res.text();
  if (res.status !== 200 || !html.includes("Settings saved")) {
    const errors = html.includes("Fix the highlighted fields") ? " (Fix the highlighted fields)" : "";
    throw new Error(`saving ${kind}'s goals answered ${res.status}${errors}: ${html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 400)}`);
  }
}

interface Ctx {
  visits?: number;
  appUrl: string;
  shop: string;
  secret: string;
  standins: Standins;
}

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function sendBatch(ctx: Ctx, batch: unknown): Promise<number> {
  const res = await fetch(signedProxyUrl(ctx.appUrl, "/proxy/events", { shop: ctx.shop, secret: ctx.secret }), {
    method: "POST",
    // Shopify's proxy forwards the shopper's address in X-Forwarded-For.
    headers: { "Content-Type": "text/plain;charset=UTF-8", "X-Forwarded-For": `203.0.113.${(ctx.visits = (ctx.visits ?? 0) + 1) % 250}` },
    body: JSON.stringify(batch),
  });
  if (res.status !== 200) throw new Error(`proxy answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { accepted: number }).accepted;
}

async function sendWebhook(ctx: Ctx, topic: string, payload: unknown, webhookId?: string): Promise<void> {
  const uri = topic.startsWith("orders/")
    ? "/webhooks/orders"
    : topic === "refunds/create"
      ? "/webhooks/refunds"
      : topic.startsWith("draft_orders/")
        ? "/webhooks/draft_orders"
        : topic.startsWith("subscription_")
          ? "/webhooks/subscriptions"
          : `/webhooks/${topic}`;
  const body = toWebhookBody(payload);
  const res = await fetch(`${ctx.appUrl}${uri}`, { method: "POST", headers: webhookHeaders({ topic, shop: ctx.shop, secret: ctx.secret, body, webhookId }), body });
  if (res.status !== 200) throw new Error(`${topic} answered ${res.status}: ${await res.text()}`);
}

function timed(o: RestOrder, at: number, updatedAt = at + 2_000): RestOrder {
  return { ...o, created_at: iso(at), processed_at: iso(at), updated_at: iso(updatedAt) };
}

interface Visit {
  clientId: string;
  at: number;
  url: string;
  referrer?: string;
  fbclid?: string;
  pages?: number;
  checkout?: { token: string; orderId: bigint; email?: string; customerId?: string };
  consent?: { marketing?: boolean };
}

async function visit(ctx: Ctx, v: Visit): Promise<number> {
  const events = [pixelEvent("page_viewed", v.at, { url: v.url, ...(v.referrer ? { referrer: v.referrer } : {}) })];
  for (let i = 1; i < (v.pages ?? 2); i++) {
    events.push(pixelEvent("product_viewed", v.at + i * 40_000, { url: "https://shop.example.com/products/trail-runner", products: [{ productId: "8123456789012", variantId: "45123456789012", price: 130, quantity: 1 }] }));
  }
  if (v.checkout) {
    const c = v.checkout;
    const t = v.at + 5 * 60_000;
    const checkoutUrl = `https://shop.example.com/checkouts/cn/${c.token}`;
    events.push(pixelEvent("product_added_to_cart", t - 60_000, { url: "https://shop.example.com/products/trail-runner", value: 130, currency: "USD", products: [{ productId: "8123456789012", variantId: "45123456789012", price: 130, quantity: 1 }] }));
    events.push(pixelEvent("checkout_started", t, { url: checkoutUrl, checkoutToken: c.token, ...(c.customerId ? { customerId: c.customerId } : {}) }));
    events.push(pixelEvent("checkout_contact_info_submitted", t + 30_000, { url: checkoutUrl, checkoutToken: c.token, ...(c.email ? { email: c.email } : {}) }));
    events.push(pixelEvent("payment_info_submitted", t + 60_000, { url: checkoutUrl, checkoutToken: c.token }));
    events.push(pixelEvent("checkout_completed", t + 90_000, { url: `${checkoutUrl}/thank-you`, checkoutToken: c.token, orderId: `gid://shopify/OrderIdentity/${c.orderId}`, value: 127.44, currency: "USD" }));
  }
  return sendBatch(ctx, pixelBatch({ clientId: v.clientId, events, fbclid: v.fbclid, at: v.at, consent: v.consent }));
}

export interface ScenarioResult {
  eventsSent: number;
  webhooksSent: number;
}

/**
 * Realistic journeys: paid social, paid search with a later organic return, email, direct,
 * a browse-only TikTok visitor, a shopper who declined marketing, and orders of every kind,
 * including a refund, a cancellation, a repeated webhook and an out-of-order older version.
 */
export async function runScenario(ctx: Ctx): Promise<ScenarioResult> {
  const now = Date.now();
  let events = 0;
  let webhooks = 0;
  const hook = async (topic: string, payload: unknown, id?: string) => {
    await sendWebhook(ctx, topic, payload, id);
    webhooks++;
  };
  // The merchant maps custom goals on each destination's page (Destinations → <platform> → Custom goals).
  for (const [kind, goals] of Object.entries(DEMO_GOALS) as Array<[DestinationKind, Record<string, GoalEventName>]>) {
    if (!registry[kind] || GOALS_SEEDED.has(kind) || !STANDIN_KINDS.includes(kind as StandinKind)) continue;
    await saveGoalsOverHttp(ctx, kind, goals);
  }
  // A TikTok outage at first: the first two requests fail with 503 and are retried.
  ctx.standins.setFault("tiktok", { type: "status", status: 503, count: 2 });

  // 1. Meta ad → buys (matched by order id at checkout_completed).
  events += await visit(ctx, { clientId: "demo-meta", at: now - 3 * HOUR, fbclid: "IwAR0demoMeta1", url: "https://shop.example.com/products/trail-runner?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring_sale&utm_content=carousel&fbclid=IwAR0demoMeta1", referrer: "https://l.facebook.com/", checkout: { token: "ck-demo-meta", orderId: 7100000000001n, email: "ana.meta@example.com" } });
  // 2. Google ad yesterday, organic return today → buys (two sessions, multi-touch).
  events += await visit(ctx, { clientId: "demo-google", at: now - 26 * HOUR, url: "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0KdemoGoogle", referrer: "https://www.google.com/" });
  events += await visit(ctx, { clientId: "demo-google", at: now - 2 * HOUR, url: "https://shop.example.com/products/trail-runner", referrer: "https://www.google.com/", checkout: { token: "ck-demo-google", orderId: 7100000000002n, email: "ben.google@example.com" } });
  // 3. TikTok ad, browses, leaves.
  events += await visit(ctx, { clientId: "demo-tiktok", at: now - 5 * HOUR, url: "https://shop.example.com/?utm_source=tiktok&utm_medium=paid_social&utm_campaign=ugc&ttclid=E.C.P.demoTikTok", pages: 4 });
  // 4. Email newsletter, logged-in customer → subscription first order; later a renewal and a POS sale.
  events += await visit(ctx, { clientId: "demo-email", at: now - 4 * HOUR, url: "https://shop.example.com/collections/coffee?utm_source=klaviyo&utm_medium=email&utm_campaign=november_news", checkout: { token: "ck-demo-email", orderId: 7100000000004n, email: "cara.email@example.com", customerId: "7300000000004" } });
  // 5. Direct visitor who declined marketing cookies → buys (sent only where consent allows).
  events += await visit(ctx, { clientId: "demo-direct", at: now - 90 * 60_000, url: "https://shop.example.com/", consent: { marketing: false }, checkout: { token: "ck-demo-direct", orderId: 7100000000005n } });
  // 6. Pinterest and Snapchat ads → buy.
  events += await visit(ctx, { clientId: "demo-pin", at: now - 6 * HOUR, url: "https://shop.example.com/?utm_source=pinterest&utm_medium=paid_social&utm_campaign=pins&epik=dj0yJnU9demoPin", checkout: { token: "ck-demo-pin", orderId: 7100000000006n, email: "dee.pin@example.com" } });
  events += await visit(ctx, { clientId: "demo-snap", at: now - 7 * HOUR, url: "https://shop.example.com/?utm_source=snapchat&utm_medium=paid_social&utm_campaign=story&ScCid=demoSnapClick", checkout: { token: "ck-demo-snap", orderId: 7100000000007n, email: "eve.snap@example.com" } });
  // 7. Microsoft (Bing), Reddit and X ads → buy.
  events += await visit(ctx, { clientId: "demo-bing", at: now - 8 * HOUR, url: "https://shop.example.com/?utm_source=bing&utm_medium=cpc&utm_campaign=brand&msclkid=5f1e2d3c4b5a69788796a5b4c3d2e1f0", checkout: { token: "ck-demo-bing", orderId: 7100000000015n, email: "gus.bing@example.com" } });
  events += await visit(ctx, { clientId: "demo-reddit", at: now - 9 * HOUR, url: "https://shop.example.com/?utm_source=reddit&utm_medium=paid_social&utm_campaign=threads&rdt_cid=AQAAAZdemoRedditClick", checkout: { token: "ck-demo-reddit", orderId: 7100000000016n, email: "hal.reddit@example.com" } });
  events += await visit(ctx, { clientId: "demo-x", at: now - 10 * HOUR, url: "https://shop.example.com/?utm_source=x&utm_medium=paid_social&utm_campaign=launch&twclid=23opevjtdemoXclick", checkout: { token: "ck-demo-x", orderId: 7100000000017n, email: "ivy.x@example.com" } });
  events += await visit(ctx, { clientId: "demo-linkedin", at: now - 8 * HOUR, url: "https://shop.example.com/?utm_source=linkedin&utm_medium=paid_social&utm_campaign=b2b&li_fat_id=demo-li-fat-id-1", checkout: { token: "ck-demo-linkedin", orderId: 7100000000020n, email: "gus.linkedin@example.com" } });

  // The Meta shopper signs up for the newsletter (a custom event the theme publishes)…
  events += await sendBatch(ctx, pixelBatch({ clientId: "demo-meta", fbclid: "IwAR0demoMeta1", at: now - 3 * HOUR + 9 * 60_000, events: [pixelEvent(`custom:${DEMO_CUSTOM_EVENT}`, now - 3 * HOUR + 9 * 60_000, { url: "https://shop.example.com/pages/newsletter", customData: { list: "weekly" } })] }));
  // …and a new customer account is created (customers/create, signed as Shopify signs it).
  await hook(CUSTOMER_CREATED_SOURCE, { id: 7300000000021n, email: "nia.newsletter@example.com", first_name: "Nia", last_name: "Demo", phone: "+16135550199", created_at: iso(now - 2 * HOUR), updated_at: iso(now - 2 * HOUR), state: "disabled", tags: "", default_address: { city: "Ottawa", province_code: "ON", zip: "K2P 1L4", country_code: "CA" } }, "demo-wh-customer-1");

  const jane = (id: bigint, email: string, extra: Partial<RestOrder> = {}) =>
    buildCustomer({ id, email, first_name: email.split(".")[0]!.replace(/^./, (c) => c.toUpperCase()), last_name: "Demo", ...extra });
  const web = (id: bigint, token: string, email: string, at: number, landing: string | null) =>
    timed(buildOnlineOrder({ id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${1000 + Number(id % 1000n)}`, checkout_token: token, cart_token: null, email, contact_email: email, customer: jane(id + 1n, email), landing_site: landing }), at);

  await hook("orders/create", web(7100000000001n, "ck-demo-meta", "ana.meta@example.com", now - 3 * HOUR + 7 * 60_000, "/products/trail-runner?utm_source=facebook&fbclid=IwAR0demoMeta1"), "demo-wh-1");
  await hook("orders/create", web(7100000000001n, "ck-demo-meta", "ana.meta@example.com", now - 3 * HOUR + 7 * 60_000, "/products/trail-runner?utm_source=facebook&fbclid=IwAR0demoMeta1"), "demo-wh-1"); // Shopify retry
  await hook("orders/create", web(7100000000002n, "ck-demo-google", "ben.google@example.com", now - 2 * HOUR + 7 * 60_000, "/products/trail-runner"));
  const subFirst = timed(buildSubscriptionFirstOrder({ id: 7100000000004n, admin_graphql_api_id: "gid://shopify/Order/7100000000004", checkout_token: "ck-demo-email", email: "cara.email@example.com", customer: jane(7300000000004n, "cara.email@example.com") }), now - 4 * HOUR + 7 * 60_000);
  await hook("orders/create", subFirst);
  await hook("orders/create", web(7100000000005n, "ck-demo-direct", "dan.direct@example.com", now - 90 * 60_000 + 7 * 60_000, "/"));
  await hook("orders/create", web(7100000000006n, "ck-demo-pin", "dee.pin@example.com", now - 6 * HOUR + 7 * 60_000, "/?utm_source=pinterest&epik=dj0yJnU9demoPin"));
  await hook("orders/create", web(7100000000007n, "ck-demo-snap", "eve.snap@example.com", now - 7 * HOUR + 7 * 60_000, "/?utm_source=snapchat&ScCid=demoSnapClick"));
  await hook("orders/create", web(7100000000015n, "ck-demo-bing", "gus.bing@example.com", now - 8 * HOUR + 7 * 60_000, "/?utm_source=bing&msclkid=5f1e2d3c4b5a69788796a5b4c3d2e1f0"));
  await hook("orders/create", web(7100000000016n, "ck-demo-reddit", "hal.reddit@example.com", now - 9 * HOUR + 7 * 60_000, "/?utm_source=reddit&rdt_cid=AQAAAZdemoRedditClick"));
  await hook("orders/create", web(7100000000017n, "ck-demo-x", "ivy.x@example.com", now - 10 * HOUR + 7 * 60_000, "/?utm_source=x&twclid=23opevjtdemoXclick"));
  await hook("orders/create", web(7100000000020n, "ck-demo-linkedin", "gus.linkedin@example.com", now - 8 * HOUR + 7 * 60_000, "/?utm_source=linkedin&li_fat_id=demo-li-fat-id-1"));
  // A shopper whose browser blocked the pixel; only the order's landing_site carries the gclid.
  await hook("orders/create", web(7100000000008n, "ck-demo-blocked", "finn.blocked@example.com", now - 50 * 60_000, "/?utm_source=google&utm_medium=cpc&gclid=Cj0KdemoBlocked"));
  // Renewal of the email customer's subscription (no browser), POS sale to the same customer.
  await hook("orders/create", timed(buildSubscriptionRenewalOrder({ id: 7100000000009n, admin_graphql_api_id: "gid://shopify/Order/7100000000009", email: "cara.email@example.com", customer: jane(7300000000004n, "cara.email@example.com") }), now - 40 * 60_000));
  await hook("orders/create", timed(buildPosOrder({ id: 7100000000010n, admin_graphql_api_id: "gid://shopify/Order/7100000000010", email: "cara.email@example.com", customer: jane(7300000000004n, "cara.email@example.com") }), now - 30 * 60_000));
  // The subscription's contract names its first order; the renewal's billing attempt names the renewal.
  await hook("subscription_contracts/create", buildSubscriptionContract({ id: 9100000000100n, origin_order_id: 7100000000004n, customer_id: 7300000000004n }));
  await hook("subscription_billing_attempts/success", buildBillingAttempt({ order_id: 7100000000009n, subscription_contract_id: 9100000000100n, idempotency_key: "demo-renewal-1" }));
  // A sales rep sends a draft through chat (UTMs and a Meta click id in its note attributes); the buyer pays it.
  await hook("draft_orders/update", buildDraftOrder({ id: 7200000000011n, name: "#D11", order_id: 7100000000011n, updated_at: iso(now - 25 * 60_000), tags: "utm_medium:chat", note_attributes: [{ name: "utm_source", value: "instagram" }, { name: "utm_campaign", value: "dm_offer" }, { name: "fbclid", value: "IwAR0demoChat" }, { name: "staff", value: "Rita" }] }));
  await hook("orders/create", timed(buildDraftCompletedOrder({ id: 7100000000011n, admin_graphql_api_id: "gid://shopify/Order/7100000000011" }), now - 25 * 60_000));
  await hook("orders/create", timed(buildUpsellAppOrder({ id: 7100000000012n, admin_graphql_api_id: "gid://shopify/Order/7100000000012" }), now - 3 * HOUR + 9 * 60_000));
  await hook("orders/create", timed(buildTestOrder({ id: 7100000000013n, admin_graphql_api_id: "gid://shopify/Order/7100000000013" }), now - 20 * 60_000));
  await hook("orders/create", timed(buildJpyOrder({ id: 7100000000014n, admin_graphql_api_id: "gid://shopify/Order/7100000000014" }), now - 15 * 60_000));
  // The direct shopper returns one item (refund), and the Pinterest order is cancelled.
  await hook("refunds/create", { ...buildRefund({ id: 9100000000001n, order_id: 7100000000005n, transactions: [buildRefundTransaction({ order_id: 7100000000005n, amount: "60.00" })] }), created_at: iso(now - 10 * 60_000), processed_at: iso(now - 10 * 60_000) });
  const pinOrder = web(7100000000006n, "ck-demo-pin", "dee.pin@example.com", now - 6 * HOUR + 7 * 60_000, "/?utm_source=pinterest&epik=dj0yJnU9demoPin");
  await hook("orders/cancelled", { ...pinOrder, cancelled_at: iso(now - 5 * 60_000), cancel_reason: "customer", financial_status: "voided", updated_at: iso(now - 5 * 60_000) });
  // An older version arriving late changes nothing.
  await hook("orders/updated", { ...pinOrder, updated_at: iso(now - 6 * HOUR + 7 * 60_000 + 1_000) });

  // After the sale, on the order Google Ads has (its landing page carried the gclid): an edit,
  // a partial refund, then a cancellation. Adjustments need the purchase uploaded first.
  await untilGoogleAdsHas(ctx, "purchase-7100000000008", 0);
  const blockedAt = now - 50 * 60_000;
  const blocked = { id: 7100000000008n, admin_graphql_api_id: "gid://shopify/Order/7100000000008", name: "#1008", checkout_token: "ck-demo-blocked", cart_token: null, email: "finn.blocked@example.com", contact_email: "finn.blocked@example.com", customer: jane(7100000000009n, "finn.blocked@example.com"), landing_site: "/?utm_source=google&utm_medium=cpc&gclid=Cj0KdemoBlocked", created_at: iso(blockedAt), processed_at: iso(blockedAt) };
  // The buyer adds socks (an edit): orders/edited, then orders/updated with the new total.
  await hook("orders/edited", buildOrderEditedPayload({ order_id: 7100000000008n, committed_at: iso(now - 8 * 60_000), created_at: iso(now - 8 * 60_000) }));
  const edited = { ...buildPostPurchaseEditedOrder(blocked), updated_at: iso(now - 8 * 60_000 + 1_000) };
  await hook("orders/updated", edited);
  // Returns the shoes (a partial refund), after the edit's restatement is in.
  await untilGoogleAdsHas(ctx, "purchase-7100000000008", 1);
  await hook("refunds/create", { ...buildRefund({ id: 9100000000002n, order_id: 7100000000008n, transactions: [buildRefundTransaction({ order_id: 7100000000008n, amount: "60.00" })] }), created_at: iso(now - 6 * 60_000), processed_at: iso(now - 6 * 60_000) });
  // And finally cancels the rest (a retraction at Google Ads).
  await untilGoogleAdsHas(ctx, "purchase-7100000000008", 2);
  await hook("orders/cancelled", { ...edited, cancelled_at: iso(now - 4 * 60_000), cancel_reason: "customer", updated_at: iso(now - 4 * 60_000) });

  // The merchant switches Settings → Subscription renewals to "credit the ad channel that brought
  // the subscriber"; the next renewal is credited to the first order's channel (email).
  // (after the first renewal went out, so it shows the default: unattributed).
  await untilReceived(ctx, "ga4", "7100000000009");
  const saved = await saveSettingsOverHttp(ctx.appUrl, ctx.shop, { botFiltering: "on", renewalAttribution: "acquiring_channel" });
  if (!saved.saved) throw new Error("the demo could not save the renewal setting");
  await hook("subscription_billing_attempts/success", buildBillingAttempt({ order_id: 7100000000018n, subscription_contract_id: 9100000000100n, idempotency_key: "demo-renewal-2" }));
  await hook("orders/create", timed(buildSubscriptionRenewalOrder({ id: 7100000000018n, admin_graphql_api_id: "gid://shopify/Order/7100000000018", name: "#1047", email: "cara.email@example.com", customer: jane(7300000000004n, "cara.email@example.com") }), now - 3 * 60_000));
  return { eventsSent: events, webhooksSent: webhooks };
}

/** Wait until a stand-in has an event with this id (GA4: the transaction id). */
async function untilReceived(ctx: Ctx, kind: StandinKind, eventId: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ctx.standins.received(kind).some((e) => e.eventId === eventId)) {
    if (Date.now() > deadline) throw new Error(`${kind} stand-in never received ${eventId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Wait until the Google Ads stand-in has this purchase and at least `adjustments` adjustments of it. */
async function untilGoogleAdsHas(ctx: Ctx, eventId: string, adjustments: number, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = ctx.standins.received("google-ads").filter((e) => e.eventId === eventId);
    if (got.some((e) => !e.eventName.startsWith("adjustment:")) && got.filter((e) => e.eventName.startsWith("adjustment:")).length >= adjustments) return;
    if (Date.now() > deadline) throw new Error(`Google Ads stand-in never received ${eventId} with ${adjustments} adjustment(s)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Wait until nothing is left to process or deliver (the demo's clock is real). */
export async function waitForQuiet(db: Db, shop: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [events, hooks, due] = await Promise.all([
      db.pixelEvent.count({ where: { shop, processedAt: null } }),
      db.webhookDelivery.count({ where: { shop, status: "received" } }),
      db.delivery.count({ where: { shop, status: { in: ["pending", "retrying"] } } }),
    ]);
    if (events + hooks + due === 0) return;
    if (Date.now() > deadline) throw new Error(`still busy after ${timeoutMs} ms: ${events} events, ${hooks} webhooks, ${due} deliveries`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Summary {
  afterSale: string[];
  storefront: { events: number; bots: number; profiles: number; sessions: Record<string, number>; coverage: Record<string, string> };
  orders: { byKind: Record<string, number>; matched: number; considered: number; methods: Record<string, number> };
  attribution: Record<string, Record<string, string>>;
  destinations: Array<{ kind: string; delivered: number; skipped: number; retried: number; failed: number; deduplicated: number; received: number; coverage: Record<string, string> }>;
  /** Every skip's reason: how many, at which destinations. */
  skippedReasons: Record<string, { count: number; kinds: string[] }>;
  /** Custom goals per destination: which source went as which goal under which platform name, or why not. */
  goals: Array<{ kind: string; lines: string[] }>;
  problems: string[];
}

const pct = (n: number, d: number) => (d === 0 ? "—" : `${Math.round((n / d) * 100)}%`);

export async function summarize(db: Db, shop: string, standins: Standins, scenario: ScenarioResult): Promise<Summary> {
  const problems: string[] = [];
  const events = await db.pixelEvent.findMany({ where: { shop } });
  const sessions = await db.visitSession.findMany({ where: { shop } });
  const profiles = await db.profile.count({ where: { shop, mergedIntoId: null } });
  const byChannel: Record<string, number> = {};
  for (const s of sessions) byChannel[s.channel] = (byChannel[s.channel] ?? 0) + 1;
  const withClick = events.filter((e) => Object.keys((JSON.parse(e.identity) as { clickIds?: object }).clickIds ?? {}).length > 0).length;
  const withCookie = events.filter((e) => Object.keys((JSON.parse(e.identity) as { cookies?: object }).cookies ?? {}).length > 0).length;
  const withEmail = new Set(events.filter((e) => e.emailHash).map((e) => e.clientId)).size;
  const visitors = new Set(events.map((e) => e.clientId)).size;

  const orders = await db.order.findMany({ where: { shop } });
  const byKind: Record<string, number> = {};
  const methods: Record<string, number> = {};
  for (const o of orders) {
    byKind[o.isTest ? `${o.kind} (test)` : o.kind] = (byKind[o.isTest ? `${o.kind} (test)` : o.kind] ?? 0) + 1;
    methods[o.matchMethod ?? "none"] = (methods[o.matchMethod ?? "none"] ?? 0) + 1;
  }
  const considered = orders.filter((o) => !o.isTest);
  const matched = considered.filter((o) => o.matchStatus !== "unmatched").length;

  const credits = await db.attributionCredit.findMany({ where: { shop, model: { in: ["last_touch", "linear"] } } });
  const attribution: Record<string, Record<string, string>> = {};
  for (const c of credits) {
    const m = (attribution[c.model] ??= {});
    m[c.channel] = (Number(m[c.channel] ?? 0) + Number(c.revenue)).toFixed(2);
  }

  const dests = (await db.destination.findMany({ where: { shop } })).sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind));
  const skippedReasons: Summary["skippedReasons"] = {};
  const destinations: Summary["destinations"] = [];
  for (const d of dests) {
    const rows = await db.delivery.findMany({ where: { destinationId: d.id } });
    for (const r of rows.filter((x) => x.status === "skipped")) {
      if (!r.lastError) problems.push(`${d.kind}: ${r.eventName} ${r.eventId} skipped without a reason`);
      // Some reasons name the event ("<id>: X needs …"): grouped without it.
      const reason = (r.lastError ?? "(no reason)").replace(`${r.eventId}: `, "");
      const entry = (skippedReasons[reason] ??= { count: 0, kinds: [] });
      entry.count++;
      if (!entry.kinds.includes(d.kind)) entry.kinds.push(d.kind);
    }
    const delivered = rows.filter((r) => r.status === "delivered");
    const conversions = await db.conversion.findMany({ where: { id: { in: delivered.map((r) => r.conversionId) } } });
    const payloads = conversions.map((c) => JSON.parse(c.payload) as CanonicalConversion);
    const has = (f: (c: CanonicalConversion) => unknown) => pct(payloads.filter((c) => Boolean(f(c))).length, payloads.length);
    const kind = d.kind as StandinKind;
    destinations.push({
      kind: d.kind,
      delivered: delivered.length,
      skipped: rows.filter((r) => r.status === "skipped").length,
      retried: rows.filter((r) => r.attempts > 1).length,
      failed: rows.filter((r) => r.status === "failed" || r.status === "expired").length,
      deduplicated: STANDIN_KINDS.includes(kind) ? standins.dedupedCount(kind) : 0,
      received: STANDIN_KINDS.includes(kind) ? standins.received(kind).length : 0,
      coverage: {
        email: has((c) => c.user.email),
        phone: has((c) => c.user.phone),
        ip: has((c) => c.user.ip),
        "user agent": has((c) => c.user.userAgent),
        "click id": has((c) => c.clickIds.fbclid || c.clickIds.gclid || c.clickIds.ttclid || c.clickIds.sccid || c.clickIds.epik || c.clickIds.fbc || c.clickIds.msclkid || c.clickIds.twclid || c.clickIds.rdtCid),
        cookie: has((c) => c.clickIds.fbp || c.clickIds.ttp || c.clickIds.scid || c.clickIds.gaClientId),
      },
    });
    for (const r of rows.filter((x) => x.status === "failed" || x.status === "expired")) problems.push(`${d.kind}: ${r.eventId} ${r.status}: ${r.lastError}`);
  }
  for (const kind of Object.keys(registry)) if (!dests.some((d) => d.kind === kind)) problems.push(`${kind}: no destination in the demo`);
  for (const d of destinations) if (d.delivered + d.skipped === 0) problems.push(`${d.kind}: nothing delivered or skipped`);
  const goals = await summarizeGoals(db, shop, standins, dests, problems);
  if (events.length === 0) problems.push("no storefront events were stored");
  if (orders.length === 0) problems.push("no orders were stored");
  if (!destinations.some((d) => d.delivered > 0)) problems.push("nothing was delivered");
  const metaDest = destinations.find((d) => d.kind === "meta");
  if (metaDest && metaDest.received !== metaDest.delivered) problems.push(`meta stand-in received ${metaDest.received}, outbox delivered ${metaDest.delivered}`);
  void scenario;
  // Drafts, renewals, edits, refunds and cancellations: where each went, and why not elsewhere.
  const afterSale: string[] = [];
  for (const o of orders.filter((x) => x.kind === "draft" || x.kind === "subscription_renewal" || x.kind === "subscription_first")) {
    const text = (JSON.parse(o.explanation) as string[]).filter((t) => /draft|subscription|Renewal|Credited|credited/.test(t));
    afterSale.push(`${o.kind} ${o.name ?? o.orderId}: ${text.join(" ") || "(no link)"}`);
  }
  const renewalCredits = await db.attributionCredit.findMany({ where: { shop, renewal: true, model: "last_touch" } });
  // The demo switches renewals to "credit the acquiring channel" before the second renewal: it must be credited, apart.
  if (renewalCredits.length === 0) problems.push("no renewal was credited (as renewal) after the setting credited renewals to the acquiring channel");
  afterSale.push(`renewal credits (last touch): ${renewalCredits.length ? renewalCredits.map((c) => `${c.orderId} → ${c.channel} ${c.revenue} ${c.currency}`).join(", ") : "none"}`);
  const destById = new Map(dests.map((d) => [d.id, d.kind]));
  for (const name of ["order_edit", "refund", "cancel"]) {
    const rows = await db.delivery.findMany({ where: { shop, eventName: name } });
    const by: Record<string, string[]> = {};
    for (const r of rows) (by[destById.get(r.destinationId) ?? "?"] ??= []).push(r.status === "skipped" ? `skipped (${r.lastError})` : r.status);
    afterSale.push(`${name}: ${Object.entries(by).sort().map(([k, v]) => `${k} ${[...new Set(v)].join("/")}${v.length > 1 ? ` ×${v.length}` : ""}`).join("; ")}`);
  }
  const adjustments = standins.received("google-ads").filter((e) => e.eventName.startsWith("adjustment:"));
  afterSale.push(`Google Ads adjustments received: ${adjustments.map((e) => `${e.eventName.slice("adjustment:".length)} ${e.eventId}${(e.body as { restatementValue?: { adjustedValue: number } }).restatementValue ? ` → ${(e.body as { restatementValue: { adjustedValue: number } }).restatementValue.adjustedValue}` : ""}`).join(", ") || "none"}`);
  if (!adjustments.some((e) => e.eventName === "adjustment:RESTATEMENT")) problems.push("no Google Ads restatement was received");
  if (!adjustments.some((e) => e.eventName === "adjustment:RETRACTION")) problems.push("no Google Ads retraction was received");
  if (!standins.received("ga4").some((e) => e.eventName === "refund")) problems.push("GA4 received no refund");
  return {
    afterSale,
    storefront: { events: events.length, bots: events.filter((e) => e.isBot).length, profiles, sessions: byChannel, coverage: { "click id": pct(withClick, events.length), "platform cookie": pct(withCookie, events.length), "hashed email (visitors)": pct(withEmail, visitors) } },
    orders: { byKind, matched, considered: considered.length, methods },
    attribution,
    destinations,
    skippedReasons,
    goals,
    problems,
  };
}

/** Destinations in the registry's order (meta … klaviyo). */
function kindOrder(kind: string): number {
  const i = Object.keys(destinations).indexOf(kind);
  return i < 0 ? 99 : i;
}

/**
 * Custom goals, per destination: every source its saved mapping names must have exactly one
 * delivery, either delivered (and received by the stand-in under the platform's name for the
 * goal) or skipped with a reason; nothing is queued for a source it does not map.
 */
async function summarizeGoals(db: Db, shop: string, standins: Standins, dests: Array<{ id: string; kind: string; policy: string }>, problems: string[]): Promise<Summary["goals"]> {
  const out: Summary["goals"] = [];
  const customerHooks = await db.webhookDelivery.findMany({ where: { shop, topic: CUSTOMER_CREATED_SOURCE } });
  if (customerHooks.length === 0 || customerHooks.some((h) => h.status !== "processed")) problems.push(`customers/create: ${customerHooks.map((h) => h.status).join(", ") || "never stored"}`);
  for (const d of dests) {
    const kind = d.kind as DestinationKind;
    const adapter = registry[kind];
    const mapping = DestinationPolicySchema.parse(JSON.parse(d.policy)).goals as Record<string, GoalEventName>;
    const expected = DEMO_GOALS[kind] ?? {};
    if (JSON.stringify(Object.entries(mapping).sort()) !== JSON.stringify(Object.entries(expected).sort())) problems.push(`${kind}: goal mapping saved as ${JSON.stringify(mapping)}, the merchant set ${JSON.stringify(expected)}`);
    const rows = await db.delivery.findMany({ where: { destinationId: d.id, eventName: { in: [...GOAL_EVENT_NAMES] } } });
    const conversions = await db.conversion.findMany({ where: { id: { in: rows.map((r) => r.conversionId) } } });
    const sourceOf = new Map(conversions.map((c) => [c.id, (JSON.parse(c.payload) as CanonicalConversion).goal?.source ?? "?"]));
    const received = STANDIN_KINDS.includes(kind as StandinKind) ? standins.received(kind as StandinKind) : [];
    const lines: string[] = [];
    for (const [source, goal] of Object.entries(mapping)) {
      const mine = rows.filter((r) => sourceOf.get(r.conversionId) === source);
      if (mine.length !== 1) {
        problems.push(`${kind}: ${source} → ${goal} has ${mine.length} deliveries (expected 1)`);
        lines.push(`${source} → ${goal}: ${mine.length} deliveries`);
        continue;
      }
      const r = mine[0]!;
      const platformName = adapter?.eventName(r.eventName as GoalEventName) ?? null;
      if (r.status === "delivered") {
        const got = received.some((e) => e.eventName === platformName && (e.eventId === r.eventId || JSON.stringify(e.body).includes(r.eventId)));
        if (!got) problems.push(`${kind}: ${source} delivered as ${platformName} but the stand-in has no such event ${r.eventId}`);
        lines.push(`${source} → ${r.eventName} sent as "${platformName}"`);
      } else if (r.status === "skipped") {
        lines.push(`${source} → ${r.eventName} skipped (${r.lastError ?? "no reason"})`);
      } else {
        problems.push(`${kind}: ${source} → ${goal} is ${r.status}: ${r.lastError ?? ""}`);
        lines.push(`${source} → ${r.eventName} ${r.status}`);
      }
    }
    const stray = rows.filter((r) => !Object.prototype.hasOwnProperty.call(mapping, sourceOf.get(r.conversionId) ?? ""));
    for (const r of stray) problems.push(`${kind}: a ${r.eventName} delivery (${r.eventId}) for ${sourceOf.get(r.conversionId)}, which it does not map`);
    out.push({ kind, lines: lines.length ? lines : ["no goals mapped"] });
  }
  return out;
}

export function printSummary(s: Summary, ms: number): void {
  const line = (k: string, v: unknown) => console.log(`  ${k.padEnd(28)} ${typeof v === "string" ? v : JSON.stringify(v)}`);
  console.log("\n== Storefront (web pixel → app proxy)");
  line("events stored", String(s.storefront.events));
  line("bot events flagged", String(s.storefront.bots));
  line("shopper profiles", String(s.storefront.profiles));
  line("sessions by channel", s.storefront.sessions);
  line("identifier coverage", s.storefront.coverage);
  console.log("\n== Orders (webhooks, the source of truth)");
  line("orders by kind", s.orders.byKind);
  line("matched to a visit/profile", `${s.orders.matched}/${s.orders.considered} (${pct(s.orders.matched, s.orders.considered)})`);
  line("match methods", s.orders.methods);
  console.log("\n== After the sale (drafts, subscriptions, edits, refunds, cancellations)");
  for (const t of s.afterSale) console.log(`  ${t}`);
  console.log("\n== Attribution (revenue by channel, shop currency)");
  for (const [model, byChannel] of Object.entries(s.attribution)) line(model, byChannel);
  console.log("\n== Deliveries per destination");
  console.log(`  ${"destination".padEnd(12)} ${"delivered".padStart(9)} ${"skipped".padStart(8)} ${"retried".padStart(8)} ${"failed".padStart(7)} ${"dedup".padStart(6)}  coverage (of delivered)`);
  for (const d of s.destinations) {
    const cov = Object.entries(d.coverage).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`  ${d.kind.padEnd(12)} ${String(d.delivered).padStart(9)} ${String(d.skipped).padStart(8)} ${String(d.retried).padStart(8)} ${String(d.failed).padStart(7)} ${String(d.deduplicated).padStart(6)}  ${cov}`);
  }
  console.log("\n  why deliveries were skipped (every reason):");
  for (const [reason, e] of Object.entries(s.skippedReasons).sort((a, b) => b[1].count - a[1].count)) console.log(`    ${String(e.count).padStart(3)} × ${reason}  [${e.kinds.join(", ")}]`);
  console.log("\n== Custom goals (storefront custom:newsletter_signup, customers/create)");
  for (const g of s.goals) console.log(`  ${g.kind.padEnd(12)} ${g.lines.join("; ")}`);
  console.log(`\ndemo finished in ${(ms / 1000).toFixed(1)} s${s.problems.length ? ` with ${s.problems.length} problem(s)` : ", everything accounted for"}`);
}
