/**
 * The body contract the pixel sends, mirrored BY HAND from
 * app/core/events/pixel-payload.schema.ts (PixelBatchEnvelopeSchema + PixelEventSchema).
 *
 * Why a copy: the pixel runs in Shopify's strict sandbox and is bundled by the
 * Shopify CLI from this folder alone, so it cannot import app/ (and zod would
 * blow the size budget). test/pixel/contract.test.ts compares these constants
 * with the schema's and validates the pixel's real output with the real schema,
 * so the two cannot drift silently.
 */

export const STANDARD_EVENT_NAMES = [
  "page_viewed",
  "product_viewed",
  "collection_viewed",
  "search_submitted",
  "product_added_to_cart",
  "product_removed_from_cart",
  "cart_viewed",
  "checkout_started",
  "checkout_contact_info_submitted",
  "checkout_address_info_submitted",
  "checkout_shipping_info_submitted",
  "payment_info_submitted",
  "checkout_completed",
  "alert_displayed",
  "ui_extension_errored",
] as const;
export type StandardEventName = (typeof STANDARD_EVENT_NAMES)[number];

export const CLICK_ID_KEYS = [
  "fbclid",
  "gclid",
  "gbraid",
  "wbraid",
  "ttclid",
  "ScCid",
  "epik",
  "msclkid",
  "twclid",
  "li_fat_id",
  "rdt_cid",
] as const;
export type ClickIdKey = (typeof CLICK_ID_KEYS)[number];

/** Platform cookies forwarded as-is ("_ga_session" is the first `_ga_<stream>` cookie). */
export const COOKIE_KEYS = ["_fbp", "_fbc", "_ga", "_ga_session", "_ttp", "_scid", "_epik"] as const;
export type CookieKey = (typeof COOKIE_KEYS)[number];

/** Server cap per batch (MAX_EVENTS_PER_BATCH in the schema). */
export const MAX_EVENTS_PER_BATCH = 50;
/**
 * Our own cap on a batch body, below the server's 64 KiB (MAX_BODY_BYTES): browsers
 * refuse keepalive bodies once the in-flight keepalive total passes 64 KiB
 * (Fetch standard, "keepalive" inflight byte limit), so leave room for a second batch.
 */
export const MAX_BATCH_BYTES = 60 * 1024;

export interface Consent {
  analytics: boolean;
  marketing: boolean;
  preferences: boolean;
  saleOfData: boolean;
}

/** A click id and the time (unix ms) this browser first saw that value. */
export interface Stamped {
  value: string;
  at: number;
}
export type ClickIds = Partial<Record<ClickIdKey, Stamped>>;
export type PlatformCookies = Partial<Record<CookieKey, string>>;

export interface Utm {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
  id?: string;
}

export interface Identity {
  clientId: string;
  visitorId?: string;
  clickIds?: ClickIds;
  cookies?: PlatformCookies;
  utm?: Utm;
}

export interface Product {
  productId?: string;
  variantId?: string;
  sku?: string;
  title?: string;
  price?: number;
  quantity?: number;
}

export type CustomValue = string | number | boolean | null;

export interface PixelEvent {
  id: string;
  name: string;
  timestamp: string;
  url?: string;
  referrer?: string;
  title?: string;
  checkoutToken?: string;
  orderId?: string;
  cartToken?: string;
  customerId?: string;
  email?: string;
  phone?: string;
  value?: number;
  currency?: string;
  products?: Product[];
  searchQuery?: string;
  alert?: { type?: string; message?: string };
  customData?: Record<string, CustomValue>;
}

export interface BatchContext {
  userAgent?: string;
  language?: string;
  screen?: { w: number; h: number };
}

export interface Batch {
  v: 1;
  consent: Consent;
  identity: Identity;
  context?: BatchContext;
  events: PixelEvent[];
}

/** Answer of GET `<proxy>/restore?clientId=…` (see README.md, "Restore lookup"). */
export interface RestoreResponse {
  visitorId: string | null;
  clickIds: ClickIds;
  /** Platform cookies this browser reported with ads consent, each with the seconds it may still live. */
  cookies: Record<string, { value: string; maxAge: number }>;
}
