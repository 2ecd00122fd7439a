import type { CanonicalConversion, CanonicalEventName } from "~/core/conversions/conversion";
import { hashIfPresent, normalizeEmail } from "~/core/identity/normalize";
import type { BuildContext } from "../destination";
import { dropUndefined, nonEmpty } from "../shared/compact";
import { decimalToNumber, pickMoney } from "../shared/money";
import { conversionRuleUrn } from "./config";

/**
 * CanonicalConversion → one element of a LinkedIn `conversionEvents` BATCH_CREATE.
 * https://learn.microsoft.com/en-us/linkedin/marketing/integrations/ads-reporting/conversions-api
 * (section "Stream conversion events").
 */

/**
 * The LinkedIn conversion type each canonical event is sent as. LinkedIn has no event
 * name on the wire: the conversion rule (created in Campaign Manager with one of these
 * types) IS the event, so this table says which type of rule the merchant should create.
 * Page views are not conversions; refunds and cancellations have no retraction API.
 */
export const LINKEDIN_CONVERSION_TYPES: Record<CanonicalEventName, string | null> = {
  page_view: null,
  view_content: "VIEW_CONTENT",
  search: "SEARCH",
  add_to_cart: "ADD_TO_CART",
  initiate_checkout: "START_CHECKOUT",
  add_payment_info: "ADD_BILLING_INFO",
  purchase: "PURCHASE",
  refund: null,
  cancel: null,
  // Issue 13's steps, goals and edits: each would need a conversion rule of its own (README).
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

export type LinkedInIdType = "SHA256_EMAIL" | "LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID";

export interface LinkedInUserId {
  idType: LinkedInIdType;
  idValue: string;
}

export interface LinkedInConversionEvent {
  conversion: string;
  conversionHappenedAt: number;
  conversionValue?: { currencyCode: string; amount: string };
  eventId: string;
  user: { userIds: LinkedInUserId[] };
}

export interface LinkedInRequestBody {
  elements: LinkedInConversionEvent[];
}

/**
 * user.userIds: the SHA-256 of the trimmed, lowercased email (LinkedIn's rule; no gmail
 * dot removal), and the li_fat_id click id in clear as LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID.
 * `userInfo` (first and last name, in clear) is deliberately not sent: it would put raw
 * names on the wire, and LinkedIn matches on the hashed email or the click id (README).
 */
export function userIds(conversion: CanonicalConversion): LinkedInUserId[] {
  const ids: LinkedInUserId[] = [];
  const email = hashIfPresent(normalizeEmail(conversion.user.email));
  if (email !== undefined) ids.push({ idType: "SHA256_EMAIL", idValue: email });
  const click = nonEmpty(conversion.clickIds.liFatId);
  if (click !== undefined) ids.push({ idType: "LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID", idValue: click });
  return ids;
}

/** conversionValue: amount as a decimal STRING, with its ISO 4217 currency. */
function conversionValue(conversion: CanonicalConversion, ctx: Pick<BuildContext, "currency">): LinkedInConversionEvent["conversionValue"] {
  const money = pickMoney(conversion, ctx.currency);
  if (money === undefined || decimalToNumber(money.amount) === undefined) return undefined;
  return { currencyCode: money.currency, amount: money.amount.trim() };
}

/** Caller guarantees a rule id and at least one user id (index.ts checks). */
export function mapEvent(conversion: CanonicalConversion, ruleId: string, ctx: Pick<BuildContext, "currency">): LinkedInConversionEvent {
  return dropUndefined<LinkedInConversionEvent>({
    conversion: conversionRuleUrn(ruleId),
    // Epoch MILLISECONDS (not seconds, unlike Meta).
    conversionHappenedAt: conversion.occurredAt,
    conversionValue: conversionValue(conversion, ctx),
    // Shared with the Insight Tag's event id: LinkedIn counts the conversion once.
    eventId: conversion.eventId,
    user: { userIds: userIds(conversion) },
  });
}
