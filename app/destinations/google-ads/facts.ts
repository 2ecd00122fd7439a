import type { PlatformFacts } from "../destination";
import type { GoogleAdsConfig } from "./config";

/**
 * What the rest of the app needs to know about Google Ads besides requests and responses:
 * the consent purpose, the settings form's words, the caveat after a test event, and the
 * match-quality weights (points per identifier, summing to exactly 10; see
 * app/core/quality/match-quality.ts for how they are used). Checked for every registered
 * platform by test/destinations/adapters.test.ts.
 */
export const googleAdsFacts: PlatformFacts<GoogleAdsConfig> = {
  purpose: "marketing",
  formText: {
    customerId: { label: "Customer id", help: "The 10-digit Google Ads account number shown top right in Google Ads (dashes allowed)." },
    conversionActionId: { label: "Conversion action id", help: "Pick one of the account's \"Import from clicks\" actions (listed once Google Ads is connected), or type its id." },
    loginCustomerId: { label: "Manager account id", help: "Only when you sign in through a manager (MCC) account." },
    enhancedConversions: { label: "Enhanced conversions", help: "Send hashed email and phone. Requires the customer data terms accepted in Google Ads." },
    uploadWithoutClickId: {
      label: "Upload purchases without a Google click",
      help: "Send purchases that came without a gclid/gbraid/wbraid with hashed email and phone only. Needs enhanced conversions for leads turned on in Google Ads.",
    },
  },
  testEventCaveat: () => null,
  // Google Ads counts each kind of conversion in a conversion action of its own; this
  // destination is set up with one, for purchases (README "Events").
  noEventReason: (name) => `Google Ads has no conversion action for ${name} in these settings (it uploads purchases to the one conversion action set)`,
  matchQuality: {
    label: "Google Ads",
    // A click id (gclid, gbraid or wbraid) ties the conversion to the click; hashed email then phone recover the rest.
    // https://support.google.com/google-ads/answer/9888656, https://developers.google.com/google-ads/api/docs/conversions/upload-clicks
    weights: { googleClickId: 5, emailHash: 3, phoneHash: 2 },
  },
};
