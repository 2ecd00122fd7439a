import { expect } from "vitest";
import type { HttpRequestSpec } from "~/destinations/destination";
import {
  FACTORY_OCCURRED_AT,
  FACTORY_USER,
  buildContext,
  buildConversion,
  buildStorefrontConversion,
  withoutIdentity,
} from "./factory";
import { response, type AdapterCases, type BuildCase, type ResponseCase } from "./types";
import type { TikTokConfig } from "~/destinations/tiktok/config";

/**
 * Fixture tables for tiktok.test.ts. Expected hashes were computed in the shell
 * (`printf '%s' '+16505551212' | sha256sum`), with the normalised input noted.
 */

const TOKEN = "tt-test-0123456789abcdef0123456789abcdef";
const PIXEL = "C4ABCDEF12345678";
const URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/";
const HEADERS = { "access-token": TOKEN, "content-type": "application/json" };

export const CONFIG: TikTokConfig = {
  pixelCode: PIXEL,
  accessToken: TOKEN,
  purchaseEventName: "Purchase",
  contentIdSource: "variant",
};
const withTestCode: TikTokConfig = { ...CONFIG, testEventCode: "TEST54321" };

const EVENT_TIME = FACTORY_OCCURRED_AT / 1000; // 1762902353, seconds
const PURCHASE_ID = "purchase-5975031431338";
const CHECKOUT_URL = "https://shop.example.com/checkouts/cn/Z2NwLXVzLWVhc3QxOjAxSjk/thank-you";
const PRODUCT_URL = "https://shop.example.com/products/organic-cotton-tee";

/** The factory buyer under TikTok's rules. */
const USER = {
  email: "d0c648bc36f12061bec770df216cea2ab95851b9350fd54b658de53b0407767a", // john.smith@gmail.com (dot kept)
  phone: "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8", // +16505551212 (WITH +)
  external_id: "4049d023bea58a5cd5ff84b8794e3e405860550b0d9988ed52d96a89b4a2921b", // 7364829104562
  ip: "203.0.113.7",
  user_agent:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
  ttclid: "E.C.P.CtUBxg5Gq8kzJ9hYt1vLmQ2pRaBwXe3N",
  ttp: "2F7h37YkS1j57AYSKTI7IHhJPYH",
};

const PURCHASE_PROPERTIES_USD = {
  contents: [
    { content_id: "45123456789012", content_type: "product", content_name: "Organic Cotton Tee", quantity: 1, price: 100 },
    { content_id: "45123456789013", content_type: "product", content_name: "Canvas Tote", quantity: 2, price: 21.26 },
  ],
  content_type: "product",
  currency: "USD",
  value: 142.52,
  order_id: "5975031431338",
};

const PURCHASE_EVENT = {
  event: "Purchase",
  event_time: EVENT_TIME,
  event_id: PURCHASE_ID,
  user: USER,
  page: { url: CHECKOUT_URL },
  properties: PURCHASE_PROPERTIES_USD,
};

function body(data: unknown[], extra: Record<string, unknown> = {}) {
  return { event_source: "web", event_source_id: PIXEL, data, ...extra };
}

function request(requestBody: unknown, url = URL): { kind: "request"; request: HttpRequestSpec } {
  return { kind: "request", request: { method: "POST", url, headers: HEADERS, body: requestBody } };
}

const ctx = buildContext();
const DAY = 24 * 60 * 60 * 1000;

export const buildCases: BuildCase<TikTokConfig>[] = [
  {
    name: "custom goals (ADR 0039): lead, sign_up, subscribe, contact → Lead, CompleteRegistration, Subscribe, Contact",
    events: [
      buildStorefrontConversion("lead", { goal: { source: "quote_request" } }),
      buildStorefrontConversion("sign_up", { goal: { source: "customers/create" } }),
      buildStorefrontConversion("subscribe", { goal: { source: "newsletter_signup" } }),
      buildStorefrontConversion("contact", { goal: { source: "contact_form" } }),
    ],
    config: CONFIG,
    ctx,
    expected: request(
      body([
        { event: "Lead", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-lead", user: USER, page: { url: PRODUCT_URL } },
        { event: "CompleteRegistration", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-sign_up", user: USER, page: { url: PRODUCT_URL } },
        { event: "Subscribe", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-subscribe", user: USER, page: { url: PRODUCT_URL } },
        { event: "Contact", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-contact", user: USER, page: { url: PRODUCT_URL } },
      ]),
    ),
  },
  {
    name: "a cart view has no TikTok event: refused with the reason",
    events: [buildStorefrontConversion("view_cart")],
    config: CONFIG,
    ctx,
    expected: { kind: "skip", reason: 'sh-0a1b2c3d-view_cart: TikTok has no event for "view_cart"' },
  },
  {
    name: "purchase → Purchase with hashed email/phone(+)/external_id, clear ip/ua/ttclid/ttp",
    events: [buildConversion()],
    config: CONFIG,
    ctx,
    expected: request(body([PURCHASE_EVENT])),
  },
  {
    name: "presentment currency → EUR value and prices",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ currency: "presentment" }),
    expected: request(
      body([
        {
          ...PURCHASE_EVENT,
          properties: {
            ...PURCHASE_PROPERTIES_USD,
            contents: [
              { content_id: "45123456789012", content_type: "product", content_name: "Organic Cotton Tee", quantity: 1, price: 92 },
              { content_id: "45123456789013", content_type: "product", content_name: "Canvas Tote", quantity: 2, price: 19.55 },
            ],
            currency: "EUR",
            value: 131.1,
          },
        },
      ]),
    ),
  },
  {
    name: "purchaseEventName CompletePayment → legacy name for older pixels",
    events: [buildConversion()],
    config: { ...CONFIG, purchaseEventName: "CompletePayment" },
    ctx,
    expected: request(body([{ ...PURCHASE_EVENT, event: "CompletePayment" }])),
  },
  {
    name: "test mode with a code → top-level test_event_code",
    events: [buildConversion()],
    config: withTestCode,
    ctx: buildContext({ testMode: true }),
    expected: request(body([PURCHASE_EVENT], { test_event_code: "TEST54321" })),
  },
  {
    name: "a configured code outside test mode is not sent",
    events: [buildConversion()],
    config: withTestCode,
    ctx,
    expected: request(body([PURCHASE_EVENT])),
  },
  {
    name: "test mode without a code sends no test_event_code",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ testMode: true }),
    expected: request(body([PURCHASE_EVENT])),
  },
  {
    name: "baseUrlOverride with a path prefix keeps the endpoint path",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ baseUrlOverride: "http://127.0.0.1:4020/tiktok/" }),
    expected: request(body([PURCHASE_EVENT]), "http://127.0.0.1:4020/tiktok/open_api/v1.3/event/track/"),
  },
  {
    name: "no identity at all → empty user object, request still valid",
    events: [withoutIdentity(buildConversion())],
    config: CONFIG,
    ctx,
    expected: request(body([{ ...PURCHASE_EVENT, user: {} }])),
  },
  {
    name: "UK national phone → +44 E.164 hashed",
    events: [buildConversion({ user: { email: "person@example.com", phone: "07911 123456", country: "GB" } })],
    config: CONFIG,
    ctx,
    expected: request(
      body([
        {
          ...PURCHASE_EVENT,
          user: {
            ...USER,
            email: "542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345", // person@example.com
            phone: "20b18ac9de7b3aad174961827d8e451c410af9aedfd1d699927f4b29b81aa1fa", // +447911123456
          },
        },
      ]),
    ),
  },
  {
    name: "external_id is hashed as-is (case kept, only trimmed)",
    events: [buildConversion({ user: { externalId: " C-42 " } })],
    config: CONFIG,
    ctx,
    expected: request(
      body([
        {
          ...PURCHASE_EVENT,
          user: { ...USER, external_id: "8e0a57ada4d1ba1be10d67d5b2e812bfc6694f1149d195418573848120118e0b" }, // C-42
        },
      ]),
    ),
  },
  {
    name: "page_view → Pageview (TikTok spelling) without properties",
    events: [buildStorefrontConversion("page_view")],
    config: CONFIG,
    ctx,
    expected: request(
      body([
        { event: "Pageview", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-page_view", user: USER, page: { url: PRODUCT_URL } },
      ]),
    ),
  },
  {
    name: "search → Search with query",
    events: [buildStorefrontConversion("search", { searchQuery: "linen shirt" })],
    config: CONFIG,
    ctx,
    expected: request(
      body([
        {
          event: "Search",
          event_time: EVENT_TIME,
          event_id: "sh-0a1b2c3d-search",
          user: USER,
          page: { url: PRODUCT_URL },
          properties: { query: "linen shirt" },
        },
      ]),
    ),
  },
  {
    name: "view_content with one product, product ids",
    events: [
      buildStorefrontConversion("view_content", {
        value: { shop: { amount: "100.00", currency: "USD" }, presentment: { amount: "92.00", currency: "EUR" } },
        contents: [
          {
            id: "8123456789012",
            variantId: "45123456789012",
            title: "Organic Cotton Tee",
            quantity: 1,
            price: { shop: "100.00", presentment: "92.00" },
          },
        ],
      }),
    ],
    config: { ...CONFIG, contentIdSource: "product" },
    ctx,
    expected: request(
      body([
        {
          event: "ViewContent",
          event_time: EVENT_TIME,
          event_id: "sh-0a1b2c3d-view_content",
          user: USER,
          page: { url: PRODUCT_URL },
          properties: {
            contents: [
              { content_id: "8123456789012", content_type: "product", content_name: "Organic Cotton Tee", quantity: 1, price: 100 },
            ],
            content_type: "product",
            currency: "USD",
            value: 100,
          },
        },
      ]),
    ),
  },
  {
    name: "add_to_cart, initiate_checkout, add_payment_info in one batch",
    events: [
      buildStorefrontConversion("add_to_cart"),
      buildStorefrontConversion("initiate_checkout"),
      buildStorefrontConversion("add_payment_info", { sourceUrl: undefined }),
    ],
    config: CONFIG,
    ctx,
    expected: request(
      body([
        { event: "AddToCart", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-add_to_cart", user: USER, page: { url: PRODUCT_URL } },
        {
          event: "InitiateCheckout",
          event_time: EVENT_TIME,
          event_id: "sh-0a1b2c3d-initiate_checkout",
          user: USER,
          page: { url: PRODUCT_URL },
        },
        { event: "AddPaymentInfo", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-add_payment_info", user: USER },
      ]),
    ),
  },
  {
    name: "27 days old → still sent",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: FACTORY_OCCURRED_AT + 27 * DAY }),
    expected: request(body([PURCHASE_EVENT])),
  },
  {
    name: "older than 28 days → skip",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: FACTORY_OCCURRED_AT + 28 * DAY + 1 }),
    expected: { kind: "skip", reason: `${PURCHASE_ID}: older than TikTok's 28-day attribution window` },
  },
  {
    name: "refund → skip (no refund event, no negative values)",
    events: [buildConversion({ eventId: "refund-998877", name: "refund" })],
    config: CONFIG,
    ctx,
    expected: { kind: "skip", reason: 'refund-998877: TikTok has no event for "refund"' },
  },
  {
    name: "a batch with a cancel is refused, naming it",
    events: [buildConversion(), buildConversion({ eventId: "cancel-5975031431338", name: "cancel" })],
    config: CONFIG,
    ctx,
    expected: { kind: "skip", reason: 'cancel-5975031431338: TikTok has no event for "cancel"' },
  },
  {
    name: "no events → skip",
    events: [],
    config: CONFIG,
    ctx,
    expected: { kind: "skip", reason: "no events" },
  },
];

/** Raw values that must never appear in a TikTok request. */
export const RAW_PII = [
  FACTORY_USER.email!.trim(),
  FACTORY_USER.email!.trim().toLowerCase(),
  "6505551212",
  "Raphaël",
  "raphaël",
  "O'Brien",
  "obrien",
  "Menlo Park",
  "menlopark",
  "94025",
  "7364829104562",
];

export const responseCases: ResponseCase[] = [
  {
    name: "code 0 → delivered",
    response: response(200, { code: 0, message: "OK", request_id: "2025111123055301", data: {} }),
    expected: { kind: "delivered" },
  },
  {
    name: "code 20001 partial success → delivered with a note",
    response: response(200, { code: 20001, message: "Partial success: event at index 1 dropped", request_id: "r1" }),
    eventCount: 2,
    expected: {
      kind: "delivered",
      note: "partial success: TikTok code 20001: Partial success: event at index 1 dropped (request_id r1)",
    },
  },
  {
    name: "code 40100 → retry",
    response: response(200, { code: 40100, message: "Too many requests", request_id: "r2" }),
    expected: { kind: "retry", reason: "throttled: TikTok code 40100: Too many requests (request_id r2)" },
  },
  {
    name: "code 40100 with Retry-After → retry after that delay",
    response: response(200, { code: 40100, message: "Too many requests" }, { "Retry-After": "15" }),
    expected: { kind: "retry", reason: "throttled: TikTok code 40100: Too many requests", retryAfterMs: 15_000 },
  },
  {
    name: "code 40700 → retry",
    response: response(200, { code: 40700, message: "Internal timeout" }),
    expected: { kind: "retry", reason: "TikTok code 40700: Internal timeout" },
  },
  {
    name: "code 50000 system error → retry",
    response: response(200, { code: 50000, message: "System error" }),
    expected: { kind: "retry", reason: "TikTok code 50000: System error" },
  },
  {
    name: "code 40001 → config-error",
    response: response(200, { code: 40001, message: "No permission to operate pixel" }),
    expected: { kind: "config-error", reason: "TikTok code 40001: No permission to operate pixel" },
  },
  {
    name: "code 40105 invalid token → config-error",
    response: response(200, { code: 40105, message: "Access token is incorrect or has been revoked." }),
    expected: { kind: "config-error", reason: "TikTok code 40105: Access token is incorrect or has been revoked." },
  },
  {
    name: "code 40104 missing token → config-error",
    response: response(200, { code: 40104, message: "Access token is null" }),
    expected: { kind: "config-error", reason: "TikTok code 40104: Access token is null" },
  },
  {
    name: "code 40002 invalid parameters → fail",
    response: response(200, { code: 40002, message: "data[0].event_time: invalid" }),
    expected: { kind: "fail", reason: "TikTok code 40002: data[0].event_time: invalid" },
  },
  {
    name: "HTTP 429 → retry with Retry-After",
    response: response(429, { code: 40100, message: "rate_limit_exceeded" }, { "retry-after": "60" }),
    expected: { kind: "retry", reason: "HTTP 429 Too Many Requests", retryAfterMs: 60_000 },
  },
  {
    name: "HTTP 500 → retry",
    response: response(500, "Internal Server Error"),
    expected: { kind: "retry", reason: "HTTP 500" },
  },
  {
    name: "HTTP 503 → retry",
    response: response(503, ""),
    expected: { kind: "retry", reason: "HTTP 503" },
  },
  {
    name: "bare HTTP 401 → config-error",
    response: response(401, ""),
    expected: { kind: "config-error", reason: "HTTP 401: token rejected" },
  },
  {
    name: "HTTP 200 without a code → retry under the same event ids (cannot confirm acceptance, TikTok deduplicates)",
    response: response(200, "<html>maintenance</html>"),
    expected: { kind: "retry", reason: "HTTP 200 without a TikTok code: not confirmed, re-sent under the same event ids" },
  },
  {
    name: "HTTP 404 → fail",
    response: response(404, ""),
    expected: { kind: "fail", reason: "HTTP 404: unexpected response without a TikTok code" },
  },
];

export const tiktokCases: AdapterCases<TikTokConfig> = {
  config: CONFIG,
  rawPii: RAW_PII,
  buildCases,
  responseCases,
  eventNames: {
    page_view: "Pageview",
    view_content: "ViewContent",
    search: "Search",
    add_to_cart: "AddToCart",
    initiate_checkout: "InitiateCheckout",
    add_payment_info: "AddPaymentInfo",
    purchase: "Purchase",
    refund: null,
    cancel: null,
    view_item_list: null,
    view_cart: null,
    remove_from_cart: null,
    add_shipping_info: null,
    lead: "Lead",
    sign_up: "CompleteRegistration",
    subscribe: "Subscribe",
    contact: "Contact",
    order_edit: null,
  },
  purpose: "marketing",
  testEventCaveats: [
    { name: "no test event code: the test purchase counts as real", config: CONFIG, expected: expect.stringContaining("No test event code is saved") },
    { name: "with a test event code: nothing to add", config: { ...CONFIG, testEventCode: "TEST12345" }, expected: null },
  ],
  configAccepts: [
    {
      name: "a settings form with defaults; an empty test code is absent",
      input: { pixelCode: " C4ABCDEF12345678 ", accessToken: TOKEN, testEventCode: " " },
      expected: { pixelCode: "C4ABCDEF12345678", accessToken: TOKEN, purchaseEventName: "Purchase", contentIdSource: "variant" },
    },
    {
      name: "keeps explicit choices",
      input: {
        pixelCode: "C4ABCDEF12345678",
        accessToken: TOKEN,
        testEventCode: "TEST54321",
        purchaseEventName: "CompletePayment",
        contentIdSource: "sku",
      },
      expected: {
        pixelCode: "C4ABCDEF12345678",
        accessToken: TOKEN,
        testEventCode: "TEST54321",
        purchaseEventName: "CompletePayment",
        contentIdSource: "sku",
      },
    },
  ],
  configRejects: [
    { name: "empty", input: {} },
    { name: "pixel code with symbols", input: { pixelCode: "C4AB-CDEF", accessToken: TOKEN } },
    { name: "short token", input: { pixelCode: "C4ABCDEF12345678", accessToken: "abc" } },
    { name: "unknown purchase event", input: { pixelCode: "C4ABCDEF12345678", accessToken: TOKEN, purchaseEventName: "Checkout" } },
  ],
};
