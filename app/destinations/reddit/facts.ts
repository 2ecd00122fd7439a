import type { PlatformFacts } from "../destination";
import { CONTENT_ID_TEXT } from "../shared/form-text";
import type { RedditConfig } from "./config";

/** What the rest of the app needs to know about Reddit (shape: app/destinations/snapchat/facts.ts). */
export const redditFacts: PlatformFacts<RedditConfig> = {
  purpose: "marketing",
  formText: {
    pixelId: { label: "Reddit Pixel id", help: "Reddit Ads → Events Manager → your pixel: looks like a2_abc123xyz." },
    accessToken: {
      label: "Conversion Access Token",
      help: "Events Manager → Conversions API → Generate access token (not a Developer Portal OAuth token).",
    },
    testEventCode: { label: "Test id", help: "Events Manager → Test events: the test id. Used only while test mode is on." },
    contentIdSource: CONTENT_ID_TEXT,
  },
  testEventCaveat: (config) =>
    config.testEventCode === undefined || config.testEventCode === ""
      ? "No test id is set, so this was sent as a real event to your Reddit Pixel. Add the test id from Events Manager → Test events to see test events there without counting them."
      : null,
  matchQuality: {
    label: "Reddit",
    // Reddit's match keys: email first ("strongly recommend"), the click id (rdt_cid), then IP + user agent, phone, external id.
    // https://business.reddithelp.com/s/article/Conversions-API
    weights: { emailHash: 3, otherClickId: 3, ip: 1.5, userAgent: 1, phoneHash: 1, externalId: 0.5 },
  },
};
