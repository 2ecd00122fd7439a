import type {
  CanonicalConversion,
  CanonicalEventName,
  ConversionConsent,
  ConversionContent,
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
  sha256Hex,
} from "~/core/identity/normalize";
import type { BuildContext } from "../destination";
import { nonEmpty } from "../shared/compact";
import { contentId } from "../shared/contents";
import { decimalToNumber, pickMoney, unitPrice } from "../shared/money";
import type { Ga4Config } from "./config";

/**
 * CanonicalConversion → GA4 Measurement Protocol body.
 * Reference: docs/platform/ad-platforms.md (GA4) and
 * https://developers.google.com/analytics/devguides/collection/protocol/ga4/reference
 */

/**
 * Recommended GA4 event names (https://developers.google.com/analytics/devguides/collection/ga4/reference/events).
 * `cancel` has no GA4 event: a cancelled paid order is reported through `refund`.
 */
export const GA4_EVENT_NAMES: Record<CanonicalEventName, string | null> = {
  page_view: "page_view",
  view_content: "view_item",
  search: "search",
  add_to_cart: "add_to_cart",
  initiate_checkout: "begin_checkout",
  add_payment_info: "add_payment_info",
  purchase: "purchase",
  refund: "refund",
  cancel: null,
  // Issue 13: GA4's recommended ecommerce events for these storefront steps.
  view_item_list: "view_item_list",
  view_cart: "view_cart",
  remove_from_cart: "remove_from_cart",
  add_shipping_info: "add_shipping_info",
  // Custom goals (ADR 0039): GA4 recommends generate_lead and sign_up; it has no
  // subscribe or contact event (README "Events").
  lead: "generate_lead",
  sign_up: "sign_up",
  subscribe: null,
  contact: null,
  order_edit: null,
};

/**
 * Any positive value satisfies GA4's requirement that events carry
 * engagement_time_msec to join the session / show in Realtime; 1 ms keeps
 * server-sent events from inflating the session's measured engagement.
 */
export const ENGAGEMENT_TIME_MSEC = 1;

/** Namespace for derived client ids, so they never collide with other hashes of the same id. */
export const DERIVED_CLIENT_ID_PREFIX = "trueline-ga4-client-id:";

export interface Ga4Item {
  item_id: string;
  item_name?: string;
  price?: number;
  quantity: number;
}

export interface Ga4Address {
  sha256_first_name?: string;
  sha256_last_name?: string;
  city?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

export interface Ga4UserData {
  sha256_email_address?: string[];
  sha256_phone_number?: string[];
  address?: Ga4Address[];
}

export interface Ga4Event {
  name: string;
  params: Record<string, string | number | Ga4Item[]>;
}

export interface Ga4Body {
  client_id: string;
  user_id?: string;
  timestamp_micros: number;
  consent?: { ad_user_data: "GRANTED" | "DENIED"; ad_personalization: "GRANTED" | "DENIED" };
  user_data?: Ga4UserData;
  ip_override?: string;
  user_agent?: string;
  validation_behavior?: "ENFORCE_RECOMMENDATIONS";
  events: Ga4Event[];
}

/** "Two positive numbers joined by a period", the shape the _ga cookie yields. */
const CLIENT_ID = /^[0-9]+\.[0-9]+$/;

/** A positive 31-bit integer from 8 hex chars (1..2147483647), like gtag's random part. */
function positiveIntFromHex(hex: string): number {
  return (Number.parseInt(hex, 16) % 2147483647) + 1;
}

/**
 * GA4 client_id. The browser's own id (from the _ga cookie) when we have it, so the
 * server event joins the visitor's web session. Otherwise (POS orders, renewals,
 * checkouts without our pixel) a DETERMINISTIC id derived from
 * sha256("trueline-ga4-client-id:" + externalId), else + eventId: the first two
 * 8-hex-digit groups of the digest become two positive 31-bit integers "A.B".
 * Keyed on the customer id, repeat buyers keep one GA4 user across orders; keyed
 * on the event id, each such event is its own (new) GA4 user. Deterministic so a
 * retried request is byte-identical (the adapter may not use randomness).
 */
export function ga4ClientId(conversion: CanonicalConversion): string {
  const browserId = conversion.clickIds.gaClientId?.trim();
  if (browserId !== undefined && CLIENT_ID.test(browserId)) return browserId;
  const seed = nonEmpty(conversion.user.externalId) ?? conversion.eventId;
  const digest = sha256Hex(`${DERIVED_CLIENT_ID_PREFIX}${seed}`);
  return `${positiveIntFromHex(digest.slice(0, 8))}.${positiveIntFromHex(digest.slice(8, 16))}`;
}

/**
 * User-provided data, normalised by Google's enhanced-conversions rules
 * (https://developers.google.com/analytics/devguides/collection/ga4/uid-data):
 * email trimmed, lowercased, gmail dots removed; phone E.164 WITH "+"; names hashed;
 * city/region/postal_code/country in CLEAR (GA4 does not take them hashed).
 */
export function ga4UserData(conversion: CanonicalConversion): Ga4UserData | undefined {
  const user = conversion.user;
  const email = hashIfPresent(normalizeEmail(user.email, { removeGmailDots: true }));
  const phone = hashIfPresent(normalizePhone(user.phone, { defaultCountry: user.country, withPlus: true }));
  const address: Ga4Address = {};
  const firstName = hashIfPresent(normalizeName(user.firstName));
  const lastName = hashIfPresent(normalizeName(user.lastName));
  const city = normalizeCity(user.city, { keepSpaces: true });
  const region = normalizeState(user.state, user.country);
  const postalCode = normalizeZip(user.zip, user.country);
  const country = normalizeCountry(user.country)?.toUpperCase(); // ISO alpha-2 as GA4 documents it ("US")
  if (firstName !== undefined) address.sha256_first_name = firstName;
  if (lastName !== undefined) address.sha256_last_name = lastName;
  if (city !== undefined) address.city = city;
  if (region !== undefined) address.region = region;
  if (postalCode !== undefined) address.postal_code = postalCode;
  if (country !== undefined) address.country = country;

  const data: Ga4UserData = {};
  if (email !== undefined) data.sha256_email_address = [email];
  if (phone !== undefined) data.sha256_phone_number = [phone];
  if (Object.keys(address).length > 0) data.address = [address];
  return Object.keys(data).length > 0 ? data : undefined;
}

/**
 * Consent Mode v2 signals. `marketing` is the buyer's consent to ad use of their
 * data (ad_user_data). Personalisation additionally needs "sale of data" not opted
 * out: Shopify's saleOfData is the US-state "do not sell or share" choice, and
 * sharing for personalised ads is exactly what that opt-out covers.
 * Omitted when no browser was involved (consent null): GA then applies what the
 * client's own hits said.
 */
export function ga4Consent(consent: ConversionConsent | null): Ga4Body["consent"] {
  if (consent === null) return undefined;
  return {
    ad_user_data: consent.marketing ? "GRANTED" : "DENIED",
    ad_personalization: consent.marketing && consent.saleOfData ? "GRANTED" : "DENIED",
  };
}

function ga4Item(content: ConversionContent, config: Ga4Config, ctx: BuildContext): Ga4Item {
  const item: Ga4Item = { item_id: contentId(content, config.contentIdSource), quantity: content.quantity };
  if (content.title !== undefined) item.item_name = content.title;
  const price = unitPrice(content, ctx.currency);
  if (price !== undefined) item.price = price;
  return item;
}

/**
 * Ecommerce params in the money the merchant chose (ctx.currency): value +
 * currency as numbers/ISO code (GA4 requires currency whenever value is set), items.
 */
function commerceParams(conversion: CanonicalConversion, config: Ga4Config, ctx: BuildContext): Ga4Event["params"] {
  const params: Ga4Event["params"] = {};
  const money = pickMoney(conversion, ctx.currency);
  const value = decimalToNumber(money?.amount);
  if (money !== undefined && value !== undefined) {
    params.currency = money.currency;
    params.value = value;
  }
  if (conversion.contents !== undefined && conversion.contents.length > 0) {
    params.items = conversion.contents.map((c) => ga4Item(c, config, ctx));
  }
  return params;
}

export function ga4Event(
  conversion: CanonicalConversion,
  name: string,
  config: Ga4Config,
  ctx: BuildContext,
): Ga4Event {
  // Our event id as a custom param: GA4 has no dedup key, but it makes every hit
  // traceable in DebugView/BigQuery back to the delivery that sent it.
  const params: Ga4Event["params"] = { event_id: conversion.eventId };
  const sessionId = nonEmpty(conversion.clickIds.gaSessionId);
  if (sessionId !== undefined) {
    // Both are needed for the hit to join the browser session (reference §3.2).
    params.session_id = sessionId;
    params.engagement_time_msec = ENGAGEMENT_TIME_MSEC;
  }
  switch (conversion.name) {
    case "page_view":
      if (conversion.sourceUrl !== undefined) params.page_location = conversion.sourceUrl;
      break;
    case "search":
      if (conversion.searchQuery !== undefined) params.search_term = conversion.searchQuery;
      break;
    case "purchase":
    case "refund":
      // GA4 suppresses duplicate purchases by transaction_id and joins a refund to
      // its purchase by it: both use the Shopify order id (event id as a fallback).
      params.transaction_id = conversion.orderId ?? conversion.eventId;
      Object.assign(params, commerceParams(conversion, config, ctx));
      break;
    default:
      Object.assign(params, commerceParams(conversion, config, ctx));
  }
  return { name, params };
}

export function ga4Body(
  conversion: CanonicalConversion,
  name: string,
  config: Ga4Config,
  ctx: BuildContext,
): Ga4Body {
  const body: Ga4Body = {
    client_id: ga4ClientId(conversion),
    timestamp_micros: Math.trunc(conversion.occurredAt) * 1000,
    events: [ga4Event(conversion, name, config, ctx)],
  };
  // user_id is plain text and must never be PII: the Shopify customer id is not.
  const userId = nonEmpty(conversion.user.externalId);
  if (userId !== undefined) body.user_id = userId;
  const consent = ga4Consent(conversion.consent);
  if (consent !== undefined) body.consent = consent;
  // user_data exists for ads matching (enhanced conversions). GA4 itself is an
  // analytics destination, so the consent gate upstream lets it through on
  // analytics consent alone; hashed PII still goes only where ad use is allowed.
  if (conversion.consent === null || (conversion.consent.marketing && conversion.consent.saleOfData)) {
    const userData = ga4UserData(conversion);
    if (userData !== undefined) body.user_data = userData;
  }
  // Geo/device derivation from the buyer's browser, not our server.
  const ip = nonEmpty(conversion.user.ip);
  if (ip !== undefined) body.ip_override = ip;
  const userAgent = nonEmpty(conversion.user.userAgent);
  if (userAgent !== undefined) body.user_agent = userAgent;
  // Stricter validation on the debug endpoint only: it turns recommendations
  // (e.g. currency with value) into validationMessages.
  if (ctx.testMode) body.validation_behavior = "ENFORCE_RECOMMENDATIONS";
  return body;
}
