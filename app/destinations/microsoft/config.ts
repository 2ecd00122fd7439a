import { z } from "zod";
import { ContentIdSourceSchema } from "../shared/contents";
import { withBaseUrl } from "../shared/url";

/**
 * Microsoft Advertising UET Conversions API (CAPI), version 1.
 * POST https://capi.uet.microsoft.com/v1/{tagId}/events   Authorization: Bearer {token}
 * Docs: https://learn.microsoft.com/en-us/advertising/guides/uet-conversion-api-integration
 *       (source: MicrosoftDocs/Advertising advertising/bingads-13/guides/uet-conversion-api-integration.md)
 * No test or validation endpoint is documented.
 */
export const MICROSOFT_API_VERSION = "v1";
export const MICROSOFT_ORIGIN = "https://capi.uet.microsoft.com";

/** "The maximum number of events per batch upload is 1,000." */
export const MICROSOFT_MAX_BATCH_SIZE = 1000;

/**
 * Microsoft documents no maximum event age for CAPI. Conversion goals count conversions up to
 * 90 days after the click (the longest conversion window), and the guide asks to keep msclkid
 * for 90 days; older events cannot be attributed, so they are not sent (our choice, ADR 0033).
 */
export const MICROSOFT_MAX_EVENT_AGE_MS = 90 * 24 * 60 * 60 * 1000;

export const MicrosoftConfigSchema = z.object({
  /** UET tag id (Tools → UET tag): digits. */
  tagId: z
    .string()
    .trim()
    .regex(/^[0-9]{4,20}$/, "The UET tag id is a number like 97200753 (Tools → UET tag)"),
  /** Conversions API token of that tag ("Use Conversions API" in the UET tag settings). */
  accessToken: z
    .string()
    .trim()
    .min(1, "Paste the Conversions API token of your UET tag")
    .max(4096)
    .regex(/^\S+$/, "The token cannot contain spaces"),
  contentIdSource: ContentIdSourceSchema.default("variant"),
});
export type MicrosoftConfig = z.infer<typeof MicrosoftConfigSchema>;

export const MICROSOFT_SECRET_FIELDS = ["accessToken"] as const;

export function eventsUrl(config: Pick<MicrosoftConfig, "tagId">, baseUrlOverride?: string): string {
  return withBaseUrl(`${MICROSOFT_ORIGIN}/${MICROSOFT_API_VERSION}/${config.tagId}/events`, baseUrlOverride);
}
