import type { CanonicalConversion, CanonicalEventName, ConversionClickIds, ConversionUser } from "~/core/conversions/conversion";
import { hashIfPresent, normalizeCountry, normalizeEmail, normalizePhone } from "~/core/identity/normalize";
import type { BuildContext } from "../destination";
import { dropUndefined, nonEmpty } from "../shared/compact";
import { contentId } from "../shared/contents";
import { decimalToNumber, pickMoney } from "../shared/money";
import type { RedditConfig } from "./config";

/**
 * CanonicalConversion → one Reddit CAPI v3 event (`data.events[]` item).
 * Docs: https://ads-api.reddit.com/docs/v3/ (ConversionEvent schema)
 */

/** v3 tracking types (UPPER_SNAKE_CASE). Reddit has no checkout, payment, refund or cancel type. */
export const REDDIT_EVENT_NAMES: Record<CanonicalEventName, string | null> = {
  page_view: "PAGE_VISIT",
  view_content: "VIEW_CONTENT",
  search: "SEARCH",
  add_to_cart: "ADD_TO_CART",
  initiate_checkout: null,
  add_payment_info: null,
  purchase: "PURCHASE",
  refund: null,
  cancel: null,
  // Issue 13: Reddit's v3 enum has LEAD and SIGN_UP; no edit, cart view, removal, shipping, subscribe or contact type.
  order_edit: null,
  view_item_list: null,
  view_cart: null,
  remove_from_cart: null,
  add_shipping_info: null,
  lead: "LEAD",
  sign_up: "SIGN_UP",
  subscribe: null,
  contact: null,
};

/** Event types that carry value/currency/item_count (Reddit's "about event metadata"). */
const VALUE_TYPES = new Set(["PURCHASE", "ADD_TO_CART", "VIEW_CONTENT"]);

export interface RedditUser {
  email?: string;
  phone_number?: string;
  external_id?: string;
  ip_address?: string;
  user_agent?: string;
  data_processing_options?: { modes: ["LDU"] };
}

export interface RedditProduct {
  id: string;
  name?: string;
}

export interface RedditMetadata {
  conversion_id: string;
  currency?: string;
  value?: number;
  item_count?: number;
  products?: RedditProduct[];
}

export interface RedditEvent {
  event_at: number;
  action_source: "WEBSITE" | "PHYSICAL_STORE" | "OTHER";
  type: { tracking_type: string };
  click_id?: string;
  event_source_url?: string;
  user: RedditUser;
  metadata: RedditMetadata;
}

export interface RedditRequestBody {
  data: { test_id?: string; events: RedditEvent[] };
}

/**
 * user per Reddit's match keys: email canonicalised as Reddit documents (lowercase, "+alias"
 * removed, every non-alphanumeric character of the local part removed: "Al.ice$+Apple@Example.Com"
 * → "alice@example.com" → ff8d9819…) and SHA-256 hex; phone E.164 with "+", SHA-256 hex (Reddit
 * accepts both raw and hashed; we never send raw); external_id SHA-256; IP and user agent in clear.
 * Sale of data opted out → data_processing_options.modes ["LDU"] (Limited Data Use).
 */
export function mapUser(conversion: CanonicalConversion): RedditUser {
  const user: ConversionUser = conversion.user;
  const country = normalizeCountry(user.country);
  return dropUndefined<RedditUser>({
    email: hashIfPresent(normalizeEmail(user.email, { stripPlusAlias: true, localPart: "alphanumeric" })),
    phone_number: hashIfPresent(normalizePhone(user.phone, { defaultCountry: country, withPlus: true })),
    external_id: hashIfPresent(nonEmpty(user.externalId)),
    ip_address: nonEmpty(user.ip),
    user_agent: nonEmpty(user.userAgent),
    data_processing_options: conversion.consent?.saleOfData === false ? { modes: ["LDU"] } : undefined,
  });
}

export function mapMetadata(
  conversion: CanonicalConversion,
  trackingType: string,
  config: Pick<RedditConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): RedditMetadata {
  const money = pickMoney(conversion, ctx.currency);
  const value = decimalToNumber(money?.amount);
  const items = conversion.contents ?? [];
  const withValue = VALUE_TYPES.has(trackingType);
  const products = items.map((item) => dropUndefined<RedditProduct>({ id: contentId(item, config.contentIdSource), name: nonEmpty(item.title) }));
  return dropUndefined<RedditMetadata>({
    // Deduplication key: the same id the Reddit Pixel sends as conversionId for this action.
    conversion_id: conversion.eventId,
    value: withValue ? value : undefined,
    currency: withValue && value !== undefined ? money?.currency : undefined,
    item_count: withValue && items.length > 0 ? items.reduce((sum, item) => sum + item.quantity, 0) : undefined,
    products: products.length > 0 ? products : undefined,
  });
}

function actionSource(conversion: CanonicalConversion): RedditEvent["action_source"] {
  if (conversion.actionSource === "website") return "WEBSITE";
  if (conversion.actionSource === "physical_store") return "PHYSICAL_STORE";
  return "OTHER";
}

/** Caller guarantees the event has a Reddit type (index.ts checks). */
export function mapEvent(
  conversion: CanonicalConversion,
  trackingType: string,
  clickIds: ConversionClickIds,
  config: Pick<RedditConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): RedditEvent {
  return dropUndefined<RedditEvent>({
    // Unix MILLISECONDS in v3 (v2 took an ISO string).
    event_at: conversion.occurredAt,
    action_source: actionSource(conversion),
    type: { tracking_type: trackingType },
    click_id: nonEmpty(clickIds.rdtCid),
    event_source_url: nonEmpty(conversion.sourceUrl),
    user: mapUser(conversion),
    metadata: mapMetadata(conversion, trackingType, config, ctx),
  });
}
