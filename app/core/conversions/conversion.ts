/**
 * The canonical conversion: what every destination adapter takes as input.
 * Built by services from an order (purchase, refund, cancel) or from a stored
 * pixel event (page_view, view_content, add_to_cart, ...). Raw personal data
 * lives here only until an adapter normalises and hashes it by the platform's
 * own rules (which differ); the request that is stored and sent never holds it.
 */

/**
 * Goals: what a merchant's own signal (a custom pixel event, a new customer account) stands
 * for. They are never switched on by themselves: each destination's goal mapping
 * (policy.goals, ADR 0039) names the goal a source becomes at that destination.
 */
export const GOAL_EVENT_NAMES = ["lead", "sign_up", "subscribe", "contact"] as const;
export type GoalEventName = (typeof GOAL_EVENT_NAMES)[number];

export const CANONICAL_EVENT_NAMES = [
  "page_view",
  "view_content",
  "search",
  "add_to_cart",
  "initiate_checkout",
  "add_payment_info",
  "purchase",
  "refund",
  "cancel",
  // Storefront steps forwarded since issue 13 (ADR 0039).
  "view_item_list",
  "view_cart",
  "remove_from_cart",
  "add_shipping_info",
  ...GOAL_EVENT_NAMES,
  /** An order's total or line list changed after the purchase was reported (orders/updated after an edit). */
  "order_edit",
] as const;
export type CanonicalEventName = (typeof CANONICAL_EVENT_NAMES)[number];

/** Events a destination switches on or off one by one (policy.events); goals go by the goal mapping instead. */
export const SWITCHABLE_EVENT_NAMES = CANONICAL_EVENT_NAMES.filter(
  (n): n is Exclude<CanonicalEventName, GoalEventName> => !(GOAL_EVENT_NAMES as readonly string[]).includes(n),
);
export type SwitchableEventName = Exclude<CanonicalEventName, GoalEventName>;

export function isGoalEventName(name: string): name is GoalEventName {
  return (GOAL_EVENT_NAMES as readonly string[]).includes(name);
}

export interface Money {
  /** Decimal string exactly as Shopify sent it (e.g. "127.44", "1500" for JPY). */
  amount: string;
  /** ISO 4217 code. */
  currency: string;
}

export interface ConversionContent {
  id: string; // product id (or variant id when no product id)
  variantId?: string;
  sku?: string;
  title?: string;
  quantity: number;
  /** Unit price in the same currency as the conversion value chosen. */
  price?: { shop: string; presentment: string };
}

/** Raw (un-normalised) identity. Adapters normalise + hash per platform. */
export interface ConversionUser {
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  city?: string;
  state?: string; // province code when known (e.g. "NY")
  zip?: string;
  country?: string; // ISO-3166 alpha-2
  /** Stable customer key: the Shopify customer id, else Trueline profile id. */
  externalId?: string;
  ip?: string;
  userAgent?: string;
}

/** Click ids and platform cookies; sent as-is, never hashed. */
export interface ConversionClickIds {
  fbclid?: string;
  fbc?: string;
  fbp?: string;
  gclid?: string;
  gbraid?: string;
  wbraid?: string;
  ttclid?: string;
  ttp?: string;
  sccid?: string;
  scid?: string;
  epik?: string;
  msclkid?: string;
  /** X click id (twclid URL parameter). */
  twclid?: string;
  /** Reddit click id (rdt_cid URL parameter). */
  rdtCid?: string;
  /** LinkedIn click id (`li_fat_id` URL parameter), sent as LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID. */
  liFatId?: string;
  /** GA4 client id derived from the _ga cookie ("1234567890.1700000000"). */
  gaClientId?: string;
  gaSessionId?: string;
}

/** Consent as recorded by the pixel; null when no browser was involved (POS, renewals, drafts). */
export interface ConversionConsent {
  analytics: boolean;
  marketing: boolean;
  saleOfData: boolean;
}

export type ActionSource = "website" | "physical_store" | "system_generated" | "other";

/**
 * What a refund, cancellation or edit does to the purchase already reported (ADR 0026), for
 * platforms that adjust a conversion in place (Google Ads RETRACTION / RESTATEMENT) rather than
 * take a separate event. `remaining` is what the purchase is worth after this change (edited
 * total minus everything refunded so far); a retraction has none.
 */
export interface ConversionAdjustment {
  type: "retraction" | "restatement";
  /** The purchase this adjusts: its event id (which is also its Google Ads order id). */
  purchaseEventId: string;
  /** When the purchase happened (unix ms): an adjustment cannot precede it. */
  purchaseOccurredAt: number;
  remaining?: { shop: Money; presentment: Money };
}

export interface CanonicalConversion {
  /** Deterministic; shared with the browser so platforms deduplicate. See event-id.ts. */
  eventId: string;
  name: CanonicalEventName;
  /** When it happened, unix milliseconds. */
  occurredAt: number;
  actionSource: ActionSource;
  sourceUrl?: string;
  orderId?: string; // exact Shopify order id as a decimal string
  orderName?: string; // "#1042"
  value?: { shop: Money; presentment: Money };
  contents?: ConversionContent[];
  searchQuery?: string;
  user: ConversionUser;
  clickIds: ConversionClickIds;
  consent: ConversionConsent | null;
  isTest: boolean;
  /**
   * Set when the conversion comes from a merchant's own signal (ADR 0039): `source` is the
   * custom event's name or "customers/create". Its `name` is then decided per destination by
   * the goal mapping when the delivery is queued, and kept on the delivery row.
   */
  goal?: { source: string };
  /** refund, cancel, order_edit: how the purchase changes (see ConversionAdjustment). */
  adjustment?: ConversionAdjustment;
}
