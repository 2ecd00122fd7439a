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
 * Events per request this adapter accepts. Conversions without a click id must
 * be skipped, and the contract has no per-event "skip" inside a batch (the
 * per-event outcomes are index-aligned with the events passed in), so one event
 * per request keeps "skip" exact. Raise it once the contract can skip per event.
 */
export const GOOGLE_ADS_MAX_BATCH_SIZE = 1;

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
  /** Google Ads API developer token (header developer-token). */
  developerToken: z.string().trim().min(1, "The developer token is required").max(256),
  /**
   * OAuth 2.0 access token with the https://www.googleapis.com/auth/adwords scope.
   * Access tokens live about an hour: whoever loads this config must refresh it
   * (the adapter is pure and cannot call the token endpoint).
   */
  accessToken: z.string().trim().min(1, "An OAuth access token is required").max(4096),
  /**
   * Send hashed email/phone with each conversion (enhanced conversions). Needs the
   * customer data terms accepted in the Ads account, otherwise every conversion
   * fails with CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS.
   */
  enhancedConversions: z.boolean().default(true),
});
export type GoogleAdsConfig = z.infer<typeof GoogleAdsConfigSchema>;

export const GOOGLE_ADS_SECRET_FIELDS = ["developerToken", "accessToken"] as const;

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
