import type { CanonicalConversion, CanonicalEventName } from "~/core/conversions/conversion";
import { hashIfPresent, normalizeCountry, normalizeEmail, normalizePhone } from "~/core/identity/normalize";
import type { BuildContext } from "../destination";
import { dropUndefined, nonEmpty } from "../shared/compact";
import { contentId } from "../shared/contents";
import { decimalToNumber, pickMoney } from "../shared/money";
import type { XConfig } from "./config";

/**
 * CanonicalConversion → one X web conversion (`conversions[]` item).
 * Fields: https://developer.x.com/en/docs/x-ads-api/measurement/web-conversions/conversions
 */

/**
 * X's standard event types. X identifies an event by the id of the event the merchant created
 * in Events Manager (`event_id`), not by a name: the name is what the merchant picks there, and
 * the id comes from the config key of the same row. No refund or cancel event exists.
 */
export const X_EVENT_TYPES: Record<CanonicalEventName, { type: string; configKey: keyof XConfig } | null> = {
  page_view: { type: "Page View", configKey: "pageViewEventId" },
  view_content: { type: "Content View", configKey: "contentViewEventId" },
  search: { type: "Search", configKey: "searchEventId" },
  add_to_cart: { type: "Add to Cart", configKey: "addToCartEventId" },
  initiate_checkout: { type: "Checkout Initiated", configKey: "checkoutEventId" },
  add_payment_info: { type: "Added Payment Info", configKey: "addPaymentInfoEventId" },
  purchase: { type: "Purchase", configKey: "purchaseEventId" },
  refund: null,
  cancel: null,
  // Issue 13's steps, goals and edits: each would need an Events Manager event of its own (README).
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

/** The Events Manager event id configured for a canonical event, or undefined. */
export function configuredEventId(config: XConfig, name: CanonicalEventName): string | undefined {
  const row = X_EVENT_TYPES[name];
  if (row === null) return undefined;
  const value = config[row.configKey];
  return typeof value === "string" && value !== "" ? value : undefined;
}

export type XIdentifier =
  | { twclid: string }
  | { hashed_email: string }
  | { hashed_phone_number: string }
  | { ip_address: string; user_agent: string };

export interface XContent {
  content_id: string;
  content_name?: string;
  content_price?: number;
  num_items: number;
}

export interface XConversion {
  conversion_time: string;
  event_id: string;
  identifiers: XIdentifier[];
  conversion_id: string;
  value?: number;
  price_currency?: string;
  number_items?: number;
  contents?: XContent[];
  description?: string;
}

export interface XRequestBody {
  conversions: XConversion[];
}

/**
 * identifiers: twclid in clear; email trimmed + lowercased, SHA-256 hex; phone E.164 with "+",
 * SHA-256 hex; IP with user agent as one object (X matches on them only beside one of the
 * others). At least one of twclid, hashed_email, hashed_phone_number is required by X.
 */
export function mapIdentifiers(conversion: CanonicalConversion): XIdentifier[] {
  const { user, clickIds } = conversion;
  const out: XIdentifier[] = [];
  const twclid = nonEmpty(clickIds.twclid);
  if (twclid !== undefined) out.push({ twclid });
  const email = hashIfPresent(normalizeEmail(user.email));
  if (email !== undefined) out.push({ hashed_email: email });
  const phone = hashIfPresent(normalizePhone(user.phone, { defaultCountry: normalizeCountry(user.country), withPlus: true }));
  if (phone !== undefined) out.push({ hashed_phone_number: phone });
  const ip = nonEmpty(user.ip);
  const ua = nonEmpty(user.userAgent);
  if (out.length > 0 && ip !== undefined && ua !== undefined) out.push({ ip_address: ip, user_agent: ua });
  return out;
}

/** Caller guarantees the event id exists and the identifiers are not empty (index.ts checks). */
export function mapConversion(
  conversion: CanonicalConversion,
  eventId: string,
  identifiers: XIdentifier[],
  config: Pick<XConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): XConversion {
  const money = pickMoney(conversion, ctx.currency);
  const value = decimalToNumber(money?.amount);
  const items = conversion.contents ?? [];
  const contents = items.map((item) =>
    dropUndefined<XContent>({
      content_id: contentId(item, config.contentIdSource),
      content_name: nonEmpty(item.title),
      content_price: decimalToNumber(item.price?.[ctx.currency]),
      num_items: item.quantity,
    }),
  );
  return dropUndefined<XConversion>({
    // ISO 8601 with milliseconds, UTC.
    conversion_time: new Date(conversion.occurredAt).toISOString(),
    event_id: eventId,
    identifiers,
    // Deduplication key: the same conversion_id the X Pixel sends for this action.
    conversion_id: conversion.eventId,
    value,
    // X defaults price_currency to USD: never leave it out when a value is sent.
    price_currency: value === undefined ? undefined : money?.currency,
    number_items: items.length > 0 ? items.reduce((sum, item) => sum + item.quantity, 0) : undefined,
    contents: contents.length > 0 ? contents : undefined,
    description: nonEmpty(conversion.searchQuery),
  });
}
