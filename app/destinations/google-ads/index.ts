import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { classifyGoogleAdsResponse } from "./classify-response";
import { googleAdsFacts } from "./facts";
import {
  GOOGLE_ADS_MAX_BATCH_SIZE,
  GOOGLE_ADS_MAX_EVENT_AGE_MS,
  GOOGLE_ADS_SECRET_FIELDS,
  GoogleAdsConfigSchema,
  uploadClickConversionsUrl,
  type GoogleAdsConfig,
} from "./config";
import { buildAdjustmentRequest } from "./adjustments";
import { GOOGLE_ADS_EVENT_NAMES, mapConversion, type UploadClickConversionsBody } from "./map-event";

/**
 * Google Ads offline click conversions with enhanced-conversion identifiers,
 * via the Google Ads API. See README.md for the mapping and the error table.
 */

/** The headers every Google Ads API call carries (purchases and adjustments alike). */
function googleAdsHeaders(config: GoogleAdsConfig): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${config.accessToken}`,
    "developer-token": config.developerToken,
    "content-type": "application/json",
  };
  if (config.loginCustomerId !== undefined) headers["login-customer-id"] = config.loginCustomerId;
  return headers;
}

function buildRequest(events: readonly CanonicalConversion[], config: GoogleAdsConfig, ctx: BuildContext): BuildResult {
  const conversion = events[0];
  if (conversion === undefined) return { kind: "skip", reason: "no events" };
  if (events.length > GOOGLE_ADS_MAX_BATCH_SIZE) {
    // A caller bug, not a platform answer: refuse rather than split silently.
    return { kind: "skip", reason: `batch of ${events.length} exceeds ${GOOGLE_ADS_MAX_BATCH_SIZE}` };
  }
  if (GOOGLE_ADS_EVENT_NAMES[conversion.name] === null) {
    return { kind: "skip", reason: `Google Ads uploads purchases only, not "${conversion.name}"` };
  }
  if (conversion.name !== "purchase") return buildAdjustmentRequest(conversion, config, ctx, googleAdsHeaders(config));
  if (ctx.now - conversion.occurredAt > GOOGLE_ADS_MAX_EVENT_AGE_MS) {
    return { kind: "skip", reason: "older than Google Ads' 90-day click-through window" };
  }
  const clickConversion = mapConversion(conversion, config, ctx);
  // Without gclid/gbraid/wbraid there is no ad click to credit: nothing to upload.
  if (clickConversion === undefined) return { kind: "skip", reason: "no Google click id (gclid, gbraid or wbraid)" };

  const body: UploadClickConversionsBody = {
    conversions: [clickConversion],
    partialFailure: true,
    validateOnly: ctx.testMode,
  };
  const headers = googleAdsHeaders(config);

  return {
    kind: "request",
    request: { method: "POST", url: uploadClickConversionsUrl(config, ctx.baseUrlOverride), headers, body },
  };
}

export const googleAds: DestinationAdapter<GoogleAdsConfig> = {
  ...googleAdsFacts,
  kind: "google-ads",
  displayName: "Google Ads",
  configSchema: GoogleAdsConfigSchema,
  secretFields: GOOGLE_ADS_SECRET_FIELDS,
  maxEventAgeMs: GOOGLE_ADS_MAX_EVENT_AGE_MS,
  maxBatchSize: GOOGLE_ADS_MAX_BATCH_SIZE,
  eventName: (name) => GOOGLE_ADS_EVENT_NAMES[name],
  buildRequest,
  classifyResponse: classifyGoogleAdsResponse,
};
