import { z } from "zod";
import { ContentIdSourceSchema } from "../shared/contents";
import { withBaseUrl } from "../shared/url";

/**
 * Pinterest API for Conversions (API v5, events/create).
 * POST https://api.pinterest.com/v5/ad_accounts/{ad_account_id}/events
 * Docs: https://developers.pinterest.com/docs/api/v5/events-create
 *       https://developers.pinterest.com/docs/conversions/conversions/
 * Spec: Pinterest OpenAPI v5 (ConversionEvents, ConversionApiResponse).
 *
 * The API version is the "v5" path segment; Pinterest evolves v5 in place
 * (minor versions of the OpenAPI file), so there is nothing else to pin.
 */
export const PINTEREST_API_VERSION = "v5";
export const PINTEREST_ORIGIN = "https://api.pinterest.com";

/** `data` holds 1–1,000 events (OpenAPI maxItems). */
export const PINTEREST_MAX_BATCH_SIZE = 1000;

/**
 * Pinterest documents no maximum event age in the sources we have (events
 * arriving more than an hour late are reported as "offline"). Seven days is OUR
 * choice: late enough for a backlog to drain, early enough that a conversion is
 * still inside the default attribution windows. Revisit with a sandbox test.
 */
export const PINTEREST_MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export const PinterestConfigSchema = z.object({
  /** Ads Manager → ad account id: digits, at most 18 (OpenAPI pattern ^\d+$, maxLength 18). */
  adAccountId: z
    .string()
    .trim()
    .regex(/^[0-9]{1,18}$/, "The ad account id is the number in Ads Manager (up to 18 digits)"),
  /**
   * Conversion access token generated in Ads Manager → Conversions (or an OAuth
   * token with ads:write). Sent as "Authorization: Bearer".
   */
  accessToken: z
    .string()
    .trim()
    .min(1, "Paste the conversion access token from Ads Manager")
    .max(2048)
    .regex(/^\S+$/, "The access token cannot contain spaces"),
  /** Which Shopify id matches the Pinterest catalog's item ids. */
  contentIdSource: ContentIdSourceSchema.default("variant"),
  /**
   * The Pinterest tag id (Ads Manager → Conversions → Tag manager), used only by the browser
   * companion (ADR 0028) to load the tag; never sent to the API. Optional.
   */
  tagId: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().regex(/^[0-9]{5,20}$/, "The tag id is the number shown in Ads Manager → Conversions → Tag manager").optional(),
  ),
});
export type PinterestConfig = z.infer<typeof PinterestConfigSchema>;

export const PINTEREST_SECRET_FIELDS = ["accessToken"] as const;

/**
 * Test mode adds ?test=true: Pinterest validates and answers as usual but
 * records nothing (events-create, query parameter `test`).
 */
export function eventsUrl(config: PinterestConfig, testMode: boolean, baseUrlOverride?: string): string {
  const path = `/${PINTEREST_API_VERSION}/ad_accounts/${config.adAccountId}/events`;
  return withBaseUrl(`${PINTEREST_ORIGIN}${path}${testMode ? "?test=true" : ""}`, baseUrlOverride);
}
