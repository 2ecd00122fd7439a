import { describe, expect, test } from "vitest";
import { extractExactIds } from "./exact-ids";
import {
  diffOrderVersions,
  parseLandingSite,
  parseNoteAttributes,
  parseShopifyTime,
  toOrderFacts,
  type LandingSignals,
  type NoteSignals,
  type OrderFacts,
  type OrderFactsResult,
} from "./order-facts";
import type { OrderKindHints } from "./order-kind";
import { OrderWebhookSchema } from "./order-webhook.schema";
import {
  asWebhook,
  buildCustomer,
  buildJpyOrder,
  buildOnlineOrder,
  buildPosOrder,
  buildPostPurchaseEditedOrder,
  buildSubscriptionFirstOrder,
  IPHONE_UA,
  type RestOrder,
} from "../../../test/factories/order-factory";

/** The production path: raw body → JSON.parse → schema, plus exact ids from the raw body. */
function factsFrom(payload: RestOrder, hints?: OrderKindHints): OrderFactsResult {
  const { rawBody, parsed } = asWebhook(payload);
  return toOrderFacts(OrderWebhookSchema.parse(parsed), extractExactIds(rawBody), hints);
}
function factsOf(payload: RestOrder, hints?: OrderKindHints): OrderFacts {
  const result = factsFrom(payload, hints);
  if (result.kind !== "facts") throw new Error(result.reason);
  return result.facts;
}

const usdEur = (usd: string, eur: string) => ({ shop: { amount: usd, currency: "USD" }, presentment: { amount: eur, currency: "EUR" } });
const usd = (a: string) => ({ shop: { amount: a, currency: "USD" }, presentment: { amount: a, currency: "USD" } });
const jpy = (a: string) => ({ shop: { amount: a, currency: "JPY" }, presentment: { amount: a, currency: "JPY" } });

const janeAddress = {
  firstName: "Jane",
  lastName: "Doe",
  address1: "1 Example St",
  address2: null,
  city: "Springfield",
  province: "New York",
  provinceCode: "NY",
  zip: "12345",
  country: "United States",
  countryCode: "US",
  phone: "+15555550123",
  company: null,
};

// Times computed independently: `date -d "2025-03-14T10:22:31-04:00" +%s%3N` etc.
const ONLINE_EXPECTED: OrderFacts = {
  orderId: "5975031431338",
  adminGraphqlApiId: "gid://shopify/Order/5975031431338",
  name: "#1042",
  kind: "online",
  kindReason: 'source_name "web": online store checkout',
  isTest: false,
  sourceName: "web",
  appId: "580111",
  locationId: null,
  userId: null,
  sourceIdentifier: null,
  createdAt: 1741962151000,
  updatedAt: 1741962153000,
  processedAt: 1741962150000,
  cancelledAt: null,
  cancelReason: null,
  financialStatus: "paid",
  currency: "USD",
  presentmentCurrency: "EUR",
  totals: {
    total: usdEur("127.44", "117.24"),
    currentTotal: usdEur("127.44", "117.24"),
    subtotal: usdEur("118.00", "108.56"),
    tax: usdEur("0.00", "0.00"),
    discounts: usdEur("12.00", "11.04"),
    shipping: usdEur("9.44", "8.68"),
  },
  lineItems: [
    {
      lineItemId: "14230000000001",
      productId: "8123456789012",
      variantId: "45123456789012",
      sku: "TR-RUN-42",
      title: "Trail Runner",
      variantTitle: "42 / Blue",
      quantity: 1,
      currentQuantity: 1,
      unitPrice: usdEur("130.00", "119.60"),
      totalDiscount: usdEur("0.00", "0.00"),
      sellingPlan: null,
      giftCard: false,
    },
  ],
  customerId: "7301234567890",
  email: "jane.doe@example.com",
  phone: null,
  firstName: "Jane",
  lastName: "Doe",
  billingAddress: janeAddress,
  shippingAddress: janeAddress,
  browserIp: "203.0.113.24",
  userAgent: IPHONE_UA,
  acceptLanguage: "en-US",
  checkoutToken: "b1946ac92492d2347c6235b4d2611184",
  cartToken: "Z2NwLXVzLWVhc3QxOjAxSkY3UjZaOUdQV0s0N1ZRNEJBS1pGWjhN",
  checkoutId: "36982770434218",
  landingSite: "/products/trail-runner?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring&fbclid=IwAR0abc123",
  landing: { utm: { source: "facebook", medium: "paid_social", campaign: "spring" }, clickIds: { fbclid: "IwAR0abc123" } },
  referringSite: "https://l.facebook.com/",
  noteAttributes: [],
  noteSignals: { clickIds: {}, cookies: {} },
  tags: [],
};

describe("toOrderFacts", () => {
  test("online order (docs/platform/shopify.md, sample order), field by field", () => {
    expect(factsOf(buildOnlineOrder())).toEqual(ONLINE_EXPECTED);
  });

  test("the order id above 2^53 comes from the raw body", () => {
    const facts = factsOf(buildOnlineOrder({ id: 820982911946154508n, admin_graphql_api_id: "gid://shopify/Order/820982911946154508" }));
    expect(facts.orderId).toBe("820982911946154508");
    expect(facts.adminGraphqlApiId).toBe("gid://shopify/Order/820982911946154508");
  });

  test("a big customer id comes from the raw body too", () => {
    const facts = factsOf(buildOnlineOrder({ customer: buildCustomer({ id: 9007199254740993n, admin_graphql_api_id: "gid://shopify/Customer/9007199254740993" }) }));
    expect(facts.customerId).toBe("9007199254740993");
  });

  test("without the raw body, a big id is refused rather than rounded", () => {
    const { parsed } = asWebhook(buildOnlineOrder({ id: 820982911946154508n }));
    expect(toOrderFacts(OrderWebhookSchema.parse(parsed), null)).toEqual({
      kind: "invalid",
      reason: "order id is above 2^53 and no exact id was extracted from the raw body",
    });
  });

  test("without the raw body, a small id is fine", () => {
    const { parsed } = asWebhook(buildOnlineOrder());
    const result = toOrderFacts(OrderWebhookSchema.parse(parsed), null);
    expect(result.kind === "facts" && result.facts.orderId).toBe("5975031431338");
  });

  test("exact ids from another delivery are rejected", () => {
    const { parsed } = asWebhook(buildOnlineOrder());
    const other = extractExactIds(asWebhook(buildPosOrder()).rawBody);
    expect(toOrderFacts(OrderWebhookSchema.parse(parsed), other)).toEqual({
      kind: "invalid",
      reason: "exact id 5975031431502 does not belong to order 5975031431338",
    });
  });

  test("POS: no browser, no checkout, no customer, location and staff kept", () => {
    const facts = factsOf(buildPosOrder());
    expect({
      kind: facts.kind,
      locationId: facts.locationId,
      userId: facts.userId,
      appId: facts.appId,
      customerId: facts.customerId,
      email: facts.email,
      firstName: facts.firstName,
      billingAddress: facts.billingAddress,
      browserIp: facts.browserIp,
      userAgent: facts.userAgent,
      checkoutToken: facts.checkoutToken,
      cartToken: facts.cartToken,
      checkoutId: facts.checkoutId,
      landingSite: facts.landingSite,
      landing: facts.landing,
      total: facts.totals.total,
      lineItems: facts.lineItems.map((l) => [l.lineItemId, l.quantity, l.unitPrice]),
    }).toEqual({
      kind: "pos",
      locationId: "71234567890",
      userId: "98765432102",
      appId: "129785",
      customerId: null,
      email: null,
      firstName: null,
      billingAddress: null,
      browserIp: null,
      userAgent: null,
      checkoutToken: null,
      cartToken: null,
      checkoutId: null,
      landingSite: null,
      landing: { utm: {}, clickIds: {} },
      total: usd("86.60"),
      lineItems: [["14230000000101", 2, usd("40.00")]],
    });
  });

  test("JPY: amounts without decimals, Japanese address", () => {
    const facts = factsOf(buildJpyOrder());
    expect([facts.currency, facts.presentmentCurrency, facts.totals.total, facts.totals.shipping, facts.lineItems[0]?.unitPrice]).toEqual([
      "JPY",
      "JPY",
      jpy("9800"),
      jpy("800"),
      jpy("4500"),
    ]);
    expect(facts.billingAddress?.provinceCode).toBe("JP-13");
    expect(facts.createdAt).toBe(1742386200000);
    expect(facts.landing).toEqual({ utm: { source: "instagram", medium: "social", campaign: "matcha" }, clickIds: {} });
  });

  test("subscription first order: selling plan on the line", () => {
    const facts = factsOf(buildSubscriptionFirstOrder());
    expect(facts.kind).toBe("subscription_first");
    expect(facts.lineItems[0]?.sellingPlan).toEqual({ id: "690123456", name: "Deliver every month, 10% off" });
    expect(facts.landing.clickIds).toEqual({ gclid: "Cj0KCQjw-test-gclid" });
  });

  test("hints reach the classifier", () => {
    expect(factsOf(buildOnlineOrder(), { completedDraftOrderId: "1" }).kind).toBe("draft");
  });

  test("sparse payload (include_fields): what is missing is null, what is there is used", () => {
    const { rawBody } = asWebhook({ id: 42n, created_at: "2025-03-14T10:22:31-04:00", total_price: "10.00", currency: "USD", line_items: [] });
    const result = toOrderFacts(OrderWebhookSchema.parse(JSON.parse(rawBody)), extractExactIds(rawBody));
    expect(result).toEqual({
      kind: "facts",
      facts: {
        orderId: "42",
        adminGraphqlApiId: null,
        name: null,
        kind: "other_channel",
        kindReason: "no source_name and no checkout token",
        isTest: false,
        sourceName: null,
        appId: null,
        locationId: null,
        userId: null,
        sourceIdentifier: null,
        createdAt: 1741962151000,
        updatedAt: 1741962151000,
        processedAt: null,
        cancelledAt: null,
        cancelReason: null,
        financialStatus: null,
        currency: "USD",
        presentmentCurrency: "USD",
        totals: { total: usd("10.00"), currentTotal: usd("10.00"), subtotal: null, tax: null, discounts: null, shipping: null },
        lineItems: [],
        customerId: null,
        email: null,
        phone: null,
        firstName: null,
        lastName: null,
        billingAddress: null,
        shippingAddress: null,
        browserIp: null,
        userAgent: null,
        acceptLanguage: null,
        checkoutToken: null,
        cartToken: null,
        checkoutId: null,
        landingSite: null,
        landing: { utm: {}, clickIds: {} },
        referringSite: null,
        noteAttributes: [],
        noteSignals: { clickIds: {}, cookies: {} },
        tags: [],
      },
    } satisfies OrderFactsResult);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ["no total at all", { total_price: undefined, total_price_set: undefined }, "order has no total price or currency"],
    ["no currency anywhere", { currency: undefined, total_price_set: undefined }, "order has no total price or currency"],
    ["bad created_at", { created_at: "yesterday" }, 'unparseable created_at "yesterday"'],
  ])("invalid: %s", (_name, patch, reason) => {
    const { rawBody, parsed } = asWebhook(buildOnlineOrder());
    const order = OrderWebhookSchema.parse({ ...(parsed as object), ...patch });
    expect(toOrderFacts(order, extractExactIds(rawBody))).toEqual({ kind: "invalid", reason });
  });

  test("currency falls back to total_price_set, presentment to the shop currency", () => {
    const facts = factsOf(buildOnlineOrder({ currency: undefined as unknown as string, presentment_currency: undefined as unknown as string }));
    expect([facts.currency, facts.presentmentCurrency]).toEqual(["USD", "EUR"]);
  });

  test("without *_set, plain amounts are used in the shop currency on both sides", () => {
    const facts = factsOf(
      buildOnlineOrder({
        total_price_set: undefined as unknown as RestOrder["total_price_set"],
        current_total_price_set: undefined as unknown as RestOrder["current_total_price_set"],
      }),
    );
    expect([facts.totals.total, facts.totals.currentTotal]).toEqual([usd("127.44"), usd("127.44")]);
  });

  test("names fall back to the billing address; phone from the order, else the customer", () => {
    const facts = factsOf(
      buildOnlineOrder({
        customer: buildCustomer({ first_name: null, last_name: null, phone: "+15555550199" }),
        billing_address: { ...buildOnlineOrder().billing_address!, first_name: "J.", last_name: "D." },
      }),
    );
    expect([facts.firstName, facts.lastName, facts.phone]).toEqual(["J.", "D.", "+15555550199"]);
  });

  test("email falls back to contact_email then the customer; blanks are null", () => {
    expect(factsOf(buildOnlineOrder({ email: "  ", contact_email: "c@example.com" })).email).toBe("c@example.com");
    expect(factsOf(buildOnlineOrder({ email: null, contact_email: null })).email).toBe("jane.doe@example.com");
  });

  test("cancelled order and tags", () => {
    const facts = factsOf(buildOnlineOrder({ cancelled_at: "2025-03-15T09:00:00-04:00", cancel_reason: "customer", tags: "VIP, Spring" }));
    expect([facts.cancelledAt, facts.cancelReason, facts.tags]).toEqual([1742043600000, "customer", ["vip", "spring"]]);
  });

  test("cart attributes with click ids", () => {
    const facts = factsOf(buildOnlineOrder({ note_attributes: [{ name: "_attr_click_id", value: "fb.1.1710425000000.IwAR0abc123" }, { name: "gclid", value: "Cj0-abc" }] }));
    expect(facts.noteSignals).toEqual({ clickIds: { gclid: "Cj0-abc" }, cookies: { _fbc: "fb.1.1710425000000.IwAR0abc123" } });
  });
});

describe("parseLandingSite", () => {
  test.each<[string | null, LandingSignals]>([
    [null, { utm: {}, clickIds: {} }],
    ["/", { utm: {}, clickIds: {} }],
    ["/products/x?variant=1", { utm: {}, clickIds: {} }],
    [
      "/?utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=shoes&utm_content=ad1&utm_id=123&gclid=Cj0KCQ&gbraid=0AAA&wbraid=1BBB",
      {
        utm: { source: "google", medium: "cpc", campaign: "brand", term: "shoes", content: "ad1", id: "123" },
        clickIds: { gclid: "Cj0KCQ", gbraid: "0AAA", wbraid: "1BBB" },
      },
    ],
    ["https://shop.example.com/?ttclid=E.C.P.abc&ScCid=snap-1&epik=dj0y&msclkid=ms1&twclid=tw1&li_fat_id=li1", { utm: {}, clickIds: { ttclid: "E.C.P.abc", ScCid: "snap-1", epik: "dj0y", msclkid: "ms1", twclid: "tw1", li_fat_id: "li1" } }],
    ["/?SCCID=upper&FBCLID=IwAR1", { utm: {}, clickIds: { ScCid: "upper", fbclid: "IwAR1" } }],
    ["/?utm_source=a&utm_source=b&fbclid=first&fbclid=second", { utm: { source: "a" }, clickIds: { fbclid: "first" } }],
    ["/?utm_campaign=spring%20sale&utm_medium=paid+social", { utm: { campaign: "spring sale", medium: "paid social" } , clickIds: {} }],
    ["/?fbclid=&gclid=%20%20", { utm: {}, clickIds: {} }],
    ["/?utm_source=x#section?fbclid=not-a-param", { utm: { source: "x" }, clickIds: {} }],
    ["/?gclid=%E0%A4%A", { utm: {}, clickIds: { gclid: "\uFFFD%A" } }],
    [`/?gclid=${"x".repeat(513)}`, { utm: {}, clickIds: {} }],
  ])("%j", (landing, expected) => {
    expect(parseLandingSite(landing)).toEqual(expected);
  });
});

describe("parseNoteAttributes", () => {
  test.each<[string, Array<{ name: string; value: string }>, NoteSignals]>([
    ["nothing", [], { clickIds: {}, cookies: {} }],
    ["cookie names with and without underscore", [{ name: "_fbp", value: "fb.1.1710425000000.1116446470" }, { name: "FBC", value: "fb.1.1710425000000.IwAR0x" }, { name: "_ga", value: "GA1.1.123.456" }, { name: "ttp", value: "ttp-1" }], { clickIds: {}, cookies: { _fbp: "fb.1.1710425000000.1116446470", _fbc: "fb.1.1710425000000.IwAR0x", _ga: "GA1.1.123.456", _ttp: "ttp-1" } }],
    ["click ids, with a leading underscore", [{ name: "_gclid", value: "Cj0" }, { name: "ttclid", value: "E.C.P" }, { name: "sccid", value: "snap" }], { clickIds: { gclid: "Cj0", ttclid: "E.C.P", ScCid: "snap" }, cookies: {} }],
    ["fbc shape under an unknown name", [{ name: "_attr_click_id", value: "fb.1.1710425000000.IwAR0abc123" }], { clickIds: {}, cookies: { _fbc: "fb.1.1710425000000.IwAR0abc123" } }],
    ["fbp shape (all-digit tail) under an unknown name is not fbc", [{ name: "tracking", value: "fb.1.1710425000000.1116446470" }], { clickIds: {}, cookies: {} }],
    ["unrelated attributes and empty values", [{ name: "gift_message", value: "Happy birthday" }, { name: "gclid", value: "" }], { clickIds: {}, cookies: {} }],
    ["first value wins", [{ name: "gclid", value: "one" }, { name: "gclid", value: "two" }], { clickIds: { gclid: "one" }, cookies: {} }],
  ])("%s", (_name, attributes, expected) => {
    expect(parseNoteAttributes(attributes)).toEqual(expected);
  });
});

describe("parseShopifyTime", () => {
  test.each<[string | null, number | null]>([
    ["2025-03-14T10:22:31-04:00", 1741962151000],
    ["2025-03-14T14:22:31Z", 1741962151000],
    ["2025-03-19T21:10:00+09:00", 1742386200000],
    ["nope", null],
    ["", null],
    [null, null],
  ])("%j → %j", (value, expected) => {
    expect(parseShopifyTime(value)).toBe(expected);
  });
});

describe("diffOrderVersions (native post-purchase upsell edits the same order)", () => {
  const original = factsOf(buildOnlineOrder());
  const edited = factsOf(buildPostPurchaseEditedOrder());

  test("the accepted offer is the added line and value", () => {
    expect(diffOrderVersions(original, edited)).toEqual({
      isNewer: true,
      addedLines: [{ line: edited.lineItems[1], addedQuantity: 1 }],
      addedValue: usdEur("18.00", "16.56"),
      totalDelta: usdEur("18.00", "16.56"),
    });
    expect(edited.lineItems[1]?.title).toBe("Trail Socks");
    expect(edited.orderId).toBe(original.orderId);
  });

  test("an older redelivery is not newer and adds nothing", () => {
    expect(diffOrderVersions(edited, original)).toEqual({
      isNewer: false,
      addedLines: [],
      addedValue: null,
      totalDelta: usdEur("-18.00", "-16.56"),
    });
  });

  test("a quantity increase counts the extra units only", () => {
    const more = factsOf(
      buildOnlineOrder({
        updated_at: "2025-03-14T11:00:00-04:00",
        line_items: [{ ...buildOnlineOrder().line_items[0]!, quantity: 3, current_quantity: 3 }],
      }),
    );
    const diff = diffOrderVersions(original, more);
    expect([diff.addedLines.map((a) => a.addedQuantity), diff.addedValue]).toEqual([[2], usdEur("260.00", "239.20")]);
  });
});
