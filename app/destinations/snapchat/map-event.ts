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
import type { SnapchatConfig } from "./config";

/**
 * CanonicalConversion → one Snap CAPI v3 event (`data[]` item).
 * Parameters: https://developers.snap.com/api/marketing-api/Conversions-API/Parameters
 */

/**
 * Snap's event enum, upper case as the enum spells it (docs/platform/ad-platforms.md, "Event names";
 * Snap's own examples mix "PURCHASE" and "Purchase", the enum is upper case).
 * No refund/cancel events exist.
 */
export const SNAPCHAT_EVENT_NAMES: Record<CanonicalEventName, string | null> = {
  page_view: "PAGE_VIEW",
  view_content: "VIEW_CONTENT",
  search: "SEARCH",
  add_to_cart: "ADD_CART",
  initiate_checkout: "START_CHECKOUT",
  add_payment_info: "ADD_BILLING",
  purchase: "PURCHASE",
  refund: null,
  cancel: null,
  // Issue 13: a collection page is Snap's LIST_VIEW; cart views, removals and shipping
  // have no Snap event (README "Events").
  view_item_list: "LIST_VIEW",
  view_cart: null,
  remove_from_cart: null,
  add_shipping_info: null,
  // Custom goals (ADR 0039): Snap's enum has SIGN_UP and SUBSCRIBE, no lead or contact.
  lead: null,
  sign_up: "SIGN_UP",
  subscribe: "SUBSCRIBE",
  contact: null,
  order_edit: null,
};

export interface SnapchatUserData {
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
  sc_click_id?: string;
  sc_cookie1?: string;
}

/** Snap's SDK schema types quantity and item_price as strings. */
export interface SnapchatContent {
  id: string;
  quantity: string;
  item_price?: string;
}

export interface SnapchatCustomData {
  currency?: string;
  value?: number;
  order_id?: string;
  content_ids?: string[];
  contents?: SnapchatContent[];
  num_items?: number;
  search_string?: string;
}

export interface SnapchatEvent {
  event_name: string;
  event_time: number;
  event_id: string;
  action_source: "WEB" | "OFFLINE";
  event_source_url?: string;
  user_data: SnapchatUserData;
  custom_data?: SnapchatCustomData;
  data_processing_options?: string[];
}

export interface SnapchatRequestBody {
  data: SnapchatEvent[];
}

function hashed(normalized: string | undefined): string[] | undefined {
  const hash = hashIfPresent(normalized);
  return hash === undefined ? undefined : [hash];
}

/**
 * user_data per Snap's Parameters page (§5.3): em trimmed + lowercased (no gmail
 * dot removal); ph with country code, "00" and trunk "0" removed, digits only,
 * NO "+" ("+44 844 412 4653" → "448444124653"); fn/ln lowercase without
 * punctuation, UTF-8 (NFC) letters kept ("Raphaël" → "raphaël"); ct/st/zp/country
 * and external_id hashed with Meta-style rules (city without spaces, 2-letter
 * state, US ZIP first 5, alpha-2 country lowercase). Hashed keys are lists.
 * In clear: client_ip_address, client_user_agent (v3 wants the raw IP, v2 wanted
 * it hashed), sc_click_id (ScCid URL parameter), sc_cookie1 (the _scid cookie).
 */
export function mapUserData(user: ConversionUser, clickIds: ConversionClickIds): SnapchatUserData {
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
    sc_click_id: nonEmpty(clickIds.sccid),
    sc_cookie1: nonEmpty(clickIds.scid),
  });
}

/**
 * custom_data in the money the merchant chose. `value` is a number (Snap SDK
 * schema: CustomData.value type number; the docs' examples also show "10" as a
 * string, which Snap parses), contents' quantity and item_price are strings.
 * Purchase needs value AND currency or /validate answers INVALID.
 */
export function mapCustomData(
  conversion: CanonicalConversion,
  config: Pick<SnapchatConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): SnapchatCustomData | undefined {
  const money = pickMoney(conversion, ctx.currency);
  const value = decimalToNumber(money?.amount);
  const items = conversion.contents ?? [];
  const contents = items.map((item) => {
    const price = item.price?.[ctx.currency];
    return dropUndefined<SnapchatContent>({
      id: contentId(item, config.contentIdSource),
      quantity: String(item.quantity),
      item_price: decimalToNumber(price) === undefined ? undefined : price?.trim(),
    });
  });
  const data = dropUndefined<SnapchatCustomData>({
    currency: value === undefined ? undefined : money?.currency,
    value,
    order_id: nonEmpty(conversion.orderId),
    content_ids: contents.length > 0 ? contents.map((c) => c.id) : undefined,
    contents: contents.length > 0 ? contents : undefined,
    num_items: contents.length > 0 ? items.reduce((sum, item) => sum + item.quantity, 0) : undefined,
    search_string: nonEmpty(conversion.searchQuery),
  });
  return Object.keys(data).length === 0 ? undefined : data;
}

/** WEB for storefront/checkout events; POS, drafts and renewals are OFFLINE. */
export function snapchatActionSource(conversion: CanonicalConversion): SnapchatEvent["action_source"] {
  return conversion.actionSource === "website" ? "WEB" : "OFFLINE";
}

/** Caller guarantees the event has a Snap name (index.ts checks). */
export function mapEvent(
  conversion: CanonicalConversion,
  eventName: string,
  config: Pick<SnapchatConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): SnapchatEvent {
  return dropUndefined<SnapchatEvent>({
    event_name: eventName,
    // Unix SECONDS, as in Snap's v3 examples.
    event_time: Math.floor(conversion.occurredAt / 1000),
    // Equals the Snap Pixel's client_dedup_id for the same event → counted once (48 h).
    event_id: conversion.eventId,
    action_source: snapchatActionSource(conversion),
    event_source_url: nonEmpty(conversion.sourceUrl),
    user_data: mapUserData(conversion.user, conversion.clickIds),
    custom_data: mapCustomData(conversion, config, ctx),
    // Limited Mode of Use for buyers who opted out of the sale/sharing of data
    // (Shopify saleOfData=false; US state privacy laws).
    data_processing_options: conversion.consent?.saleOfData === false ? ["LMU"] : undefined,
  });
}
