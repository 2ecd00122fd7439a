import { z } from "zod";
import { ContentIdSourceSchema } from "../shared/contents";
import { withBaseUrl } from "../shared/url";

/**
 * Reddit Conversions API v3.
 * POST https://ads-api.reddit.com/api/v3/pixels/{pixelId}/conversion_events
 * Authorization: Bearer {Conversion Access Token}
 * Docs: https://ads-api.reddit.com/docs/v3/ (Conversions → Post conversion events),
 *       https://business.reddithelp.com/s/article/Conversions-API
 * v2.0 (/api/v2.0/conversions/events/{account_id}, event_type/event_metadata, ISO event_at) is
 * deprecated; v3 is the current version (ADR 0034).
 */
export const REDDIT_API_VERSION = "v3";
export const REDDIT_ORIGIN = "https://ads-api.reddit.com";

/** Up to 1,000 events per request (Reddit's CAPI batch limit; RudderStack's maxBatchSize). */
export const REDDIT_MAX_BATCH_SIZE = 1000;

/** Reddit refuses events older than 7 days; ten minutes of margin. */
export const REDDIT_MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000 - 10 * 60 * 1000;

export const RedditConfigSchema = z.object({
  /** Reddit Pixel id, from Events Manager: "a2_" + letters and digits (older pixels: "t2_…"). */
  pixelId: z
    .string()
    .trim()
    .regex(/^(?:a2|t2)_[a-z0-9]{3,32}$/i, "The Reddit Pixel id looks like a2_abc123xyz (Events Manager → your pixel)"),
  /** Conversion Access Token generated in Events Manager for this pixel (does not expire). */
  accessToken: z
    .string()
    .trim()
    .min(1, "Paste the Conversion Access Token from Reddit Events Manager")
    .max(8192)
    .regex(/^\S+$/, "The access token cannot contain spaces"),
  /** Events Manager → Test events: the test id. Sent as `test_id` only in test mode. */
  testEventCode: z.string().trim().max(128).optional(),
  contentIdSource: ContentIdSourceSchema.default("variant"),
});
export type RedditConfig = z.infer<typeof RedditConfigSchema>;

export const REDDIT_SECRET_FIELDS = ["accessToken"] as const;

export function eventsUrl(config: Pick<RedditConfig, "pixelId">, baseUrlOverride?: string): string {
  return withBaseUrl(`${REDDIT_ORIGIN}/api/${REDDIT_API_VERSION}/pixels/${config.pixelId}/conversion_events`, baseUrlOverride);
}
