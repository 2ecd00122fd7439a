import type { PlatformFacts } from "../destination";
import { CONTENT_ID_TEXT } from "../shared/form-text";
import type { XConfig } from "./config";

const EVENT_ID_HELP = "Events Manager → your pixel → the event's ID (like o87ne). Leave empty to not send this event.";

/** What the rest of the app needs to know about X (shape: app/destinations/snapchat/facts.ts). */
export const xFacts: PlatformFacts<XConfig> = {
  purpose: "marketing",
  formText: {
    pixelId: { label: "Pixel id", help: "X Ads → Tools → Events Manager: the base-36 id of your pixel (Base Tag), like o8z6j." },
    purchaseEventId: { label: "Purchase event id", help: "Events Manager → your Purchase event → ID (like o87ne or tw-o8z6j-o87ne)." },
    addToCartEventId: { label: "Add to cart event id", help: EVENT_ID_HELP },
    checkoutEventId: { label: "Checkout initiated event id", help: EVENT_ID_HELP },
    addPaymentInfoEventId: { label: "Added payment info event id", help: EVENT_ID_HELP },
    contentViewEventId: { label: "Content view event id", help: EVENT_ID_HELP },
    searchEventId: { label: "Search event id", help: EVENT_ID_HELP },
    pageViewEventId: { label: "Page view event id", help: EVENT_ID_HELP },
    consumerKey: { label: "API key", help: "developer.x.com → your app with Ads API access → Keys and tokens → API key (consumer key)." },
    consumerSecret: { label: "API key secret", help: "The secret shown with the API key." },
    accessToken: { label: "Access token", help: "Keys and tokens → Access token of a user with access to the ad account." },
    accessTokenSecret: { label: "Access token secret", help: "The secret shown with the access token." },
    contentIdSource: CONTENT_ID_TEXT,
  },
  // X documents no test mode for the Conversions API.
  testEventCaveat: () =>
    "X has no test mode for the Conversions API: the test purchase was sent as a real conversion to your Purchase event. Look for it under Events Manager → the event's activity.",
  matchQuality: {
    label: "X",
    // X's identifiers: twclid first, then hashed email and phone; IP and user agent only beside one of them.
    // https://developer.x.com/en/docs/x-ads-api/measurement/web-conversions/conversions
    weights: { otherClickId: 4, emailHash: 3, phoneHash: 1.5, ip: 0.75, userAgent: 0.75 },
  },
};
