import { z } from "zod";
import { ContentIdSourceSchema } from "../shared/contents";
import { withBaseUrl } from "../shared/url";

/**
 * X (formerly Twitter) Conversions API, part of the X Ads API, version 12.
 * POST https://ads-api.x.com/12/measurement/conversions/{pixelId}
 * Authentication: OAuth 1.0a user context (HMAC-SHA1), the X Ads API's documented scheme.
 * Docs: https://docs.x.com/x-ads-api/measurement/web-conversions
 *       https://developer.x.com/en/docs/x-ads-api/measurement/web-conversions/conversions
 *       https://developer.twitter.com/en/docs/authentication/oauth-1-0a/creating-a-signature
 */
export const X_API_VERSION = "12";
export const X_ORIGIN = "https://ads-api.x.com";

/** "Up to 500 conversion events may be provided" per request. */
export const X_MAX_BATCH_SIZE = 500;

/**
 * X documents no maximum event age. Its longest post-engagement attribution window is 30 days,
 * so an older conversion cannot be attributed to an ad; those are not sent (ADR 0035).
 */
export const X_MAX_EVENT_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/** Base-36 ids: the pixel (Base Tag) id "o8z6j"; event ids "o87ne" or "tw-o8z6j-o87ne". */
const BASE36 = /^[a-z0-9]{2,16}$/;
const EVENT_ID = /^(?:tw-[a-z0-9]{2,16}-)?[a-z0-9]{2,16}$/;
const eventId = (what: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .regex(EVENT_ID, `The ${what} event id looks like o87ne or tw-o8z6j-o87ne (Events Manager → the event → ID)`);
const credential = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `Paste the ${what} of your X developer app`)
    .max(512)
    .regex(/^\S+$/, `The ${what} cannot contain spaces`);

export const XConfigSchema = z.object({
  pixelId: z.string().trim().toLowerCase().regex(BASE36, "The pixel id is the base-36 Base Tag id, like o8z6j (Events Manager)"),
  /** Each conversion event of X's Events Manager has its own id; only configured events are sent. */
  purchaseEventId: eventId("Purchase"),
  addToCartEventId: eventId("Add to cart").optional(),
  checkoutEventId: eventId("Checkout initiated").optional(),
  addPaymentInfoEventId: eventId("Added payment info").optional(),
  contentViewEventId: eventId("Content view").optional(),
  searchEventId: eventId("Search").optional(),
  pageViewEventId: eventId("Page view").optional(),
  /** OAuth 1.0a credentials of an X developer app with Ads API access, authorised for the ad account. */
  consumerKey: credential("API key (consumer key)"),
  consumerSecret: credential("API key secret (consumer secret)"),
  accessToken: credential("access token"),
  accessTokenSecret: credential("access token secret"),
  contentIdSource: ContentIdSourceSchema.default("variant"),
});
export type XConfig = z.infer<typeof XConfigSchema>;

export const X_SECRET_FIELDS = ["consumerKey", "consumerSecret", "accessToken", "accessTokenSecret"] as const;

export function conversionsUrl(config: Pick<XConfig, "pixelId">, baseUrlOverride?: string): string {
  return withBaseUrl(`${X_ORIGIN}/${X_API_VERSION}/measurement/conversions/${config.pixelId}`, baseUrlOverride);
}
