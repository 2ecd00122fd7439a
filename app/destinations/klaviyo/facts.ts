import type { PlatformFacts } from "../destination";
import type { KlaviyoConfig } from "./config";

/**
 * What the rest of the app needs to know about Klaviyo besides requests and responses.
 *
 * Purpose "marketing": Klaviyo is an email/SMS marketing tool. What we send builds a
 * marketing profile (email, phone, name, location) and triggers marketing messages
 * (browse, cart and checkout abandonment, post-purchase flows). That is exactly the use
 * Shopify's customer privacy API puts under `marketing`, not `analytics`. Sending an event
 * never subscribes anyone: email/SMS subscription is Klaviyo's own consent record, which
 * we do not touch. See ADR 0037.
 *
 * No match score: Klaviyo does not match, it keys a profile on the email or phone we send.
 */
export const klaviyoFacts: PlatformFacts<KlaviyoConfig> = {
  purpose: "marketing",
  formText: {
    privateApiKey: {
      label: "Private API key",
      help: "Klaviyo → Settings → API keys → Create private API key, with Events: full access (events:write). It starts with pk_.",
    },
  },
  testEventCaveat: () =>
    "Klaviyo has no test mode: the test purchase is recorded as a Placed Order on a made-up Test Buyer profile in your account, marked as backfill so no flow sends to it. Delete that profile in Klaviyo if you like.",
  matchQuality: null,
  sendsRawIdentity:
    "Klaviyo writes to the shopper: it needs the email address, phone number and name in clear to build the profile its flows send to (hashes would be useless to it).",
};
