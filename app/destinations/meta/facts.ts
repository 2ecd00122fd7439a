import type { PlatformFacts } from "../destination";
import { CONTENT_ID_TEXT } from "../shared/form-text";
import type { MetaConfig } from "./config";

/**
 * What the rest of the app needs to know about Meta (Facebook & Instagram) besides requests and responses:
 * the consent purpose, the settings form's words, the caveat after a test event, and the
 * match-quality weights (points per identifier, summing to exactly 10; see
 * app/core/quality/match-quality.ts for how they are used). Checked for every registered
 * platform by test/destinations/adapters.test.ts.
 */
export const metaFacts: PlatformFacts<MetaConfig> = {
  purpose: "marketing",
  formText: {
    pixelId: { label: "Pixel (dataset) id", help: "Events Manager → Data sources → your pixel: the number under its name." },
    accessToken: { label: "Conversions API access token", help: "Events Manager → your pixel → Settings → Conversions API → Generate access token." },
    testEventCode: { label: "Test event code", help: "Events Manager → Test events (e.g. TEST12345). Sent only while test mode is on." },
    contentIdSource: CONTENT_ID_TEXT,
  },
  // Meta refuses an event whose user_data has no customer information parameter (email, phone,
  // external id, fbc/fbp, or IP with user agent) and with it the whole request (README).
  refusesAnonymous: "Meta refuses events with no customer information to match on, so none is sent without identifiers",
  testEventCaveat: (config) =>
    // No separate test endpoint: only a test event code keeps the event out of reports.
    config.testEventCode
      ? null
      : `No test event code is saved, so Meta (Facebook & Instagram) counts this test purchase as a real one. Copy the code from Events Manager → Test events into "Test event code", save, and send again.`,
  matchQuality: {
    label: "Meta",
    // em and ph strongest; fbc, fbp, external_id, then client_ip_address + client_user_agent (required together
    // for website events). https://www.facebook.com/business/help/765081237991954 and
    // https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
    weights: { emailHash: 3, phoneHash: 2, fbc: 1.5, fbp: 1, externalId: 1, ip: 0.75, userAgent: 0.75 },
  },
};
