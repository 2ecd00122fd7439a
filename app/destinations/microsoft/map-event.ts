import type { CanonicalConversion, CanonicalEventName, ConversionClickIds, ConversionUser } from "~/core/conversions/conversion";
import { hashIfPresent, normalizeCountry, normalizeEmail, normalizePhone } from "~/core/identity/normalize";
import type { BuildContext } from "../destination";
import { dropUndefined, nonEmpty } from "../shared/compact";
import { contentId } from "../shared/contents";
import { decimalToNumber, pickMoney } from "../shared/money";
import type { MicrosoftConfig } from "./config";

/**
 * CanonicalConversion → one UET CAPI event (`data[]` item).
 * Schema: https://learn.microsoft.com/en-us/advertising/guides/uet-conversion-api-integration#data-schema
 */

/**
 * UET has two event types: "pageLoad" (one per page view, needs eventSourceUrl) and "custom"
 * (an event action, `eventName`, that custom conversion goals match on). Custom event names
 * are the merchant's to choose; we send the names of Microsoft's recommended retail events
 * (the same actions the UET tag's ecommerce events use), so goals set to "Event action
 * equals purchase" match both the tag and the Conversions API. Refunds and cancellations
 * have no UET event (retractions go through offline conversion adjustments, not CAPI).
 */
export const MICROSOFT_EVENT_NAMES: Record<CanonicalEventName, string | null> = {
  page_view: "pageLoad",
  view_content: "view_item",
  search: "search",
  add_to_cart: "add_to_cart",
  initiate_checkout: "begin_checkout",
  add_payment_info: "add_payment_info",
  purchase: "purchase",
  refund: null,
  cancel: null,
  // Issue 13's steps, goals and edits: UET has no standard name for them (README "Events").
  order_edit: null,
  view_item_list: null,
  view_cart: null,
  remove_from_cart: null,
  add_shipping_info: null,
  lead: null,
  sign_up: null,
  subscribe: null,
  contact: null,
};

/** UET's `pageType` for retail (dynamic remarketing), per canonical event. */
const PAGE_TYPES: Partial<Record<CanonicalEventName, string>> = {
  view_content: "product",
  search: "searchresults",
  add_to_cart: "cart",
  initiate_checkout: "cart",
  add_payment_info: "cart",
  purchase: "purchase",
};

export interface MicrosoftUserData {
  em?: string;
  ph?: string;
  externalId?: string;
  clientIpAddress?: string;
  clientUserAgent?: string;
  msclkid?: string;
}

export interface MicrosoftItem {
  id: string;
  quantity: number;
  price?: number;
}

export interface MicrosoftCustomData {
  value?: number;
  currency?: string;
  transactionId?: string;
  searchTerm?: string;
  items?: MicrosoftItem[];
  itemIds?: string[];
  pageType?: string;
  ecommTotalValue?: number;
}

export interface MicrosoftEvent {
  eventType: "pageLoad" | "custom";
  eventId: string;
  eventName?: string;
  eventTime: number;
  eventSourceUrl?: string;
  adStorageConsent?: "G" | "D";
  userData: MicrosoftUserData;
  customData?: MicrosoftCustomData;
}

export interface MicrosoftRequestBody {
  data: MicrosoftEvent[];
  continueOnValidationError: boolean;
}

/**
 * userData per the guide's "Hashed Identifiers": email trimmed, every "." of the local part
 * removed, "+alias" removed, lowercased, SHA-256 hex; phone E.164 WITH "+", SHA-256 hex
 * (its examples: john@contoso.com → ec81f3ac…, +14255551234 → c59475d9…). externalId: "never
 * send real user IDs … apply a hash", so the Shopify customer id is hashed. IP, user agent and
 * msclkid in clear. anonymousId is not sent: it must equal the vid of Microsoft's client-side
 * ID-sync pixel, which Trueline does not fire.
 */
export function mapUserData(user: ConversionUser, clickIds: ConversionClickIds): MicrosoftUserData {
  const country = normalizeCountry(user.country);
  return dropUndefined({
    em: hashIfPresent(normalizeEmail(user.email, { stripPlusAlias: true, localPart: "no-dots" })),
    ph: hashIfPresent(normalizePhone(user.phone, { defaultCountry: country, withPlus: true })),
    externalId: hashIfPresent(nonEmpty(user.externalId)),
    clientIpAddress: nonEmpty(user.ip),
    clientUserAgent: nonEmpty(user.userAgent),
    msclkid: nonEmpty(clickIds.msclkid),
  });
}

/** Revenue and retail fields, in the money the merchant chose. */
export function mapCustomData(
  conversion: CanonicalConversion,
  config: Pick<MicrosoftConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): MicrosoftCustomData | undefined {
  const money = pickMoney(conversion, ctx.currency);
  const value = decimalToNumber(money?.amount);
  const items = (conversion.contents ?? []).map((item) =>
    dropUndefined<MicrosoftItem>({
      id: contentId(item, config.contentIdSource),
      quantity: item.quantity,
      price: decimalToNumber(item.price?.[ctx.currency]),
    }),
  );
  const data = dropUndefined<MicrosoftCustomData>({
    value,
    currency: value === undefined ? undefined : money?.currency,
    transactionId: nonEmpty(conversion.orderId),
    searchTerm: nonEmpty(conversion.searchQuery),
    items: items.length > 0 ? items : undefined,
    itemIds: items.length > 0 ? items.map((i) => i.id) : undefined,
    pageType: PAGE_TYPES[conversion.name],
    // "In most cases, it makes sense to pass the same value for both revenue and ecommTotalValue."
    ecommTotalValue: value,
  });
  return Object.keys(data).length === 0 ? undefined : data;
}

/** adStorageConsent: "G" granted / "D" denied; omitted when no browser recorded consent (Microsoft's default is granted). */
function adStorageConsent(conversion: CanonicalConversion): MicrosoftEvent["adStorageConsent"] {
  if (conversion.consent === null) return undefined;
  return conversion.consent.marketing ? "G" : "D";
}

/** Caller guarantees the event has a UET name (index.ts checks). */
export function mapEvent(
  conversion: CanonicalConversion,
  config: Pick<MicrosoftConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): MicrosoftEvent {
  const pageLoad = conversion.name === "page_view";
  return dropUndefined<MicrosoftEvent>({
    eventType: pageLoad ? "pageLoad" : "custom",
    // The same id the UET tag sends as event_id for this action → counted once.
    eventId: conversion.eventId,
    eventName: pageLoad ? undefined : (MICROSOFT_EVENT_NAMES[conversion.name] ?? undefined),
    // Unix SECONDS (UTC).
    eventTime: Math.floor(conversion.occurredAt / 1000),
    eventSourceUrl: nonEmpty(conversion.sourceUrl),
    adStorageConsent: adStorageConsent(conversion),
    userData: mapUserData(conversion.user, conversion.clickIds),
    // Page load events cannot carry revenue (the guide: revenue goes on a custom event).
    customData: pageLoad ? undefined : mapCustomData(conversion, config, ctx),
  });
}
