import type {
  CanonicalConversion,
  CanonicalEventName,
  ConversionClickIds,
  ConversionUser,
} from "~/core/conversions/conversion";
import { hashIfPresent, normalizeCountry, normalizeEmail, normalizePhone } from "~/core/identity/normalize";
import type { BuildContext } from "../destination";
import { dropUndefined, nonEmpty } from "../shared/compact";
import { contentId } from "../shared/contents";
import { decimalToNumber, pickMoney, unitPrice } from "../shared/money";
import type { TikTokConfig } from "./config";

/**
 * CanonicalConversion → one TikTok Events API 2.0 `data[]` item.
 * Report Web Event: https://business-api.tiktok.com/portal/docs?id=1771100865818625
 * Standard events: https://ads.tiktok.com/help/article/supported-standard-events
 */

/**
 * Standard event names (docs/platform/ad-platforms.md, "Event names"). "Pageview" is TikTok's own
 * spelling (its GTM template maps page_view → Pageview). Purchase is
 * configurable (config.purchaseEventName) so it matches what the pixel fires.
 * TikTok has no refund/cancel event and does not take negative values (README).
 */
export const TIKTOK_EVENT_NAMES: Record<CanonicalEventName, string | null> = {
  page_view: "Pageview",
  view_content: "ViewContent",
  search: "Search",
  add_to_cart: "AddToCart",
  initiate_checkout: "InitiateCheckout",
  add_payment_info: "AddPaymentInfo",
  purchase: "Purchase",
  refund: null,
  cancel: null,
  // Issue 13 (README "Events"): TikTok has no standard event for these storefront steps.
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

export interface TikTokUser {
  email?: string;
  phone?: string;
  external_id?: string;
  ip?: string;
  user_agent?: string;
  ttclid?: string;
  ttp?: string;
}

export interface TikTokContent {
  content_id: string;
  content_type: "product";
  content_name?: string;
  quantity: number;
  price?: number;
}

export interface TikTokProperties {
  contents?: TikTokContent[];
  content_type?: "product";
  currency?: string;
  value?: number;
  order_id?: string;
  query?: string;
}

export interface TikTokEvent {
  event: string;
  event_time: number;
  event_id: string;
  user: TikTokUser;
  page?: { url: string };
  properties?: TikTokProperties;
}

export interface TikTokRequestBody {
  event_source: "web";
  event_source_id: string;
  test_event_code?: string;
  data: TikTokEvent[];
}

/** The name sent for a canonical event under this configuration. */
export function tiktokEventName(name: CanonicalEventName, config: Pick<TikTokConfig, "purchaseEventName">): string | null {
  return name === "purchase" ? config.purchaseEventName : TIKTOK_EVENT_NAMES[name];
}

/**
 * Hashing per docs/platform/ad-platforms.md (TikTok): email trimmed +
 * lowercased; phone E.164 WITH "+" (TikTok help content and Segment agree);
 * external_id trimmed only (ids are case-sensitive and must equal what the
 * pixel sends). ip, user_agent, ttclid and ttp are sent in clear, as TikTok's
 * samples mark them "non-hashed". Names and address are not sent (README).
 */
export function mapUser(user: ConversionUser, clickIds: ConversionClickIds): TikTokUser {
  return dropUndefined({
    email: hashIfPresent(normalizeEmail(user.email)),
    phone: hashIfPresent(
      normalizePhone(user.phone, { defaultCountry: normalizeCountry(user.country), withPlus: true }),
    ),
    external_id: hashIfPresent(nonEmpty(user.externalId)),
    ip: nonEmpty(user.ip),
    user_agent: nonEmpty(user.userAgent),
    ttclid: nonEmpty(clickIds.ttclid),
    ttp: nonEmpty(clickIds.ttp),
  });
}

export function mapProperties(
  conversion: CanonicalConversion,
  config: Pick<TikTokConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): TikTokProperties | undefined {
  const money = pickMoney(conversion, ctx.currency);
  const contents: TikTokContent[] = (conversion.contents ?? []).map((item) =>
    dropUndefined({
      content_id: contentId(item, config.contentIdSource),
      content_type: "product" as const,
      content_name: nonEmpty(item.title),
      quantity: item.quantity,
      price: unitPrice(item, ctx.currency),
    }),
  );
  const value = decimalToNumber(money?.amount);
  const properties: TikTokProperties = dropUndefined({
    contents: contents.length > 0 ? contents : undefined,
    content_type: contents.length > 0 ? ("product" as const) : undefined,
    currency: value === undefined ? undefined : money?.currency,
    value,
    order_id: nonEmpty(conversion.orderId),
    query: nonEmpty(conversion.searchQuery),
  });
  return Object.keys(properties).length === 0 ? undefined : properties;
}

export function mapEvent(
  conversion: CanonicalConversion,
  eventName: string,
  config: Pick<TikTokConfig, "contentIdSource">,
  ctx: Pick<BuildContext, "currency">,
): TikTokEvent {
  const url = nonEmpty(conversion.sourceUrl);
  return dropUndefined({
    event: eventName,
    // Unix SECONDS.
    event_time: Math.floor(conversion.occurredAt / 1000),
    // Dedup key shared with the pixel (same event + event_id within 48 h).
    event_id: conversion.eventId,
    user: mapUser(conversion.user, conversion.clickIds),
    page: url === undefined ? undefined : { url },
    properties: mapProperties(conversion, config, ctx),
  });
}
