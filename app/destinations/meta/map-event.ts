import type {
  ActionSource,
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
import { decimalToNumber, pickMoney, unitPrice } from "../shared/money";
import type { MetaConfig } from "./config";

/**
 * CanonicalConversion → one Meta server event (`data[]` item).
 * Parameters: https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/server-event/
 * User data: https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
 */

/**
 * Standard event names (case-sensitive: "purchase" ≠ "Purchase" and breaks
 * dedup with the browser pixel). Meta has no standard refund/cancel event and
 * does not accept negative purchases, so those are not sent (README).
 */
export const META_EVENT_NAMES: Record<CanonicalEventName, string | null> = {
  page_view: "PageView",
  view_content: "ViewContent",
  search: "Search",
  add_to_cart: "AddToCart",
  initiate_checkout: "InitiateCheckout",
  add_payment_info: "AddPaymentInfo",
  purchase: "Purchase",
  refund: null,
  cancel: null,
  // Issue 13 (README "Events"): Meta has no standard event for these storefront steps.
  view_item_list: null,
  view_cart: null,
  remove_from_cart: null,
  add_shipping_info: null,
  // Custom goals (ADR 0039).
  lead: "Lead",
  sign_up: "CompleteRegistration",
  subscribe: "Subscribe",
  contact: "Contact",
  order_edit: null,
};

export type MetaActionSource = ActionSource;

export interface MetaUserData {
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
  fbc?: string;
  fbp?: string;
}

export interface MetaContent {
  id: string;
  quantity: number;
  item_price?: number;
}

export interface MetaCustomData {
  value?: number;
  currency?: string;
  content_type?: "product";
  content_ids?: string[];
  contents?: MetaContent[];
  num_items?: number;
  order_id?: string;
  search_string?: string;
}

export interface MetaServerEvent {
  event_name: string;
  event_time: number;
  event_id: string;
  action_source: MetaActionSource;
  event_source_url?: string;
  user_data: MetaUserData;
  custom_data?: MetaCustomData;
}

export interface MetaRequestBody {
  data: MetaServerEvent[];
  test_event_code?: string;
}

/** One hashed value as the one-element list Meta accepts for every hashed key. */
function hashed(normalized: string | undefined): string[] | undefined {
  const hash = hashIfPresent(normalized);
  return hash === undefined ? undefined : [hash];
}

/**
 * fbc: the _fbc cookie when the browser had one; otherwise built from the raw
 * fbclid as Meta documents ("fb.1.<creationTime ms>.<fbclid>", fbclid byte for
 * byte, never lowercased). We do not know when the click happened, so the
 * event's own time is used as creation time (deterministic, and never before the
 * click). fbp is never invented: it must equal the browser's _fbp cookie.
 */
function fbcValue(clickIds: ConversionClickIds, occurredAt: number): string | undefined {
  const cookie = nonEmpty(clickIds.fbc);
  if (cookie !== undefined) return cookie;
  const fbclid = nonEmpty(clickIds.fbclid);
  return fbclid === undefined ? undefined : `fb.1.${occurredAt}.${fbclid}`;
}

/**
 * Hashed keys follow Meta's normalisation (docs/platform/ad-platforms.md, Meta): email
 * trimmed + lowercased (gmail dots KEPT), phone as E.164 digits WITHOUT "+",
 * names lowercase without punctuation, city without spaces, 2-letter state,
 * US ZIP first 5 digits, lowercase alpha-2 country. external_id is only
 * trimmed, then hashed, so it stays byte-for-byte what the customer id is.
 * IP, user agent, fbc and fbp are sent in clear: hashing them breaks matching.
 */
export function mapUserData(user: ConversionUser, clickIds: ConversionClickIds, occurredAt: number): MetaUserData {
  const country = normalizeCountry(user.country);
  const data: MetaUserData = {
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
    fbc: fbcValue(clickIds, occurredAt),
    fbp: nonEmpty(clickIds.fbp),
  };
  return dropUndefined(data);
}

export function mapCustomData(
  conversion: CanonicalConversion,
  config: Pick<MetaConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): MetaCustomData | undefined {
  const money = pickMoney(conversion, ctx.currency);
  const items = conversion.contents ?? [];
  const contents: MetaContent[] = items.map((item) =>
    dropUndefined({
      id: contentId(item, config.contentIdSource),
      quantity: item.quantity,
      item_price: unitPrice(item, ctx.currency),
    }),
  );
  const value = decimalToNumber(money?.amount);
  const data: MetaCustomData = dropUndefined({
    value,
    currency: value === undefined ? undefined : money?.currency,
    content_type: contents.length > 0 ? "product" : undefined,
    content_ids: contents.length > 0 ? contents.map((c) => c.id) : undefined,
    contents: contents.length > 0 ? contents : undefined,
    num_items: contents.length > 0 ? items.reduce((sum, item) => sum + item.quantity, 0) : undefined,
    order_id: nonEmpty(conversion.orderId),
    search_string: nonEmpty(conversion.searchQuery),
  });
  return Object.keys(data).length === 0 ? undefined : data;
}

/**
 * Meta requires client_user_agent and event_source_url for action_source
 * "website" and rejects the event (and with it the whole request) otherwise.
 * A conversion without browser data (e.g. the order arrived but the pixel was
 * blocked) is still a real sale, so it is reported as "other" rather than lost.
 */
export function metaActionSource(conversion: CanonicalConversion): MetaActionSource {
  if (conversion.actionSource !== "website") return conversion.actionSource;
  const hasBrowserData = nonEmpty(conversion.user.userAgent) !== undefined && nonEmpty(conversion.sourceUrl) !== undefined;
  return hasBrowserData ? "website" : "other";
}

/** Caller guarantees the event has a Meta name (see index.ts validation). */
export function mapEvent(
  conversion: CanonicalConversion,
  eventName: string,
  config: Pick<MetaConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): MetaServerEvent {
  return dropUndefined({
    event_name: eventName,
    // Unix SECONDS, GMT (Meta rejects milliseconds as a time far in the future).
    event_time: Math.floor(conversion.occurredAt / 1000),
    event_id: conversion.eventId,
    action_source: metaActionSource(conversion),
    event_source_url: nonEmpty(conversion.sourceUrl),
    user_data: mapUserData(conversion.user, conversion.clickIds, conversion.occurredAt),
    custom_data: mapCustomData(conversion, config, ctx),
  });
}
