import { expect } from "vitest";
import type { KlaviyoConfig } from "~/destinations/klaviyo/config";
import { FACTORY_USER, buildContext, buildConversion, buildStorefrontConversion, withoutIdentity } from "./factory";
import { response, type AdapterCases, type BuildCase, type ResponseCase } from "./types";

/** Fixture tables for the Klaviyo adapter: profile in clear, JSON:API envelope. */
export const CONFIG: KlaviyoConfig = { privateApiKey: "pk_test0key" };

const URL = "https://a.klaviyo.com/api/events";
const HEADERS = {
  authorization: "Klaviyo-API-Key pk_test0key",
  revision: "2026-07-15",
  accept: "application/vnd.api+json",
  "content-type": "application/vnd.api+json",
};
const PROFILE = {
  type: "profile",
  attributes: {
    email: "john.smith@gmail.com",
    phone_number: "+16505551212",
    external_id: "7364829104562",
    first_name: "Rapha\u00ebl",
    last_name: "O'Brien",
    location: { city: "Menlo Park", region: "CA", zip: "94025-1234", country: "United States", ip: "203.0.113.7" },
  },
};
const ITEMS = [
  { ProductID: "8123456789012", SKU: "TEE-ORG-M", ProductName: "Organic Cotton Tee", Quantity: 1, ItemPrice: 100, RowTotal: 100 },
  { ProductID: "8123456789013", SKU: "TOTE-CNV", ProductName: "Canvas Tote", Quantity: 2, ItemPrice: 21.26, RowTotal: 42.52 },
];
const ORDER_PROPERTIES = { OrderId: "5975031431338", OrderName: "#1042", ItemNames: ["Organic Cotton Tee", "Canvas Tote"], Items: ITEMS };
const TIME = "2025-11-11T23:05:53.000Z";

function event(name: string, attributes: Record<string, unknown>) {
  return {
    data: {
      type: "event",
      attributes: { ...attributes, metric: { data: { type: "metric", attributes: { name } } }, profile: { data: PROFILE } },
    },
  };
}
function request(body: object, url = URL) {
  return { kind: "request" as const, request: { method: "POST" as const, url, headers: HEADERS, body } };
}
const PLACED = { properties: ORDER_PROPERTIES, time: TIME, value: 142.52, value_currency: "USD", unique_id: "purchase-5975031431338" };
const TEE = { id: "8123456789012", variantId: "45123456789012", sku: "TEE-ORG-M", title: "Organic Cotton Tee", quantity: 1, price: { shop: "100.00", presentment: "92.00" } };
const TEE_VALUE = { shop: { amount: "100.00", currency: "USD" }, presentment: { amount: "92.00", currency: "EUR" } };

export const buildCases: BuildCase<KlaviyoConfig>[] = [
  {
    name: "purchase → Placed Order with profile in clear, value, unique_id, items",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext(),
    expected: request(event("Placed Order", PLACED)),
  },
  {
    name: "presentment currency → EUR value and prices",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ currency: "presentment" }),
    expected: request(
      event("Placed Order", {
        ...PLACED,
        properties: { ...ORDER_PROPERTIES, Items: [{ ...ITEMS[0], ItemPrice: 92, RowTotal: 92 }, { ...ITEMS[1], ItemPrice: 19.55, RowTotal: 39.1 }] },
        value: 131.1,
        value_currency: "EUR",
      }),
    ),
  },
  {
    name: "test mode → backfill: recorded, no flow triggered",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ testMode: true }),
    expected: request(event("Placed Order", { ...PLACED, backfill: true })),
  },
  {
    name: "more than a day late → backfill (no stale flow emails)",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: 1_762_902_353_000 + 86_400_000 + 1 }),
    expected: request(event("Placed Order", { ...PLACED, backfill: true })),
  },
  {
    name: "baseUrlOverride replaces scheme and host",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ baseUrlOverride: "http://127.0.0.1:4010" }),
    expected: request(event("Placed Order", PLACED), "http://127.0.0.1:4010/api/events"),
  },
  {
    name: "view_content → Viewed Product with the product",
    events: [buildStorefrontConversion("view_content", { value: TEE_VALUE, contents: [TEE] })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request(
      event("Viewed Product", {
        properties: { ProductName: "Organic Cotton Tee", ProductID: "8123456789012", SKU: "TEE-ORG-M", Price: 100, URL: "https://shop.example.com/products/organic-cotton-tee" },
        time: TIME,
        value: 100,
        value_currency: "USD",
        unique_id: "sh-0a1b2c3d-view_content",
      }),
    ),
  },
  {
    name: "add_to_cart → Added to Cart with the added item",
    events: [buildStorefrontConversion("add_to_cart", { value: TEE_VALUE, contents: [TEE] })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request(
      event("Added to Cart", {
        properties: { AddedItemProductName: "Organic Cotton Tee", AddedItemProductID: "8123456789012", AddedItemSKU: "TEE-ORG-M", AddedItemPrice: 100, AddedItemQuantity: 1 },
        time: TIME,
        value: 100,
        value_currency: "USD",
        unique_id: "sh-0a1b2c3d-add_to_cart",
      }),
    ),
  },
  {
    name: "initiate_checkout → Started Checkout with checkout URL",
    events: [buildStorefrontConversion("initiate_checkout")],
    config: CONFIG,
    ctx: buildContext(),
    expected: request(event("Started Checkout", { properties: { CheckoutURL: "https://shop.example.com/products/organic-cotton-tee" }, time: TIME, unique_id: "sh-0a1b2c3d-initiate_checkout" })),
  },
  {
    name: "refund → Refunded Order",
    events: [buildConversion({ eventId: "refund-5975031431338-1", name: "refund" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request(event("Refunded Order", { ...PLACED, unique_id: "refund-5975031431338-1" })),
  },
  {
    name: "cancel → Cancelled Order",
    events: [buildConversion({ eventId: "cancel-5975031431338", name: "cancel" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request(event("Cancelled Order", { ...PLACED, unique_id: "cancel-5975031431338" })),
  },
  {
    name: "UK buyer → +44 phone, country name",
    events: [buildConversion({ user: { email: "Person@Example.com", phone: "07911 123456", city: "London", state: undefined, zip: "SW1A 1AA", country: "GB", ip: undefined } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      data: {
        type: "event",
        attributes: {
          ...PLACED,
          metric: { data: { type: "metric", attributes: { name: "Placed Order" } } },
          profile: {
            data: {
              type: "profile",
              attributes: { ...PROFILE.attributes, email: "person@example.com", phone_number: "+447911123456", location: { city: "London", zip: "SW1A 1AA", country: "United Kingdom" } },
            },
          },
        },
      },
    }),
  },
  {
    name: "no email and no phone → skip (no reachable profile)",
    events: [withoutIdentity(buildConversion())],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: "purchase-5975031431338: no email or phone number for a Klaviyo profile" },
  },
  {
    name: "page_view → skip (Klaviyo's own Active on Site)",
    events: [buildStorefrontConversion("page_view")],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'sh-0a1b2c3d-page_view: Klaviyo has no metric for "page_view"' },
  },
  {
    name: "older than 30 days → skip",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: 1_762_902_353_000 + 30 * 86_400_000 + 1 }),
    expected: { kind: "skip", reason: "purchase-5975031431338: older than the 30-day limit we apply to Klaviyo" },
  },
];

const invalid = (detail: string, pointer: string) => ({ errors: [{ id: "e1", status: 400, code: "invalid", title: "Invalid input.", detail, source: { pointer } }] });

export const responseCases: ResponseCase[] = [
  { name: "202 empty → delivered", response: response(202, ""), expected: { kind: "delivered" } },
  {
    name: "200 with a body Klaviyo never sends → retry (unique_id keeps it single)",
    response: response(200, "<html>ok</html>"),
    expected: { kind: "retry", reason: "unexpected answer: HTTP 200: <html>ok</html>" },
  },
  {
    name: "400 invalid → fail naming the pointer",
    response: response(400, invalid("Invalid phone number format (Example of a valid format: +12345678901)", "/data/attributes/profile/data/attributes/phone_number")),
    expected: { kind: "fail", reason: "HTTP 400, Klaviyo invalid at /data/attributes/profile/data/attributes/phone_number: Invalid phone number format (Example of a valid format: +12345678901)" },
  },
  {
    name: "401 not_authenticated → config-error",
    response: response(401, { errors: [{ id: "e2", status: 401, code: "not_authenticated", title: "Authentication credentials were not provided.", detail: "Missing or invalid private key." }] }),
    expected: { kind: "config-error", reason: "HTTP 401, Klaviyo not_authenticated: Missing or invalid private key. (paste a valid private API key)" },
  },
  {
    name: "403 permission_denied → config-error",
    response: response(403, { errors: [{ id: "e3", status: 403, code: "permission_denied", title: "You do not have permission to perform this action.", detail: "You do not have permission to perform this action." }] }),
    expected: { kind: "config-error", reason: "HTTP 403, Klaviyo permission_denied: You do not have permission to perform this action. (the key needs the events:write scope)" },
  },
  {
    name: "429 throttled with Retry-After → retry",
    response: response(429, { errors: [{ id: "e4", status: 429, code: "throttled", title: "Request was throttled.", detail: "Request was throttled. Expected available in 1 second." }] }, { "Retry-After": "1" }),
    expected: { kind: "retry", reason: "rate limited: HTTP 429, Klaviyo throttled: Request was throttled. Expected available in 1 second.", retryAfterMs: 1_000 },
  },
];

export const klaviyoCases: AdapterCases<KlaviyoConfig> = {
  config: CONFIG,
  // Klaviyo gets the identity in clear (facts.sendsRawIdentity); what must never appear
  // are the spellings it was NOT meant to get: untrimmed/mixed-case email, a national phone.
  rawPii: [" John.Smith@Gmail.com ", "John.Smith@Gmail.com", FACTORY_USER.phone!, '"6505551212"', '"16505551212"'],
  buildCases,
  responseCases,
  eventNames: {
    page_view: null,
    view_content: "Viewed Product",
    search: null,
    add_to_cart: "Added to Cart",
    initiate_checkout: "Started Checkout",
    add_payment_info: null,
    purchase: "Placed Order",
    refund: "Refunded Order",
    cancel: "Cancelled Order",
    // Issue 13's steps, goals and edits: not among the events Klaviyo's flows run on (README).
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
  testEventCaveats: [{ name: "no test mode: says backfill", config: CONFIG, expected: expect.stringContaining("marked as backfill") }],
  configAccepts: [{ name: "trims the key", input: { privateApiKey: " pk_abc123 " }, expected: { privateApiKey: "pk_abc123" } }],
  configRejects: [
    { name: "empty", input: {} },
    { name: "blank", input: { privateApiKey: " " } },
    { name: "the 6-character public key", input: { privateApiKey: "AbC123" } },
    { name: "with spaces", input: { privateApiKey: "Klaviyo-API-Key pk_abc" } },
  ],
  secretFields: ["privateApiKey"],
  limits: { maxBatchSize: 1, maxEventAgeMs: 30 * 86_400_000 },
};
