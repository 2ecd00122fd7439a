/**
 * Factories for Shopify webhook payloads (REST-shaped, as delivered to
 * /webhooks/*), for tests in any layer. Each builder takes shallow overrides;
 * nested objects are built by their own builders so a test only spells out
 * what it is about.
 *
 * Ids are bigint so payloads can carry ids above 2^53 (Shopify's own sample id
 * 820982911946154508). Turn a payload into what a route actually receives with
 * `asWebhook(payload)`: the raw body text (ids as bare JSON numbers, exactly as
 * Shopify sends them) and `JSON.parse(rawBody)` (ids rounded, exactly as
 * `authenticate.webhook` hands them over).
 *
 * Values are fabricated, modelled on docs/platform/shopify.md (sample order) and Shopify's
 * documented field set.
 *
 * Channel notes (what each builder models, and why):
 * - online: source_name "web", app_id 580111 (online store checkout, seen in a
 *   real payload [3p]), checkout/cart tokens, landing_site with UTMs + fbclid,
 *   shop USD vs presentment EUR.
 * - draft: source_name "shopify_draft_order"; staff completed it in the admin
 *   (user_id set, no checkout token, no browser). `buildDraftCompletedOrder({
 *   checkout_token, browser_ip, ... })` models a draft paid through its invoice
 *   checkout link instead.
 * - POS: source_name "pos", app_id 129785 [recall], location_id, user_id,
 *   device_id, no checkout/cart token, no landing/referrer, no browser IP.
 * - subscription first order: a normal web checkout whose line item carries a
 *   selling plan. `subscription_contract_checkout_one` is NOT a first order:
 *   public code and merchant write-ups show Shopify stamping it on orders made
 *   by subscriptionBillingAttemptCreate, i.e. renewals [3p].
 * - subscription renewal: source_name "subscription_contract_checkout_one"
 *   (current) or "subscription_contract" (older apps), source_identifier = the
 *   contract id [3p], no browser, no landing.
 * - post-purchase upsell: Shopify's post-purchase extension adds the accepted
 *   offer "to the initial purchase" (shopify.dev post-purchase extension API:
 *   applyChangeset), so the SAME order id is edited: orders/edited (just the
 *   delta) and orders/updated (whole order, more lines, higher totals, later
 *   updated_at). `buildPostPurchaseEditedOrder` + `buildOrderEditedPayload`
 *   model that. Older upsell apps instead created a SECOND order through the
 *   API (numeric source_name = the app, no checkout) tagged as an upsell;
 *   `buildUpsellAppOrder` models that variant.
 * - other channel: an app's API order (numeric source_name equal to app_id).
 */

// ---------------------------------------------------------------- types

export type Id = bigint;

export interface RestMoney {
  amount: string;
  currency_code: string;
}
export interface RestMoneySet {
  shop_money: RestMoney;
  presentment_money: RestMoney;
}
export interface RestAddress {
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  province_code: string | null;
  zip: string | null;
  country: string | null;
  country_code: string | null;
  phone: string | null;
  company: string | null;
  latitude: number | null;
  longitude: number | null;
}
export interface RestCustomer {
  id: Id;
  admin_graphql_api_id: string;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  state: string;
  verified_email: boolean;
  currency: string;
  created_at: string;
  updated_at: string;
  tags: string;
  tax_exempt: boolean;
}
export interface RestSellingPlanAllocation {
  price: string;
  compare_at_price: string | null;
  selling_plan: { id: Id; name: string };
}
export interface RestLineItem {
  id: Id;
  admin_graphql_api_id: string;
  product_id: Id | null;
  variant_id: Id | null;
  sku: string | null;
  title: string;
  variant_title: string | null;
  name: string;
  vendor: string | null;
  quantity: number;
  current_quantity: number;
  price: string;
  price_set: RestMoneySet;
  total_discount: string;
  total_discount_set: RestMoneySet;
  discount_allocations: Array<{ amount: string; discount_application_index: number; amount_set: RestMoneySet }>;
  properties: Array<{ name: string; value: string }>;
  requires_shipping: boolean;
  taxable: boolean;
  gift_card: boolean;
  grams: number;
  fulfillable_quantity: number;
  fulfillment_status: string | null;
  product_exists: boolean;
  tax_lines: unknown[];
  selling_plan_allocation?: RestSellingPlanAllocation | null;
}
export interface RestClientDetails {
  accept_language: string | null;
  browser_height: number | null;
  browser_ip: string | null;
  browser_width: number | null;
  session_hash: string | null;
  user_agent: string | null;
}
export interface RestOrder {
  id: Id;
  admin_graphql_api_id: string;
  app_id: number | null;
  browser_ip: string | null;
  buyer_accepts_marketing: boolean;
  cancel_reason: string | null;
  cancelled_at: string | null;
  cart_token: string | null;
  checkout_id: Id | null;
  checkout_token: string | null;
  client_details: RestClientDetails | null;
  closed_at: string | null;
  confirmation_number: string | null;
  confirmed: boolean;
  contact_email: string | null;
  created_at: string;
  currency: string;
  current_subtotal_price: string;
  current_subtotal_price_set: RestMoneySet;
  current_total_discounts: string;
  current_total_price: string;
  current_total_price_set: RestMoneySet;
  current_total_tax: string;
  customer_locale: string | null;
  device_id: Id | null;
  discount_codes: Array<{ code: string; amount: string; type: string }>;
  email: string | null;
  estimated_taxes: boolean;
  financial_status: string;
  fulfillment_status: string | null;
  gateway?: string;
  landing_site: string | null;
  landing_site_ref: string | null;
  location_id: Id | null;
  name: string;
  note: string | null;
  note_attributes: Array<{ name: string; value: string }>;
  number: number;
  order_number: number;
  order_status_url: string | null;
  payment_gateway_names: string[];
  phone: string | null;
  presentment_currency: string;
  processed_at: string;
  reference: string | null;
  referring_site: string | null;
  source_identifier: string | null;
  source_name: string;
  source_url: string | null;
  subtotal_price: string;
  subtotal_price_set: RestMoneySet;
  tags: string;
  tax_lines: unknown[];
  taxes_included: boolean;
  test: boolean;
  token: string;
  total_discounts: string;
  total_discounts_set: RestMoneySet;
  total_line_items_price: string;
  total_price: string;
  total_price_set: RestMoneySet;
  total_shipping_price_set: RestMoneySet;
  total_tax: string;
  total_tax_set: RestMoneySet;
  total_weight: number;
  updated_at: string;
  user_id: Id | null;
  billing_address: RestAddress | null;
  customer: RestCustomer | null;
  discount_applications: unknown[];
  fulfillments: unknown[];
  line_items: RestLineItem[];
  payment_terms: unknown;
  refunds: unknown[];
  shipping_address: RestAddress | null;
  shipping_lines: unknown[];
  returns: unknown[];
}

// ---------------------------------------------------------------- helpers

export const SHOP_DOMAIN = "trueline-demo.myshopify.com";
export const SHOP_ID = 60000000000n;
/** Shopify's documented sample order id: above 2^53, rounded by JSON.parse. */
export const SAMPLE_BIG_ORDER_ID = 820982911946154508n;
export const IPHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

export function gid(type: string, id: Id): string {
  return `gid://shopify/${type}/${id}`;
}

export function money(amount: string, currency: string): RestMoney {
  return { amount, currency_code: currency };
}

/** A `*_set` pair; presentment defaults to the shop amount (single-currency shop). */
export function moneySet(shop: RestMoney, presentment: RestMoney = shop): RestMoneySet {
  return { shop_money: shop, presentment_money: presentment };
}

const BIGINT_MARK = "\u0000bigint:";

/** The body Shopify sends: compact JSON, ids as bare integers (exact, even above 2^53). */
export function toWebhookBody(payload: unknown): string {
  const json = JSON.stringify(payload, (_key, value: unknown) =>
    typeof value === "bigint" ? `${BIGINT_MARK}${value.toString()}` : value,
  );
  return json.replace(/"\\u0000bigint:(-?\d+)"/g, "$1");
}

/** What a webhook route has: the raw body, and the library's JSON.parse of it (ids > 2^53 rounded). */
export function asWebhook(payload: unknown): { rawBody: string; parsed: unknown } {
  const rawBody = toWebhookBody(payload);
  return { rawBody, parsed: JSON.parse(rawBody) as unknown };
}

// ---------------------------------------------------------------- building blocks

export function buildAddress(overrides: Partial<RestAddress> = {}): RestAddress {
  return {
    first_name: "Jane",
    last_name: "Doe",
    name: "Jane Doe",
    address1: "1 Example St",
    address2: null,
    city: "Springfield",
    province: "New York",
    province_code: "NY",
    zip: "12345",
    country: "United States",
    country_code: "US",
    phone: "+15555550123",
    company: null,
    latitude: null,
    longitude: null,
    ...overrides,
  };
}

export function buildCustomer(overrides: Partial<RestCustomer> = {}): RestCustomer {
  const id = overrides.id ?? 7301234567890n;
  return {
    id,
    admin_graphql_api_id: gid("Customer", id),
    email: "jane.doe@example.com",
    phone: null,
    first_name: "Jane",
    last_name: "Doe",
    state: "enabled",
    verified_email: true,
    currency: "USD",
    created_at: "2024-11-02T09:00:00-04:00",
    updated_at: "2025-03-14T10:22:31-04:00",
    tags: "",
    tax_exempt: false,
    ...overrides,
  };
}

export interface LineItemSpec {
  shopPrice: string;
  shopCurrency: string;
  presentmentPrice?: string;
  presentmentCurrency?: string;
}

export function buildLineItem(
  overrides: Partial<RestLineItem> = {},
  spec: LineItemSpec = { shopPrice: "130.00", shopCurrency: "USD", presentmentPrice: "119.60", presentmentCurrency: "EUR" },
): RestLineItem {
  const id = overrides.id ?? 14230000000001n;
  const shop = money(spec.shopPrice, spec.shopCurrency);
  const presentment = money(spec.presentmentPrice ?? spec.shopPrice, spec.presentmentCurrency ?? spec.shopCurrency);
  const zero = spec.shopCurrency === "JPY" ? "0" : "0.00";
  const zeroP = (spec.presentmentCurrency ?? spec.shopCurrency) === "JPY" ? "0" : "0.00";
  const quantity = overrides.quantity ?? 1;
  return {
    id,
    admin_graphql_api_id: gid("LineItem", id),
    product_id: 8123456789012n,
    variant_id: 45123456789012n,
    sku: "TR-RUN-42",
    title: "Trail Runner",
    variant_title: "42 / Blue",
    name: "Trail Runner - 42 / Blue",
    vendor: "Example Co",
    quantity,
    current_quantity: quantity,
    price: spec.shopPrice,
    price_set: moneySet(shop, presentment),
    total_discount: zero,
    total_discount_set: moneySet(money(zero, spec.shopCurrency), money(zeroP, spec.presentmentCurrency ?? spec.shopCurrency)),
    discount_allocations: [],
    properties: [],
    requires_shipping: true,
    taxable: true,
    gift_card: false,
    grams: 850,
    fulfillable_quantity: quantity,
    fulfillment_status: null,
    product_exists: true,
    tax_lines: [],
    ...overrides,
  };
}

// ---------------------------------------------------------------- orders

/** Online store checkout (docs/platform/shopify.md, sample order): USD shop, EUR buyer, Facebook ad landing. */
export function buildOnlineOrder(overrides: Partial<RestOrder> = {}): RestOrder {
  const id = overrides.id ?? 5975031431338n;
  const usd = (a: string) => money(a, "USD");
  const eur = (a: string) => money(a, "EUR");
  return {
    id,
    admin_graphql_api_id: gid("Order", id),
    app_id: 580111,
    browser_ip: "203.0.113.24",
    buyer_accepts_marketing: true,
    cancel_reason: null,
    cancelled_at: null,
    cart_token: "Z2NwLXVzLWVhc3QxOjAxSkY3UjZaOUdQV0s0N1ZRNEJBS1pGWjhN",
    checkout_id: 36982770434218n,
    checkout_token: "b1946ac92492d2347c6235b4d2611184",
    client_details: {
      accept_language: "en-US",
      browser_height: null,
      browser_ip: "203.0.113.24",
      browser_width: null,
      session_hash: null,
      user_agent: IPHONE_UA,
    },
    closed_at: null,
    confirmation_number: "Q7KXR2M4P",
    confirmed: true,
    contact_email: "jane.doe@example.com",
    created_at: "2025-03-14T10:22:31-04:00",
    currency: "USD",
    current_subtotal_price: "118.00",
    current_subtotal_price_set: moneySet(usd("118.00"), eur("108.56")),
    current_total_discounts: "12.00",
    current_total_price: "127.44",
    current_total_price_set: moneySet(usd("127.44"), eur("117.24")),
    current_total_tax: "0.00",
    customer_locale: "en-US",
    device_id: null,
    discount_codes: [{ code: "SPRING10", amount: "12.00", type: "percentage" }],
    email: "jane.doe@example.com",
    estimated_taxes: false,
    financial_status: "paid",
    fulfillment_status: null,
    landing_site: "/products/trail-runner?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring&fbclid=IwAR0abc123",
    landing_site_ref: null,
    location_id: null,
    name: "#1042",
    note: null,
    note_attributes: [],
    number: 42,
    order_number: 1042,
    order_status_url: `https://${SHOP_DOMAIN}/60000000000/orders/0a1b2c3d4e5f/authenticate?key=abc`,
    payment_gateway_names: ["shopify_payments"],
    phone: null,
    presentment_currency: "EUR",
    processed_at: "2025-03-14T10:22:30-04:00",
    reference: null,
    referring_site: "https://l.facebook.com/",
    source_identifier: null,
    source_name: "web",
    source_url: null,
    subtotal_price: "118.00",
    subtotal_price_set: moneySet(usd("118.00"), eur("108.56")),
    tags: "",
    tax_lines: [],
    taxes_included: false,
    test: false,
    token: "0a1b2c3d4e5f67890a1b2c3d4e5f6789",
    total_discounts: "12.00",
    total_discounts_set: moneySet(usd("12.00"), eur("11.04")),
    total_line_items_price: "130.00",
    total_price: "127.44",
    total_price_set: moneySet(usd("127.44"), eur("117.24")),
    total_shipping_price_set: moneySet(usd("9.44"), eur("8.68")),
    total_tax: "0.00",
    total_tax_set: moneySet(usd("0.00"), eur("0.00")),
    total_weight: 850,
    updated_at: "2025-03-14T10:22:33-04:00",
    user_id: null,
    billing_address: buildAddress(),
    customer: buildCustomer(),
    discount_applications: [
      {
        target_type: "line_item",
        type: "discount_code",
        value: "10.0",
        value_type: "percentage",
        allocation_method: "across",
        target_selection: "all",
        code: "SPRING10",
      },
    ],
    fulfillments: [],
    line_items: [
      buildLineItem({
        discount_allocations: [
          { amount: "12.00", discount_application_index: 0, amount_set: moneySet(usd("12.00"), eur("11.04")) },
        ],
      }),
    ],
    payment_terms: null,
    refunds: [],
    shipping_address: buildAddress(),
    shipping_lines: [
      { id: 4950000000001n, code: "Standard", title: "Standard", price: "9.44", discounted_price: "9.44", source: "shopify", tax_lines: [], discount_allocations: [] },
    ],
    returns: [],
    ...overrides,
  };
}

/** A single-currency USD order (no presentment difference), the base of the non-web channels below. */
function buildUsdOrder(overrides: Partial<RestOrder>): RestOrder {
  const usd = (a: string) => moneySet(money(a, "USD"));
  return buildOnlineOrder({
    presentment_currency: "USD",
    current_subtotal_price: "80.00",
    current_subtotal_price_set: usd("80.00"),
    current_total_discounts: "0.00",
    current_total_price: "86.60",
    current_total_price_set: usd("86.60"),
    current_total_tax: "6.60",
    discount_codes: [],
    discount_applications: [],
    subtotal_price: "80.00",
    subtotal_price_set: usd("80.00"),
    total_discounts: "0.00",
    total_discounts_set: usd("0.00"),
    total_line_items_price: "80.00",
    total_price: "86.60",
    total_price_set: usd("86.60"),
    total_shipping_price_set: usd("0.00"),
    total_tax: "6.60",
    total_tax_set: usd("6.60"),
    line_items: [
      buildLineItem(
        { id: 14230000000101n, product_id: 8123456789100n, variant_id: 45123456789100n, sku: "WB-750", title: "Water Bottle", variant_title: "750 ml", name: "Water Bottle - 750 ml", quantity: 2, grams: 300 },
        { shopPrice: "40.00", shopCurrency: "USD" },
      ),
    ],
    shipping_lines: [],
    ...overrides,
  });
}

/** Staff completed a draft order in the admin (no checkout, no browser). */
export function buildDraftCompletedOrder(overrides: Partial<RestOrder> = {}): RestOrder {
  const id = overrides.id ?? 5975031431401n;
  return buildUsdOrder({
    id,
    admin_graphql_api_id: gid("Order", id),
    app_id: 1354745,
    source_name: "shopify_draft_order",
    name: "#1043",
    number: 43,
    order_number: 1043,
    confirmation_number: "D4RFT7X2Q",
    checkout_id: null,
    checkout_token: null,
    cart_token: null,
    browser_ip: null,
    client_details: null,
    landing_site: null,
    referring_site: null,
    user_id: 98765432101n,
    token: "d7a1f0c2b3e4d5c6b7a8f9e0d1c2b3a4",
    payment_gateway_names: ["manual"],
    financial_status: "paid",
    created_at: "2025-03-15T14:05:00-04:00",
    processed_at: "2025-03-15T14:05:00-04:00",
    updated_at: "2025-03-15T14:05:02-04:00",
    ...overrides,
  });
}

/** Shopify POS sale at a retail location. */
export function buildPosOrder(overrides: Partial<RestOrder> = {}): RestOrder {
  const id = overrides.id ?? 5975031431502n;
  return buildUsdOrder({
    id,
    admin_graphql_api_id: gid("Order", id),
    app_id: 129785,
    source_name: "pos",
    name: "#1044",
    number: 44,
    order_number: 1044,
    confirmation_number: "P0SX8K3LM",
    location_id: 71234567890n,
    user_id: 98765432102n,
    device_id: 4567890n,
    checkout_id: null,
    checkout_token: null,
    cart_token: null,
    browser_ip: null,
    client_details: null,
    landing_site: null,
    referring_site: null,
    customer: null,
    email: null,
    contact_email: null,
    billing_address: null,
    shipping_address: null,
    token: "e1b2c3d4e5f60718293a4b5c6d7e8f90",
    payment_gateway_names: ["cash"],
    created_at: "2025-03-16T11:30:12-04:00",
    processed_at: "2025-03-16T11:30:12-04:00",
    updated_at: "2025-03-16T11:30:14-04:00",
    ...overrides,
  });
}

/** Web checkout that starts a subscription: the line item carries a selling plan. */
export function buildSubscriptionFirstOrder(overrides: Partial<RestOrder> = {}): RestOrder {
  const id = overrides.id ?? 5975031431603n;
  const usd = (a: string) => moneySet(money(a, "USD"));
  return buildUsdOrder({
    id,
    admin_graphql_api_id: gid("Order", id),
    name: "#1045",
    number: 45,
    order_number: 1045,
    checkout_id: 36982770434301n,
    checkout_token: "5d41402abc4b2a76b9719d911017c592",
    cart_token: "Z2NwLXVzLWVhc3QxOjAxSkZBQ09GRkVFU1VCU0NSSVBUSU9O",
    landing_site: "/products/coffee-beans?utm_source=google&utm_medium=cpc&utm_campaign=coffee_sub&gclid=Cj0KCQjw-test-gclid",
    referring_site: "https://www.google.com/",
    current_subtotal_price: "27.00",
    current_subtotal_price_set: usd("27.00"),
    current_total_price: "27.00",
    current_total_price_set: usd("27.00"),
    current_total_tax: "0.00",
    subtotal_price: "27.00",
    subtotal_price_set: usd("27.00"),
    total_line_items_price: "27.00",
    total_price: "27.00",
    total_price_set: usd("27.00"),
    total_tax: "0.00",
    total_tax_set: usd("0.00"),
    line_items: [
      buildLineItem(
        {
          id: 14230000000201n,
          product_id: 8123456789200n,
          variant_id: 45123456789200n,
          sku: "COF-1KG",
          title: "House Coffee Beans",
          variant_title: "1 kg",
          name: "House Coffee Beans - 1 kg",
          grams: 1000,
          selling_plan_allocation: {
            price: "27.00",
            compare_at_price: "30.00",
            selling_plan: { id: 690123456n, name: "Deliver every month, 10% off" },
          },
        },
        { shopPrice: "27.00", shopCurrency: "USD" },
      ),
    ],
    created_at: "2025-03-17T08:12:40-04:00",
    processed_at: "2025-03-17T08:12:39-04:00",
    updated_at: "2025-03-17T08:12:42-04:00",
    ...overrides,
  });
}

/** Renewal charged by a subscription app's billing attempt: no buyer present. */
export function buildSubscriptionRenewalOrder(overrides: Partial<RestOrder> = {}): RestOrder {
  const first = buildSubscriptionFirstOrder();
  const id = overrides.id ?? 5975031431704n;
  return buildSubscriptionFirstOrder({
    id,
    admin_graphql_api_id: gid("Order", id),
    app_id: 5284869,
    source_name: "subscription_contract_checkout_one",
    source_identifier: "9998878778",
    name: "#1046",
    number: 46,
    order_number: 1046,
    checkout_id: null,
    checkout_token: null,
    cart_token: null,
    browser_ip: null,
    client_details: null,
    landing_site: null,
    referring_site: null,
    token: "f0e1d2c3b4a5968778695a4b3c2d1e0f",
    line_items: first.line_items.map((item) => ({ ...item, id: 14230000000301n, admin_graphql_api_id: gid("LineItem", 14230000000301n) })),
    created_at: "2025-04-17T08:00:05-04:00",
    processed_at: "2025-04-17T08:00:04-04:00",
    updated_at: "2025-04-17T08:00:07-04:00",
    ...overrides,
  });
}

/** The post-purchase offer line the buyer accepted ("Trail Socks", USD 18.00 / EUR 16.56). */
export function buildUpsellLineItem(overrides: Partial<RestLineItem> = {}): RestLineItem {
  return buildLineItem(
    {
      id: 14230000000002n,
      admin_graphql_api_id: gid("LineItem", 14230000000002n),
      product_id: 8123456789013n,
      variant_id: 45123456789013n,
      sku: "TR-SOCK-M",
      title: "Trail Socks",
      variant_title: "M",
      name: "Trail Socks - M",
      grams: 80,
      ...overrides,
    },
    { shopPrice: "18.00", shopCurrency: "USD", presentmentPrice: "16.56", presentmentCurrency: "EUR" },
  );
}

/**
 * orders/updated after a native post-purchase upsell: the online order from
 * `buildOnlineOrder()` (same id, same checkout token) with the accepted offer
 * added and totals raised (USD 127.44 → 145.44, EUR 117.24 → 133.80).
 */
export function buildPostPurchaseEditedOrder(overrides: Partial<RestOrder> = {}): RestOrder {
  const original = buildOnlineOrder();
  const usd = (a: string) => money(a, "USD");
  const eur = (a: string) => money(a, "EUR");
  return buildOnlineOrder({
    line_items: [...original.line_items, buildUpsellLineItem()],
    current_subtotal_price: "136.00",
    current_subtotal_price_set: moneySet(usd("136.00"), eur("125.12")),
    current_total_price: "145.44",
    current_total_price_set: moneySet(usd("145.44"), eur("133.80")),
    subtotal_price: "136.00",
    subtotal_price_set: moneySet(usd("136.00"), eur("125.12")),
    total_line_items_price: "148.00",
    total_price: "145.44",
    total_price_set: moneySet(usd("145.44"), eur("133.80")),
    total_weight: 930,
    updated_at: "2025-03-14T10:23:05-04:00",
    ...overrides,
  });
}

export interface RestOrderEdit {
  order_edit: {
    id: Id;
    app_id: number | null;
    created_at: string;
    committed_at: string;
    notify_customer: boolean;
    order_id: Id;
    staff_note: string;
    user_id: Id | null;
    line_items: { additions: Array<{ id: Id; delta: number }>; removals: Array<{ id: Id; delta: number }> };
  };
}

/** orders/edited for the post-purchase upsell above (the edit only; re-read the order for totals). */
export function buildOrderEditedPayload(overrides: Partial<RestOrderEdit["order_edit"]> = {}): RestOrderEdit {
  return {
    order_edit: {
      id: 78912328n,
      app_id: 4780109,
      created_at: "2025-03-14T10:23:01-04:00",
      committed_at: "2025-03-14T10:23:04-04:00",
      notify_customer: false,
      order_id: 5975031431338n,
      staff_note: "",
      user_id: null,
      line_items: { additions: [{ id: 14230000000002n, delta: 1 }], removals: [] },
      ...overrides,
    },
  };
}

/** Older upsell apps: a SECOND order created through the API by the app, tagged as an upsell. */
export function buildUpsellAppOrder(overrides: Partial<RestOrder> = {}): RestOrder {
  const id = overrides.id ?? 5975031431805n;
  const usd = (a: string) => money(a, "USD");
  const eur = (a: string) => money(a, "EUR");
  const upsell = buildUpsellLineItem({ id: 14230000000401n, admin_graphql_api_id: gid("LineItem", 14230000000401n) });
  return buildOnlineOrder({
    id,
    admin_graphql_api_id: gid("Order", id),
    app_id: 2329312,
    source_name: "2329312",
    name: "#1047",
    number: 47,
    order_number: 1047,
    checkout_id: null,
    checkout_token: null,
    cart_token: null,
    landing_site: null,
    referring_site: null,
    tags: "Upsell",
    note_attributes: [{ name: "parent_order", value: "#1042" }],
    discount_codes: [],
    discount_applications: [],
    line_items: [upsell],
    current_subtotal_price: "18.00",
    current_subtotal_price_set: moneySet(usd("18.00"), eur("16.56")),
    current_total_discounts: "0.00",
    current_total_price: "18.00",
    current_total_price_set: moneySet(usd("18.00"), eur("16.56")),
    subtotal_price: "18.00",
    subtotal_price_set: moneySet(usd("18.00"), eur("16.56")),
    total_discounts: "0.00",
    total_discounts_set: moneySet(usd("0.00"), eur("0.00")),
    total_line_items_price: "18.00",
    total_price: "18.00",
    total_price_set: moneySet(usd("18.00"), eur("16.56")),
    total_shipping_price_set: moneySet(usd("0.00"), eur("0.00")),
    created_at: "2025-03-14T10:23:10-04:00",
    processed_at: "2025-03-14T10:23:10-04:00",
    updated_at: "2025-03-14T10:23:12-04:00",
    ...overrides,
  });
}

/** An order another sales channel or app created through the API (numeric source_name = its app id). */
export function buildOtherChannelOrder(overrides: Partial<RestOrder> = {}): RestOrder {
  const id = overrides.id ?? 5975031431906n;
  return buildUsdOrder({
    id,
    admin_graphql_api_id: gid("Order", id),
    app_id: 4383523,
    source_name: "4383523",
    source_identifier: "MKT-88231-A",
    name: "#1048",
    number: 48,
    order_number: 1048,
    checkout_id: null,
    checkout_token: null,
    cart_token: null,
    browser_ip: null,
    client_details: null,
    landing_site: null,
    referring_site: null,
    token: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    created_at: "2025-03-18T19:45:00-04:00",
    processed_at: "2025-03-18T19:45:00-04:00",
    updated_at: "2025-03-18T19:45:03-04:00",
    ...overrides,
  });
}

/** Bogus-gateway test order (test: true) from the online store. */
export function buildTestOrder(overrides: Partial<RestOrder> = {}): RestOrder {
  const id = overrides.id ?? 5975031432007n;
  return buildOnlineOrder({
    id,
    admin_graphql_api_id: gid("Order", id),
    name: "#1049",
    number: 49,
    order_number: 1049,
    test: true,
    gateway: "bogus",
    payment_gateway_names: ["bogus"],
    checkout_token: "098f6bcd4621d373cade4e832627b4f6",
    ...overrides,
  });
}

/** A Japanese shop: JPY has no minor unit, so Shopify's amounts carry no decimals. */
export function buildJpyOrder(overrides: Partial<RestOrder> = {}): RestOrder {
  const id = overrides.id ?? 5975031432108n;
  const jpy = (a: string) => moneySet(money(a, "JPY"));
  const address = buildAddress({
    first_name: "Hanako",
    last_name: "Yamada",
    name: "Hanako Yamada",
    address1: "1-2-3 Shibuya",
    city: "Shibuya-ku",
    province: "Tōkyō",
    province_code: "JP-13",
    zip: "150-0002",
    country: "Japan",
    country_code: "JP",
    phone: "+81312345678",
  });
  return buildOnlineOrder({
    id,
    admin_graphql_api_id: gid("Order", id),
    name: "#2001",
    number: 1001,
    order_number: 2001,
    currency: "JPY",
    presentment_currency: "JPY",
    customer_locale: "ja",
    checkout_token: "a87ff679a2f3e71d9181a67b7542122c",
    cart_token: "Z2NwLWFzaWEtbm9ydGhlYXN0MTowMUpGSlBZQ0FSVA",
    landing_site: "/collections/tea?utm_source=instagram&utm_medium=social&utm_campaign=matcha",
    referring_site: "https://www.instagram.com/",
    email: "hanako@example.jp",
    contact_email: "hanako@example.jp",
    customer: buildCustomer({ id: 7301234567999n, email: "hanako@example.jp", first_name: "Hanako", last_name: "Yamada", currency: "JPY" }),
    billing_address: address,
    shipping_address: address,
    current_subtotal_price: "9000",
    current_subtotal_price_set: jpy("9000"),
    current_total_discounts: "0",
    current_total_price: "9800",
    current_total_price_set: jpy("9800"),
    current_total_tax: "891",
    discount_codes: [],
    discount_applications: [],
    subtotal_price: "9000",
    subtotal_price_set: jpy("9000"),
    total_discounts: "0",
    total_discounts_set: jpy("0"),
    total_line_items_price: "9000",
    total_price: "9800",
    total_price_set: jpy("9800"),
    total_shipping_price_set: jpy("800"),
    total_tax: "891",
    total_tax_set: jpy("891"),
    taxes_included: true,
    line_items: [
      buildLineItem(
        { id: 14230000000501n, product_id: 8123456789500n, variant_id: 45123456789500n, sku: "MATCHA-SET", title: "Matcha Set", variant_title: null, name: "Matcha Set", quantity: 2, grams: 200 },
        { shopPrice: "4500", shopCurrency: "JPY" },
      ),
    ],
    shipping_lines: [],
    created_at: "2025-03-19T21:10:00+09:00",
    processed_at: "2025-03-19T21:09:59+09:00",
    updated_at: "2025-03-19T21:10:02+09:00",
    ...overrides,
  });
}

// ---------------------------------------------------------------- refunds

export interface RestTransaction {
  id: Id;
  admin_graphql_api_id: string;
  order_id: Id;
  kind: string;
  gateway: string;
  status: string;
  message: string | null;
  created_at: string;
  test: boolean;
  authorization: string | null;
  location_id: Id | null;
  user_id: Id | null;
  parent_id: Id | null;
  processed_at: string;
  device_id: Id | null;
  error_code: string | null;
  source_name: string;
  receipt: Record<string, unknown>;
  amount: string;
  currency: string;
}

export function buildRefundTransaction(overrides: Partial<RestTransaction> = {}): RestTransaction {
  const id = overrides.id ?? 7012345678901n;
  return {
    id,
    admin_graphql_api_id: gid("OrderTransaction", id),
    order_id: 5975031431338n,
    kind: "refund",
    gateway: "shopify_payments",
    status: "success",
    message: "Transaction approved",
    created_at: "2025-03-20T09:15:00-04:00",
    test: false,
    authorization: null,
    location_id: null,
    user_id: null,
    parent_id: 7012345670000n,
    processed_at: "2025-03-20T09:15:00-04:00",
    device_id: null,
    error_code: null,
    source_name: "1830279",
    receipt: {},
    amount: "55.20",
    currency: "EUR",
    ...overrides,
  };
}

export interface RestRefundLineItem {
  id: Id;
  line_item_id: Id;
  location_id: Id | null;
  quantity: number;
  restock_type: string;
  subtotal: string;
  subtotal_set: RestMoneySet;
  total_tax: string;
  total_tax_set: RestMoneySet;
  line_item: RestLineItem;
}

export interface RestRefund {
  id: Id;
  admin_graphql_api_id: string;
  order_id: Id;
  created_at: string;
  processed_at: string;
  note: string | null;
  user_id: Id | null;
  restock: boolean;
  duties: unknown[];
  total_duties_set: RestMoneySet | null;
  return: unknown;
  refund_line_items: RestRefundLineItem[];
  transactions: RestTransaction[];
  order_adjustments: unknown[];
}

/** refunds/create: one Trail Runner returned from the online order (EUR 55.20 to the buyer's card). */
export function buildRefund(overrides: Partial<RestRefund> = {}): RestRefund {
  const id = overrides.id ?? 9112345678901n;
  const orderId = overrides.order_id ?? 5975031431338n;
  return {
    id,
    admin_graphql_api_id: gid("Refund", id),
    order_id: orderId,
    created_at: "2025-03-20T09:15:00-04:00",
    processed_at: "2025-03-20T09:15:00-04:00",
    note: "Wrong size",
    user_id: 98765432101n,
    restock: true,
    duties: [],
    total_duties_set: null,
    return: null,
    refund_line_items: [
      {
        id: 3456789012345n,
        line_item_id: 14230000000001n,
        location_id: 71234567890n,
        quantity: 1,
        restock_type: "return",
        subtotal: "60.00",
        subtotal_set: moneySet(money("60.00", "USD"), money("55.20", "EUR")),
        total_tax: "0.00",
        total_tax_set: moneySet(money("0.00", "USD"), money("0.00", "EUR")),
        line_item: buildLineItem(),
      },
    ],
    transactions: [buildRefundTransaction({ order_id: orderId })],
    order_adjustments: [],
    ...overrides,
  };
}

// ---------------------------------------------------------------- draft orders

export interface RestDraftOrder {
  id: Id;
  admin_graphql_api_id: string;
  note: string | null;
  email: string | null;
  taxes_included: boolean;
  currency: string;
  invoice_sent_at: string | null;
  created_at: string;
  updated_at: string;
  tax_exempt: boolean;
  completed_at: string | null;
  name: string;
  status: string;
  line_items: RestLineItem[];
  shipping_address: RestAddress | null;
  billing_address: RestAddress | null;
  invoice_url: string;
  applied_discount: unknown;
  order_id: Id | null;
  shipping_line: unknown;
  tax_lines: unknown[];
  tags: string;
  note_attributes: Array<{ name: string; value: string }>;
  total_price: string;
  subtotal_price: string;
  total_tax: string;
  payment_terms: unknown;
  customer: RestCustomer | null;
}

/** draft_orders/update for the draft that became `buildDraftCompletedOrder()`. */
export function buildDraftOrder(overrides: Partial<RestDraftOrder> = {}): RestDraftOrder {
  const id = overrides.id ?? 1122334455667n;
  return {
    id,
    admin_graphql_api_id: gid("DraftOrder", id),
    note: "Phone order",
    email: "jane.doe@example.com",
    taxes_included: false,
    currency: "USD",
    invoice_sent_at: null,
    created_at: "2025-03-15T13:50:00-04:00",
    updated_at: "2025-03-15T14:05:01-04:00",
    tax_exempt: false,
    completed_at: "2025-03-15T14:05:00-04:00",
    name: "#D12",
    status: "completed",
    line_items: buildUsdOrder({}).line_items,
    shipping_address: buildAddress(),
    billing_address: buildAddress(),
    invoice_url: `https://${SHOP_DOMAIN}/60000000000/invoices/8f14e45fceea167a5a36dedd4bea2543`,
    applied_discount: null,
    order_id: 5975031431401n,
    shipping_line: null,
    tax_lines: [],
    tags: "",
    note_attributes: [],
    total_price: "86.60",
    subtotal_price: "80.00",
    total_tax: "6.60",
    payment_terms: null,
    customer: buildCustomer(),
    ...overrides,
  };
}

// ---------------------------------------------------------------- subscriptions

export interface RestBillingAttempt {
  id: Id | null;
  admin_graphql_api_id: string | null;
  idempotency_key: string;
  order_id: Id | null;
  admin_graphql_api_order_id: string | null;
  subscription_contract_id: Id;
  admin_graphql_api_subscription_contract_id: string;
  ready: boolean;
  error_message: string | null;
  error_code: string | null;
}

/** subscription_billing_attempts/success for the renewal order (Shopify's documented shape, docs/platform/shopify.md). */
export function buildBillingAttempt(overrides: Partial<RestBillingAttempt> = {}): RestBillingAttempt {
  const orderId = overrides.order_id === undefined ? 5975031431704n : overrides.order_id;
  const contractId = overrides.subscription_contract_id ?? 9998878778n;
  return {
    id: null,
    admin_graphql_api_id: null,
    idempotency_key: "9a453d81-d41d-403e-806f-714dee215ff9",
    order_id: orderId,
    admin_graphql_api_order_id: orderId === null ? null : gid("Order", orderId),
    subscription_contract_id: contractId,
    admin_graphql_api_subscription_contract_id: gid("SubscriptionContract", contractId),
    ready: true,
    error_message: null,
    error_code: null,
    ...overrides,
  };
}

export interface RestSubscriptionContract {
  admin_graphql_api_id: string;
  id: Id;
  billing_policy: { interval: string; interval_count: number; min_cycles: number | null; max_cycles: number | null };
  currency_code: string;
  customer_id: Id;
  admin_graphql_api_customer_id: string;
  delivery_policy: { interval: string; interval_count: number };
  status: string;
  admin_graphql_api_origin_order_id: string | null;
  origin_order_id: Id | null;
  revision_id: string;
}

/** subscription_contracts/create started by `buildSubscriptionFirstOrder()`. */
export function buildSubscriptionContract(overrides: Partial<RestSubscriptionContract> = {}): RestSubscriptionContract {
  const id = overrides.id ?? 9998878778n;
  const origin = overrides.origin_order_id === undefined ? 5975031431603n : overrides.origin_order_id;
  return {
    admin_graphql_api_id: gid("SubscriptionContract", id),
    id,
    billing_policy: { interval: "month", interval_count: 1, min_cycles: 1, max_cycles: null },
    currency_code: "USD",
    customer_id: 7301234567890n,
    admin_graphql_api_customer_id: gid("Customer", 7301234567890n),
    delivery_policy: { interval: "month", interval_count: 1 },
    status: "active",
    admin_graphql_api_origin_order_id: origin === null ? null : gid("Order", origin),
    origin_order_id: origin,
    revision_id: "9998878778",
    ...overrides,
  };
}

// ---------------------------------------------------------------- compliance

export interface RestComplianceCustomer {
  id: Id | null;
  email: string | null;
  phone: string | null;
}

export function buildCustomersDataRequest(
  overrides: Partial<{ shop_id: Id; shop_domain: string; orders_requested: Id[]; customer: RestComplianceCustomer; data_request: { id: Id } }> = {},
) {
  return {
    shop_id: SHOP_ID,
    shop_domain: SHOP_DOMAIN,
    orders_requested: [5975031431338n, 5975031431603n],
    customer: { id: 7301234567890n, email: "jane.doe@example.com", phone: "+15555550123" },
    data_request: { id: 9999n },
    ...overrides,
  };
}

export function buildCustomersRedact(
  overrides: Partial<{ shop_id: Id; shop_domain: string; orders_to_redact: Id[]; customer: RestComplianceCustomer }> = {},
) {
  return {
    shop_id: SHOP_ID,
    shop_domain: SHOP_DOMAIN,
    customer: { id: 7301234567890n, email: "jane.doe@example.com", phone: "+15555550123" },
    orders_to_redact: [5975031431338n, 5975031431603n, SAMPLE_BIG_ORDER_ID],
    ...overrides,
  };
}

export function buildShopRedact(overrides: Partial<{ shop_id: Id; shop_domain: string }> = {}) {
  return { shop_id: SHOP_ID, shop_domain: SHOP_DOMAIN, ...overrides };
}
