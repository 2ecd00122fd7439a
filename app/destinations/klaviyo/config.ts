import { z } from "zod";
import { withBaseUrl } from "../shared/url";

/**
 * Klaviyo Events API: Create Event.
 * POST https://a.klaviyo.com/api/events   (JSON:API body, one event per request)
 * Docs: https://developers.klaviyo.com/en/reference/create_event
 *       https://developers.klaviyo.com/en/reference/api_overview (auth, revisions, errors, rate limits)
 * Spec: klaviyo/openapi openapi/stable/apis/create_event.json (revision 2026-07-15).
 *
 * The API version is the required `revision: YYYY-MM-DD` header. Klaviyo keeps a revision
 * working for two years after release; this is the revision whose spec we read (it has
 * `backfill`, which test mode and late events rely on).
 */
export const KLAVIYO_REVISION = "2026-07-15";
export const KLAVIYO_ORIGIN = "https://a.klaviyo.com";

/** Create Event takes exactly one event (the bulk endpoint is an asynchronous job: README). */
export const KLAVIYO_MAX_BATCH_SIZE = 1;

/**
 * Klaviyo accepts any `time` after 1990, so the age limit is OURS: 30 days, long enough for
 * an outage backlog to drain so revenue and profiles stay complete.
 */
export const KLAVIYO_MAX_EVENT_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Older than this, an event is sent with `backfill: true`: recorded on the profile but it
 * does NOT trigger flows (an abandoned-checkout email a day late is worse than none).
 * Our choice; see ADR 0037.
 */
export const KLAVIYO_FLOW_TRIGGER_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export const KlaviyoConfigSchema = z.object({
  /**
   * Private API key ("pk_…") with the events:write scope (Settings → API keys). Sent as
   * "Authorization: Klaviyo-API-Key pk_…". Does not expire; the merchant revokes it in Klaviyo.
   */
  privateApiKey: z
    .string()
    .trim()
    .min(1, "Paste a Klaviyo private API key with the events:write scope")
    .max(512)
    .regex(/^\S+$/, "The private API key cannot contain spaces")
    .refine((v) => !/^[A-Za-z0-9]{6}$/.test(v), "That is the public key (site id); a private key starts with pk_"),
});
export type KlaviyoConfig = z.infer<typeof KlaviyoConfigSchema>;

export const KLAVIYO_SECRET_FIELDS = ["privateApiKey"] as const;

export function eventsUrl(baseUrlOverride?: string): string {
  return withBaseUrl(`${KLAVIYO_ORIGIN}/api/events`, baseUrlOverride);
}
