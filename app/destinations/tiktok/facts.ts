import type { PlatformFacts } from "../destination";
import { CONTENT_ID_TEXT } from "../shared/form-text";
import type { TikTokConfig } from "./config";

/**
 * What the rest of the app needs to know about TikTok besides requests and responses:
 * the consent purpose, the settings form's words, the caveat after a test event, and the
 * match-quality weights (points per identifier, summing to exactly 10; see
 * app/core/quality/match-quality.ts for how they are used). Checked for every registered
 * platform by test/destinations/adapters.test.ts.
 */
export const tiktokFacts: PlatformFacts<TikTokConfig> = {
  purpose: "marketing",
  formText: {
    pixelCode: { label: "Pixel code", help: "TikTok Events Manager → your pixel: the letters-and-digits code (e.g. C4ABCDEF12345678)." },
    accessToken: { label: "Events API access token", help: "Events Manager → your pixel → Settings → Events API → Generate access token." },
    testEventCode: { label: "Test event code", help: "Events Manager → Test events. Sent only while test mode is on." },
    purchaseEventName: { label: "Purchase event name", help: "The TikTok event your ad campaigns optimise on." },
    contentIdSource: CONTENT_ID_TEXT,
  },
  testEventCaveat: (config) =>
    // No separate test endpoint: only a test event code keeps the event out of reports.
    config.testEventCode
      ? null
      : `No test event code is saved, so TikTok counts this test purchase as a real one. Copy the code from Events Manager → Test events into "Test event code", save, and send again.`,
  matchQuality: {
    label: "TikTok",
    // Events API "Improve event match quality": email, phone, ttclid, _ttp cookie, external_id, ip, user_agent.
    // https://business-api.tiktok.com/portal/docs?id=1771101027431425
    weights: { emailHash: 2.5, phoneHash: 2.5, ttclid: 2, ttp: 1, externalId: 1, ip: 0.5, userAgent: 0.5 },
  },
};
