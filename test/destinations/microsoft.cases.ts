import { expect } from "vitest";
import { FACTORY_USER, buildContext, buildConversion, buildConversionBatch, buildStorefrontConversion, withoutIdentity } from "./factory";
import { response, type AdapterCases, type BuildCase, type ResponseCase } from "./types";
import type { MicrosoftConfig } from "~/destinations/microsoft/config";

/**
 * Fixture tables for the Microsoft Advertising UET CAPI adapter. Hashes computed in the shell,
 * independently of the code under test:  printf '%s' 'johnsmith@gmail.com' | sha256sum
 * "MS doc" marks the examples of Microsoft's CAPI guide (Hashed Identifiers).
 */
const H = {
  /** " John.Smith@Gmail.com " → "johnsmith@gmail.com" (dots of the local part removed on every domain) */
  email: "3586de92bb3636d0885a12eff961429a32e4ebd764b96f50d85d016f9338d586",
  /** "(650) 555-1212" + US → "+16505551212" (E.164 WITH "+") */
  phone: "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8",
  /** "7364829104562" (the Shopify customer id, hashed: "never send real user IDs") */
  externalId: "4049d023bea58a5cd5ff84b8794e3e405860550b0d9988ed52d96a89b4a2921b",
  /** "John@Contoso.com" → "john@contoso.com" (MS doc) */
  msDocEmail: "ec81f3ac7b2b19675bab9d54cf416f9f18cff87c97da5cca82c0f0891bc40602",
  /** "+1 425 555 1234" → "+14255551234" (MS doc) */
  msDocPhone: "c59475d96e9f01d7d18d06cfad84dd02333207f02c0c2c5663ef2782cda0390e",
} as const;

export const CONFIG: MicrosoftConfig = { tagId: "97200753", accessToken: "ms-capi-token", contentIdSource: "variant" };

const URL = "https://capi.uet.microsoft.com/v1/97200753/events";
const HEADERS = { "content-type": "application/json", authorization: "Bearer ms-capi-token" };

const USER_DATA = {
  em: H.email,
  ph: H.phone,
  externalId: H.externalId,
  clientIpAddress: "203.0.113.7",
  clientUserAgent: FACTORY_USER.userAgent,
  msclkid: "2d7a1f0c9b3e4a5f8c6d1e2f3a4b5c6d",
};

const CUSTOM_DATA = {
  value: 142.52,
  currency: "USD",
  transactionId: "5975031431338",
  items: [
    { id: "45123456789012", quantity: 1, price: 100 },
    { id: "45123456789013", quantity: 2, price: 21.26 },
  ],
  itemIds: ["45123456789012", "45123456789013"],
  pageType: "purchase",
  ecommTotalValue: 142.52,
};

const PURCHASE = {
  eventType: "custom",
  eventId: "purchase-5975031431338",
  eventName: "purchase",
  eventTime: 1_762_902_353,
  eventSourceUrl: "https://shop.example.com/checkouts/cn/Z2NwLXVzLWVhc3QxOjAxSjk/thank-you",
  adStorageConsent: "G",
  userData: USER_DATA,
  customData: CUSTOM_DATA,
};

const STOREFRONT = {
  eventType: "custom",
  eventTime: 1_762_902_353,
  eventSourceUrl: "https://shop.example.com/products/organic-cotton-tee",
  adStorageConsent: "G",
  userData: USER_DATA,
};

function request(data: object[], url = URL) {
  return { kind: "request" as const, request: { method: "POST" as const, url, headers: HEADERS, body: { data, continueOnValidationError: false } } };
}

export const buildCases: BuildCase<MicrosoftConfig>[] = [
  {
    name: "purchase → custom event 'purchase' with hashed em/ph/externalId, revenue and retail fields",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([PURCHASE]),
  },
  {
    name: "presentment currency → EUR value and item prices",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ currency: "presentment" }),
    expected: request([
      {
        ...PURCHASE,
        customData: {
          ...CUSTOM_DATA,
          value: 131.1,
          currency: "EUR",
          ecommTotalValue: 131.1,
          items: [
            { id: "45123456789012", quantity: 1, price: 92 },
            { id: "45123456789013", quantity: 2, price: 19.55 },
          ],
        },
      },
    ]),
  },
  {
    name: "test mode changes nothing: Microsoft documents no test endpoint",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ testMode: true }),
    expected: request([PURCHASE]),
  },
  {
    name: "baseUrlOverride replaces scheme and host, keeps the path",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ baseUrlOverride: "http://127.0.0.1:4010" }),
    expected: request([PURCHASE], "http://127.0.0.1:4010/v1/97200753/events"),
  },
  {
    name: "Microsoft's documented examples hash to Microsoft's published digests",
    events: [buildConversion({ user: { email: "John@Contoso.com", phone: "+1 425 555 1234", externalId: undefined } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([{ ...PURCHASE, userData: { ...USER_DATA, em: H.msDocEmail, ph: H.msDocPhone, externalId: undefined } }].map((e) => JSON.parse(JSON.stringify(e)))),
  },
  {
    name: "marketing consent declined → adStorageConsent D; no consent recorded (POS) → omitted",
    events: [
      buildConversion({ consent: { analytics: true, marketing: false, saleOfData: true } }),
      { ...withoutIdentity(buildConversion({ eventId: "purchase-77" })), actionSource: "physical_store", sourceUrl: undefined, consent: null },
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      { ...PURCHASE, adStorageConsent: "D" },
      { eventType: "custom", eventId: "purchase-77", eventName: "purchase", eventTime: 1_762_902_353, userData: {}, customData: CUSTOM_DATA },
    ]),
  },
  {
    name: "page_view → pageLoad event (no eventName, no revenue); storefront actions → recommended event names",
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
      { ...STOREFRONT, eventType: "pageLoad", eventId: "sh-0a1b2c3d-page_view" },
      { ...STOREFRONT, eventId: "sh-0a1b2c3d-add_to_cart", eventName: "add_to_cart", customData: { pageType: "cart" } },
      { ...STOREFRONT, eventId: "sh-0a1b2c3d-initiate_checkout", eventName: "begin_checkout", customData: { pageType: "cart" } },
      { ...STOREFRONT, eventId: "sh-0a1b2c3d-add_payment_info", eventName: "add_payment_info", customData: { pageType: "cart" } },
      { ...STOREFRONT, eventId: "sh-0a1b2c3d-search", eventName: "search", customData: { searchTerm: "organic tee", pageType: "searchresults" } },
    ]),
  },
  {
    name: "a page view without its URL → refused (eventSourceUrl is required for pageLoad)",
    events: [buildStorefrontConversion("page_view", { sourceUrl: undefined })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: "sh-0a1b2c3d-page_view: a page load needs the page URL" },
  },
  {
    name: "batch of two → two events in request order",
    events: buildConversionBatch(2),
    config: CONFIG,
    ctx: buildContext(),
    expected: request(["1000", "1001"].map((id) => ({ ...PURCHASE, eventId: `purchase-${id}`, customData: { ...CUSTOM_DATA, transactionId: id } }))),
  },
  {
    name: "refund → skip (no UET event)",
    events: [buildConversion({ eventId: "refund-998877", name: "refund" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'refund-998877: Microsoft has no UET event for "refund"' },
  },
  {
    name: "older than 90 days → skip",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: 1_762_902_353_000 + 90 * 86_400_000 + 1 }),
    expected: { kind: "skip", reason: "purchase-5975031431338: older than the 90-day conversion window" },
  },
];

export const responseCases: ResponseCase[] = [
  { name: "200 → delivered", response: response(200, ""), expected: { kind: "delivered" } },
  {
    name: "400 ValidationError naming event 1 of 3 → that event fails, the others are retried (nothing was processed)",
    eventCount: 3,
    response: response(400, {
      error: {
        code: "ValidationError",
        message: "One or multiple parameters did not pass validation checks, see details.",
        details: [
          { index: 1, propertyName: "data[1].userData.em", errorMessage: "'em' must be a valid SHA256 string." },
          { index: 1, propertyName: "data[1].eventTime", errorMessage: "'eventTime' must not be empty." },
        ],
      },
    }),
    expected: {
      kind: "per-event",
      outcomes: [
        { kind: "retry", reason: "not processed: another event of the batch was invalid (HTTP 400 ValidationError: One or multiple parameters did not pass validation checks, see details.)" },
        { kind: "fail", reason: "Microsoft: data[1].userData.em: 'em' must be a valid SHA256 string.; data[1].eventTime: 'eventTime' must not be empty." },
        { kind: "retry", reason: "not processed: another event of the batch was invalid (HTTP 400 ValidationError: One or multiple parameters did not pass validation checks, see details.)" },
      ],
    },
  },
  {
    name: "400 without details → the request fails",
    response: response(400, { error: { code: "ValidationError", message: "Bad request" } }),
    expected: { kind: "fail", reason: "HTTP 400 ValidationError: Bad request" },
  },
  {
    name: "401 Unauthorized (the guide's body) → config-error",
    response: response(401, { error: { code: "Unauthorized", message: "You are not authorized to access this resource." } }),
    expected: { kind: "config-error", reason: "HTTP 401 Unauthorized: You are not authorized to access this resource." },
  },
  { name: "404 → config-error (tag id)", response: response(404, ""), expected: { kind: "config-error", reason: "HTTP 404: no body (check the UET tag id)" } },
  {
    name: "429 with Retry-After → retry after it",
    response: response(429, "", { "Retry-After": "30" }),
    expected: { kind: "retry", reason: "rate limited: HTTP 429: no body", retryAfterMs: 30_000 },
  },
  { name: "503 → retry", response: response(503, "Service Unavailable"), expected: { kind: "retry", reason: "HTTP 503: Service Unavailable" } },
];

export const microsoftCases: AdapterCases<MicrosoftConfig> = {
  config: CONFIG,
  rawPii: ["John.Smith@Gmail.com", "john.smith@gmail.com", "johnsmith@gmail.com", "6505551212", "Raphaël", "O'Brien", "7364829104562"],
  buildCases,
  responseCases,
  eventNames: {
    page_view: "pageLoad",
    view_content: "view_item",
    search: "search",
    add_to_cart: "add_to_cart",
    initiate_checkout: "begin_checkout",
    add_payment_info: "add_payment_info",
    purchase: "purchase",
    refund: null,
    cancel: null,
    // Issue 13's steps, goals and edits: UET has no standard name for them (README "Events").
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
  testEventCaveats: [{ name: "no test endpoint: the test event is real", config: CONFIG, expected: expect.stringContaining("no test mode") }],
  configAccepts: [
    {
      name: "trims and fills defaults",
      input: { tagId: " 97200753 ", accessToken: " tok " },
      expected: { tagId: "97200753", accessToken: "tok", contentIdSource: "variant" },
    },
  ],
  configRejects: [
    { name: "empty", input: {} },
    { name: "tag id not digits", input: { tagId: "UET-1234", accessToken: "t" } },
    { name: "blank token", input: { tagId: "97200753", accessToken: " " } },
  ],
  secretFields: ["accessToken"],
  // Up to 1,000 events a request (documented); 90 days (our choice: the longest conversion window).
  limits: { maxBatchSize: 1000, maxEventAgeMs: 90 * 86_400_000 },
};
