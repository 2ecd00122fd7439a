/**
 * What kind of sale an order is, from the order payload alone (plus optional
 * hints the service learned from other webhooks). The kind decides how the
 * purchase is reported (action_source) and how an unmatched order is explained.
 *
 * Markers, strongest first (first rule that applies wins):
 * 1. subscription_renewal: source_name "subscription_contract_checkout_one" or
 *    "subscription_contract" (orders made by a billing attempt; public code from
 *    Loop/ShopCX integrations shows the first is what Shopify stamps on
 *    subscriptionBillingAttemptCreate orders, the second is the older value
 *    [3p]); a billing-attempt hint; or Recharge's "Subscription Recurring Order"
 *    tag (Recharge created renewals through the API before Shopify contracts).
 * 2. pos: source_name "pos" (or app_id 129785 when source_name is missing [recall]).
 * 3. draft: source_name "shopify_draft_order", or a completed draft pointing here.
 * 4. upsell: a SEPARATE order made by a post-purchase upsell app: the app id is
 *    one the merchant listed in Settings ("Post-purchase upsell apps"), or one of
 *    KNOWN_UPSELL_APPS (docs/platform/shopify.md "Post-purchase upsell apps"), or an
 *    "upsell"/"post-purchase" tag. Shopify's own post-purchase extension does not make a new order: it
 *    edits the original (see diffOrderVersions in order-facts.ts), which stays
 *    "online".
 * 5. subscription_first: a line item with a selling plan, the origin order of a
 *    subscription contract (hint), or Recharge's "Subscription First Order" tag.
 * 6. online: source_name "web" (or none, but with a checkout token).
 * 7. other_channel: everything else: a numeric source_name (an app or sales
 *    channel's API client id), "iphone"/"android" (Shopify mobile admin), "shop".
 *
 * Source names: docs/platform/shopify.md "Order source names" and
 * https://shopify.dev/docs/api/admin-rest/latest/resources/order (source_name).
 */

import type { OrderWebhook } from "./order-webhook.schema";

export const ORDER_KINDS = [
  "online",
  "draft",
  "pos",
  "subscription_first",
  "subscription_renewal",
  "upsell",
  "other_channel",
] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

export interface OrderKindHints {
  /** A subscription_billing_attempts/success named this order. */
  fromSubscriptionBillingAttempt?: boolean;
  /** A subscription_contracts/create named this order as its origin_order_id. */
  isSubscriptionOrigin?: boolean;
  /** A completed draft order (draft_orders/update) named this order; the draft's id. */
  completedDraftOrderId?: string | null;
  /** App ids (decimal strings) the merchant identified as upsell apps that create separate orders (shop setting). */
  upsellAppIds?: readonly string[];
  /** The documented defaults (KNOWN_UPSELL_APPS unless given). */
  knownUpsellApps?: readonly KnownUpsellApp[];
}

/** A post-purchase upsell app known to create a separate order, with where its app id was published. */
export interface KnownUpsellApp {
  appId: string;
  name: string;
  source: string;
}

/**
 * Defaults: upsell apps whose separate orders carry a published app id. Empty on purpose:
 * no app vendor publishes the app id its orders carry, and the popular post-purchase apps
 * (Zipify OneClickUpsell, ReConvert, AfterSell) add the offer to the ORIGINAL order through
 * Shopify's post-purchase extension (an edit, not a new order). A merchant whose upsell app
 * does make a second order adds that app's id in Settings; see docs/platform/shopify.md.
 */
export const KNOWN_UPSELL_APPS: readonly KnownUpsellApp[] = [];

export interface OrderKindResult {
  kind: OrderKind;
  isTest: boolean;
  /** Why, in words a merchant can read in the order's timeline. */
  reason: string;
}

export const RENEWAL_SOURCE_NAMES = ["subscription_contract_checkout_one", "subscription_contract"] as const;
export const POS_APP_ID = "129785";
export const RECHARGE_FIRST_ORDER_TAG = "subscription first order";
export const RECHARGE_RECURRING_ORDER_TAG = "subscription recurring order";
const UPSELL_TAGS = new Set(["upsell", "post-purchase", "post purchase", "postpurchase", "post-purchase upsell"]);

/** REST tags are one comma-separated string. Lower-cased, trimmed, empties dropped. */
export function parseTags(tags: string | null | undefined): string[] {
  return (tags ?? "")
    .split(",")
    .map((tag) => tag.trim().toLowerCase())
    .filter((tag) => tag.length > 0);
}

function idText(value: unknown): string | null {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function hasSellingPlan(order: OrderWebhook): string | null {
  for (const item of order.line_items) {
    const plan = item?.selling_plan_allocation?.selling_plan;
    if (plan) return plan.name ?? idText(plan.id) ?? "a selling plan";
  }
  return null;
}

function describeOtherSource(source: string | null): string {
  if (source === null) return "no source_name and no checkout token";
  if (/^\d+$/.test(source)) return `source_name "${source}": created through the API by app ${source}`;
  if (source === "iphone" || source === "android") return `source_name "${source}": created in the Shopify mobile app`;
  return `source_name "${source}": another sales channel`;
}

export function classifyOrderKind(order: OrderWebhook, hints: OrderKindHints = {}): OrderKindResult {
  const isTest = order.test === true;
  const source = order.source_name?.trim() || null;
  const appId = idText(order.app_id);
  const tags = parseTags(order.tags);
  const result = (kind: OrderKind, reason: string): OrderKindResult => ({
    kind,
    isTest,
    reason: isTest ? `${reason} (test order)` : reason,
  });

  if (source !== null && (RENEWAL_SOURCE_NAMES as readonly string[]).includes(source)) {
    return result("subscription_renewal", `source_name "${source}": charged by a subscription billing attempt`);
  }
  if (hints.fromSubscriptionBillingAttempt) {
    return result("subscription_renewal", "a subscription billing attempt created this order");
  }
  if (tags.includes(RECHARGE_RECURRING_ORDER_TAG)) {
    return result("subscription_renewal", 'tagged "Subscription Recurring Order" by the subscription app');
  }

  if (source === "pos" || (source === null && appId === POS_APP_ID)) {
    const location = idText(order.location_id);
    const where = location ? ` at location ${location}` : "";
    return result("pos", source === "pos" ? `source_name "pos": sold in Shopify POS${where}` : `app_id ${POS_APP_ID} (Shopify POS)${where}`);
  }

  if (source === "shopify_draft_order") {
    return result("draft", 'source_name "shopify_draft_order": a draft order was completed');
  }
  if (hints.completedDraftOrderId) {
    return result("draft", `completed from draft order ${hints.completedDraftOrderId}`);
  }

  if (appId !== null && source !== "web" && (hints.upsellAppIds ?? []).includes(appId)) {
    return result("upsell", `created by app ${appId}, which the shop's settings list as a post-purchase upsell app`);
  }
  const known = appId !== null && source !== "web" ? (hints.knownUpsellApps ?? KNOWN_UPSELL_APPS).find((app) => app.appId === appId) : undefined;
  if (known !== undefined) {
    return result("upsell", `created by app ${appId} (${known.name}), a known post-purchase upsell app`);
  }
  const upsellTag = tags.find((tag) => UPSELL_TAGS.has(tag));
  if (upsellTag !== undefined) {
    return result("upsell", `tagged "${upsellTag}": a separate post-purchase upsell order`);
  }

  if (hints.isSubscriptionOrigin) {
    return result("subscription_first", "started a subscription contract (origin order)");
  }
  const plan = hasSellingPlan(order);
  if (plan !== null) {
    return result("subscription_first", `checkout with selling plan "${plan}": first order of a subscription`);
  }
  if (tags.includes(RECHARGE_FIRST_ORDER_TAG)) {
    return result("subscription_first", 'tagged "Subscription First Order" by the subscription app');
  }

  if (source === "web") return result("online", 'source_name "web": online store checkout');
  if (source === null && order.checkout_token) {
    return result("online", "no source_name, but the order came through a checkout");
  }
  return result("other_channel", describeOtherSource(source));
}
