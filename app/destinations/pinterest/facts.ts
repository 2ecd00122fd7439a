import type { PlatformFacts } from "../destination";
import { CONTENT_ID_TEXT } from "../shared/form-text";
import type { PinterestConfig } from "./config";

/**
 * What the rest of the app needs to know about Pinterest besides requests and responses:
 * the consent purpose, the settings form's words, the caveat after a test event, and the
 * match-quality weights (points per identifier, summing to exactly 10; see
 * app/core/quality/match-quality.ts for how they are used). Checked for every registered
 * platform by test/destinations/adapters.test.ts.
 */
export const pinterestFacts: PlatformFacts<PinterestConfig> = {
  purpose: "marketing",
  formText: {
    adAccountId: { label: "Ad account id", help: "Ads Manager → the number in the account switcher (up to 18 digits)." },
    accessToken: { label: "Conversion access token", help: "Ads Manager → Conversions → Conversion access token → Generate." },
    contentIdSource: CONTENT_ID_TEXT,
    tagId: { label: "Tag id (optional)", help: "Ads Manager → Conversions → Tag manager → the tag id. Only needed for the browser companion, which loads the Pinterest tag with the same event ids as Trueline's server events." },
  },
  // Pinterest refuses an event whose user_data has neither em, hashed_maids nor IP with user agent (README).
  refusesAnonymous: "Pinterest refuses events with no email, device id or IP address with user agent, so none is sent without identifiers",
  testEventCaveat: () => null,
  matchQuality: {
    label: "Pinterest",
    // Conversions API best practices: em, ph, click_id from _epik, external_id, client_ip_address, client_user_agent.
    // https://developers.pinterest.com/docs/api-features/conversion-best-practices/
    weights: { emailHash: 3, phoneHash: 1.5, epik: 2, externalId: 1.5, ip: 1, userAgent: 1 },
  },
};
