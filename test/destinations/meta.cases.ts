import { expect } from "vitest";
import type { HttpRequestSpec } from "~/destinations/destination";
import {
  FACTORY_CLICK_IDS,
  FACTORY_OCCURRED_AT,
  FACTORY_USER,
  buildContext,
  buildConversion,
  buildStorefrontConversion,
  withoutIdentity,
} from "./factory";
import { response, type AdapterCases, type BuildCase, type ResponseCase } from "./types";
import type { MetaConfig } from "~/destinations/meta/config";

/**
 * Fixture tables for meta.test.ts. Expected hashes were computed in the shell
 * (`printf '%s' 'john.smith@gmail.com' | sha256sum`), not by the code under test;
 * the normalised input of each is in the comment next to it.
 */

const TOKEN = "EAABsbCS1iHgBO7ZCZAtestTOKENnotREAL0123456789";
const PIXEL = "123456789012345";
const URL = `https://graph.facebook.com/v24.0/${PIXEL}/events?access_token=${TOKEN}`;

export const CONFIG: MetaConfig = { pixelId: PIXEL, accessToken: TOKEN, contentIdSource: "variant" };
const withTestCode: MetaConfig = { ...CONFIG, testEventCode: "TEST12345" };

const EVENT_TIME = FACTORY_OCCURRED_AT / 1000; // 1762902353, seconds
const PURCHASE_ID = "purchase-5975031431338";
const CHECKOUT_URL = "https://shop.example.com/checkouts/cn/Z2NwLXVzLWVhc3QxOjAxSjk/thank-you";
const PRODUCT_URL = "https://shop.example.com/products/organic-cotton-tee";

/** The factory buyer under Meta's rules. */
const USER_DATA = {
  em: ["d0c648bc36f12061bec770df216cea2ab95851b9350fd54b658de53b0407767a"], // john.smith@gmail.com (dot kept)
  ph: ["e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"], // 16505551212 (no +)
  fn: ["e74bb89e718fe1e19c422a48382870399f8bf7ca8dfa008739e75b0be76627b7"], // raphaël (NFC)
  ln: ["b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba"], // obrien
  ct: ["0007a3d64c01e23d5075203c5977c14e4f7e01a3fc570686fcc50b5e1dd42685"], // menlopark
  st: ["6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126"], // ca
  zp: ["b9a9cf3cd3723a2e91b7c23ecf68456e872b6e5d86e5cab7f3d45a7302da32c7"], // 94025
  country: ["79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"], // us
  external_id: ["4049d023bea58a5cd5ff84b8794e3e405860550b0d9988ed52d96a89b4a2921b"], // 7364829104562
  client_ip_address: "203.0.113.7",
  client_user_agent:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
  fbc: "fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk",
  fbp: "fb.1.1596403881668.1116446470",
};

const PURCHASE_CUSTOM_DATA_USD = {
  value: 142.52,
  currency: "USD",
  content_type: "product",
  content_ids: ["45123456789012", "45123456789013"],
  contents: [
    { id: "45123456789012", quantity: 1, item_price: 100 },
    { id: "45123456789013", quantity: 2, item_price: 21.26 },
  ],
  num_items: 3,
  order_id: "5975031431338",
};

const PURCHASE_EVENT = {
  event_name: "Purchase",
  event_time: EVENT_TIME,
  event_id: PURCHASE_ID,
  action_source: "website",
  event_source_url: CHECKOUT_URL,
  user_data: USER_DATA,
  custom_data: PURCHASE_CUSTOM_DATA_USD,
};

function request(body: unknown, url = URL): { kind: "request"; request: HttpRequestSpec } {
  return { kind: "request", request: { method: "POST", url, headers: { "content-type": "application/json" }, body } };
}

const ctx = buildContext();
const DAY = 24 * 60 * 60 * 1000;

export const buildCases: BuildCase<MetaConfig>[] = [
  {
    name: "custom goals (ADR 0039): lead, sign_up, subscribe, contact → Lead, CompleteRegistration, Subscribe, Contact",
    events: [
      buildStorefrontConversion("lead", { goal: { source: "quote_request" }, value: { shop: { amount: "25.00", currency: "USD" }, presentment: { amount: "25.00", currency: "USD" } } }),
      buildStorefrontConversion("sign_up", { goal: { source: "customers/create" } }),
      buildStorefrontConversion("subscribe", { goal: { source: "newsletter_signup" } }),
      buildStorefrontConversion("contact", { goal: { source: "contact_form" } }),
    ],
    config: CONFIG,
    ctx,
    expected: request({
      data: [
        { event_name: "Lead", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-lead", action_source: "website", event_source_url: PRODUCT_URL, user_data: USER_DATA, custom_data: { value: 25, currency: "USD" } },
        { event_name: "CompleteRegistration", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-sign_up", action_source: "website", event_source_url: PRODUCT_URL, user_data: USER_DATA },
        { event_name: "Subscribe", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-subscribe", action_source: "website", event_source_url: PRODUCT_URL, user_data: USER_DATA },
        { event_name: "Contact", event_time: EVENT_TIME, event_id: "sh-0a1b2c3d-contact", action_source: "website", event_source_url: PRODUCT_URL, user_data: USER_DATA },
      ],
    }),
  },
  {
    name: "collection, cart view, removal and shipping info have no Meta event: the batch is refused naming each",
    events: [buildStorefrontConversion("view_item_list"), buildStorefrontConversion("view_cart"), buildStorefrontConversion("remove_from_cart"), buildStorefrontConversion("add_shipping_info")],
    config: CONFIG,
    ctx,
    expected: {
      kind: "skip",
      reason:
        'sh-0a1b2c3d-view_item_list: Meta has no event for "view_item_list"; sh-0a1b2c3d-view_cart: Meta has no event for "view_cart"; sh-0a1b2c3d-remove_from_cart: Meta has no event for "remove_from_cart"; sh-0a1b2c3d-add_shipping_info: Meta has no event for "add_shipping_info"',
    },
  },
  {
    name: "purchase → Purchase with hashed user data, shop money, variant content ids",
    events: [buildConversion()],
    config: CONFIG,
    ctx,
    expected: request({ data: [PURCHASE_EVENT] }),
  },
  {
    name: "presentment currency → EUR value and unit prices",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ currency: "presentment" }),
    expected: request({
      data: [
        {
          ...PURCHASE_EVENT,
          custom_data: {
            ...PURCHASE_CUSTOM_DATA_USD,
            value: 131.1,
            currency: "EUR",
            contents: [
              { id: "45123456789012", quantity: 1, item_price: 92 },
              { id: "45123456789013", quantity: 2, item_price: 19.55 },
            ],
          },
        },
      ],
    }),
  },
  {
    name: "test mode with a code → top-level test_event_code",
    events: [buildConversion()],
    config: withTestCode,
    ctx: buildContext({ testMode: true }),
    expected: request({ data: [PURCHASE_EVENT], test_event_code: "TEST12345" }),
  },
  {
    name: "a configured code outside test mode is not sent",
    events: [buildConversion()],
    config: withTestCode,
    ctx,
    expected: request({ data: [PURCHASE_EVENT] }),
  },
  {
    name: "test mode without a code sends no test_event_code",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ testMode: true }),
    expected: request({ data: [PURCHASE_EVENT] }),
  },
  {
    name: "baseUrlOverride replaces scheme and host, keeps path and token",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ baseUrlOverride: "http://127.0.0.1:4010" }),
    expected: request(
      { data: [PURCHASE_EVENT] },
      `http://127.0.0.1:4010/v24.0/${PIXEL}/events?access_token=${TOKEN}`,
    ),
  },
  {
    name: "no identity at all → empty user_data, action_source other (no user agent)",
    events: [withoutIdentity(buildConversion())],
    config: CONFIG,
    ctx,
    expected: request({
      data: [{ ...PURCHASE_EVENT, action_source: "other", user_data: {} }],
    }),
  },
  {
    name: "no _fbc cookie → fbc built from fbclid with the event time in ms",
    events: [buildConversion({ clickIds: { fbc: undefined } })],
    config: CONFIG,
    ctx,
    expected: request({
      data: [
        {
          ...PURCHASE_EVENT,
          user_data: {
            ...USER_DATA,
            fbc: `fb.1.1762902353000.${FACTORY_CLICK_IDS.fbclid}`,
          },
        },
      ],
    }),
  },
  {
    name: "UK buyer: national phone with trunk 0, postcode letters kept",
    events: [
      buildConversion({
        user: {
          email: "person@example.com",
          phone: "07911 123456",
          city: "London",
          state: undefined,
          zip: "SW1A 1AA",
          country: "GB",
        },
      }),
    ],
    config: CONFIG,
    ctx,
    expected: request({
      data: [
        {
          ...PURCHASE_EVENT,
          user_data: {
            ...USER_DATA,
            em: ["542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345"], // person@example.com
            ph: ["40b5c38342a9c584ec707e8679b003f8c779c6aaa138c976ef94e049cc05208f"], // 447911123456
            ct: ["6089854c94ca5454b76be6752c562901a985f64c9a946f62976aeab593b83161"], // london
            st: undefined,
            zp: ["830e1d4b9838bab1f5c2acdb23e0b502ff13a9832c4632e8d67a1d43d3b7f614"], // sw1a1aa
            country: ["0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677"], // gb
          },
        },
      ],
    }),
  },
  {
    name: "unusable phone and email are dropped, not hashed",
    events: [buildConversion({ user: { email: "not-an-email", phone: "12" } })],
    config: CONFIG,
    ctx,
    expected: request({
      data: [{ ...PURCHASE_EVENT, user_data: { ...USER_DATA, em: undefined, ph: undefined } }],
    }),
  },
  {
    name: "page_view → PageView without custom_data",
    events: [buildStorefrontConversion("page_view")],
    config: CONFIG,
    ctx,
    expected: request({
      data: [
        {
          event_name: "PageView",
          event_time: EVENT_TIME,
          event_id: "sh-0a1b2c3d-page_view",
          action_source: "website",
          event_source_url: PRODUCT_URL,
          user_data: USER_DATA,
        },
      ],
    }),
  },
  {
    name: "search → Search with search_string",
    events: [buildStorefrontConversion("search", { searchQuery: "linen shirt" })],
    config: CONFIG,
    ctx,
    expected: request({
      data: [
        {
          event_name: "Search",
          event_time: EVENT_TIME,
          event_id: "sh-0a1b2c3d-search",
          action_source: "website",
          event_source_url: PRODUCT_URL,
          user_data: USER_DATA,
          custom_data: { search_string: "linen shirt" },
        },
      ],
    }),
  },
  {
    name: "add_to_cart → AddToCart with value and one content (sku ids)",
    events: [
      buildStorefrontConversion("add_to_cart", {
        value: { shop: { amount: "42.52", currency: "USD" }, presentment: { amount: "39.10", currency: "EUR" } },
        contents: [
          {
            id: "8123456789013",
            variantId: "45123456789013",
            sku: "TOTE-CNV",
            title: "Canvas Tote",
            quantity: 2,
            price: { shop: "21.26", presentment: "19.55" },
          },
        ],
      }),
    ],
    config: { ...CONFIG, contentIdSource: "sku" },
    ctx,
    expected: request({
      data: [
        {
          event_name: "AddToCart",
          event_time: EVENT_TIME,
          event_id: "sh-0a1b2c3d-add_to_cart",
          action_source: "website",
          event_source_url: PRODUCT_URL,
          user_data: USER_DATA,
          custom_data: {
            value: 42.52,
            currency: "USD",
            content_type: "product",
            content_ids: ["TOTE-CNV"],
            contents: [{ id: "TOTE-CNV", quantity: 2, item_price: 21.26 }],
            num_items: 2,
          },
        },
      ],
    }),
  },
  {
    name: "contentIdSource product → Shopify product ids",
    events: [buildConversion()],
    config: { ...CONFIG, contentIdSource: "product" },
    ctx,
    expected: request({
      data: [
        {
          ...PURCHASE_EVENT,
          custom_data: {
            ...PURCHASE_CUSTOM_DATA_USD,
            content_ids: ["8123456789012", "8123456789013"],
            contents: [
              { id: "8123456789012", quantity: 1, item_price: 100 },
              { id: "8123456789013", quantity: 2, item_price: 21.26 },
            ],
          },
        },
      ],
    }),
  },
  {
    name: "initiate_checkout and add_payment_info names",
    events: [buildStorefrontConversion("initiate_checkout"), buildStorefrontConversion("add_payment_info")],
    config: CONFIG,
    ctx,
    expected: request({
      data: [
        {
          event_name: "InitiateCheckout",
          event_time: EVENT_TIME,
          event_id: "sh-0a1b2c3d-initiate_checkout",
          action_source: "website",
          event_source_url: PRODUCT_URL,
          user_data: USER_DATA,
        },
        {
          event_name: "AddPaymentInfo",
          event_time: EVENT_TIME,
          event_id: "sh-0a1b2c3d-add_payment_info",
          action_source: "website",
          event_source_url: PRODUCT_URL,
          user_data: USER_DATA,
        },
      ],
    }),
  },
  {
    name: "POS order: physical_store kept even without browser data",
    events: [
      buildConversion({
        actionSource: "physical_store",
        sourceUrl: undefined,
        user: { ip: undefined, userAgent: undefined },
        clickIds: { fbc: undefined, fbclid: undefined, fbp: undefined },
        consent: null,
      }),
    ],
    config: CONFIG,
    ctx,
    expected: request({
      data: [
        {
          event_name: "Purchase",
          event_time: EVENT_TIME,
          event_id: PURCHASE_ID,
          action_source: "physical_store",
          user_data: {
            ...USER_DATA,
            client_ip_address: undefined,
            client_user_agent: undefined,
            fbc: undefined,
            fbp: undefined,
          },
          custom_data: PURCHASE_CUSTOM_DATA_USD,
        },
      ],
    }),
  },
  {
    name: "an event just inside the 7-day window is sent",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: FACTORY_OCCURRED_AT + 7 * DAY - 11 * 60_000 }),
    expected: request({ data: [PURCHASE_EVENT] }),
  },
  {
    name: "refund → skip (Meta has no refund event)",
    events: [buildConversion({ eventId: "refund-998877", name: "refund" })],
    config: CONFIG,
    ctx,
    expected: { kind: "skip", reason: 'refund-998877: Meta has no event for "refund"' },
  },
  {
    name: "cancel → skip",
    events: [buildConversion({ eventId: "cancel-5975031431338", name: "cancel" })],
    config: CONFIG,
    ctx,
    expected: { kind: "skip", reason: 'cancel-5975031431338: Meta has no event for "cancel"' },
  },
  {
    name: "older than 7 days → skip (one old event would fail the whole request)",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: FACTORY_OCCURRED_AT + 7 * DAY }),
    expected: { kind: "skip", reason: `${PURCHASE_ID}: older than Meta's 7-day limit` },
  },
  {
    name: "purchase without value → skip",
    events: [buildConversion({ value: undefined })],
    config: CONFIG,
    ctx,
    expected: { kind: "skip", reason: `${PURCHASE_ID}: Purchase needs value and currency` },
  },
  {
    name: "a batch with one unsendable event is refused, naming it",
    events: [buildConversion(), buildConversion({ eventId: "refund-1", name: "refund" })],
    config: CONFIG,
    ctx,
    expected: { kind: "skip", reason: 'refund-1: Meta has no event for "refund"' },
  },
  {
    name: "no events → skip",
    events: [],
    config: CONFIG,
    ctx,
    expected: { kind: "skip", reason: "no events" },
  },
];

/** Raw values that must never appear in a Meta request (checked in meta.test.ts). */
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
  "7364829104562",
];

const JSON_HEADERS = { "content-type": "application/json" };

export const responseCases: ResponseCase[] = [
  {
    name: "200 events_received → delivered",
    response: response(200, { events_received: 1, messages: [], fbtrace_id: "AbCdEf123" }, JSON_HEADERS),
    expected: { kind: "delivered" },
  },
  {
    name: "200 with a count mismatch → delivered with a note",
    response: response(200, { events_received: 1, messages: [], fbtrace_id: "AbC" }),
    eventCount: 2,
    expected: { kind: "delivered", note: "Meta reported 1 of 2 events received" },
  },
  {
    name: "200 with messages → delivered, messages kept as a note",
    response: response(200, { events_received: 1, messages: ["deprecated parameter"] }),
    expected: { kind: "delivered", note: '["deprecated parameter"]' },
  },
  {
    name: "code 4 app throttling → retry",
    response: response(400, {
      error: { message: "(#4) Application request limit reached", type: "OAuthException", code: 4, fbtrace_id: "T1" },
    }),
    expected: { kind: "retry", reason: "throttled: Graph error 4: (#4) Application request limit reached (fbtrace_id T1)" },
  },
  {
    name: "code 17 user throttling → retry",
    response: response(400, { error: { message: "User request limit reached", code: 17 } }),
    expected: { kind: "retry", reason: "throttled: Graph error 17: User request limit reached" },
  },
  {
    name: "code 32 → retry",
    response: response(400, { error: { message: "Page request limit reached", code: 32 } }),
    expected: { kind: "retry", reason: "throttled: Graph error 32: Page request limit reached" },
  },
  {
    name: "code 613 → retry, Retry-After honoured",
    response: response(400, { error: { message: "Calls exceeded the rate limit", code: 613 } }, { "Retry-After": "120" }),
    expected: { kind: "retry", reason: "throttled: Graph error 613: Calls exceeded the rate limit", retryAfterMs: 120_000 },
  },
  {
    name: "code 80004 ad-account rate limit → retry",
    response: response(400, { error: { message: "There have been too many calls", code: 80004, error_subcode: 2446079 } }),
    expected: { kind: "retry", reason: "throttled: Graph error 80004/2446079: There have been too many calls" },
  },
  {
    name: "code 2 service unavailable (HTTP 500) → retry",
    response: response(500, { error: { message: "Service temporarily unavailable", code: 2, is_transient: true } }),
    expected: { kind: "retry", reason: "Graph error 2: Service temporarily unavailable" },
  },
  {
    name: "unknown code flagged is_transient → retry",
    response: response(400, { error: { message: "Try again", code: 9007, is_transient: true } }),
    expected: { kind: "retry", reason: "Graph error 9007: Try again" },
  },
  {
    name: "code 190 expired token → config-error",
    response: response(400, {
      error: { message: "Error validating access token: Session has expired", type: "OAuthException", code: 190, error_subcode: 463 },
    }),
    expected: { kind: "config-error", reason: "Graph error 190/463: Error validating access token: Session has expired" },
  },
  {
    name: "code 10 permission denied → config-error",
    response: response(403, { error: { message: "Application does not have permission", type: "OAuthException", code: 10 } }),
    expected: { kind: "config-error", reason: "Graph error 10: Application does not have permission" },
  },
  {
    name: "code 200 permissions error → config-error",
    response: response(403, { error: { message: "Permissions error", type: "OAuthException", code: 200 } }),
    expected: { kind: "config-error", reason: "Graph error 200: Permissions error" },
  },
  {
    name: "code 100/33 unknown pixel → config-error",
    response: response(400, {
      error: {
        message: "Unsupported post request. Object with ID '123' does not exist",
        type: "GraphMethodException",
        code: 100,
        error_subcode: 33,
      },
    }),
    expected: {
      kind: "config-error",
      reason:
        "Graph error 100/33: Unsupported post request. Object with ID '123' does not exist; check the pixel id and the token's access to it",
    },
  },
  {
    name: "code 100/2804003 event too old → fail",
    response: response(400, {
      error: {
        message: "Invalid parameter",
        type: "OAuthException",
        code: 100,
        error_subcode: 2804003,
        is_transient: false,
        error_user_title: "Event Timestamp Too Old",
        fbtrace_id: "A1b2C3",
      },
    }),
    expected: { kind: "fail", reason: "Graph error 100/2804003: Event Timestamp Too Old (fbtrace_id A1b2C3)" },
  },
  {
    name: "code 100 invalid parameter → fail",
    response: response(400, { error: { message: "Invalid parameter", type: "OAuthException", code: 100 } }),
    expected: { kind: "fail", reason: "Graph error 100: Invalid parameter" },
  },
  {
    name: "bare HTTP 429 → retry with Retry-After seconds",
    response: response(429, "", { "retry-after": "30" }),
    expected: { kind: "retry", reason: "HTTP 429 Too Many Requests", retryAfterMs: 30_000 },
  },
  {
    name: "HTTP 429 with an HTTP-date Retry-After → measured against Date",
    response: response(429, "", {
      "retry-after": "Wed, 12 Nov 2025 00:01:30 GMT",
      date: "Wed, 12 Nov 2025 00:00:00 GMT",
    }),
    expected: { kind: "retry", reason: "HTTP 429 Too Many Requests", retryAfterMs: 90_000 },
  },
  {
    name: "HTML 502 from a proxy → retry",
    response: response(502, "<html>Bad Gateway</html>"),
    expected: { kind: "retry", reason: "HTTP 502" },
  },
  {
    name: "503 → retry",
    response: response(503, ""),
    expected: { kind: "retry", reason: "HTTP 503" },
  },
  {
    name: "bare 401 → config-error",
    response: response(401, ""),
    expected: { kind: "config-error", reason: "HTTP 401: token rejected" },
  },
  {
    name: "bare 404 → fail",
    response: response(404, "Not Found"),
    expected: { kind: "fail", reason: "HTTP 404: unexpected response" },
  },
];

export const metaCases: AdapterCases<MetaConfig> = {
  config: CONFIG,
  rawPii: RAW_PII,
  buildCases,
  responseCases,
  eventNames: {
    page_view: "PageView",
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
      name: "a settings form: trims, defaults contentIdSource, drops an empty test code",
      input: { pixelId: " 123456789012345 ", accessToken: ` ${TOKEN} `, testEventCode: "" },
      expected: { pixelId: "123456789012345", accessToken: TOKEN, contentIdSource: "variant" },
    },
    {
      name: "keeps a test event code",
      input: { pixelId: "123456789012345", accessToken: TOKEN, testEventCode: "TEST12345" },
      expected: { pixelId: "123456789012345", accessToken: TOKEN, testEventCode: "TEST12345", contentIdSource: "variant" },
    },
  ],
  configRejects: [
    { name: "empty", input: {} },
    { name: "pixel id with letters", input: { pixelId: "pixel-123", accessToken: TOKEN } },
    { name: "short token", input: { pixelId: "123456789012345", accessToken: "abc" } },
    { name: "token with a space", input: { pixelId: "123456789012345", accessToken: `${TOKEN} x` } },
    { name: "unknown content id source", input: { pixelId: "123456789012345", accessToken: TOKEN, contentIdSource: "gtin" } },
  ],
};
