import { z } from "zod";
import { withBaseUrl } from "../shared/url";

/**
 * Google Ads API click-conversion uploads (ConversionUploadService.UploadClickConversions).
 * REST: POST https://googleads.googleapis.com/{API_VERSION}/customers/{customerId}:uploadClickConversions
 * Docs: https://developers.google.com/google-ads/api/docs/conversions/upload-clicks
 *       https://developers.google.com/google-ads/api/rest/reference/rest (UploadClickConversionsRequest)
 *
 * API_VERSION: pinned. Google Ads API versions sunset roughly a year after release
 * (https://developers.google.com/google-ads/api/docs/sunset-dates); a sunset
 * version answers 404, which classify-response reports as a config error so it
 * is noticed. The request fields used here (ClickConversion gclid/gbraid/wbraid,
 * conversion_action, conversion_date_time, conversion_value, currency_code,
 * order_id, user_identifiers, consent; partial_failure, validate_only) are
 * unchanged across recent versions; v25 checked against google-ads-python's
 * v25 conversion_upload_service types.
 */
export const GOOGLE_ADS_API_VERSION = "v25";
export const GOOGLE_ADS_ORIGIN = "https://googleads.googleapis.com";

/** "Upload fewer than 2001 events in a single request" (ConversionUploadError.TOO_MANY_CONVERSIONS_IN_REQUEST). */
export const GOOGLE_ADS_MAX_CONVERSIONS_PER_REQUEST = 2000;

/**
 * Events per request: the API's own limit. Conversions that cannot be uploaded (no click id
 * and no identifier) are settled "skipped" before batching (`unsendable`), so a batch never
 * has to skip one of its events.
 */
export const GOOGLE_ADS_MAX_BATCH_SIZE = GOOGLE_ADS_MAX_CONVERSIONS_PER_REQUEST;

/**
 * Click-through conversion windows go up to 90 days; a click older than the
 * action's window fails with EXPIRED_EVENT. Ten minutes of margin.
 */
export const GOOGLE_ADS_MAX_EVENT_AGE_MS = 90 * 24 * 60 * 60 * 1000 - 10 * 60 * 1000;

/** "123-456-7890" as shown in the Ads UI, or plain digits → "1234567890". */
const customerId = (message: string) =>
  z
    .string()
    .trim()
    .transform((value) => value.replace(/-/g, ""))
    .pipe(z.string().regex(/^[0-9]{10}$/, message));

/** Settings forms post "" for an empty optional field: treat it as absent. */
const optionalCustomerId = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === undefined || value === "" ? undefined : value.replace(/-/g, "")))
    .pipe(z.string().regex(/^[0-9]{10}$/, message).optional());

export const GoogleAdsConfigSchema = z.object({
  /** The Ads account that owns the conversion action (10 digits, dashes allowed). */
  customerId: customerId("The customer id is the 10-digit Google Ads account number, e.g. 123-456-7890"),
  /** Numeric id of a conversion action of type "Import from clicks" (UPLOAD_CLICKS). */
  conversionActionId: z
    .string()
    .trim()
    .regex(/^[0-9]{1,20}$/, "The conversion action id is a number (Goals → Conversions → the action's ctId)"),
  /**
   * Manager (MCC) account the OAuth user signs in through; sent as the
   * login-customer-id header. Omit when the user has direct access.
   */
  loginCustomerId: optionalCustomerId("The manager account id is a 10-digit number"),
  /**
   * Google Ads API developer token (header developer-token). Supplied by the app
   * (GOOGLE_ADS_DEVELOPER_TOKEN), not the merchant; optional since Google's 2026-09-09 sunset.
   */
  developerToken: z.string().trim().max(256).optional(),
  /**
   * OAuth 2.0 access token with the https://www.googleapis.com/auth/adwords scope. Supplied by
   * the app from the destination's OAuth grant (refreshed before expiry and on 401, ADR 0030)
   * just before each request is built; a value stored by older versions (a pasted token) is
   * used only while no grant exists.
   */
  accessToken: z.string().trim().max(4096).optional(),
  /**
   * Send hashed email/phone with each conversion (enhanced conversions). Needs the
   * customer data terms accepted in the Ads account, otherwise every conversion
   * fails with CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS.
   */
  enhancedConversions: z.boolean().default(true),
  /**
   * Upload purchases that came without a Google click id with their hashed email/phone only
   * (enhanced conversions for leads). Needs enhanced conversions for leads turned on in the
   * account; otherwise those rows fail (CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS)
   * and the clicked ones still go.
   */
  uploadWithoutClickId: z.boolean().default(false),
});
export type GoogleAdsConfig = z.infer<typeof GoogleAdsConfigSchema>;

export const GOOGLE_ADS_SECRET_FIELDS = ["developerToken", "accessToken"] as const;
/** Filled by the app (app config and the OAuth grant), never asked in the settings form. */
export const GOOGLE_ADS_APP_SUPPLIED_FIELDS = ["developerToken", "accessToken"] as const;

export function uploadClickConversionsUrl(config: GoogleAdsConfig, baseUrlOverride?: string): string {
  return withBaseUrl(
    `${GOOGLE_ADS_ORIGIN}/${GOOGLE_ADS_API_VERSION}/customers/${config.customerId}:uploadClickConversions`,
    baseUrlOverride,
  );
}

/** Resource name of the conversion action: customers/{customerId}/conversionActions/{id}. */
export function conversionActionResourceName(config: GoogleAdsConfig): string {
  return `customers/${config.customerId}/conversionActions/${config.conversionActionId}`;
}
