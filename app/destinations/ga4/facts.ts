import type { PlatformFacts } from "../destination";
import { CONTENT_ID_TEXT } from "../shared/form-text";
import type { Ga4Config } from "./config";

/**
 * What the rest of the app needs to know about Google Analytics 4 besides requests and responses:
 * the consent purpose, the settings form's words, the caveat after a test event, and the
 * match-quality weights (points per identifier, summing to exactly 10; see
 * app/core/quality/match-quality.ts for how they are used). Checked for every registered
 * platform by test/destinations/adapters.test.ts.
 */
export const ga4Facts: PlatformFacts<Ga4Config> = {
  purpose: "analytics",
  formText: {
    measurementId: { label: "Measurement ID", help: "Admin → Data streams → your web stream: G-XXXXXXXXXX (not the numeric stream id)." },
    apiSecret: { label: "Measurement Protocol API secret", help: "Admin → Data streams → your web stream → Measurement Protocol API secrets → Create." },
    region: { label: "Collection region", help: "eu sends to region1.google-analytics.com (EU data collection)." },
    contentIdSource: CONTENT_ID_TEXT,
  },
  // Google's validation server does not check the measurement id or API secret (documented), and the
  // production endpoint answers 2xx even to wrong ones.
  testEventCaveat: () =>
    "Google's validation endpoint checks the event, not the Measurement ID or API secret: compare them with Admin → Data streams, and look for the event in GA4's Realtime report.",
  matchQuality: null,
};
