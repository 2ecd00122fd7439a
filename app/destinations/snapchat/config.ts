import { z } from "zod";
import { ContentIdSourceSchema } from "../shared/contents";
import { withBaseUrl } from "../shared/url";

/**
 * Snap Conversions API v3 (web events, keyed by the Snap Pixel id).
 * POST https://tr.snapchat.com/v3/{PIXEL_ID}/events?access_token={TOKEN}
 * Test: POST https://tr.snapchat.com/v3/{PIXEL_ID}/events/validate?access_token={TOKEN}
 * Docs: https://developers.snap.com/api/marketing-api/Conversions-API/UsingTheAPI
 *       https://developers.snap.com/api/marketing-api/Conversions-API/Parameters
 *       https://developers.snap.com/api/marketing-api/Conversions-API/VerifySetUp
 * Machine-readable: Snapchat/business-sdk-v3-java api/openapi.yaml (Snap's own SDK).
 *
 * v2 (/v2/conversion, event_type/hashed_email/uuid_c1) was deprecated in early 2025;
 * the version is the "v3" path segment.
 */
export const SNAPCHAT_API_VERSION = "v3";
export const SNAPCHAT_ORIGIN = "https://tr.snapchat.com";

/** 2,000 events per request (Snap's published JSON schema maxItems; RudderStack MAX_BATCH_SIZE). */
export const SNAPCHAT_MAX_BATCH_SIZE = 2000;

/**
 * Events may be at most 37 days old to be reported; /validate flags an
 * out-of-range timestamp as INVALID. Ten minutes of margin.
 */
export const SNAPCHAT_MAX_EVENT_AGE_MS = 37 * 24 * 60 * 60 * 1000 - 10 * 60 * 1000;

export const SnapchatConfigSchema = z.object({
  /** Snap Pixel id from Ads Manager → Events Manager: a UUID. */
  pixelId: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      "The Snap Pixel id is a UUID like 1ec32188-754e-4be2-8e55-c949a984a39f",
    ),
  /** Long-lived Conversions API token generated in Ads Manager → Business Details. */
  accessToken: z
    .string()
    .trim()
    .min(1, "Paste the Conversions API token from Snap Ads Manager")
    .max(4096)
    .regex(/^\S+$/, "The access token cannot contain spaces"),
  /** Which Shopify id matches the Snap catalog's item ids. */
  contentIdSource: ContentIdSourceSchema.default("variant"),
});
export type SnapchatConfig = z.infer<typeof SnapchatConfigSchema>;

export const SNAPCHAT_SECRET_FIELDS = ["accessToken"] as const;

/**
 * The token travels in the query string, as Snap documents it (the SDK spec
 * declares `access_token` as a required query parameter). Loggers must redact
 * the `access_token` parameter of this URL.
 */
export function eventsUrl(config: SnapchatConfig, testMode: boolean, baseUrlOverride?: string): string {
  const path = `/${SNAPCHAT_API_VERSION}/${config.pixelId}/events${testMode ? "/validate" : ""}`;
  const query = new URLSearchParams({ access_token: config.accessToken });
  return withBaseUrl(`${SNAPCHAT_ORIGIN}${path}?${query.toString()}`, baseUrlOverride);
}
