import { z } from "zod";
import type { CanonicalEventName } from "~/core/conversions/conversion";
import { withBaseUrl } from "../shared/url";

/**
 * LinkedIn Conversions API (Marketing API, versioned REST).
 * POST https://api.linkedin.com/rest/conversionEvents   (X-RestLi-Method: BATCH_CREATE)
 * Docs: https://learn.microsoft.com/en-us/linkedin/marketing/integrations/ads-reporting/conversions-api
 *       https://learn.microsoft.com/en-us/linkedin/marketing/versioning
 *
 * The API version is the `LinkedIn-Version: YYYYMM` header. LinkedIn supports each
 * monthly version for about a year and then sunsets it (the docs' deprecation notices:
 * 202510 sunset on 2026-10-15, 202511 on 2026-11-16), so this constant must be moved
 * forward at least once a year; an expired version is answered 426 (README).
 */
export const LINKEDIN_API_VERSION = "202607";
export const LINKEDIN_ORIGIN = "https://api.linkedin.com";
/** Rest.li protocol header LinkedIn requires on every versioned call. */
export const RESTLI_PROTOCOL_VERSION = "2.0.0";

/**
 * Events per BATCH_CREATE. LinkedIn's partner connectors document up to 5,000 events in
 * one batch (Salesforce Data Cloud LinkedIn CAPI connector); our sender claims far fewer.
 */
export const LINKEDIN_MAX_BATCH_SIZE = 5000;

/** LinkedIn rejects conversions that happened more than 90 days ago. */
export const LINKEDIN_MAX_EVENT_AGE_MS = 90 * 24 * 60 * 60 * 1000;

/** A conversion rule id: the number at the end of urn:lla:llaPartnerConversion:{id}. */
const RuleIdSchema = z
  .string()
  .trim()
  .transform((v) => v.replace(/^urn:lla:llaPartnerConversion:/, ""))
  .pipe(z.string().regex(/^[0-9]{1,20}$/, "The conversion rule id is the number shown in Campaign Manager → Conversions"));

const OptionalRuleIdSchema = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v))
  .pipe(RuleIdSchema.optional());

export const LinkedInConfigSchema = z.object({
  /**
   * OAuth 2.0 access token of a member with a role on the ad account (3-legged flow, scopes
   * rw_conversions and r_ads). Lives 60 days. When the server has a LinkedIn app
   * (LINKEDIN_OAUTH_CLIENT_ID) and the merchant connected, the app fills it from the grant
   * before each request (ADR 0045, app-supplied); otherwise the merchant pastes one (README
   * "Access token"). Sent as "Authorization: Bearer".
   */
  accessToken: z
    .string()
    .trim()
    .max(4096)
    .regex(/^\S*$/, "The access token cannot contain spaces")
    .optional()
    .transform((v) => (v === "" ? undefined : v)),
  /** Conversion rule (conversionMethod CONVERSIONS_API, type PURCHASE) for orders. Required. */
  purchaseRuleId: RuleIdSchema,
  /** Optional rules for the storefront events; an event without a rule is not sent. */
  addToCartRuleId: OptionalRuleIdSchema,
  initiateCheckoutRuleId: OptionalRuleIdSchema,
  addPaymentInfoRuleId: OptionalRuleIdSchema,
  viewContentRuleId: OptionalRuleIdSchema,
  searchRuleId: OptionalRuleIdSchema,
});
export type LinkedInConfig = z.infer<typeof LinkedInConfigSchema>;

export const LINKEDIN_SECRET_FIELDS = ["accessToken"] as const;
/** Filled from the OAuth grant when the server has a LinkedIn app; asked in the form only when it has not. */
export const LINKEDIN_APP_SUPPLIED_FIELDS = ["accessToken"] as const;
/** Shown when no LinkedIn app is configured and no token was pasted. */
export const LINKEDIN_PASTE_TOKEN_MESSAGE = "Paste the LinkedIn access token (scopes rw_conversions, r_ads)";

/** Which config key holds the conversion rule for each canonical event LinkedIn takes. */
export const RULE_KEY: Partial<Record<CanonicalEventName, keyof LinkedInConfig>> = {
  purchase: "purchaseRuleId",
  add_to_cart: "addToCartRuleId",
  initiate_checkout: "initiateCheckoutRuleId",
  add_payment_info: "addPaymentInfoRuleId",
  view_content: "viewContentRuleId",
  search: "searchRuleId",
};

export function conversionRuleUrn(ruleId: string): string {
  return `urn:lla:llaPartnerConversion:${ruleId}`;
}

/** LinkedIn has no test or validate-only mode: the URL is the same in test mode. */
export function conversionEventsUrl(baseUrlOverride?: string): string {
  return withBaseUrl(`${LINKEDIN_ORIGIN}/rest/conversionEvents`, baseUrlOverride);
}
