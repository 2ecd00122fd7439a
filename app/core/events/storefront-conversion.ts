import { decodeConsentBits, NO_CONSENT } from "../consent/bits";
import type { CanonicalConversion, CanonicalEventName, ConversionClickIds, ConversionContent } from "../conversions/conversion";
import { storefrontEventId } from "../conversions/event-id";
import { CLICK_ID_TARGET, cookieTarget } from "../orders/build-conversions";
import { customEventSource } from "../conversions/goals";

/**
 * Storefront events the platforms take as conversions-API events. Purchases are
 * NOT here: revenue comes only from order webhooks (checkout_completed is used for
 * matching and dedup ids, never forwarded as a purchase).
 */
export const FORWARDED_STOREFRONT_EVENTS: Readonly<Record<string, CanonicalEventName>> = {
  page_viewed: "page_view",
  product_viewed: "view_content",
  search_submitted: "search",
  product_added_to_cart: "add_to_cart",
  checkout_started: "initiate_checkout",
  payment_info_submitted: "add_payment_info",
  // Issue 13: the storefront steps the platforms also name (ADR 0039).
  collection_viewed: "view_item_list",
  cart_viewed: "view_cart",
  product_removed_from_cart: "remove_from_cart",
  checkout_shipping_info_submitted: "add_shipping_info",
};

export interface StoredStorefrontEvent {
  eventId: string;
  name: string;
  occurredAt: number;
  url: string | null;
  userAgent: string | null;
  ip: string | null;
  customerId: string | null;
  profileId: string | null;
  /** "1101" = analytics, marketing, preferences, saleOfData */
  consent: string;
  /** Validated event fields (PixelEvent.data) */
  data: {
    products?: Array<{ productId?: string; variantId?: string; sku?: string; title?: string; price?: number; quantity?: number }>;
    searchQuery?: string;
    value?: number;
    currency?: string;
    /** A custom event's own data (scalars only, as the schema keeps them). */
    customData?: Record<string, string | number | boolean | null>;
  };
  /** Batch identity kept with marketing consent (PixelEvent.identity) */
  identity: { clickIds?: Record<string, { value: string }>; cookies?: Record<string, string> };
}

/**
 * The canonical conversion for a forwarded storefront event, or null when it is not forwarded.
 * A custom event (`custom:<name>`) becomes a goal conversion (ADR 0039): its name is only a
 * placeholder until each destination's goal mapping names it (core/conversions/goals.ts).
 */
export function storefrontConversion(e: StoredStorefrontEvent): CanonicalConversion | null {
  const source = customEventSource(e.name);
  if (source !== null) {
    const custom = e.data.customData ?? {};
    // A merchant may publish a value with the event ({ value: 25, currency: "EUR" }); nothing else is read.
    const value = typeof custom.value === "number" && Number.isFinite(custom.value) && custom.value >= 0 ? custom.value : undefined;
    const currency = typeof custom.currency === "string" && /^[A-Z]{3}$/.test(custom.currency) ? custom.currency : undefined;
    const data = { ...(value !== undefined && currency ? { value, currency } : {}) };
    return { ...buildStorefrontConversion({ ...e, data }, "lead"), goal: { source } };
  }
  const name = FORWARDED_STOREFRONT_EVENTS[e.name];
  if (!name) return null;
  return buildStorefrontConversion(e, name);
}

function buildStorefrontConversion(e: StoredStorefrontEvent, name: CanonicalEventName): CanonicalConversion {
  const clickIds: ConversionClickIds = {};
  for (const [key, v] of Object.entries(e.identity.clickIds ?? {})) {
    const target = CLICK_ID_TARGET[key.toLowerCase()];
    if (target && v.value) clickIds[target] = v.value;
  }
  for (const [key, value] of Object.entries(e.identity.cookies ?? {})) {
    const t = cookieTarget(key, value);
    if (t && clickIds[t[0]] === undefined) clickIds[t[0]] = t[1];
  }
  const contents: ConversionContent[] = (e.data.products ?? []).flatMap((p) => {
    const id = p.productId ?? p.variantId;
    if (!id) return [];
    const price = p.price !== undefined ? p.price.toFixed(2) : undefined;
    return [{ id, variantId: p.variantId, sku: p.sku, title: p.title, quantity: p.quantity ?? 1, ...(price ? { price: { shop: price, presentment: price } } : {}) }];
  });
  // The browser's value is the product price of the action (never revenue); both sides carry it.
  const value =
    e.data.value !== undefined && e.data.currency
      ? { shop: { amount: e.data.value.toFixed(2), currency: e.data.currency }, presentment: { amount: e.data.value.toFixed(2), currency: e.data.currency } }
      : undefined;
  return {
    eventId: storefrontEventId(e.eventId),
    name,
    occurredAt: e.occurredAt,
    actionSource: "website",
    ...(e.url ? { sourceUrl: e.url } : {}),
    ...(value ? { value } : {}),
    ...(contents.length ? { contents } : {}),
    ...(e.data.searchQuery ? { searchQuery: e.data.searchQuery } : {}),
    user: {
      ...(e.userAgent ? { userAgent: e.userAgent } : {}),
      ...(e.ip ? { ip: e.ip } : {}),
      ...(e.customerId ? { externalId: e.customerId } : e.profileId ? { externalId: e.profileId } : {}),
    },
    clickIds,
    // Unreadable bits allow nothing (a storefront event always had a consent state).
    consent: decodeConsentBits(e.consent) ?? { ...NO_CONSENT },
    isTest: false,
  };
}
