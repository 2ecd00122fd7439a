import type {
  CanonicalConversion,
  CanonicalEventName,
  ConversionClickIds,
  ConversionConsent,
  ConversionUser,
} from "~/core/conversions/conversion";
import { hashIfPresent, normalizeCountry, normalizeEmail, normalizePhone } from "~/core/identity/normalize";
import type { BuildContext } from "../destination";
import { dropUndefined, nonEmpty } from "../shared/compact";
import { decimalToNumber, pickMoney } from "../shared/money";
import { conversionActionResourceName, type GoogleAdsConfig } from "./config";

/**
 * CanonicalConversion → one ClickConversion for UploadClickConversions (REST JSON,
 * lowerCamelCase field names as in the REST reference; the proto names are snake_case).
 * https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers/uploadClickConversions
 */

/**
 * Google Ads has no event names: a conversion goes to the ONE conversion action
 * configured (an "Import from clicks" action). Purchases are uploaded as click
 * conversions; refunds, cancellations and edits ADJUST that purchase
 * (uploadConversionAdjustments, RETRACTION/RESTATEMENT: adjustments.ts). The
 * label is what the delivery log shows.
 */
export const GOOGLE_ADS_EVENT_NAMES: Record<CanonicalEventName, string | null> = {
  page_view: null,
  view_content: null,
  search: null,
  add_to_cart: null,
  initiate_checkout: null,
  add_payment_info: null,
  purchase: "purchase",
  // Issue 13: storefront steps and custom goals would each need a conversion action of their
  // own; this destination is configured with one (purchases), so they are skipped (README).
  view_item_list: null,
  view_cart: null,
  remove_from_cart: null,
  add_shipping_info: null,
  lead: null,
  sign_up: null,
  subscribe: null,
  contact: null,
  refund: "adjustment (RESTATEMENT or RETRACTION)",
  cancel: "adjustment (RETRACTION)",
  order_edit: "adjustment (RESTATEMENT)",
};

export type ClickId = { gclid: string } | { gbraid: string } | { wbraid: string };

export type UserIdentifier = { hashedEmail: string } | { hashedPhoneNumber: string };

export interface ClickConversion {
  gclid?: string;
  gbraid?: string;
  wbraid?: string;
  conversionAction: string;
  conversionDateTime: string;
  conversionValue?: number;
  currencyCode?: string;
  orderId: string;
  userIdentifiers?: UserIdentifier[];
  consent?: { adUserData: "GRANTED" | "DENIED" };
}

export interface UploadClickConversionsBody {
  conversions: ClickConversion[];
  /** Must be true: false (or absent) makes one bad row fail the whole call. */
  partialFailure: true;
  /** Test mode: Google validates and answers errors, records nothing. */
  validateOnly: boolean;
}

/**
 * Exactly one click id per conversion ("Can't use both gbraid and wbraid",
 * GBRAID_WBRAID_BOTH_SET). gclid is the most precise; gbraid (app) and wbraid
 * (web, iOS ATT) are the fallbacks Google sets when it cannot set a gclid.
 */
export function pickClickId(clickIds: ConversionClickIds): ClickId | undefined {
  const gclid = nonEmpty(clickIds.gclid);
  if (gclid !== undefined) return { gclid };
  const gbraid = nonEmpty(clickIds.gbraid);
  if (gbraid !== undefined) return { gbraid };
  const wbraid = nonEmpty(clickIds.wbraid);
  if (wbraid !== undefined) return { wbraid };
  return undefined;
}

/**
 * "yyyy-mm-dd hh:mm:ss+|-hh:mm" (ClickConversion.conversion_date_time). Written in
 * UTC so it does not depend on the server's time zone: "2025-11-11 23:05:53+00:00".
 */
export function conversionDateTime(occurredAt: number): string {
  const iso = new Date(occurredAt).toISOString(); // 2025-11-11T23:05:53.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}+00:00`;
}

/**
 * Enhanced conversions: only hashed_email and hashed_phone_number are accepted
 * for click uploads, one identifier per UserIdentifier, at most 5 (UNSUPPORTED_USER_IDENTIFIER
 * otherwise). Google's normalisation: email trimmed + lowercased with gmail dots
 * removed; phone E.164 WITH "+" (docs/platform/ad-platforms.md, GA4 and Google Ads;
 * https://developers.google.com/google-ads/api/docs/conversions/upload-clicks).
 */
export function userIdentifiers(user: ConversionUser): UserIdentifier[] {
  const ids: UserIdentifier[] = [];
  const email = hashIfPresent(normalizeEmail(user.email, { removeGmailDots: true }));
  if (email !== undefined) ids.push({ hashedEmail: email });
  const phone = hashIfPresent(
    normalizePhone(user.phone, { defaultCountry: normalizeCountry(user.country), withPlus: true }),
  );
  if (phone !== undefined) ids.push({ hashedPhoneNumber: phone });
  return ids;
}

/**
 * Consent for the uploaded data (Consent.ad_user_data, EU user consent policy).
 * Omitted when no browser recorded consent: Google then applies the account default.
 */
export function adUserDataConsent(consent: ConversionConsent | null): ClickConversion["consent"] {
  return consent === null ? undefined : { adUserData: consent.marketing ? "GRANTED" : "DENIED" };
}

/**
 * Why this conversion cannot be uploaded with this config, or null. Without a click id a
 * conversion goes only when `uploadWithoutClickId` is on and it has a hashed email or phone
 * to match on (enhanced conversions for leads:
 * https://developers.google.com/google-ads/api/docs/conversions/upload-online).
 */
export function unsendableReason(conversion: CanonicalConversion, config: GoogleAdsConfig): string | null {
  // Refunds, cancellations and edits adjust an uploaded purchase: adjustments.ts decides.
  if (conversion.name !== "purchase") return null;
  if (pickClickId(conversion.clickIds) !== undefined) return null;
  if (!config.uploadWithoutClickId) return "no Google click id (gclid, gbraid or wbraid)";
  if (!config.enhancedConversions) return "no Google click id, and enhanced conversions are off";
  if (userIdentifiers(conversion.user).length === 0) return "no Google click id and no email or phone to match on";
  return null;
}

/**
 * The ClickConversion: with its click id, or (uploadWithoutClickId) with user identifiers
 * only; undefined when neither can be sent (see unsendableReason).
 */
export function mapConversion(
  conversion: CanonicalConversion,
  config: GoogleAdsConfig,
  ctx: Pick<BuildContext, "currency">,
): ClickConversion | undefined {
  if (unsendableReason(conversion, config) !== null) return undefined;
  const clickId = pickClickId(conversion.clickIds);
  const money = pickMoney(conversion, ctx.currency);
  const value = decimalToNumber(money?.amount);
  const identifiers = config.enhancedConversions ? userIdentifiers(conversion.user) : [];
  return dropUndefined({
    ...clickId,
    conversionAction: conversionActionResourceName(config),
    conversionDateTime: conversionDateTime(conversion.occurredAt),
    conversionValue: value,
    currencyCode: value === undefined ? undefined : money?.currency,
    // "An order id can only be used for one conversion per conversion action":
    // our deterministic event id makes a retried upload after a lost response
    // come back as ORDER_ID_ALREADY_IN_USE (→ delivered) instead of counting twice.
    orderId: conversion.eventId,
    userIdentifiers: identifiers.length > 0 ? identifiers : undefined,
    consent: adUserDataConsent(conversion.consent),
  });
}
