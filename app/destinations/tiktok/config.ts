import { z } from "zod";
import { ContentIdSourceSchema } from "../shared/contents";

/**
 * TikTok Events API 2.0 settings.
 * Docs: https://business-api.tiktok.com/portal/docs?id=1771100865818625 (Report Web Event)
 *
 * API_VERSION: the Business API version in the path. Events API 2.0 lives at
 * /open_api/v1.3/event/track/ (the older /pixel/track and /pixel/batch are
 * Events API 1.0). Bump deliberately and re-run the cases.
 */
export const API_VERSION = "v1.3";
export const TIKTOK_ORIGIN = "https://business-api.tiktok.com";

/** Settings forms post "" for an empty optional field: treat it as absent. */
const optionalText = (max: number) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.string().trim().max(max).optional(),
  );

/**
 * The purchase event the merchant's TikTok pixel fires. Dedup needs the SAME
 * event name on both sides (docs/platform/ad-platforms.md, TikTok and pitfall 14): "Purchase" is the
 * standard since 2025; pixels set up earlier (including older Shopify TikTok
 * channel installs) fire "CompletePayment" or "PlaceAnOrder".
 */
export const TikTokPurchaseEventSchema = z.enum(["Purchase", "CompletePayment", "PlaceAnOrder"]);

export const TikTokConfigSchema = z.object({
  /** Pixel code from Events Manager (e.g. "C4ABCDEF12345678"). */
  pixelCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{8,40}$/, "The pixel code is the letters-and-digits id shown in TikTok Events Manager"),
  /** Events API access token generated in Events Manager → pixel → Settings. */
  accessToken: z
    .string()
    .trim()
    .min(16, "Paste the Events API access token from TikTok Events Manager")
    .max(1024)
    .regex(/^\S+$/, "The access token cannot contain spaces"),
  /** Test event code from Events Manager → Test events; only sent in test mode. */
  testEventCode: optionalText(64),
  purchaseEventName: TikTokPurchaseEventSchema.default("Purchase"),
  /** Which Shopify id matches the TikTok catalog's content ids. */
  contentIdSource: ContentIdSourceSchema.default("variant"),
});
export type TikTokConfig = z.infer<typeof TikTokConfigSchema>;

export const TIKTOK_SECRET_FIELDS = ["accessToken"] as const;

/** POST https://business-api.tiktok.com/open_api/v1.3/event/track/ (token in the Access-Token header). */
export function endpoint(): string {
  return `${TIKTOK_ORIGIN}/open_api/${API_VERSION}/event/track/`;
}

/**
 * Events per request. 1,000 is the commonly cited limit [unverified, §2.5];
 * 100 keeps a rejected request cheap and stays well inside it.
 */
export const TIKTOK_MAX_BATCH_SIZE = 100;

/**
 * TikTok attributes events up to 28 days old (click-through window; §2.5,
 * third-party docs). Older events are not worth sending.
 */
export const TIKTOK_MAX_EVENT_AGE_MS = 28 * 24 * 60 * 60 * 1000;
