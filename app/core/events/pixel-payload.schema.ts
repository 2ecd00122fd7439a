import { z } from "zod";

/**
 * What the web pixel may send to the app proxy. The body is UNSIGNED and
 * untrusted (only the proxy query string is signed): everything here is
 * validated, size-capped, and unknown keys are stripped (zod's default for
 * objects). Revenue is never taken from it.
 *
 * Shared contract between extensions/trueline-pixel (which cannot import this
 * file: it runs in Shopify's sandbox) and the ingest service.
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

export const MAX_EVENTS_PER_BATCH = 50;
export const MAX_BODY_BYTES = 64 * 1024; // keepalive fetch bodies are capped at 64 KiB by browsers

const shortText = (max: number) => z.string().max(max);
const idText = z.string().min(1).max(128);
const urlText = z.string().max(2048);
const money = z.number().finite().min(0).max(1e12);

export const ConsentSchema = z.object({
  analytics: z.boolean(),
  marketing: z.boolean(),
  preferences: z.boolean(),
  saleOfData: z.boolean(),
});
export type Consent = z.infer<typeof ConsentSchema>;

/** Click ids read from the landing URL; each with the time it was first seen (unix ms). */
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

/** Platform cookies read with browser.cookie (values are opaque, never hashed). */
export const COOKIE_KEYS = ["_fbp", "_fbc", "_ga", "_ga_session", "_ttp", "_scid", "_epik"] as const;
export type CookieKey = (typeof COOKIE_KEYS)[number];

const stampedValue = z.object({ value: shortText(512).min(1), at: z.number().int().nonnegative() });

export const IdentitySchema = z.object({
  /** Shopify's event.clientId (successor of _shopify_y). */
  clientId: idText,
  /** Trueline's own first-party visitor id, kept in browser.cookie + localStorage. */
  visitorId: idText.optional(),
  clickIds: z.partialRecord(z.enum(CLICK_ID_KEYS), stampedValue).optional(),
  cookies: z.partialRecord(z.enum(COOKIE_KEYS), shortText(512)).optional(),
  utm: z
    .object({
      source: shortText(256).optional(),
      medium: shortText(256).optional(),
      campaign: shortText(256).optional(),
      term: shortText(256).optional(),
      content: shortText(256).optional(),
      id: shortText(256).optional(),
    })
    .optional(),
});
export type Identity = z.infer<typeof IdentitySchema>;

export const ProductSchema = z.object({
  productId: shortText(64).optional(),
  variantId: shortText(64).optional(),
  sku: shortText(128).optional(),
  title: shortText(256).optional(),
  price: money.optional(),
  quantity: z.number().int().min(0).max(100000).optional(),
});

export const PixelEventSchema = z.object({
  /** Shopify's customer event id; the dedup key for storefront events. */
  id: idText,
  name: z.union([z.enum(STANDARD_EVENT_NAMES), z.string().regex(/^custom:[A-Za-z0-9_.:-]{1,64}$/)]),
  /** ISO 8601 timestamp from the browser (clock may be skewed; the server records receivedAt too). */
  timestamp: z.iso.datetime({ offset: true }),
  url: urlText.optional(),
  referrer: urlText.optional(),
  title: shortText(512).optional(),
  /** Checkout join keys (checkout events only). */
  checkoutToken: shortText(128).optional(),
  orderId: shortText(128).optional(),
  cartToken: shortText(256).optional(),
  customerId: shortText(64).optional(),
  /** Personal data: only sent when consent allows it; hashed on arrival, never stored raw. */
  email: shortText(320).optional(),
  phone: shortText(64).optional(),
  /** Informational browser values (never used as revenue). */
  value: money.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  products: z.array(ProductSchema).max(50).optional(),
  searchQuery: shortText(256).optional(),
  alert: z.object({ type: shortText(64).optional(), message: shortText(512).optional() }).optional(),
  customData: z.record(z.string().max(64), z.union([z.string().max(512), z.number().finite(), z.boolean(), z.null()])).optional(),
});
export type PixelEvent = z.infer<typeof PixelEventSchema>;

export const PixelBatchEnvelopeSchema = z.object({
  v: z.literal(1),
  consent: ConsentSchema,
  identity: IdentitySchema,
  context: z
    .object({
      userAgent: shortText(1024).optional(),
      language: shortText(64).optional(),
      screen: z.object({ w: z.number().int().min(0).max(100000), h: z.number().int().min(0).max(100000) }).optional(),
    })
    .optional(),
  /** Events are validated one by one (a bad event must not sink the good ones). */
  events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type PixelBatchEnvelope = z.infer<typeof PixelBatchEnvelopeSchema>;
