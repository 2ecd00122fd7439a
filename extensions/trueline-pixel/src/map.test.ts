import { describe, expect, test } from "vitest";
import { cartToken, customName, idTail, mapEvent, redact, type ShopifyEvent } from "./map";

const NOW = Date.UTC(2026, 4, 1, 12, 0, 0); // 2026-05-01T12:00:00.000Z

const context = (href: string) => ({
  document: { location: { href }, referrer: "https://l.facebook.com/", title: "Linen Shirt – Trueline Demo" },
});

const variant = {
  id: "gid://shopify/ProductVariant/44556677",
  sku: "LS-BLUE-M",
  title: "Blue / M",
  untranslatedTitle: "Blue / M",
  price: { amount: 39.9, currencyCode: "EUR" },
  product: { id: "gid://shopify/Product/112233", title: "Chemise en lin", untranslatedTitle: "Linen Shirt" },
};

const checkout = {
  token: "c1-7a6b5c4d3e2f",
  email: "Jane.Doe@Example.com",
  phone: "+33 6 12 34 56 78",
  currencyCode: "EUR",
  totalPrice: { amount: 84.80000000000001, currencyCode: "EUR" },
  lineItems: [
    { quantity: 2, variant },
    { quantity: 1, variant: null },
  ],
  order: { id: "gid://shopify/OrderIdentity/5912345678901", customer: { id: "gid://shopify/Customer/777" } },
};

function ev(name: string, data: ShopifyEvent["data"], extra: Partial<ShopifyEvent> = {}): ShopifyEvent {
  return {
    id: `sh-${name}`,
    name,
    type: "standard",
    clientId: "client-1",
    timestamp: "2026-05-01T11:59:58.123+02:00",
    context: context("https://shop.example/products/linen-shirt?variant=44556677"),
    data,
    ...extra,
  };
}

const base = {
  timestamp: "2026-05-01T09:59:58.123Z",
  url: "https://shop.example/products/linen-shirt?variant=44556677",
  referrer: "https://l.facebook.com/",
  title: "Linen Shirt – Trueline Demo",
};
const linen = { productId: "112233", variantId: "44556677", sku: "LS-BLUE-M", title: "Linen Shirt", price: 39.9 };

describe("mapEvent", () => {
  test("page_viewed: page context, customer and cart from the init snapshot", () => {
    expect(
      mapEvent(ev("page_viewed", {}), { customerId: "gid://shopify/Customer/777", cartId: "gid://shopify/Cart/hWN1?key=s3cr3t" }, NOW),
    ).toEqual({ id: "sh-page_viewed", name: "page_viewed", ...base, customerId: "777", cartToken: "hWN1" });
  });

  test("product_viewed: one product, informational value/currency", () => {
    expect(mapEvent(ev("product_viewed", { productVariant: variant }), {}, NOW)).toEqual({
      id: "sh-product_viewed",
      name: "product_viewed",
      ...base,
      value: 39.9,
      currency: "EUR",
      products: [linen],
    });
  });

  test("product_added_to_cart: line quantity and line total", () => {
    const data = { cartLine: { quantity: 2, merchandise: variant, cost: { totalAmount: { amount: 79.8, currencyCode: "EUR" } } } };
    expect(mapEvent(ev("product_added_to_cart", data), {}, NOW)).toEqual({
      id: "sh-product_added_to_cart",
      name: "product_added_to_cart",
      ...base,
      value: 79.8,
      currency: "EUR",
      products: [{ ...linen, quantity: 2 }],
    });
  });

  test("cart_viewed: cart token from the event's cart id wins over the init snapshot", () => {
    const data = {
      cart: { id: "gid://shopify/Cart/Z2NwLXVz?key=abc", cost: { totalAmount: { amount: 39.9, currencyCode: "EUR" } }, lines: [{ quantity: 1, merchandise: variant }] },
    };
    expect(mapEvent(ev("cart_viewed", data), { cartId: "gid://shopify/Cart/older" }, NOW)).toEqual({
      id: "sh-cart_viewed",
      name: "cart_viewed",
      ...base,
      cartToken: "Z2NwLXVz",
      value: 39.9,
      currency: "EUR",
      products: [{ ...linen, quantity: 1 }],
    });
  });

  test("checkout_completed: join keys, numeric order id, rounded money, contact data", () => {
    expect(mapEvent(ev("checkout_completed", { checkout }), {}, NOW)).toEqual({
      id: "sh-checkout_completed",
      name: "checkout_completed",
      ...base,
      checkoutToken: "c1-7a6b5c4d3e2f",
      orderId: "5912345678901",
      customerId: "777",
      email: "Jane.Doe@Example.com",
      phone: "+33 6 12 34 56 78",
      value: 84.8,
      currency: "EUR",
      products: [{ ...linen, quantity: 2 }],
    });
  });

  test("checkout phone falls back to the SMS marketing phone, then the shipping address", () => {
    const sms = { ...checkout, phone: null, smsMarketingPhone: "+15145550100" };
    expect(mapEvent(ev("checkout_started", { checkout: sms }), {}, NOW)?.phone).toBe("+15145550100");
    const ship = { ...checkout, phone: null, shippingAddress: { phone: "+15145550199" } };
    expect(mapEvent(ev("checkout_started", { checkout: ship }), {}, NOW)?.phone).toBe("+15145550199");
  });

  test("search_submitted, collection_viewed, alert_displayed, ui_extension_errored", () => {
    expect(
      mapEvent(ev("search_submitted", { searchResult: { query: "linen", productVariants: [variant] } }), {}, NOW),
    ).toEqual({ id: "sh-search_submitted", name: "search_submitted", ...base, searchQuery: "linen", products: [linen] });
    expect(mapEvent(ev("collection_viewed", { collection: { productVariants: [variant, null] } }), {}, NOW)).toEqual({
      id: "sh-collection_viewed",
      name: "collection_viewed",
      ...base,
      products: [linen],
    });
    expect(
      mapEvent(ev("alert_displayed", { alert: { type: "DISCOUNT_ERROR", message: "Code expired" } }), {}, NOW),
    ).toEqual({ id: "sh-alert_displayed", name: "alert_displayed", ...base, alert: { type: "DISCOUNT_ERROR", message: "Code expired" } });
    expect(
      mapEvent(ev("ui_extension_errored", { error: { type: "EXTENSION_USAGE_ERROR", message: "boom" } }), {}, NOW),
    ).toEqual({
      id: "sh-ui_extension_errored",
      name: "ui_extension_errored",
      ...base,
      alert: { type: "EXTENSION_USAGE_ERROR", message: "boom" },
    });
  });

  test("custom events: sanitised name, scalar customData, nested values as JSON text", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const custom = ev("quiz completed!", null, {
      type: "custom",
      customData: { score: 7, passed: true, note: "x".repeat(600), nested: { a: [1] }, none: null, inf: Infinity, loop: circular, [`k${"y".repeat(64)}`]: 1 },
    });
    expect(mapEvent(custom, {}, NOW)).toEqual({
      id: "sh-quiz completed!",
      name: "custom:quiz_completed_",
      ...base,
      customData: { score: 7, passed: true, note: "x".repeat(512), nested: '{"a":[1]}', none: null, inf: null, loop: null },
    });
  });

  test("drops what the contract cannot carry; repairs bad values instead of sinking the event", () => {
    expect(mapEvent(ev("clicked", {}), {}, NOW)).toBeUndefined();
    expect(mapEvent({ ...ev("page_viewed", {}), id: "" }, {}, NOW)).toBeUndefined();
    expect(mapEvent(ev("", null, { type: "custom" }), {}, NOW)).toBeUndefined();
    const odd = ev(
      "product_viewed",
      { productVariant: { ...variant, price: { amount: -1, currencyCode: "euro" } } },
      { timestamp: "yesterday", context: null },
    );
    expect(mapEvent(odd, {}, NOW)).toEqual({
      id: "sh-product_viewed",
      name: "product_viewed",
      timestamp: "2026-05-01T12:00:00.000Z",
      products: [{ productId: "112233", variantId: "44556677", sku: "LS-BLUE-M", title: "Linen Shirt" }],
    });
  });

  test("caps products at 50", () => {
    const many = Array.from({ length: 60 }, () => variant);
    expect(mapEvent(ev("collection_viewed", { collection: { productVariants: many } }), {}, NOW)?.products).toHaveLength(50);
  });
});

describe("redact", () => {
  const e = {
    id: "1",
    name: "checkout_contact_info_submitted",
    timestamp: "2026-05-01T09:59:58.123Z",
    url: "https://shop.example/checkouts/cn/c1?fbclid=AbC&step=contact",
    referrer: "https://shop.example/?gclid=G1",
    email: "a@b.co",
    phone: "+15145550100",
  };
  test("without marketing: no email/phone, click ids removed from URLs", () => {
    expect(redact(e, false)).toEqual({
      id: "1",
      name: "checkout_contact_info_submitted",
      timestamp: "2026-05-01T09:59:58.123Z",
      url: "https://shop.example/checkouts/cn/c1?step=contact",
      referrer: "https://shop.example/",
    });
  });
  test("with marketing: unchanged", () => {
    expect(redact(e, true)).toBe(e);
  });
});

describe("id helpers", () => {
  test("idTail, cartToken, customName", () => {
    expect(idTail("gid://shopify/OrderIdentity/5912345678901")).toBe("5912345678901");
    expect(idTail("5912345678901")).toBe("5912345678901");
    expect(idTail("no-digits-here")).toBe("no-digits-here");
    expect(idTail("")).toBeUndefined();
    expect(cartToken("gid://shopify/Cart/c1-abc?key=k")).toBe("c1-abc");
    expect(cartToken("c1-abc")).toBe("c1-abc");
    expect(cartToken(null)).toBeUndefined();
    expect(customName("a".repeat(80))).toBe(`custom:${"a".repeat(64)}`);
    expect(customName(42)).toBeUndefined();
  });
});
