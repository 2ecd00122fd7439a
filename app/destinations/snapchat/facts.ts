import type { PlatformFacts } from "../destination";
import { CONTENT_ID_TEXT } from "../shared/form-text";
import type { SnapchatConfig } from "./config";

/**
 * What the rest of the app needs to know about Snapchat besides requests and responses:
 * the consent purpose, the settings form's words, the caveat after a test event, and the
 * match-quality weights (points per identifier, summing to exactly 10; see
 * app/core/quality/match-quality.ts for how they are used). Checked for every registered
 * platform by test/destinations/adapters.test.ts.
 */
export const snapchatFacts: PlatformFacts<SnapchatConfig> = {
  purpose: "marketing",
  formText: {
    pixelId: { label: "Snap Pixel id", help: "Ads Manager → Events Manager → your pixel: a UUID like 1ec32188-754e-4be2-8e55-c949a984a39f." },
    accessToken: { label: "Conversions API token", help: "Ads Manager → Business Details → Conversions API tokens → Generate." },
    contentIdSource: CONTENT_ID_TEXT,
  },
  // Snap answers INVALID ("Insufficient PII") for an event with no em, ph, madid or IP with user agent (README).
  refusesAnonymous: "Snapchat refuses events with no email, phone, device id or IP address with user agent, so none is sent without identifiers",
  testEventCaveat: () => null,
  matchQuality: {
    label: "Snapchat",
    // Conversions API parameters and "Event Quality Score": em, ph, sc_click_id (ScCid), sc_cookie1 (_scid), ip, user agent.
    // https://developers.snap.com/api/marketing-api/Conversions-API/Parameters
    weights: { emailHash: 3, phoneHash: 2, scClickId: 2, scCookie: 1, ip: 1, userAgent: 1 },
  },
};
