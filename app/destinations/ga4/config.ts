import { z } from "zod";
import { ContentIdSourceSchema } from "../shared/contents";
import { withBaseUrl } from "../shared/url";

/**
 * GA4 Measurement Protocol settings, endpoints and limits.
 * Docs: https://developers.google.com/analytics/devguides/collection/protocol/ga4/sending-events
 *       https://developers.google.com/analytics/devguides/collection/protocol/ga4/reference
 *
 * The Measurement Protocol has no version in its path; the payload format is the
 * "GA4" one (events[] with params), as opposed to the retired Universal Analytics
 * /collect?v=1 hits.
 */

/** Collection hosts. "eu" keeps collection inside the EU (region1). */
export const GA4_ORIGINS = {
  global: "https://www.google-analytics.com",
  eu: "https://region1.google-analytics.com",
} as const;

export const GA4_COLLECT_PATH = "/mp/collect";
/**
 * Validation server: same body, nothing is recorded, answers with
 * `{"validationMessages":[...]}`. It does NOT check api_secret/measurement_id.
 * https://developers.google.com/analytics/devguides/collection/protocol/ga4/validating-events
 */
export const GA4_DEBUG_PATH = "/debug/mp/collect";

/** "A request can have a maximum of 25 events" (reference, limitations). */
export const GA4_MAX_EVENTS_PER_REQUEST = 25;

/**
 * `timestamp_micros` may be at most 72 hours old. With the default RELAXED
 * validation an older event is NOT rejected: its time is silently moved to 72 h
 * ago, which misdates revenue. So anything older must expire instead of being sent.
 */
export const GA4_MAX_EVENT_AGE_MS = 72 * 60 * 60 * 1000 - 10 * 60 * 1000; // 10 min margin for skew and send time

/**
 * client_id, user_id, user_data and consent are REQUEST-level in the Measurement
 * Protocol: one request describes one visitor. The pipeline batches events of
 * different buyers together, so a request can only safely carry one event.
 * (GA4_MAX_EVENTS_PER_REQUEST is the platform limit, kept for reference.)
 */
export const GA4_MAX_BATCH_SIZE = 1;

export const Ga4ConfigSchema = z.object({
  /** The web stream's measurement id ("G-XXXXXXXXXX"), not the numeric stream id. */
  measurementId: z
    .string()
    .trim()
    .regex(/^G-[A-Z0-9]{4,20}$/, "Use the web stream's Measurement ID, e.g. G-ABC123XYZ"),
  /** Admin → Data streams → Measurement Protocol API secrets. */
  apiSecret: z.string().trim().min(1, "API secret is required").max(256),
  /** Send to the EU collection host (region1.google-analytics.com). */
  region: z.enum(["global", "eu"]).default("global"),
  /**
   * Which Shopify id becomes items[].item_id. It should equal the id in the
   * merchant's Merchant Center / GA4 item data so item reports join up.
   */
  contentIdSource: ContentIdSourceSchema.default("variant"),
});
export type Ga4Config = z.infer<typeof Ga4ConfigSchema>;

export const GA4_SECRET_FIELDS = ["apiSecret"] as const;

/**
 * The request URL. `baseUrlOverride` replaces scheme and host (local stand-ins)
 * and keeps path and query (shared/url.ts).
 *
 * The api_secret has to travel in the query string (the protocol has no auth
 * header), so whoever logs or stores this URL must redact `api_secret`.
 */
export function ga4Url(config: Ga4Config, testMode: boolean, baseUrlOverride?: string): string {
  const path = testMode ? GA4_DEBUG_PATH : GA4_COLLECT_PATH;
  const query = new URLSearchParams({ measurement_id: config.measurementId, api_secret: config.apiSecret });
  return withBaseUrl(`${GA4_ORIGINS[config.region]}${path}?${query.toString()}`, baseUrlOverride);
}
