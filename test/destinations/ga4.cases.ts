import { expect } from "vitest";
import {
  FACTORY_USER,
  buildContext,
  buildConversion,
  buildStorefrontConversion,
  withoutIdentity,
} from "./factory";
import { response, type AdapterCases, type BuildCase, type ResponseCase } from "./types";
import type { Ga4Config } from "~/destinations/ga4/config";

/**
 * Fixture tables for ga4.test.ts. Every hash below was computed in the shell,
 * independently of the code under test:
 *   printf '%s' 'johnsmith@gmail.com' | sha256sum
 * Derived client ids (no _ga cookie) were computed the same way:
 *   h=$(printf '%s' 'trueline-ga4-client-id:7364829104562' | sha256sum | cut -c1-64)
 *   echo $(( (16#${h:0:8} % 2147483647) + 1 )).$(( (16#${h:8:8} % 2147483647) + 1 ))
 */
const H = {
  /** " John.Smith@Gmail.com " → Google rules (trim, lowercase, gmail dots removed) → "johnsmith@gmail.com" */
  emailGoogle: "3586de92bb3636d0885a12eff961429a32e4ebd764b96f50d85d016f9338d586",
  /** "(650) 555-1212" + US → E.164 WITH "+" → "+16505551212" */
  phoneUsPlus: "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8",
  /** "07911 123456" + GB → "+447911123456" */
  phoneGbPlus: "20b18ac9de7b3aad174961827d8e451c410af9aedfd1d699927f4b29b81aa1fa",
  /** "Raphaël" (NFC) → "raphaël" */
  firstName: "e74bb89e718fe1e19c422a48382870399f8bf7ca8dfa008739e75b0be76627b7",
  /** "O'Brien" → "obrien" */
  lastName: "b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba",
  /** "person@example.com" */
  person: "542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345",
} as const;

/** sha256("trueline-ga4-client-id:7364829104562") = 61124751b33b3c7e… */
const DERIVED_FROM_CUSTOMER = "1628587858.859520128";
/** sha256("trueline-ga4-client-id:purchase-5975031431338") = b90af8e1f88e9fc3… */
const DERIVED_FROM_EVENT = "957020387.2022612933";

export const CONFIG: Ga4Config = {
  measurementId: "G-ABC123XYZ",
  apiSecret: "mp-secret-123",
  region: "global",
  contentIdSource: "variant",
};

const COLLECT_URL = "https://www.google-analytics.com/mp/collect?measurement_id=G-ABC123XYZ&api_secret=mp-secret-123";
const HEADERS = { "content-type": "application/json" };
const OCCURRED_MICROS = 1_762_902_353_000_000;

const FULL_USER_DATA = {
  sha256_email_address: [H.emailGoogle],
  sha256_phone_number: [H.phoneUsPlus],
  address: [
    {
      sha256_first_name: H.firstName,
      sha256_last_name: H.lastName,
      city: "menlo park", // in clear, spaces kept (Google rule)
      region: "ca",
      postal_code: "94025", // ZIP+4 cut to 5 digits
      country: "US",
    },
  ],
};

const ITEMS_SHOP = [
  { item_id: "45123456789012", item_name: "Organic Cotton Tee", price: 100, quantity: 1 },
  { item_id: "45123456789013", item_name: "Canvas Tote", price: 21.26, quantity: 2 },
];

const PURCHASE_PARAMS = {
  event_id: "purchase-5975031431338",
  session_id: "1747132561",
  engagement_time_msec: 1,
  transaction_id: "5975031431338",
  currency: "USD",
  value: 142.52,
  items: ITEMS_SHOP,
};

const PURCHASE_BODY = {
  client_id: "1162820436.1749482504",
  user_id: "7364829104562",
  timestamp_micros: OCCURRED_MICROS,
  consent: { ad_user_data: "GRANTED", ad_personalization: "GRANTED" },
  user_data: FULL_USER_DATA,
  ip_override: "203.0.113.7",
  user_agent: FACTORY_USER.userAgent,
  events: [{ name: "purchase", params: PURCHASE_PARAMS }],
};

const { user_data: _userData, ...WITHOUT_USER_DATA } = PURCHASE_BODY;
const { consent: _consent, ...WITHOUT_CONSENT } = PURCHASE_BODY;

function request(body: unknown, url = COLLECT_URL) {
  return { kind: "request" as const, request: { method: "POST" as const, url, headers: HEADERS, body } };
}

export const buildCases: BuildCase<Ga4Config>[] = [
  {
    name: "collection viewed: view_item_list → view_item_list with its items",
    events: [buildStorefrontConversion("view_item_list", { contents: buildConversion().contents })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [{ name: "view_item_list", params: { event_id: "sh-0a1b2c3d-view_item_list", session_id: "1747132561", engagement_time_msec: 1, items: ITEMS_SHOP } }],
    }),
  },
  {
    name: "cart viewed: view_cart → view_cart with value and items",
    events: [buildStorefrontConversion("view_cart", { value: { shop: { amount: "142.52", currency: "USD" }, presentment: { amount: "131.12", currency: "EUR" } }, contents: buildConversion().contents })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [{ name: "view_cart", params: { event_id: "sh-0a1b2c3d-view_cart", session_id: "1747132561", engagement_time_msec: 1, currency: "USD", value: 142.52, items: ITEMS_SHOP } }],
    }),
  },
  {
    name: "removed from cart: remove_from_cart → remove_from_cart with value and items",
    events: [buildStorefrontConversion("remove_from_cart", { value: { shop: { amount: "142.52", currency: "USD" }, presentment: { amount: "131.12", currency: "EUR" } }, contents: buildConversion().contents })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [{ name: "remove_from_cart", params: { event_id: "sh-0a1b2c3d-remove_from_cart", session_id: "1747132561", engagement_time_msec: 1, currency: "USD", value: 142.52, items: ITEMS_SHOP } }],
    }),
  },
  {
    name: "shipping info submitted: add_shipping_info → add_shipping_info with value and items",
    events: [buildStorefrontConversion("add_shipping_info", { value: { shop: { amount: "142.52", currency: "USD" }, presentment: { amount: "131.12", currency: "EUR" } }, contents: buildConversion().contents })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [{ name: "add_shipping_info", params: { event_id: "sh-0a1b2c3d-add_shipping_info", session_id: "1747132561", engagement_time_msec: 1, currency: "USD", value: 142.52, items: ITEMS_SHOP } }],
    }),
  },
  {
    name: "custom goal lead → generate_lead with the value the merchant published",
    events: [buildStorefrontConversion("lead", { goal: { source: "quote_request" }, value: { shop: { amount: "25.00", currency: "USD" }, presentment: { amount: "25.00", currency: "USD" } } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [{ name: "generate_lead", params: { event_id: "sh-0a1b2c3d-lead", session_id: "1747132561", engagement_time_msec: 1, currency: "USD", value: 25 } }],
    }),
  },
  {
    name: "custom goal sign_up → sign_up",
    events: [buildStorefrontConversion("sign_up", { goal: { source: "customers/create" } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [{ name: "sign_up", params: { event_id: "sh-0a1b2c3d-sign_up", session_id: "1747132561", engagement_time_msec: 1 } }],
    }),
  },
  {
    name: "GA4 has no subscribe or contact event: skipped with the reason",
    events: [buildStorefrontConversion("subscribe", { goal: { source: "newsletter_signup" } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'GA4 has no event for "subscribe"' },
  },
  {
    name: "purchase → purchase with Google-normalised user_data, shop currency",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext(),
    expected: request(PURCHASE_BODY),
  },
  {
    name: "presentment currency → buyer's EUR value and unit prices",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ currency: "presentment" }),
    expected: request({
      ...PURCHASE_BODY,
      events: [
        {
          name: "purchase",
          params: {
            ...PURCHASE_PARAMS,
            currency: "EUR",
            value: 131.1,
            items: [
              { item_id: "45123456789012", item_name: "Organic Cotton Tee", price: 92, quantity: 1 },
              { item_id: "45123456789013", item_name: "Canvas Tote", price: 19.55, quantity: 2 },
            ],
          },
        },
      ],
    }),
  },
  {
    name: "test mode → /debug/mp/collect with ENFORCE_RECOMMENDATIONS",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ testMode: true }),
    expected: request(
      { ...PURCHASE_BODY, validation_behavior: "ENFORCE_RECOMMENDATIONS" },
      "https://www.google-analytics.com/debug/mp/collect?measurement_id=G-ABC123XYZ&api_secret=mp-secret-123",
    ),
  },
  {
    name: "baseUrlOverride replaces scheme and host, keeps path and query",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ baseUrlOverride: "http://127.0.0.1:4010/" }),
    expected: request(PURCHASE_BODY, "http://127.0.0.1:4010/mp/collect?measurement_id=G-ABC123XYZ&api_secret=mp-secret-123"),
  },
  {
    name: "EU region → region1 host; api secret is URL-encoded",
    events: [buildConversion()],
    config: { ...CONFIG, region: "eu", apiSecret: "a+b/c=" },
    ctx: buildContext(),
    expected: request(
      PURCHASE_BODY,
      "https://region1.google-analytics.com/mp/collect?measurement_id=G-ABC123XYZ&api_secret=a%2Bb%2Fc%3D",
    ),
  },
  {
    name: "no _ga cookie → client id derived from the customer id; no session params",
    events: [buildConversion({ clickIds: { gaClientId: undefined, gaSessionId: undefined } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      client_id: DERIVED_FROM_CUSTOMER,
      events: [
        {
          name: "purchase",
          params: {
            event_id: "purchase-5975031431338",
            transaction_id: "5975031431338",
            currency: "USD",
            value: 142.52,
            items: ITEMS_SHOP,
          },
        },
      ],
    }),
  },
  {
    name: "malformed client id (raw _ga cookie) → derived id instead",
    events: [buildConversion({ clickIds: { gaClientId: "GA1.1.1162820436.1749482504" } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({ ...PURCHASE_BODY, client_id: DERIVED_FROM_CUSTOMER }),
  },
  {
    name: "no identity, no consent record (POS) → client id from event id, no user data, no consent",
    events: [{ ...withoutIdentity(buildConversion()), consent: null, actionSource: "physical_store" }],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      client_id: DERIVED_FROM_EVENT,
      timestamp_micros: OCCURRED_MICROS,
      events: [
        {
          name: "purchase",
          params: {
            event_id: "purchase-5975031431338",
            transaction_id: "5975031431338",
            currency: "USD",
            value: 142.52,
            items: ITEMS_SHOP,
          },
        },
      ],
    }),
  },
  {
    name: "sale of data opted out → ad_personalization DENIED and no user_data",
    events: [buildConversion({ consent: { analytics: true, marketing: true, saleOfData: false } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...WITHOUT_USER_DATA,
      consent: { ad_user_data: "GRANTED", ad_personalization: "DENIED" },
    }),
  },
  {
    name: "analytics only (marketing declined) → both DENIED and no user_data",
    events: [buildConversion({ consent: { analytics: true, marketing: false, saleOfData: true } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({ ...WITHOUT_USER_DATA, consent: { ad_user_data: "DENIED", ad_personalization: "DENIED" } }),
  },
  {
    name: "no consent record (merchant policy sends) → user_data, no consent block",
    events: [buildConversion({ consent: null })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request(WITHOUT_CONSENT),
  },
  {
    name: "UK buyer → +44 phone, postcode letters kept, country GB, no region",
    events: [
      buildConversion({
        user: {
          email: "Person@Example.com",
          phone: "07911 123456",
          city: "London",
          state: undefined,
          zip: "SW1A 1AA",
          country: "gb",
        },
      }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      user_data: {
        sha256_email_address: [H.person],
        sha256_phone_number: [H.phoneGbPlus],
        address: [
          {
            sha256_first_name: H.firstName,
            sha256_last_name: H.lastName,
            city: "london",
            postal_code: "sw1a1aa",
            country: "GB",
          },
        ],
      },
    }),
  },
  {
    name: "unparseable phone and email are dropped, not hashed",
    events: [buildConversion({ user: { email: "not-an-email", phone: "12" } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({ ...PURCHASE_BODY, user_data: { address: FULL_USER_DATA.address } }),
  },
  {
    name: "contentIdSource sku → items keyed by SKU",
    events: [buildConversion()],
    config: { ...CONFIG, contentIdSource: "sku" },
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [
        {
          name: "purchase",
          params: {
            ...PURCHASE_PARAMS,
            items: [
              { item_id: "TEE-ORG-M", item_name: "Organic Cotton Tee", price: 100, quantity: 1 },
              { item_id: "TOTE-CNV", item_name: "Canvas Tote", price: 21.26, quantity: 2 },
            ],
          },
        },
      ],
    }),
  },
  {
    name: "refund → refund joined to the purchase by transaction_id",
    events: [
      buildConversion({
        eventId: "refund-998877",
        name: "refund",
        value: { shop: { amount: "21.26", currency: "USD" }, presentment: { amount: "19.55", currency: "EUR" } },
        contents: undefined,
      }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [
        {
          name: "refund",
          params: {
            event_id: "refund-998877",
            session_id: "1747132561",
            engagement_time_msec: 1,
            transaction_id: "5975031431338",
            currency: "USD",
            value: 21.26,
          },
        },
      ],
    }),
  },
  {
    name: "page_view → page_view with page_location, no commerce params",
    events: [buildStorefrontConversion("page_view")],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [
        {
          name: "page_view",
          params: {
            event_id: "sh-0a1b2c3d-page_view",
            session_id: "1747132561",
            engagement_time_msec: 1,
            page_location: "https://shop.example.com/products/organic-cotton-tee",
          },
        },
      ],
    }),
  },
  {
    name: "search → search with search_term",
    events: [buildStorefrontConversion("search", { searchQuery: "organic tee" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [
        {
          name: "search",
          params: {
            event_id: "sh-0a1b2c3d-search",
            session_id: "1747132561",
            engagement_time_msec: 1,
            search_term: "organic tee",
          },
        },
      ],
    }),
  },
  {
    name: "view_content → view_item with value and item",
    events: [
      buildStorefrontConversion("view_content", {
        value: { shop: { amount: "100.00", currency: "USD" }, presentment: { amount: "92.00", currency: "EUR" } },
        contents: [{ id: "8123456789012", variantId: "45123456789012", title: "Organic Cotton Tee", quantity: 1, price: { shop: "100.00", presentment: "92.00" } }],
      }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [
        {
          name: "view_item",
          params: {
            event_id: "sh-0a1b2c3d-view_content",
            session_id: "1747132561",
            engagement_time_msec: 1,
            currency: "USD",
            value: 100,
            items: [{ item_id: "45123456789012", item_name: "Organic Cotton Tee", price: 100, quantity: 1 }],
          },
        },
      ],
    }),
  },
  {
    name: "initiate_checkout → begin_checkout",
    events: [
      buildStorefrontConversion("initiate_checkout", {
        value: { shop: { amount: "142.52", currency: "USD" }, presentment: { amount: "131.10", currency: "EUR" } },
      }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...PURCHASE_BODY,
      events: [
        {
          name: "begin_checkout",
          params: {
            event_id: "sh-0a1b2c3d-initiate_checkout",
            session_id: "1747132561",
            engagement_time_msec: 1,
            currency: "USD",
            value: 142.52,
          },
        },
      ],
    }),
  },
  {
    name: "cancel → skip (GA4 has no cancel event)",
    events: [buildConversion({ eventId: "cancel-5975031431338", name: "cancel" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'GA4 has no event for "cancel"' },
  },
  {
    name: "older than 72 h (minus margin) → skip instead of GA4 silently re-dating it",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: 1_762_902_353_000 + 72 * 3_600_000 }),
    expected: { kind: "skip", reason: "older than GA4's 72-hour limit" },
  },
  {
    name: "71 h 49 min old → still sent",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: 1_762_902_353_000 + 71 * 3_600_000 + 49 * 60_000 }),
    expected: request(PURCHASE_BODY),
  },
];

const HTTP_DATE_HEADERS = {
  "Retry-After": "Tue, 11 Nov 2025 23:12:53 GMT",
  Date: "Tue, 11 Nov 2025 23:10:53 GMT",
};

export const responseCases: ResponseCase[] = [
  {
    name: "204 from /mp/collect → delivered (transport only)",
    response: response(204, ""),
    expected: {
      kind: "delivered",
      note: "GA4 accepted the hit (2xx is returned even for invalid payloads; use test mode to validate)",
    },
  },
  {
    name: "debug endpoint, no validation messages → delivered",
    response: response(200, { validationMessages: [] }),
    expected: { kind: "delivered", note: "validated by /debug/mp/collect (not recorded)" },
  },
  {
    name: "debug endpoint with validation messages → fail listing them",
    response: response(200, {
      validationMessages: [
        {
          fieldPath: "events",
          description: "Event at index: [0] has invalid name [_badEventName]. Names must start with an alphabetic character.",
          validationCode: "NAME_INVALID",
        },
        { fieldPath: "", description: "Currency is required when value is set.", validationCode: "VALUE_REQUIRED" },
      ],
    }),
    expected: {
      kind: "fail",
      reason:
        "GA4 validation: NAME_INVALID at events: Event at index: [0] has invalid name [_badEventName]. Names must start with an alphabetic character.; VALUE_REQUIRED: Currency is required when value is set.",
    },
  },
  {
    name: "429 with Retry-After seconds → retry after that delay",
    response: response(429, "", { "retry-after": "30" }),
    expected: { kind: "retry", reason: "GA4 rate limited (429)", retryAfterMs: 30_000 },
  },
  {
    name: "429 with Retry-After HTTP date → retry measured against the Date header",
    response: response(429, "", HTTP_DATE_HEADERS),
    expected: { kind: "retry", reason: "GA4 rate limited (429)", retryAfterMs: 120_000 },
  },
  {
    name: "429 without Retry-After → retry with caller's backoff",
    response: response(429, ""),
    expected: { kind: "retry", reason: "GA4 rate limited (429)" },
  },
  {
    name: "500 → retry",
    response: response(500, "Internal Server Error"),
    expected: { kind: "retry", reason: "GA4 server error (500)" },
  },
  {
    name: "503 with Retry-After → retry after that delay",
    response: response(503, "", { "Retry-After": "5" }),
    expected: { kind: "retry", reason: "GA4 server error (503)", retryAfterMs: 5_000 },
  },
  {
    name: "403 → config-error",
    response: response(403, ""),
    expected: {
      kind: "config-error",
      reason: "GA4 refused the credentials (403): check measurement id and API secret",
    },
  },
  {
    name: "400 → fail, no retry of the same payload",
    response: response(400, "Bad Request"),
    expected: { kind: "fail", reason: "GA4 rejected the request (400): Bad Request" },
  },
  {
    name: "413 (body over 130 kB) → fail",
    response: response(413, ""),
    expected: { kind: "fail", reason: "GA4 rejected the request (413): " },
  },
];

/** Raw identity values that must never appear in a serialised request. */
export const RAW_PII = [
  "John.Smith@Gmail.com",
  "johnsmith@gmail.com",
  "6505551212",
  "Raphaël",
  "raphaël",
  "O'Brien",
  "obrien",
];

export const ga4Cases: AdapterCases<Ga4Config> = {
  config: CONFIG,
  rawPii: RAW_PII,
  buildCases,
  responseCases,
  // GA4's recommended event names.
  eventNames: {
    page_view: "page_view",
    view_content: "view_item",
    search: "search",
    add_to_cart: "add_to_cart",
    initiate_checkout: "begin_checkout",
    add_payment_info: "add_payment_info",
    purchase: "purchase",
    refund: "refund",
    cancel: null,
    view_item_list: "view_item_list",
    view_cart: "view_cart",
    remove_from_cart: "remove_from_cart",
    add_shipping_info: "add_shipping_info",
    lead: "generate_lead",
    sign_up: "sign_up",
    subscribe: null,
    contact: null,
    order_edit: null,
  },
  purpose: "analytics",
  testEventCaveats: [
    {
      name: "the validation endpoint cannot vouch for the ids",
      config: CONFIG,
      expected: expect.stringContaining("checks the event, not the Measurement ID or API secret"),
    },
  ],
  configAccepts: [
    {
      name: "fills defaults for region and content ids",
      input: { measurementId: " G-ABC123XYZ ", apiSecret: "s3cret" },
      expected: { measurementId: "G-ABC123XYZ", apiSecret: "s3cret", region: "global", contentIdSource: "variant" },
    },
  ],
  configRejects: [
    { name: "empty", input: {} },
    { name: "stream id instead of measurement id", input: { measurementId: "1234567890", apiSecret: "s" } },
    { name: "blank secret", input: { measurementId: "G-ABC123XYZ", apiSecret: "  " } },
    { name: "unknown region", input: { measurementId: "G-ABC123XYZ", apiSecret: "s", region: "us" } },
  ],
  secretFields: ["apiSecret"],
  // One visitor per request; events up to 72 hours old, less a 10-minute margin.
  limits: { maxBatchSize: 1, maxEventAgeMs: 72 * 3_600_000 - 600_000 },
};
