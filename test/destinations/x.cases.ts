import { expect } from "vitest";
import { oauth1Header } from "~/destinations/x/oauth1";
import { buildContext, buildConversion, buildConversionBatch, buildStorefrontConversion, withoutIdentity, FACTORY_NOW, FACTORY_USER } from "./factory";
import { response, type AdapterCases, type BuildCase, type ResponseCase } from "./types";
import type { XConfig } from "~/destinations/x/config";

/**
 * Fixture tables for the X Conversions API adapter. Hashes computed in the shell,
 * independently of the code under test:  printf '%s' 'john.smith@gmail.com' | sha256sum
 * The OAuth 1.0a signer itself is checked against X's published example in
 * app/destinations/x/oauth1.test.ts; here the header is recomputed over the expected body.
 */
const H = {
  /** " John.Smith@Gmail.com " → "john.smith@gmail.com" (trim + lowercase, dots kept) */
  email: "d0c648bc36f12061bec770df216cea2ab95851b9350fd54b658de53b0407767a",
  /** "(650) 555-1212" + US → "+16505551212" */
  phone: "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8",
} as const;

export const CONFIG: XConfig = {
  pixelId: "o8z6j",
  purchaseEventId: "o87ne",
  addToCartEventId: "o87nf",
  checkoutEventId: "o87ng",
  addPaymentInfoEventId: "o87nh",
  contentViewEventId: "o87ni",
  searchEventId: "o87nj",
  pageViewEventId: "o87nk",
  consumerKey: "x-consumer-key",
  consumerSecret: "x-consumer-secret",
  accessToken: "x-access-token",
  accessTokenSecret: "x-access-token-secret",
  contentIdSource: "variant",
};
const CREDS = { consumerKey: "x-consumer-key", consumerSecret: "x-consumer-secret", token: "x-access-token", tokenSecret: "x-access-token-secret" };

const URL = "https://ads-api.x.com/12/measurement/conversions/o8z6j";

const IDENTIFIERS = [
  { twclid: "23opevjt88psuo13lu8d020qkn" },
  { hashed_email: H.email },
  { hashed_phone_number: H.phone },
  { ip_address: "203.0.113.7", user_agent: FACTORY_USER.userAgent },
];

const PURCHASE = {
  conversion_time: "2025-11-11T23:05:53.000Z",
  event_id: "o87ne",
  identifiers: IDENTIFIERS,
  conversion_id: "purchase-5975031431338",
  value: 142.52,
  price_currency: "USD",
  number_items: 3,
  contents: [
    { content_id: "45123456789012", content_name: "Organic Cotton Tee", content_price: 100, num_items: 1 },
    { content_id: "45123456789013", content_name: "Canvas Tote", content_price: 21.26, num_items: 2 },
  ],
};

/** A storefront conversion, keys in the adapter's order (the OAuth nonce hashes the body text). */
const storefront = (eventId: string, conversionId: string, extra: Record<string, unknown> = {}) => ({
  conversion_time: "2025-11-11T23:05:53.000Z",
  event_id: eventId,
  identifiers: IDENTIFIERS,
  conversion_id: conversionId,
  ...extra,
});

function request(conversions: object[], url = URL, now = FACTORY_NOW) {
  const body = { conversions };
  return {
    kind: "request" as const,
    request: {
      method: "POST" as const,
      url,
      headers: { "content-type": "application/json", authorization: oauth1Header("POST", url, body, CREDS, now) },
      body,
    },
  };
}

export const buildCases: BuildCase<XConfig>[] = [
  {
    name: "purchase → the Purchase event id, identifiers (twclid, hashed email and phone, IP + UA), OAuth 1.0a header",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([PURCHASE]),
  },
  {
    name: "presentment currency → EUR value and prices",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ currency: "presentment" }),
    expected: request([
      {
        ...PURCHASE,
        value: 131.1,
        price_currency: "EUR",
        contents: [
          { content_id: "45123456789012", content_name: "Organic Cotton Tee", content_price: 92, num_items: 1 },
          { content_id: "45123456789013", content_name: "Canvas Tote", content_price: 19.55, num_items: 2 },
        ],
      },
    ]),
  },
  {
    name: "test mode changes nothing: X documents no test mode",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ testMode: true }),
    expected: request([PURCHASE]),
  },
  {
    name: "baseUrlOverride replaces scheme and host; the signature covers the URL actually requested",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ baseUrlOverride: "http://127.0.0.1:4010" }),
    expected: request([PURCHASE], "http://127.0.0.1:4010/12/measurement/conversions/o8z6j"),
  },
  {
    name: "only an IP and user agent → refused (X needs twclid, email or phone)",
    events: [{ ...withoutIdentity(buildConversion()), user: { ip: "203.0.113.7", userAgent: "UA" } }],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: "purchase-5975031431338: X needs a twclid, an email or a phone number" },
  },
  {
    name: "a click id alone is enough (no IP + UA object without it)",
    events: [{ ...withoutIdentity(buildConversion()), clickIds: { twclid: "23opevjt88psuo13lu8d020qkn" } }],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([{ ...PURCHASE, identifiers: [{ twclid: "23opevjt88psuo13lu8d020qkn" }] }]),
  },
  {
    name: "storefront events → their configured event ids; search query as description",
    events: [
      buildStorefrontConversion("page_view"),
      buildStorefrontConversion("add_to_cart"),
      buildStorefrontConversion("initiate_checkout"),
      buildStorefrontConversion("add_payment_info"),
      buildStorefrontConversion("search", { searchQuery: "organic tee" }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      storefront("o87nk", "sh-0a1b2c3d-page_view"),
      storefront("o87nf", "sh-0a1b2c3d-add_to_cart"),
      storefront("o87ng", "sh-0a1b2c3d-initiate_checkout"),
      storefront("o87nh", "sh-0a1b2c3d-add_payment_info"),
      storefront("o87nj", "sh-0a1b2c3d-search", { description: "organic tee" }),
    ]),
  },
  {
    name: "an event whose X event id is not configured → skip, naming it",
    events: [buildStorefrontConversion("add_to_cart")],
    config: { ...CONFIG, addToCartEventId: undefined },
    ctx: buildContext(),
    expected: { kind: "skip", reason: "sh-0a1b2c3d-add_to_cart: no X event id is set for Add to Cart" },
  },
  {
    name: "batch of two → two conversions in request order",
    events: buildConversionBatch(2),
    config: CONFIG,
    ctx: buildContext(),
    expected: request(["1000", "1001"].map((id) => ({ ...PURCHASE, conversion_id: `purchase-${id}` }))),
  },
  {
    name: "refund → skip (no X event)",
    events: [buildConversion({ eventId: "refund-998877", name: "refund" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'refund-998877: X has no event for "refund"' },
  },
  {
    name: "older than 30 days → skip",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: 1_762_902_353_000 + 30 * 86_400_000 + 1 }),
    expected: { kind: "skip", reason: "purchase-5975031431338: older than X's 30-day attribution window" },
  },
];

export const responseCases: ResponseCase[] = [
  {
    name: "200 with conversions_processed → delivered",
    response: response(200, { request: { params: { account_id: "o8z6j" } }, data: { conversions_processed: 1, debug_id: "1794a9c0" } }),
    expected: { kind: "delivered" },
  },
  {
    name: "400 INVALID_PARAMETER → fail, naming the parameter",
    response: response(400, { errors: [{ code: "INVALID_PARAMETER", message: "Expected time, got \"yesterday\" for conversion_time", parameter: "conversion_time" }], request: { params: {} } }),
    expected: { kind: "fail", reason: 'HTTP 400: INVALID_PARAMETER (conversion_time) Expected time, got "yesterday" for conversion_time' },
  },
  {
    name: "401 UNAUTHORIZED_ACCESS → config-error",
    response: response(401, { errors: [{ code: "UNAUTHORIZED_ACCESS", message: "This request is not properly authenticated" }] }),
    expected: { kind: "config-error", reason: "HTTP 401: UNAUTHORIZED_ACCESS This request is not properly authenticated" },
  },
  {
    name: "403 UNAUTHORIZED_CLIENT_APPLICATION → config-error",
    response: response(403, { errors: [{ code: "UNAUTHORIZED_CLIENT_APPLICATION", message: "The client application making this request does not have access to Twitter Ads API" }] }),
    expected: { kind: "config-error", reason: "HTTP 403: UNAUTHORIZED_CLIENT_APPLICATION The client application making this request does not have access to Twitter Ads API" },
  },
  { name: "404 → config-error (pixel id)", response: response(404, ""), expected: { kind: "config-error", reason: "HTTP 404: no body (check the pixel id)" } },
  {
    name: "429 with x-rate-limit-reset (no Retry-After) → retry at the reset, measured against Date",
    response: response(429, { errors: [{ code: "TOO_MANY_REQUESTS", message: "Rate limit exceeded" }] }, { "x-rate-limit-reset": "1762902960", date: "Tue, 11 Nov 2025 23:15:00 GMT" }),
    expected: { kind: "retry", reason: "rate limited: HTTP 429: TOO_MANY_REQUESTS Rate limit exceeded", retryAfterMs: 60_000 },
  },
  {
    name: "503 OVER_CAPACITY → retry",
    response: response(503, { errors: [{ code: "OVER_CAPACITY", message: "Service is over capacity" }] }),
    expected: { kind: "retry", reason: "HTTP 503: OVER_CAPACITY Service is over capacity" },
  },
];

export const xCases: AdapterCases<XConfig> = {
  config: CONFIG,
  rawPii: ["John.Smith@Gmail.com", "john.smith@gmail.com", "6505551212", "Raphaël", "O'Brien", "x-consumer-secret", "x-access-token-secret"],
  buildCases,
  responseCases,
  eventNames: {
    page_view: "Page View",
    view_content: "Content View",
    search: "Search",
    add_to_cart: "Add to Cart",
    initiate_checkout: "Checkout Initiated",
    add_payment_info: "Added Payment Info",
    purchase: "Purchase",
    refund: null,
    cancel: null,
    // Issue 13's steps, goals and edits: each would need an Events Manager event of its own (README).
    order_edit: null,
    view_item_list: null,
    view_cart: null,
    remove_from_cart: null,
    add_shipping_info: null,
    lead: null,
    sign_up: null,
    subscribe: null,
    contact: null,
  },
  purpose: "marketing",
  testEventCaveats: [{ name: "no test mode: the test purchase is real", config: CONFIG, expected: expect.stringContaining("no test mode") }],
  configAccepts: [
    {
      name: "lower-cases ids, trims, optional event ids stay unset",
      input: { pixelId: " O8Z6J ", purchaseEventId: "TW-O8Z6J-O87NE", consumerKey: "ck", consumerSecret: "cs", accessToken: "at", accessTokenSecret: "ats" },
      expected: { pixelId: "o8z6j", purchaseEventId: "tw-o8z6j-o87ne", consumerKey: "ck", consumerSecret: "cs", accessToken: "at", accessTokenSecret: "ats", contentIdSource: "variant" },
    },
  ],
  configRejects: [
    { name: "empty", input: {} },
    { name: "no Purchase event id", input: { pixelId: "o8z6j", consumerKey: "ck", consumerSecret: "cs", accessToken: "at", accessTokenSecret: "ats" } },
    { name: "a pasted pixel snippet instead of the id", input: { pixelId: "twq('config','o8z6j')", purchaseEventId: "o87ne", consumerKey: "ck", consumerSecret: "cs", accessToken: "at", accessTokenSecret: "ats" } },
    { name: "missing access token secret", input: { pixelId: "o8z6j", purchaseEventId: "o87ne", consumerKey: "ck", consumerSecret: "cs", accessToken: "at" } },
  ],
  secretFields: ["consumerKey", "consumerSecret", "accessToken", "accessTokenSecret"],
  // Up to 500 conversions a request (documented); 30 days (our choice: X's longest attribution window).
  limits: { maxBatchSize: 500, maxEventAgeMs: 30 * 86_400_000 },
};
