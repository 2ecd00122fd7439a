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
import type { PinterestConfig } from "~/destinations/pinterest/config";

/**
 * Fixture tables for pinterest.test.ts. Hashes computed in the shell,
 * independently of the code under test:  printf '%s' 'menlopark' | sha256sum
 */
const H = {
  /** " John.Smith@Gmail.com " → trim + lowercase (dots KEPT: gmail rule is Google-only) */
  email: "d0c648bc36f12061bec770df216cea2ab95851b9350fd54b658de53b0407767a",
  /** "(650) 555-1212" + US → "16505551212" (digits, country code, no "+") */
  phone: "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176",
  /** "Raphaël" → "raphaël" (NFC) */
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
  /** "7364829104562" (Shopify customer id, hashed as is) */
  externalId: "4049d023bea58a5cd5ff84b8794e3e405860550b0d9988ed52d96a89b4a2921b",
  /** "person@example.com" */
  person: "542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345",
  /** "07911 123456" + GB → "447911123456" */
  phoneGb: "40b5c38342a9c584ec707e8679b003f8c779c6aaa138c976ef94e049cc05208f",
  /** "London" → "london" */
  london: "6089854c94ca5454b76be6752c562901a985f64c9a946f62976aeab593b83161",
  /** "SW1A 1AA" → "sw1a1aa" (letters kept) */
  postcodeGb: "830e1d4b9838bab1f5c2acdb23e0b502ff13a9832c4632e8d67a1d43d3b7f614",
  /** "GB" → "gb" */
  countryGb: "0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677",
} as const;

export const CONFIG: PinterestConfig = {
  adAccountId: "549755885175",
  accessToken: "pina_test-token",
  contentIdSource: "variant",
};

const URL = "https://api.pinterest.com/v5/ad_accounts/549755885175/events";
const HEADERS = { authorization: "Bearer pina_test-token", "content-type": "application/json" };
const EPIK =
  "dj0yJnU9bE1aS0VzZ2RpTzZpUmR4b3ZPVUNKcFB2SHpPRGJqV3MmcD0wJm49dVZXeFhORzZGRjZ0b2JCU0RBeGdqdyZ0PUFBQUFBR1VJbmVj";

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
  click_id: EPIK,
};

const CUSTOM_DATA = {
  currency: "USD",
  value: "142.52",
  content_ids: ["45123456789012", "45123456789013"],
  contents: [
    { id: "45123456789012", item_price: "100.00", quantity: 1, item_name: "Organic Cotton Tee" },
    { id: "45123456789013", item_price: "21.26", quantity: 2, item_name: "Canvas Tote" },
  ],
  num_items: 3,
  order_id: "5975031431338",
};

const CHECKOUT = {
  event_name: "checkout",
  action_source: "web",
  event_time: 1_762_902_353,
  event_id: "purchase-5975031431338",
  event_source_url: "https://shop.example.com/checkouts/cn/Z2NwLXVzLWVhc3QxOjAxSjk/thank-you",
  opt_out: false,
  user_data: USER_DATA,
  custom_data: CUSTOM_DATA,
};

/** Storefront events share the product page URL and carry no order. */
const STOREFRONT = {
  action_source: "web",
  event_time: 1_762_902_353,
  event_source_url: "https://shop.example.com/products/organic-cotton-tee",
  opt_out: false,
  user_data: USER_DATA,
};

function request(data: object[], url = URL) {
  return { kind: "request" as const, request: { method: "POST" as const, url, headers: HEADERS, body: { data } } };
}

const TEE = { id: "8123456789012", variantId: "45123456789012", title: "Organic Cotton Tee", quantity: 1, price: { shop: "100.00", presentment: "92.00" } };
const TEE_VALUE = { shop: { amount: "100.00", currency: "USD" }, presentment: { amount: "92.00", currency: "EUR" } };

export const buildCases: BuildCase<PinterestConfig>[] = [
  {
    name: "collection viewed → view_category; goals lead, sign_up, contact → lead, signup, contact",
    events: [
      buildStorefrontConversion("view_item_list"),
      buildStorefrontConversion("lead", { goal: { source: "quote_request" } }),
      buildStorefrontConversion("sign_up", { goal: { source: "customers/create" } }),
      buildStorefrontConversion("contact", { goal: { source: "contact_form" } }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      { ...STOREFRONT, event_name: "view_category", event_id: "sh-0a1b2c3d-view_item_list" },
      { ...STOREFRONT, event_name: "lead", event_id: "sh-0a1b2c3d-lead" },
      { ...STOREFRONT, event_name: "signup", event_id: "sh-0a1b2c3d-sign_up" },
      { ...STOREFRONT, event_name: "contact", event_id: "sh-0a1b2c3d-contact" },
    ]),
  },
  {
    name: "cart view, removal, shipping info and subscribe have no Pinterest event: refused naming each",
    events: [buildStorefrontConversion("view_cart"), buildStorefrontConversion("remove_from_cart"), buildStorefrontConversion("add_shipping_info"), buildStorefrontConversion("subscribe", { goal: { source: "newsletter_signup" } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: {
      kind: "skip",
      reason:
        'sh-0a1b2c3d-view_cart: Pinterest has no event for "view_cart"; sh-0a1b2c3d-remove_from_cart: Pinterest has no event for "remove_from_cart"; sh-0a1b2c3d-add_shipping_info: Pinterest has no event for "add_shipping_info"; sh-0a1b2c3d-subscribe: Pinterest has no event for "subscribe"',
    },
  },
  {
    name: "purchase → checkout with array-hashed user_data and string value",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([CHECKOUT]),
  },
  {
    name: "presentment currency → EUR value and item prices",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ currency: "presentment" }),
    expected: request([
      {
        ...CHECKOUT,
        custom_data: {
          ...CUSTOM_DATA,
          currency: "EUR",
          value: "131.10",
          contents: [
            { id: "45123456789012", item_price: "92.00", quantity: 1, item_name: "Organic Cotton Tee" },
            { id: "45123456789013", item_price: "19.55", quantity: 2, item_name: "Canvas Tote" },
          ],
        },
      },
    ]),
  },
  {
    name: "test mode → ?test=true (validated, not recorded)",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ testMode: true }),
    expected: request([CHECKOUT], `${URL}?test=true`),
  },
  {
    name: "baseUrlOverride replaces scheme and host, keeps path and query",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ baseUrlOverride: "http://127.0.0.1:4010/pinterest", testMode: true }),
    expected: request([CHECKOUT], "http://127.0.0.1:4010/pinterest/v5/ad_accounts/549755885175/events?test=true"),
  },
  {
    name: "batch of three → three events in request order",
    events: buildConversionBatch(3),
    config: CONFIG,
    ctx: buildContext(),
    expected: request(
      ["1000", "1001", "1002"].map((orderId) => ({
        ...CHECKOUT,
        event_id: `purchase-${orderId}`,
        custom_data: { ...CUSTOM_DATA, order_id: orderId },
      })),
    ),
  },
  {
    name: "a batch holding an event Pinterest has no name for → skip naming it",
    events: [buildConversion(), buildConversion({ eventId: "refund-998877", name: "refund" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'refund-998877: Pinterest has no event for "refund"' },
  },
  {
    name: "older than 7 days → skip",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: 1_762_902_353_000 + 7 * 86_400_000 + 1 }),
    expected: { kind: "skip", reason: "purchase-5975031431338: older than the 7-day limit we apply to Pinterest" },
  },
  {
    name: "POS order without identity or consent record → offline, empty user_data, no opt_out",
    events: [{ ...withoutIdentity(buildConversion()), actionSource: "physical_store", sourceUrl: undefined, consent: null }],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      {
        event_name: "checkout",
        action_source: "offline",
        event_time: 1_762_902_353,
        event_id: "purchase-5975031431338",
        user_data: {},
        custom_data: CUSTOM_DATA,
      },
    ]),
  },
  {
    name: "sale of data opted out → opt_out_type LDP",
    events: [buildConversion({ consent: { analytics: true, marketing: true, saleOfData: false } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([{ ...CHECKOUT, custom_data: { ...CUSTOM_DATA, opt_out_type: "LDP" } }]),
  },
  {
    name: "marketing declined → opt_out true",
    events: [buildConversion({ consent: { analytics: true, marketing: false, saleOfData: true } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([{ ...CHECKOUT, opt_out: true }]),
  },
  {
    name: "UK buyer → 44… phone digits, postcode letters kept, gb hashed",
    events: [
      buildConversion({
        user: { email: "Person@Example.com", phone: "07911 123456", city: "London", state: undefined, zip: "SW1A 1AA", country: "GB" },
      }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      {
        ...CHECKOUT,
        user_data: {
          em: [H.person],
          ph: [H.phoneGb],
          fn: [H.firstName],
          ln: [H.lastName],
          ct: [H.london],
          zp: [H.postcodeGb],
          country: [H.countryGb],
          external_id: [H.externalId],
          client_ip_address: "203.0.113.7",
          client_user_agent: FACTORY_USER.userAgent,
          click_id: EPIK,
        },
      },
    ]),
  },
  {
    name: "contentIdSource product → product ids",
    events: [buildConversion()],
    config: { ...CONFIG, contentIdSource: "product" },
    ctx: buildContext(),
    expected: request([
      {
        ...CHECKOUT,
        custom_data: {
          ...CUSTOM_DATA,
          content_ids: ["8123456789012", "8123456789013"],
          contents: [
            { id: "8123456789012", item_price: "100.00", quantity: 1, item_name: "Organic Cotton Tee" },
            { id: "8123456789013", item_price: "21.26", quantity: 2, item_name: "Canvas Tote" },
          ],
        },
      },
    ]),
  },
  {
    name: "page_view → page_visit without custom_data",
    events: [buildStorefrontConversion("page_view")],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([{ ...STOREFRONT, event_name: "page_visit", event_id: "sh-0a1b2c3d-page_view" }]),
  },
  {
    name: "view_content → page_visit with the product",
    events: [buildStorefrontConversion("view_content", { value: TEE_VALUE, contents: [TEE] })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      {
        ...STOREFRONT,
        event_name: "page_visit",
        event_id: "sh-0a1b2c3d-view_content",
        custom_data: {
          currency: "USD",
          value: "100.00",
          content_ids: ["45123456789012"],
          contents: [{ id: "45123456789012", item_price: "100.00", quantity: 1, item_name: "Organic Cotton Tee" }],
          num_items: 1,
        },
      },
    ]),
  },
  {
    name: "search → search with search_string",
    events: [buildStorefrontConversion("search", { searchQuery: "organic tee" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      { ...STOREFRONT, event_name: "search", event_id: "sh-0a1b2c3d-search", custom_data: { search_string: "organic tee" } },
    ]),
  },
  {
    name: "add_to_cart, initiate_checkout, add_payment_info → add_to_cart, custom, add_payment_info",
    events: [
      buildStorefrontConversion("add_to_cart"),
      buildStorefrontConversion("initiate_checkout"),
      buildStorefrontConversion("add_payment_info"),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request([
      { ...STOREFRONT, event_name: "add_to_cart", event_id: "sh-0a1b2c3d-add_to_cart" },
      { ...STOREFRONT, event_name: "custom", event_id: "sh-0a1b2c3d-initiate_checkout" },
      { ...STOREFRONT, event_name: "add_payment_info", event_id: "sh-0a1b2c3d-add_payment_info" },
    ]),
  },
  {
    name: "cancel → skip",
    events: [buildConversion({ eventId: "cancel-5975031431338", name: "cancel" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'cancel-5975031431338: Pinterest has no event for "cancel"' },
  },
];

const processed = { status: "processed", error_message: null, warning_message: null };

export const responseCases: ResponseCase[] = [
  {
    name: "200, every event processed → per-event delivered",
    eventCount: 2,
    response: response(200, { num_events_received: 2, num_events_processed: 2, events: [processed, processed] }),
    expected: { kind: "per-event", outcomes: [{ kind: "delivered" }, { kind: "delivered" }] },
  },
  {
    name: "200 with one failed event and a warning → per-event, in request order",
    eventCount: 2,
    response: response(200, {
      num_events_received: 2,
      num_events_processed: 1,
      events: [
        { status: "failed", error_message: "user_data must contain em, hashed_maids or client_ip_address and client_user_agent", warning_message: null },
        { status: "processed", error_message: null, warning_message: "'currency' is not a valid ISO-4217 code" },
      ],
    }),
    expected: {
      kind: "per-event",
      outcomes: [
        {
          kind: "fail",
          reason: "Pinterest: user_data must contain em, hashed_maids or client_ip_address and client_user_agent",
        },
        { kind: "delivered", note: "'currency' is not a valid ISO-4217 code" },
      ],
    },
  },
  {
    name: "200 whose event list does not match the batch → delivered with the count",
    eventCount: 3,
    response: response(200, { num_events_received: 3, num_events_processed: 3, events: [processed] }),
    expected: { kind: "delivered", note: "Pinterest processed 3 of 3 events" },
  },
  {
    name: "422 with per-event results → per-event",
    eventCount: 2,
    response: response(422, {
      num_events_received: 2,
      num_events_processed: 1,
      events: [processed, { status: "failed", error_message: "event_time is too old", warning_message: null }],
    }),
    expected: {
      kind: "per-event",
      outcomes: [{ kind: "delivered" }, { kind: "fail", reason: "Pinterest: event_time is too old" }],
    },
  },
  {
    name: "422 DetailedError without per-event results → fail",
    eventCount: 2,
    response: response(422, { code: 1, message: "Not all events were successfully processed.", details: {} }),
    expected: {
      kind: "fail",
      reason: "not all events processed: HTTP 422, Pinterest code 1: Not all events were successfully processed.",
    },
  },
  {
    name: "400 code 4196 → fail",
    response: response(400, { code: 4196, message: "The request was invalid." }),
    expected: { kind: "fail", reason: "HTTP 400, Pinterest code 4196: The request was invalid." },
  },
  {
    name: "401 code 2 → config-error",
    response: response(401, { code: 2, message: "Authentication failed." }),
    expected: { kind: "config-error", reason: "HTTP 401, Pinterest code 2: Authentication failed." },
  },
  {
    name: "403 code 29 → config-error",
    response: response(403, { code: 29, message: "You are not permitted to access that resource." }),
    expected: {
      kind: "config-error",
      reason: "HTTP 403, Pinterest code 29: You are not permitted to access that resource.",
    },
  },
  {
    name: "404 → config-error (ad account)",
    response: response(404, { code: 3, message: "Ad account not found." }),
    expected: { kind: "config-error", reason: "HTTP 404, Pinterest code 3: Ad account not found. (check the ad account id)" },
  },
  {
    name: "429 code 8 with Retry-After → retry after it",
    response: response(429, { code: 8, message: "This request exceeded a rate limit." }, { "retry-after": "60" }),
    expected: {
      kind: "retry",
      reason: "rate limited: HTTP 429, Pinterest code 8: This request exceeded a rate limit.",
      retryAfterMs: 60_000,
    },
  },
  {
    name: "503 code 4197 → retry",
    response: response(503, { code: 4197, message: "The endpoint has been ramped down and is currently not accepting any traffic." }),
    expected: {
      kind: "retry",
      reason: "HTTP 503, Pinterest code 4197: The endpoint has been ramped down and is currently not accepting any traffic.",
    },
  },
  {
    name: "502 from a proxy (HTML) → retry",
    response: response(502, "<html>Bad Gateway</html>"),
    expected: { kind: "retry", reason: "HTTP 502: <html>Bad Gateway</html>" },
  },
];

/** Raw identity values that must never appear in a serialised request. */
export const RAW_PII = ["John.Smith@Gmail.com", "john.smith@gmail.com", "6505551212", "Raphaël", "O'Brien", "Menlo Park"];

export const pinterestCases: AdapterCases<PinterestConfig> = {
  config: CONFIG,
  rawPii: RAW_PII,
  buildCases,
  responseCases,
  eventNames: {
    page_view: "page_visit",
    view_content: "page_visit",
    search: "search",
    add_to_cart: "add_to_cart",
    initiate_checkout: "custom",
    add_payment_info: "add_payment_info",
    purchase: "checkout",
    refund: null,
    cancel: null,
    view_item_list: "view_category",
    view_cart: null,
    remove_from_cart: null,
    add_shipping_info: null,
    lead: "lead",
    sign_up: "signup",
    subscribe: null,
    contact: "contact",
    order_edit: null,
  },
  purpose: "marketing",
  testEventCaveats: [{ name: "the test endpoint answers for everything", config: CONFIG, expected: null }],
  configAccepts: [
    {
      name: "fills the content id default",
      input: { adAccountId: " 549755885175 ", accessToken: "pina_x" },
      expected: { adAccountId: "549755885175", accessToken: "pina_x", contentIdSource: "variant" },
    },
  ],
  configRejects: [
    { name: "empty", input: {} },
    { name: "non-numeric account", input: { adAccountId: "acct-1", accessToken: "t" } },
    { name: "19-digit account", input: { adAccountId: "1234567890123456789", accessToken: "t" } },
    { name: "blank token", input: { adAccountId: "549755885175", accessToken: " " } },
    { name: "token with spaces", input: { adAccountId: "549755885175", accessToken: "Bearer pina_x" } },
  ],
  secretFields: ["accessToken"],
};
