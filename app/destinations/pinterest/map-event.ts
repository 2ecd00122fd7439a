import type {
  CanonicalConversion,
  CanonicalEventName,
  ConversionClickIds,
  ConversionUser,
} from "~/core/conversions/conversion";
import {
  hashIfPresent,
  normalizeCity,
  normalizeCountry,
  normalizeEmail,
  normalizeName,
  normalizePhone,
  normalizeState,
  normalizeZip,
} from "~/core/identity/normalize";
import type { BuildContext } from "../destination";
import { dropUndefined, nonEmpty } from "../shared/compact";
import { contentId } from "../shared/contents";
import { decimalToNumber, pickMoney } from "../shared/money";
import type { PinterestConfig } from "./config";

/**
 * CanonicalConversion → one Pinterest conversion event (`data[]` item).
 * The OpenAPI schema sets additionalProperties:false on events and custom_data,
 * so only documented keys are ever emitted.
 * https://developers.pinterest.com/docs/api/v5/events-create
 */

/**
 * Event names (docs/platform/ad-platforms.md, "Event names"). Pinterest has no product-view event in
 * the v5 enum, so view_content is a page_visit carrying content_ids; checkout
 * start has no standard event and goes as "custom"; add_payment_info is listed
 * on the current docs page (not in the v5.13 enum: confirm with ?test=true).
 * A Pinterest "checkout" is a completed purchase. No refund/cancel events.
 */
export const PINTEREST_EVENT_NAMES: Record<CanonicalEventName, string | null> = {
  page_view: "page_visit",
  view_content: "page_visit",
  search: "search",
  add_to_cart: "add_to_cart",
  initiate_checkout: "custom",
  add_payment_info: "add_payment_info",
  purchase: "checkout",
  refund: null,
  cancel: null,
  // Issue 13: a collection page is Pinterest's view_category; cart views, removals and
  // shipping have no Pinterest event (README "Events").
  view_item_list: "view_category",
  view_cart: null,
  remove_from_cart: null,
  add_shipping_info: null,
  // Custom goals (ADR 0039). contact is on the current docs page, not in the v5.13 enum
  // (like add_payment_info); Pinterest has no subscribe event.
  lead: "lead",
  sign_up: "signup",
  subscribe: null,
  contact: "contact",
  order_edit: null,
};

export interface PinterestUserData {
  em?: string[];
  ph?: string[];
  fn?: string[];
  ln?: string[];
  ct?: string[];
  st?: string[];
  zp?: string[];
  country?: string[];
  external_id?: string[];
  client_ip_address?: string;
  client_user_agent?: string;
  click_id?: string;
}

export interface PinterestContent {
  id: string;
  item_price?: string;
  quantity: number;
  item_name?: string;
}

export interface PinterestCustomData {
  currency?: string;
  value?: string;
  content_ids?: string[];
  contents?: PinterestContent[];
  num_items?: number;
  order_id?: string;
  search_string?: string;
  opt_out_type?: string;
}

export interface PinterestEvent {
  event_name: string;
  action_source: "web" | "offline";
  event_time: number;
  event_id: string;
  event_source_url?: string;
  opt_out?: boolean;
  user_data: PinterestUserData;
  custom_data?: PinterestCustomData;
}

export interface PinterestRequestBody {
  data: PinterestEvent[];
}

function hashed(normalized: string | undefined): string[] | undefined {
  const hash = hashIfPresent(normalized);
  return hash === undefined ? undefined : [hash];
}

/**
 * user_data: every hashed key is an ARRAY of lowercase SHA-256 hex. Pinterest's
 * rules (events-create, ConversionEventsUserData): email lowercased (no gmail
 * dot removal: that is Google-only); phone digits with country code, no "+" and
 * no leading zeros; names lowercase; city lowercase without spaces/punctuation;
 * state 2-letter lowercase; country alpha-2 lowercase, HASHED. ZIP: Pinterest
 * writes "only digits", but stripping letters turns "SW1A 1AA" into "11", so
 * non-US postcodes keep their letters (docs/platform/ad-platforms.md, pitfall 6).
 * external_id is trimmed and hashed byte for byte. IP, user agent and the epik
 * click id go in clear: hashing them breaks matching.
 */
export function mapUserData(user: ConversionUser, clickIds: ConversionClickIds): PinterestUserData {
  const country = normalizeCountry(user.country);
  return dropUndefined({
    em: hashed(normalizeEmail(user.email)),
    ph: hashed(normalizePhone(user.phone, { defaultCountry: country, withPlus: false })),
    fn: hashed(normalizeName(user.firstName)),
    ln: hashed(normalizeName(user.lastName)),
    ct: hashed(normalizeCity(user.city)),
    st: hashed(normalizeState(user.state, country)),
    zp: hashed(normalizeZip(user.zip, country)),
    country: hashed(country),
    external_id: hashed(nonEmpty(user.externalId)),
    client_ip_address: nonEmpty(user.ip),
    client_user_agent: nonEmpty(user.userAgent),
    click_id: nonEmpty(clickIds.epik),
  });
}

/** A decimal string Pinterest will parse ("Accepted as a string … parsed into a double"). */
function decimalString(amount: string | undefined): string | undefined {
  return decimalToNumber(amount) === undefined ? undefined : amount?.trim();
}

/**
 * custom_data: value and item_price are STRINGS (the exact Shopify decimal, no
 * float round-trip), in the money the merchant chose. The value is the order
 * total as Shopify reports it; Pinterest recommends pre-tax/pre-shipping, which
 * the canonical conversion does not carry separately (README).
 * opt_out_type "LDP" (Limited Data Processing) when the buyer opted out of the
 * sale/sharing of data (Shopify saleOfData=false: US state privacy laws).
 */
export function mapCustomData(
  conversion: CanonicalConversion,
  config: Pick<PinterestConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): PinterestCustomData | undefined {
  const money = pickMoney(conversion, ctx.currency);
  const value = decimalString(money?.amount);
  const items = conversion.contents ?? [];
  const contents = items.map((item) =>
    dropUndefined<PinterestContent>({
      id: contentId(item, config.contentIdSource),
      item_price: decimalString(item.price?.[ctx.currency]),
      quantity: item.quantity,
      item_name: nonEmpty(item.title),
    }),
  );
  const data = dropUndefined<PinterestCustomData>({
    currency: value === undefined ? undefined : money?.currency,
    value,
    content_ids: contents.length > 0 ? contents.map((c) => c.id) : undefined,
    contents: contents.length > 0 ? contents : undefined,
    num_items: contents.length > 0 ? items.reduce((sum, item) => sum + item.quantity, 0) : undefined,
    order_id: nonEmpty(conversion.orderId),
    search_string: nonEmpty(conversion.searchQuery),
    opt_out_type: conversion.consent?.saleOfData === false ? "LDP" : undefined,
  });
  return Object.keys(data).length === 0 ? undefined : data;
}

/**
 * "web" for storefront/checkout events; everything else (POS, drafts, renewals)
 * is "offline". Pinterest cannot deduplicate offline events, which is fine:
 * no tag fires for them.
 */
export function pinterestActionSource(conversion: CanonicalConversion): PinterestEvent["action_source"] {
  return conversion.actionSource === "website" ? "web" : "offline";
}

/** Caller guarantees the event has a Pinterest name (index.ts checks). */
export function mapEvent(
  conversion: CanonicalConversion,
  eventName: string,
  config: Pick<PinterestConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): PinterestEvent {
  return dropUndefined<PinterestEvent>({
    event_name: eventName,
    action_source: pinterestActionSource(conversion),
    // Unix SECONDS.
    event_time: Math.floor(conversion.occurredAt / 1000),
    // Same id as the Pinterest tag's event_id → Pinterest counts the event once.
    event_id: conversion.eventId,
    event_source_url: nonEmpty(conversion.sourceUrl),
    // Tracking opt-out for web/offline events; only stated when the browser recorded consent.
    opt_out: conversion.consent === null ? undefined : !conversion.consent.marketing,
    user_data: mapUserData(conversion.user, conversion.clickIds),
    custom_data: mapCustomData(conversion, config, ctx),
  });
}
