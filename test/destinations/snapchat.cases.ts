import { expect } from "vitest";
import {
  FACTORY_USER,
  buildContext,
  buildConversion,
  buildConversionBatch,
  buildStorefrontConversion,
  withoutIdentity,
} from "./factory";
import { response, type AdapterCases, type BuildCase, type ResponseCase } from "./types";
import type { SnapchatConfig } from "~/destinations/snapchat/config";

/**
 * Fixture tables for snapchat.test.ts. Hashes computed in the shell,
 * independently of the code under test:  printf '%s' '448444124653' | sha256sum
 * The ones marked "Snap doc" are the examples on Snap's Parameters page.
 */
const H = {
  /** " John.Smith@Gmail.com " → "john.smith@gmail.com" (trim + lowercase, dots kept) */
  email: "d0c648bc36f12061bec770df216cea2ab95851b9350fd54b658de53b0407767a",
  /** "(650) 555-1212" + US → "16505551212" (no "+") */
  phone: "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176",
  /** "Raphaël" → "raphaël" (Snap doc) */
  firstName: "e74bb89e718fe1e19c422a48382870399f8bf7ca8dfa008739e75b0be76627b7",
  /** "O'Brien" → "obrien" */
  lastName: "b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba",
  /** "Menlo Park" → "menlopark" */
  city: "0007a3d64c01e23d5075203c5977c14e4f7e01a3fc570686fcc50b5e1dd42685",
  /** "CA" → "ca" */
  state: "6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126",
  /** "94025-1234" → "94025" */
  zip: "b9a9cf3cd3723a2e91b7c23ecf68456e872b6e5d86e5cab7f3d45a7302da32c7",
  /** "US" → "us" */
  country: "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621",
  /** "7364829104562" */
  externalId: "4049d023bea58a5cd5ff84b8794e3e405860550b0d9988ed52d96a89b4a2921b",
  /** "Person@Example.com" → "person@example.com" (Snap doc) */
  snapDocEmail: "542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345",
  /** "+44 844 412 4653" → "448444124653" (Snap doc) */
  snapDocPhone: "dc008fda46e2e64002cf2f82a4906236282d431c4f75e5b60bfe79fc48546383",
  /** "John" → "john" (Snap doc) */
  snapDocName: "96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a",
  /** "GB" → "gb" */
  countryGb: "0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677",
} as const;

export const CONFIG: SnapchatConfig = {
  pixelId: "1ec32188-754e-4be2-8e55-c949a984a39f",
  accessToken: "snap-capi-token",
  contentIdSource: "variant",
};

const BASE = "https://tr.snapchat.com/v3/1ec32188-754e-4be2-8e55-c949a984a39f";
const URL = `${BASE}/events?access_token=snap-capi-token`;
const HEADERS = { "content-type": "application/json" };

const USER_DATA = {
  em: [H.email],
  ph: [H.phone],
  fn: [H.firstName],
  ln: [H.lastName],
  ct: [H.city],
  st: [H.state],
  zp: [H.zip],
  country: [H.country],
  external_id: [H.externalId],
  client_ip_address: "203.0.113.7",
  client_user_agent: FACTORY_USER.userAgent,
  sc_click_id: "7b3a7917-a82a-47e8-9728-e1b3b045abb2",
  sc_cookie1: "4f6d0a9c-3b1e-4c2a-9f7d-8e5b6a1c2d3e",
};

const CUSTOM_DATA = {
  currency: "USD",
  value: 142.52,
  order_id: "5975031431338",
  content_ids: ["45123456789012", "45123456789013"],
  contents: [
    { id: "45123456789012", quantity: "1", item_price: "100.00" },
    { id: "45123456789013", quantity: "2", item_price: "21.26" },
  ],
  num_items: 3,
};

const PURCHASE = {
  event_name: "PURCHASE",
  event_time: 1_762_902_353,
  event_id: "purchase-5975031431338",
  action_source: "WEB",
  event_source_url: "https://shop.example.com/checkouts/cn/Z2NwLXVzLWVhc3QxOjAxSjk/thank-you",
  user_data: USER_DATA,
  custom_data: CUSTOM_DATA,
};

const STOREFRONT = {
  event_time: 1_762_902_353,
  action_source: "WEB",
  event_source_url: "https://shop.example.com/products/organic-cotton-tee",
  user_data: USER_DATA,
};

function request(data: object[], url = URL) {
  return { kind: "request" as const, request: { method: "POST" as const, url, headers: HEADERS, body: { data } } };
}

const TEE = { id: "8123456789012", variantId: "45123456789012", title: "Organic Cotton Tee", quantity: 1, price: { shop: "100.00", presentment: "92.00" } };
const TEE_VALUE = { shop: { amount: "100.00", currency: "USD" }, presentment: { amount: "92.00", currency: "EUR" } };

export const buildCases: BuildCase<SnapchatConfig>[] = [
  {
    name: "collection viewed → LIST_VIEW; goals sign_up, subscribe → SIGN_UP, SUBSCRIBE",
    events: [
      buildStorefrontConversion("view_item_list"),
      buildStorefrontConversion("sign_up", { goal: { source: "customers/create" } }),
      buildStorefrontConversion("subscribe", { goal: { source: "newsletter_signup" } }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      { ...STOREFRONT, event_name: "LIST_VIEW", event_id: "sh-0a1b2c3d-view_item_list" },
      { ...STOREFRONT, event_name: "SIGN_UP", event_id: "sh-0a1b2c3d-sign_up" },
      { ...STOREFRONT, event_name: "SUBSCRIBE", event_id: "sh-0a1b2c3d-subscribe" },
    ]),
  },
  {
    name: "Snap has no lead event: refused with the reason",
    events: [buildStorefrontConversion("lead", { goal: { source: "quote_request" } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'sh-0a1b2c3d-lead: Snap has no event for "lead"' },
  },
  {
    name: "purchase → PURCHASE with list-hashed user_data, numeric value, string quantities",
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
        custom_data: {
          ...CUSTOM_DATA,
          currency: "EUR",
          value: 131.1,
          contents: [
            { id: "45123456789012", quantity: "1", item_price: "92.00" },
            { id: "45123456789013", quantity: "2", item_price: "19.55" },
          ],
        },
      },
    ]),
  },
  {
    name: "test mode → /events/validate (checked, not recorded)",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ testMode: true }),
    expected: request([PURCHASE], `${BASE}/events/validate?access_token=snap-capi-token`),
  },
  {
    name: "baseUrlOverride replaces scheme and host, keeps path and query",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ baseUrlOverride: "http://127.0.0.1:4010" }),
    expected: request(
      [PURCHASE],
      "http://127.0.0.1:4010/v3/1ec32188-754e-4be2-8e55-c949a984a39f/events?access_token=snap-capi-token",
    ),
  },
  {
    name: "Snap's documented examples hash to Snap's published digests",
    events: [
      buildConversion({
        user: {
          email: "Person@Example.com",
          phone: "+44 844 412 4653",
          firstName: "John",
          lastName: undefined,
          city: undefined,
          state: undefined,
          zip: undefined,
          country: "GB",
        },
      }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      {
        ...PURCHASE,
        user_data: {
          em: [H.snapDocEmail],
          ph: [H.snapDocPhone],
          fn: [H.snapDocName],
          country: [H.countryGb],
          external_id: [H.externalId],
          client_ip_address: "203.0.113.7",
          client_user_agent: FACTORY_USER.userAgent,
          sc_click_id: "7b3a7917-a82a-47e8-9728-e1b3b045abb2",
          sc_cookie1: "4f6d0a9c-3b1e-4c2a-9f7d-8e5b6a1c2d3e",
        },
      },
    ]),
  },
  {
    name: "batch of two → two events in request order",
    events: buildConversionBatch(2),
    config: CONFIG,
    ctx: buildContext(),
    expected: request(
      ["1000", "1001"].map((orderId) => ({
        ...PURCHASE,
        event_id: `purchase-${orderId}`,
        custom_data: { ...CUSTOM_DATA, order_id: orderId },
      })),
    ),
  },
  {
    name: "a PURCHASE without value in the batch → batch refused, naming it",
    events: [buildConversion(), buildConversion({ eventId: "purchase-77", value: undefined })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: "purchase-77: PURCHASE needs value and currency" },
  },
  {
    name: "older than 37 days → skip",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: 1_762_902_353_000 + 37 * 86_400_000 }),
    expected: { kind: "skip", reason: "purchase-5975031431338: older than Snap's 37-day limit" },
  },
  {
    name: "refund → skip (no Snap event)",
    events: [buildConversion({ eventId: "refund-998877", name: "refund" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'refund-998877: Snap has no event for "refund"' },
  },
  {
    name: "POS order without identity → OFFLINE, empty user_data",
    events: [{ ...withoutIdentity(buildConversion()), actionSource: "physical_store", sourceUrl: undefined, consent: null }],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      {
        event_name: "PURCHASE",
        event_time: 1_762_902_353,
        event_id: "purchase-5975031431338",
        action_source: "OFFLINE",
        user_data: {},
        custom_data: CUSTOM_DATA,
      },
    ]),
  },
  {
    name: "sale of data opted out → data_processing_options LMU",
    events: [buildConversion({ consent: { analytics: true, marketing: true, saleOfData: false } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([{ ...PURCHASE, data_processing_options: ["LMU"] }]),
  },
  {
    name: "storefront events → PAGE_VIEW, ADD_CART, START_CHECKOUT, ADD_BILLING",
    events: [
      buildStorefrontConversion("page_view"),
      buildStorefrontConversion("add_to_cart"),
      buildStorefrontConversion("initiate_checkout"),
      buildStorefrontConversion("add_payment_info"),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      { ...STOREFRONT, event_name: "PAGE_VIEW", event_id: "sh-0a1b2c3d-page_view" },
      { ...STOREFRONT, event_name: "ADD_CART", event_id: "sh-0a1b2c3d-add_to_cart" },
      { ...STOREFRONT, event_name: "START_CHECKOUT", event_id: "sh-0a1b2c3d-initiate_checkout" },
      { ...STOREFRONT, event_name: "ADD_BILLING", event_id: "sh-0a1b2c3d-add_payment_info" },
    ]),
  },
  {
    name: "view_content → VIEW_CONTENT with the product; search → SEARCH with search_string",
    events: [
      buildStorefrontConversion("view_content", { value: TEE_VALUE, contents: [TEE] }),
      buildStorefrontConversion("search", { searchQuery: "organic tee" }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      {
        ...STOREFRONT,
        event_name: "VIEW_CONTENT",
        event_id: "sh-0a1b2c3d-view_content",
        custom_data: {
          currency: "USD",
          value: 100,
          content_ids: ["45123456789012"],
          contents: [{ id: "45123456789012", quantity: "1", item_price: "100.00" }],
          num_items: 1,
        },
      },
      { ...STOREFRONT, event_name: "SEARCH", event_id: "sh-0a1b2c3d-search", custom_data: { search_string: "organic tee" } },
    ]),
  },
  {
    name: "contentIdSource sku → SKUs as content ids",
    events: [buildConversion()],
    config: { ...CONFIG, contentIdSource: "sku" },
    ctx: buildContext(),
    expected: request([
      {
        ...PURCHASE,
        custom_data: {
          ...CUSTOM_DATA,
          content_ids: ["TEE-ORG-M", "TOTE-CNV"],
          contents: [
            { id: "TEE-ORG-M", quantity: "1", item_price: "100.00" },
            { id: "TOTE-CNV", quantity: "2", item_price: "21.26" },
          ],
        },
      },
    ]),
  },
];

export const responseCases: ResponseCase[] = [
  {
    name: "200 VALID → delivered",
    response: response(200, { status: "VALID", reason: "Request processed successfully" }),
    expected: { kind: "delivered" },
  },
  {
    name: "200 with an empty body → delivered",
    response: response(200, ""),
    expected: { kind: "delivered" },
  },
  {
    name: "200 INVALID → fail with Snap's codes",
    response: response(200, {
      status: "INVALID",
      errors: { codes: ["INVALID_TIMESTAMP"], error_msgs: ["event_time is out of range"] },
    }),
    expected: { kind: "fail", reason: "HTTP 200 INVALID: INVALID_TIMESTAMP: event_time is out of range" },
  },
  {
    name: "/validate VALID with event_logs and a warning → per-event delivered",
    eventCount: 2,
    response: response(200, {
      status: "VALID",
      test_event: true,
      event_logs: [
        { event: 0, status: "VALID", warnings: ["sc_click_id missing"] },
        { event: 1, status: "VALID", warnings: [] },
      ],
    }),
    expected: {
      kind: "per-event",
      outcomes: [{ kind: "delivered", note: "sc_click_id missing" }, { kind: "delivered" }],
    },
  },
  {
    name: "/validate 400 INVALID naming one event → per-event, others follow the overall status",
    eventCount: 3,
    response: response(400, {
      status: "INVALID",
      test_event: true,
      reason: "Some events are invalid",
      event_logs: [
        { event: 1, status: "INVALID", errors: { codes: ["MISSING_PRICE"], error_msgs: ["PURCHASE requires price and currency"] } },
      ],
    }),
    expected: {
      kind: "per-event",
      outcomes: [
        { kind: "fail", reason: "Snap: Some events are invalid" },
        { kind: "fail", reason: "Snap: MISSING_PRICE: PURCHASE requires price and currency" },
        { kind: "fail", reason: "Snap: Some events are invalid" },
      ],
    },
  },
  {
    name: "/validate VALID overall, one event log with errors → that event fails",
    eventCount: 2,
    response: response(200, {
      status: "VALID",
      event_logs: [{ event: 1, status: "VALID", errors: { codes: ["UNHASHED_PII"], error_msgs: ["em is not hashed"] } }],
    }),
    expected: {
      kind: "per-event",
      outcomes: [{ kind: "delivered" }, { kind: "fail", reason: "Snap: UNHASHED_PII: em is not hashed" }],
    },
  },
  {
    name: "400 INVALID from /events naming an event → whole request fails (Snap rejects it as a unit)",
    eventCount: 2,
    response: response(400, {
      status: "INVALID",
      event: 1,
      errors: { codes: ["INSUFFICIENT_PII"], error_msgs: ["user_data needs em, ph or ip + user agent"] },
    }),
    expected: {
      kind: "fail",
      reason: "HTTP 400 INVALID (event 1): INSUFFICIENT_PII: user_data needs em, ph or ip + user agent",
    },
  },
  {
    name: "400 without JSON → fail",
    response: response(400, "Bad Request"),
    expected: { kind: "fail", reason: "HTTP 400: Bad Request" },
  },
  {
    name: "401 → config-error",
    response: response(401, { status: "INVALID", reason: "Invalid access token" }),
    expected: { kind: "config-error", reason: "HTTP 401 INVALID: Invalid access token" },
  },
  {
    name: "403 → config-error",
    response: response(403, { status: "INVALID", reason: "Token does not own this pixel" }),
    expected: { kind: "config-error", reason: "HTTP 403 INVALID: Token does not own this pixel" },
  },
  {
    name: "404 → config-error (pixel id)",
    response: response(404, ""),
    expected: { kind: "config-error", reason: "HTTP 404: no body (check the pixel id)" },
  },
  {
    name: "429 with Retry-After → retry after it",
    response: response(429, "", { "Retry-After": "20" }),
    expected: { kind: "retry", reason: "rate limited: HTTP 429: no body", retryAfterMs: 20_000 },
  },
  {
    name: "500 → retry",
    response: response(500, { status: "INVALID", reason: "Internal error" }),
    expected: { kind: "retry", reason: "HTTP 500 INVALID: Internal error" },
  },
  {
    name: "503 with HTTP-date Retry-After → retry measured against Date",
    response: response(503, "", { "retry-after": "Tue, 11 Nov 2025 23:10:58 GMT", date: "Tue, 11 Nov 2025 23:10:53 GMT" }),
    expected: { kind: "retry", reason: "HTTP 503: no body", retryAfterMs: 5_000 },
  },
];

/** Raw identity values that must never appear in a serialised request. */
export const RAW_PII = ["John.Smith@Gmail.com", "john.smith@gmail.com", "6505551212", "Raphaël", "O'Brien", "Menlo Park"];

export const snapchatCases: AdapterCases<SnapchatConfig> = {
  config: CONFIG,
  rawPii: RAW_PII,
  buildCases,
  responseCases,
  // Snap's upper-case enum.
  eventNames: {
    page_view: "PAGE_VIEW",
    view_content: "VIEW_CONTENT",
    search: "SEARCH",
    add_to_cart: "ADD_CART",
    initiate_checkout: "START_CHECKOUT",
    add_payment_info: "ADD_BILLING",
    purchase: "PURCHASE",
    refund: null,
    cancel: null,
    view_item_list: "LIST_VIEW",
    view_cart: null,
    remove_from_cart: null,
    add_shipping_info: null,
    lead: null,
    sign_up: "SIGN_UP",
    subscribe: "SUBSCRIBE",
    contact: null,
    order_edit: null,
  },
  purpose: "marketing",
  testEventCaveats: [{ name: "the test endpoint answers for everything", config: CONFIG, expected: null }],
  configAccepts: [
    {
      name: "normalises the pixel id and fills defaults",
      input: { pixelId: " 1EC32188-754E-4BE2-8E55-C949A984A39F ", accessToken: "tok" },
      expected: { pixelId: "1ec32188-754e-4be2-8e55-c949a984a39f", accessToken: "tok", contentIdSource: "variant" },
    },
  ],
  configRejects: [
    { name: "empty", input: {} },
    { name: "pixel id not a UUID", input: { pixelId: "123456", accessToken: "t" } },
    { name: "blank token", input: { pixelId: "1ec32188-754e-4be2-8e55-c949a984a39f", accessToken: "" } },
  ],
  secretFields: ["accessToken"],
  // Up to 2,000 events a request; events up to 37 days old, less a 10-minute margin.
  limits: { maxBatchSize: 2000, maxEventAgeMs: 37 * 86_400_000 - 600_000 },
};
