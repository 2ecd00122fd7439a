import { expect } from "vitest";
import { FACTORY_USER, buildContext, buildConversion, buildConversionBatch, buildStorefrontConversion, withoutIdentity } from "./factory";
import { response, type AdapterCases, type BuildCase, type ResponseCase } from "./types";
import type { RedditConfig } from "~/destinations/reddit/config";

/**
 * Fixture tables for the Reddit Conversions API v3 adapter. Hashes computed in the shell,
 * independently of the code under test:  printf '%s' 'johnsmith@gmail.com' | sha256sum
 */
const H = {
  /** " John.Smith@Gmail.com " → "johnsmith@gmail.com" (Reddit: non-alphanumerics of the local part removed) */
  email: "3586de92bb3636d0885a12eff961429a32e4ebd764b96f50d85d016f9338d586",
  /** "(650) 555-1212" + US → "+16505551212" */
  phone: "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8",
  /** "7364829104562" */
  externalId: "4049d023bea58a5cd5ff84b8794e3e405860550b0d9988ed52d96a89b4a2921b",
  /** "Al.ice$+Apple@Example.Com" → "alice@example.com" (Reddit's own example) */
  redditDocEmail: "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976",
} as const;

export const CONFIG: RedditConfig = { pixelId: "a2_ghe8lq1kzfxh", accessToken: "reddit-conversion-token", contentIdSource: "variant" };

const URL = "https://ads-api.reddit.com/api/v3/pixels/a2_ghe8lq1kzfxh/conversion_events";
const HEADERS = { "content-type": "application/json", authorization: "Bearer reddit-conversion-token" };
const CLICK = "AQAAAZWuiA0DAAAAAB_Kb2VYbSMGSUx1ZXGrY2h6bUZb";

const USER = { email: H.email, phone_number: H.phone, external_id: H.externalId, ip_address: "203.0.113.7", user_agent: FACTORY_USER.userAgent };

const PRODUCTS = [
  { id: "45123456789012", name: "Organic Cotton Tee" },
  { id: "45123456789013", name: "Canvas Tote" },
];

const PURCHASE = {
  event_at: 1_762_902_353_000,
  action_source: "WEBSITE",
  type: { tracking_type: "PURCHASE" },
  click_id: CLICK,
  event_source_url: "https://shop.example.com/checkouts/cn/Z2NwLXVzLWVhc3QxOjAxSjk/thank-you",
  user: USER,
  metadata: { conversion_id: "purchase-5975031431338", value: 142.52, currency: "USD", item_count: 3, products: PRODUCTS },
};

const STOREFRONT = {
  event_at: 1_762_902_353_000,
  action_source: "WEBSITE",
  click_id: CLICK,
  event_source_url: "https://shop.example.com/products/organic-cotton-tee",
  user: USER,
};

function request(events: object[], testId?: string, url = URL) {
  return {
    kind: "request" as const,
    request: { method: "POST" as const, url, headers: HEADERS, body: { data: testId === undefined ? { events } : { test_id: testId, events } } },
  };
}

export const buildCases: BuildCase<RedditConfig>[] = [
  {
    name: "purchase → PURCHASE with click_id, hashed user, value in major units, conversion_id = event id",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([PURCHASE]),
  },
  {
    name: "presentment currency → EUR value",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ currency: "presentment" }),
    expected: request([{ ...PURCHASE, metadata: { ...PURCHASE.metadata, value: 131.1, currency: "EUR" } }]),
  },
  {
    name: "test mode with a test id → data.test_id",
    events: [buildConversion()],
    config: { ...CONFIG, testEventCode: " t2_test_123 " },
    ctx: buildContext({ testMode: true }),
    expected: request([PURCHASE], "t2_test_123"),
  },
  {
    name: "a saved test id outside test mode is not sent",
    events: [buildConversion()],
    config: { ...CONFIG, testEventCode: "t2_test_123" },
    ctx: buildContext(),
    expected: request([PURCHASE]),
  },
  {
    name: "baseUrlOverride replaces scheme and host, keeps the path",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ baseUrlOverride: "http://127.0.0.1:4010" }),
    expected: request([PURCHASE], undefined, "http://127.0.0.1:4010/api/v3/pixels/a2_ghe8lq1kzfxh/conversion_events"),
  },
  {
    name: "Reddit's documented email example hashes to its published digest",
    events: [buildConversion({ user: { email: "Al.ice$+Apple@Example.Com" } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([{ ...PURCHASE, user: { ...USER, email: H.redditDocEmail } }]),
  },
  {
    name: "sale of data opted out → data_processing_options LDU",
    events: [buildConversion({ consent: { analytics: true, marketing: true, saleOfData: false } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([{ ...PURCHASE, user: { ...USER, data_processing_options: { modes: ["LDU"] } } }]),
  },
  {
    name: "POS order without identity → PHYSICAL_STORE, empty user; a draft → OTHER",
    events: [
      { ...withoutIdentity(buildConversion()), actionSource: "physical_store", sourceUrl: undefined, consent: null },
      { ...withoutIdentity(buildConversion({ eventId: "purchase-88" })), actionSource: "other", sourceUrl: undefined, consent: null },
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      { event_at: 1_762_902_353_000, action_source: "PHYSICAL_STORE", type: { tracking_type: "PURCHASE" }, user: {}, metadata: PURCHASE.metadata },
      { event_at: 1_762_902_353_000, action_source: "OTHER", type: { tracking_type: "PURCHASE" }, user: {}, metadata: { ...PURCHASE.metadata, conversion_id: "purchase-88" } },
    ]),
  },
  {
    name: "storefront events → PAGE_VISIT, VIEW_CONTENT (value), ADD_TO_CART, SEARCH (no value types get none)",
    events: [
      buildStorefrontConversion("page_view"),
      buildStorefrontConversion("view_content", {
        value: { shop: { amount: "100.00", currency: "USD" }, presentment: { amount: "92.00", currency: "EUR" } },
        contents: [{ id: "8123456789012", variantId: "45123456789012", title: "Organic Cotton Tee", quantity: 1, price: { shop: "100.00", presentment: "92.00" } }],
      }),
      buildStorefrontConversion("add_to_cart"),
      buildStorefrontConversion("search", { searchQuery: "organic tee" }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      { ...STOREFRONT, type: { tracking_type: "PAGE_VISIT" }, metadata: { conversion_id: "sh-0a1b2c3d-page_view" } },
      {
        ...STOREFRONT,
        type: { tracking_type: "VIEW_CONTENT" },
        metadata: { conversion_id: "sh-0a1b2c3d-view_content", value: 100, currency: "USD", item_count: 1, products: [PRODUCTS[0]] },
      },
      { ...STOREFRONT, type: { tracking_type: "ADD_TO_CART" }, metadata: { conversion_id: "sh-0a1b2c3d-add_to_cart" } },
      { ...STOREFRONT, type: { tracking_type: "SEARCH" }, metadata: { conversion_id: "sh-0a1b2c3d-search" } },
    ]),
  },
  {
    name: "batch of two → two events in request order",
    events: buildConversionBatch(2),
    config: CONFIG,
    ctx: buildContext(),
    expected: request(["1000", "1001"].map((id) => ({ ...PURCHASE, metadata: { ...PURCHASE.metadata, conversion_id: `purchase-${id}` } }))),
  },
  {
    name: "initiate_checkout → skip (Reddit has no checkout event)",
    events: [buildStorefrontConversion("initiate_checkout")],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'sh-0a1b2c3d-initiate_checkout: Reddit has no event for "initiate_checkout"' },
  },
  {
    name: "older than 7 days → skip",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: 1_762_902_353_000 + 7 * 86_400_000 }),
    expected: { kind: "skip", reason: "purchase-5975031431338: older than Reddit's 7-day limit" },
  },
];

export const responseCases: ResponseCase[] = [
  {
    name: "200 with Reddit's success message → delivered",
    response: response(200, { data: { message: "Successfully processed 1 conversion events." } }),
    expected: { kind: "delivered" },
  },
  {
    name: "400 with an error message → fail",
    response: response(400, { error: { code: "INVALID_INPUT", message: "event_at is more than 7 days in the past" } }),
    expected: { kind: "fail", reason: "HTTP 400: INVALID_INPUT: event_at is more than 7 days in the past" },
  },
  {
    name: "400 with a plain message → fail",
    response: response(400, { message: "invalid action_source" }),
    expected: { kind: "fail", reason: "HTTP 400: invalid action_source" },
  },
  {
    name: "401 → config-error",
    response: response(401, { error: { code: 401, message: "Unauthorized" } }),
    expected: { kind: "config-error", reason: "HTTP 401: 401: Unauthorized" },
  },
  { name: "403 → config-error", response: response(403, "Forbidden"), expected: { kind: "config-error", reason: "HTTP 403: Forbidden" } },
  { name: "404 → config-error (pixel id)", response: response(404, ""), expected: { kind: "config-error", reason: "HTTP 404: no body (check the pixel id)" } },
  {
    name: "429 with Retry-After → retry after it",
    response: response(429, "", { "retry-after": "12" }),
    expected: { kind: "retry", reason: "rate limited: HTTP 429: no body", retryAfterMs: 12_000 },
  },
  { name: "502 → retry", response: response(502, ""), expected: { kind: "retry", reason: "HTTP 502: no body" } },
];

export const redditCases: AdapterCases<RedditConfig> = {
  config: CONFIG,
  rawPii: ["John.Smith@Gmail.com", "john.smith@gmail.com", "johnsmith@gmail.com", "6505551212", "Raphaël", "O'Brien", "7364829104562"],
  buildCases,
  responseCases,
  eventNames: {
    page_view: "PAGE_VISIT",
    view_content: "VIEW_CONTENT",
    search: "SEARCH",
    add_to_cart: "ADD_TO_CART",
    initiate_checkout: null,
    add_payment_info: null,
    purchase: "PURCHASE",
    refund: null,
    cancel: null,
    // Issue 13: Reddit's v3 enum has LEAD and SIGN_UP; no edit, cart view, removal, shipping, subscribe or contact type.
    order_edit: null,
    view_item_list: null,
    view_cart: null,
    remove_from_cart: null,
    add_shipping_info: null,
    lead: "LEAD",
    sign_up: "SIGN_UP",
    subscribe: null,
    contact: null,
  },
  purpose: "marketing",
  testEventCaveats: [
    { name: "with a test id: nothing to add", config: { ...CONFIG, testEventCode: "t2_test_123" }, expected: null },
    { name: "without a test id: the event is real", config: CONFIG, expected: expect.stringContaining("No test id is set") },
  ],
  configAccepts: [
    {
      name: "trims and fills defaults",
      input: { pixelId: " a2_ghe8lq1kzfxh ", accessToken: "tok" },
      expected: { pixelId: "a2_ghe8lq1kzfxh", accessToken: "tok", contentIdSource: "variant" },
    },
  ],
  configRejects: [
    { name: "empty", input: {} },
    { name: "pixel id without a2_", input: { pixelId: "ghe8lq1kzfxh", accessToken: "t" } },
    { name: "token with a space", input: { pixelId: "a2_ghe8lq1kzfxh", accessToken: "Bearer abc" } },
  ],
  secretFields: ["accessToken"],
  // Up to 1,000 events a request; events up to 7 days old, less a 10-minute margin.
  limits: { maxBatchSize: 1000, maxEventAgeMs: 7 * 86_400_000 - 600_000 },
};
