import type { PlatformFacts } from "../destination";
import { CONTENT_ID_TEXT } from "../shared/form-text";
import type { MicrosoftConfig } from "./config";

/**
 * What the rest of the app needs to know about Microsoft Advertising besides requests and
 * responses (see app/destinations/snapchat/facts.ts for the shape). Checked for every registered
 * platform by test/destinations/adapters.test.ts.
 */
export const microsoftFacts: PlatformFacts<MicrosoftConfig> = {
  purpose: "marketing",
  formText: {
    tagId: { label: "UET tag id", help: "Microsoft Advertising → Tools → UET tag: the tag's id (digits)." },
    accessToken: {
      label: "Conversions API token",
      help: "UET tag → Use Conversions API → generate the token (the Conversions API is in pilot: ask your Microsoft account manager to enable it).",
    },
    contentIdSource: CONTENT_ID_TEXT,
  },
  // Microsoft documents no test endpoint: a test event is a real event on the tag.
  testEventCaveat: () =>
    "Microsoft has no test mode for the Conversions API: the test event was sent as a real event to your UET tag. Check Tools → UET tag for it, and exclude it from a conversion goal if it counted.",
  matchQuality: {
    label: "Microsoft",
    // The guide's "Dos": hashed email and phone, msclkid ("vid alone is not sufficient"), user agent and IP.
    // https://learn.microsoft.com/en-us/advertising/guides/uet-conversion-api-integration
    weights: { emailHash: 3, phoneHash: 1.5, otherClickId: 3, externalId: 0.5, ip: 1, userAgent: 1 },
  },
};
