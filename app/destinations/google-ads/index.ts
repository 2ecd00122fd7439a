import type { CanonicalConversion } from "~/core/conversions/conversion";
import { googleAdsDiagnostics } from "./diagnostics";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { classifyGoogleAdsResponse } from "./classify-response";
import { googleAdsFacts } from "./facts";
import {
  GOOGLE_ADS_MAX_BATCH_SIZE,
  GOOGLE_ADS_MAX_EVENT_AGE_MS,
  GOOGLE_ADS_APP_SUPPLIED_FIELDS,
  GOOGLE_ADS_SECRET_FIELDS,
  GoogleAdsConfigSchema,
  uploadClickConversionsUrl,
  type GoogleAdsConfig,
} from "./config";
import { buildAdjustmentRequest } from "./adjustments";
import {
  GOOGLE_ADS_EVENT_NAMES,
  mapConversion,
  unsendableReason,
  type ClickConversion,
  type UploadClickConversionsBody,
} from "./map-event";
import { googleAdsHeaders } from "./oauth";

/**
 * Google Ads offline click conversions with enhanced-conversion identifiers, and
 * conversion adjustments for refunds, cancellations and edits, via the Google Ads API.
 * See README.md for the mapping and the error table.
 */

function buildRequest(events: readonly CanonicalConversion[], config: GoogleAdsConfig, ctx: BuildContext): BuildResult {
  if (events.length === 0) return { kind: "skip", reason: "no events" };
  if (events.length > GOOGLE_ADS_MAX_BATCH_SIZE) {
    // A caller bug, not a platform answer: refuse rather than split silently.
    return { kind: "skip", reason: `batch of ${events.length} exceeds ${GOOGLE_ADS_MAX_BATCH_SIZE}` };
  }
  if (config.accessToken === undefined || config.accessToken === "") {
    // The service fills it from the OAuth grant; never reached through the sender.
    return { kind: "skip", reason: "Google Ads is not connected (no access token)" };
  }
  const headers = googleAdsHeaders({ accessToken: config.accessToken, developerToken: config.developerToken, loginCustomerId: config.loginCustomerId });
  // Adjustments go to another endpoint, one per request: a batch holding one is refused here
  // and the sender then sends each of its events alone.
  if (events.some((e) => e.name !== "purchase")) {
    const [only] = events;
    if (events.length > 1 || only === undefined) return { kind: "skip", reason: "adjustments are uploaded one per request" };
    if (GOOGLE_ADS_EVENT_NAMES[only.name] === null) {
      return { kind: "skip", reason: `Google Ads uploads purchases only, not "${only.name}"` };
    }
    return buildAdjustmentRequest(only, config, ctx, headers);
  }
  const conversions: ClickConversion[] = [];
  const clicks = new Set<string>();
  for (const conversion of events) {
    if (ctx.now - conversion.occurredAt > GOOGLE_ADS_MAX_EVENT_AGE_MS) {
      return { kind: "skip", reason: "older than Google Ads' 90-day click-through window" };
    }
    // Index-aligned outcomes: one unsendable event refuses the batch (the sender then sends
    // each alone); the sender settles unsendable events before batching, so this is rare.
    const clickConversion = mapConversion(conversion, config, ctx);
    if (clickConversion === undefined) return { kind: "skip", reason: unsendableReason(conversion, config) ?? "cannot be uploaded" };
    // Google refuses a second conversion with the same click and conversion_date_time in one
    // request (DUPLICATE_CLICK_CONVERSION_IN_REQUEST, which would fail it for good); alone, it
    // gets the answer for that pair (README "Errors"). Two orders from one click in the same
    // second refuse the batch, and the sender sends each alone.
    const click = clickConversion.gclid ?? clickConversion.gbraid ?? clickConversion.wbraid;
    if (click !== undefined) {
      const key = `${click}|${clickConversion.conversionDateTime}`;
      if (clicks.has(key)) return { kind: "skip", reason: "two conversions with the same click and time go in separate requests" };
      clicks.add(key);
    }
    conversions.push(clickConversion);
  }

  const body: UploadClickConversionsBody = { conversions, partialFailure: true, validateOnly: ctx.testMode };
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
  diagnostics: googleAdsDiagnostics,
  appSuppliedFields: GOOGLE_ADS_APP_SUPPLIED_FIELDS,
  unsendable: unsendableReason,
};
