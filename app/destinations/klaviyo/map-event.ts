import type { CanonicalConversion, CanonicalEventName, ConversionContent, ConversionUser } from "~/core/conversions/conversion";
import { normalizeCountry, normalizeEmail, normalizePhone } from "~/core/identity/normalize";
import type { BuildContext } from "../destination";
import { dropUndefined, nonEmpty } from "../shared/compact";
import { decimalToNumber, pickMoney, unitPrice } from "../shared/money";
import { KLAVIYO_FLOW_TRIGGER_MAX_AGE_MS } from "./config";

/**
 * CanonicalConversion → the JSON:API body of Klaviyo's Create Event.
 * https://developers.klaviyo.com/en/reference/create_event
 * Metric names and property names follow Klaviyo's guide for ecommerce platforms without a
 * pre-built integration, so the standard flows (browse, cart and checkout abandonment,
 * post-purchase, winback) and revenue reporting pick them up:
 * https://developers.klaviyo.com/en/docs/guide_to_integrating_a_platform_without_a_pre_built_klaviyo_integration
 */

/**
 * Metric names. Page views are Klaviyo's own "Active on Site" (its JavaScript, per session);
 * search and payment info have no standard metric. "Ordered Product" (one event per line)
 * is not sent: Create Event carries one event and one conversion is one request (README).
 */
export const KLAVIYO_METRIC_NAMES: Record<CanonicalEventName, string | null> = {
  page_view: null,
  view_content: "Viewed Product",
  search: null,
  add_to_cart: "Added to Cart",
  initiate_checkout: "Started Checkout",
  add_payment_info: null,
  purchase: "Placed Order",
  refund: "Refunded Order",
  cancel: "Cancelled Order",
  // Issue 13's steps, goals and edits: not among the events Klaviyo's flows run on (README).
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

export interface KlaviyoLocation {
  city?: string;
  region?: string;
  zip?: string;
  country?: string;
  ip?: string;
}

export interface KlaviyoProfileAttributes {
  email?: string;
  phone_number?: string;
  external_id?: string;
  first_name?: string;
  last_name?: string;
  location?: KlaviyoLocation;
}

export interface KlaviyoItem {
  ProductID: string;
  SKU?: string;
  ProductName?: string;
  Quantity: number;
  ItemPrice?: number;
  RowTotal?: number;
}

export interface KlaviyoEventAttributes {
  properties: Record<string, unknown>;
  time: string;
  value?: number;
  value_currency?: string;
  unique_id: string;
  backfill?: boolean;
  metric: { data: { type: "metric"; attributes: { name: string } } };
  profile: { data: { type: "profile"; attributes: KlaviyoProfileAttributes } };
}

export interface KlaviyoRequestBody {
  data: { type: "event"; attributes: KlaviyoEventAttributes };
}

const REGION_NAMES = new Intl.DisplayNames(["en"], { type: "region" });

/** Klaviyo's location.country is a country NAME ("United States"); we hold ISO alpha-2. */
function countryName(alpha2: string | undefined): string | undefined {
  const code = normalizeCountry(alpha2)?.toUpperCase();
  if (code === undefined) return undefined;
  try {
    const name = REGION_NAMES.of(code);
    return name === undefined || name === code ? undefined : name;
  } catch {
    return undefined;
  }
}

/**
 * Profile attributes IN CLEAR, as Klaviyo documents them: email (trimmed, lowercased),
 * phone_number in E.164 with "+" (national numbers read with the buyer's country; an
 * invalid number is left out rather than guessed), names as the buyer typed them (trimmed,
 * case kept: Klaviyo greets people with them), location with the country name and the IP.
 */
export function profileAttributes(user: ConversionUser): KlaviyoProfileAttributes {
  const location = dropUndefined<KlaviyoLocation>({
    city: nonEmpty(user.city),
    region: nonEmpty(user.state),
    zip: nonEmpty(user.zip),
    country: countryName(user.country),
    ip: nonEmpty(user.ip),
  });
  return dropUndefined<KlaviyoProfileAttributes>({
    email: normalizeEmail(user.email),
    phone_number: normalizePhone(user.phone, { defaultCountry: normalizeCountry(user.country), withPlus: true }),
    external_id: nonEmpty(user.externalId),
    first_name: nonEmpty(user.firstName),
    last_name: nonEmpty(user.lastName),
    location: Object.keys(location).length > 0 ? location : undefined,
  });
}

function item(content: ConversionContent, ctx: Pick<BuildContext, "currency">): KlaviyoItem {
  const price = unitPrice(content, ctx.currency);
  return dropUndefined<KlaviyoItem>({
    ProductID: content.id,
    SKU: nonEmpty(content.sku),
    ProductName: nonEmpty(content.title),
    Quantity: content.quantity,
    ItemPrice: price,
    RowTotal: price === undefined ? undefined : Math.round(price * content.quantity * 100) / 100,
  });
}

/** Event properties per metric, with the names Klaviyo's ecommerce guide uses. */
export function eventProperties(conversion: CanonicalConversion, ctx: Pick<BuildContext, "currency">): Record<string, unknown> {
  const items = (conversion.contents ?? []).map((c) => item(c, ctx));
  const itemNames = items.flatMap((i) => (i.ProductName === undefined ? [] : [i.ProductName]));
  const first = items[0];
  switch (conversion.name) {
    case "view_content":
      return dropUndefined({
        ProductName: first?.ProductName,
        ProductID: first?.ProductID,
        SKU: first?.SKU,
        Price: first?.ItemPrice,
        URL: nonEmpty(conversion.sourceUrl),
      });
    case "add_to_cart":
      return dropUndefined({
        AddedItemProductName: first?.ProductName,
        AddedItemProductID: first?.ProductID,
        AddedItemSKU: first?.SKU,
        AddedItemPrice: first?.ItemPrice,
        AddedItemQuantity: first?.Quantity,
      });
    case "initiate_checkout":
      return dropUndefined({
        ItemNames: itemNames.length > 0 ? itemNames : undefined,
        Items: items.length > 0 ? items : undefined,
        CheckoutURL: nonEmpty(conversion.sourceUrl),
      });
    default:
      // Placed / Refunded / Cancelled Order.
      return dropUndefined({
        OrderId: nonEmpty(conversion.orderId),
        OrderName: nonEmpty(conversion.orderName),
        ItemNames: itemNames.length > 0 ? itemNames : undefined,
        Items: items.length > 0 ? items : undefined,
      });
  }
}

/** Caller guarantees a metric name and a reachable profile (index.ts checks). */
export function mapEvent(conversion: CanonicalConversion, metricName: string, ctx: Pick<BuildContext, "currency" | "now" | "testMode">): KlaviyoRequestBody {
  const money = pickMoney(conversion, ctx.currency);
  const value = decimalToNumber(money?.amount);
  const late = ctx.now - conversion.occurredAt > KLAVIYO_FLOW_TRIGGER_MAX_AGE_MS;
  return {
    data: {
      type: "event",
      attributes: dropUndefined<KlaviyoEventAttributes>({
        properties: eventProperties(conversion, ctx),
        // ISO 8601; Klaviyo truncates to the second.
        time: new Date(conversion.occurredAt).toISOString(),
        value,
        value_currency: value === undefined ? undefined : money?.currency,
        // Klaviyo records only the first event per (profile, metric, unique_id).
        unique_id: conversion.eventId,
        // Recorded without triggering flows: test events, and events that arrive late.
        backfill: ctx.testMode || late ? true : undefined,
        metric: { data: { type: "metric", attributes: { name: metricName } } },
        profile: { data: { type: "profile", attributes: profileAttributes(conversion.user) } },
      }),
    },
  };
}
