import type { PlatformFacts } from "../destination";
import type { LinkedInConfig } from "./config";

const RULE_HELP =
  "Campaign Manager → Analyze → Conversion tracking → a rule created with the Conversions API data source: the number at the end of its URL. Leave empty to not send this event.";

/**
 * What the rest of the app needs to know about LinkedIn besides requests and responses.
 * Purpose "marketing": ad measurement and optimisation. No match score: LinkedIn shows a
 * match rate per conversion rule in Campaign Manager but publishes no weights, and the only
 * identifiers we send are the hashed email and the li_fat_id click id (README).
 */
export const linkedinFacts: PlatformFacts<LinkedInConfig> = {
  purpose: "marketing",
  formText: {
    accessToken: {
      label: "Access token",
      help: "OAuth token of a member with a role on the ad account (scopes rw_conversions, r_ads), e.g. from the LinkedIn Developer Portal's token generator. It expires after 60 days: paste a fresh one before then.",
    },
    purchaseRuleId: { label: "Purchase conversion rule id", help: RULE_HELP.replace(" Leave empty to not send this event.", "") },
    addToCartRuleId: { label: "Add to cart conversion rule id", help: RULE_HELP },
    initiateCheckoutRuleId: { label: "Start checkout conversion rule id", help: RULE_HELP },
    addPaymentInfoRuleId: { label: "Add billing info conversion rule id", help: RULE_HELP },
    viewContentRuleId: { label: "View content conversion rule id", help: RULE_HELP },
    searchRuleId: { label: "Search conversion rule id", help: RULE_HELP },
  },
  testEventCaveat: () =>
    "LinkedIn has no test mode: the test purchase reaches your purchase conversion rule as a real event. Its made-up buyer matches no LinkedIn member, so it is not attributed to any campaign; Campaign Manager shows the rule as receiving data.",
  matchQuality: null,
};
