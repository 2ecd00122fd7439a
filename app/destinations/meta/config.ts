import { z } from "zod";
import { ContentIdSourceSchema } from "../shared/contents";

/**
 * Meta Conversions API settings.
 *
 * API_VERSION: Graph API version, pinned. Meta supports each Graph version for
 * at least two years for CAPI; bump it deliberately (changelog:
 * https://developers.facebook.com/docs/graph-api/changelog) and re-run the cases.
 * v24.0 matches facebook-nodejs-business-sdk 24.x (docs/platform/ad-platforms.md, Meta).
 */
export const API_VERSION = "v24.0";
export const GRAPH_ORIGIN = "https://graph.facebook.com";

/** Settings forms post "" for an empty optional field: treat it as absent. */
const optionalText = (max: number) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.string().trim().max(max).optional(),
  );

export const MetaConfigSchema = z.object({
  /** Pixel / dataset id from Events Manager: digits only. */
  pixelId: z
    .string()
    .trim()
    .regex(/^[0-9]{5,20}$/, "The pixel (dataset) id is the number shown in Events Manager"),
  /** System-user or dataset access token generated in Events Manager → Settings. */
  accessToken: z
    .string()
    .trim()
    .min(20, "Paste the Conversions API access token from Events Manager")
    .max(1024)
    .regex(/^\S+$/, "The access token cannot contain spaces"),
  /**
   * Test event code from Events Manager → Test events (e.g. "TEST12345"). Only
   * sent while the app runs in test mode (BuildContext.testMode).
   */
  testEventCode: optionalText(64),
  /** Which Shopify id matches the Meta catalog's content ids. */
  contentIdSource: ContentIdSourceSchema.default("variant"),
});
export type MetaConfig = z.infer<typeof MetaConfigSchema>;

/** Keys of MetaConfig that are secrets (encrypted at rest, write-only in the admin). */
export const META_SECRET_FIELDS = ["accessToken"] as const;

/**
 * POST https://graph.facebook.com/{API_VERSION}/{PIXEL_ID}/events?access_token=…
 * (https://developers.facebook.com/docs/marketing-api/conversions-api/using-the-api).
 * The token travels in the query string as Meta documents it; loggers must
 * redact the `access_token` parameter.
 */
export function endpoint(config: Pick<MetaConfig, "pixelId" | "accessToken">): string {
  return `${GRAPH_ORIGIN}/${API_VERSION}/${encodeURIComponent(config.pixelId)}/events?access_token=${encodeURIComponent(config.accessToken)}`;
}

/** Events per request. Meta allows 1,000, but one invalid event rejects the whole request. */
export const META_MAX_BATCH_SIZE = 100;

/**
 * "If any event_time in data is greater than 7 days in the past, we return an
 * error for the entire request" (server-event parameters doc). Ten minutes of
 * margin cover clock skew and the time between building and sending.
 */
export const META_MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000 - 10 * 60 * 1000;
