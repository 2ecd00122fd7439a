import { describe, expect, it } from "vitest";
import { storefrontConversion, type StoredStorefrontEvent } from "./storefront-conversion";

const base: StoredStorefrontEvent = {
  eventId: "sh-evt-1",
  name: "product_added_to_cart",
  occurredAt: 1_763_800_000_000,
  url: "https://shop.example.com/products/tee",
  userAgent: "Mozilla/5.0",
  ip: "203.0.113.9",
  customerId: null,
  profileId: "prof_1",
  consent: "1101",
  data: { products: [{ productId: "81", variantId: "451", price: 25, quantity: 2 }], value: 50, currency: "EUR" },
  identity: { clickIds: { fbclid: { value: "IwAR0x" }, twclid: { value: "tw" } }, cookies: { _fbp: "fb.1.1.2", _ga: "GA1.1.111.222" } },
};

describe("storefrontConversion", () => {
  it("maps an add to cart with click ids, cookies and the shopper's consent", () => {
    expect(storefrontConversion(base)).toEqual({
      eventId: "sh-evt-1",
      name: "add_to_cart",
      occurredAt: 1_763_800_000_000,
      actionSource: "website",
      sourceUrl: "https://shop.example.com/products/tee",
      value: { shop: { amount: "50.00", currency: "EUR" }, presentment: { amount: "50.00", currency: "EUR" } },
      contents: [{ id: "81", variantId: "451", sku: undefined, title: undefined, quantity: 2, price: { shop: "25.00", presentment: "25.00" } }],
      user: { userAgent: "Mozilla/5.0", ip: "203.0.113.9", externalId: "prof_1" },
      clickIds: { fbclid: "IwAR0x", twclid: "tw", fbp: "fb.1.1.2", gaClientId: "111.222" },
      consent: { analytics: true, marketing: true, saleOfData: true },
      isTest: false,
    });
  });
  it("never forwards checkout_completed (revenue comes from orders) or unknown events", () => {
    expect(storefrontConversion({ ...base, name: "checkout_completed" })).toBeNull();
    expect(storefrontConversion({ ...base, name: "alert_displayed" })).toBeNull();
    expect(storefrontConversion({ ...base, name: "checkout_contact_info_submitted" })).toBeNull();
  });
  it("forwards the storefront steps added in issue 13 under their canonical names", () => {
    const names = ["collection_viewed", "cart_viewed", "product_removed_from_cart", "checkout_shipping_info_submitted"].map((name) => storefrontConversion({ ...base, name })?.name);
    expect(names).toEqual(["view_item_list", "view_cart", "remove_from_cart", "add_shipping_info"]);
  });
  it("turns a custom event into a goal conversion named by each destination's mapping, with only the value it published", () => {
    const goal = storefrontConversion({ ...base, name: "custom:newsletter_signup", data: { customData: { value: 5, currency: "EUR", email: "x@example.com" } } });
    expect(goal?.goal).toEqual({ source: "newsletter_signup" });
    expect(goal?.eventId).toBe("sh-evt-1");
    expect(goal?.value).toEqual({ shop: { amount: "5.00", currency: "EUR" }, presentment: { amount: "5.00", currency: "EUR" } });
    expect(goal?.contents).toBeUndefined();
    expect(JSON.stringify(goal)).not.toContain("x@example.com");
    // A value without a currency (or a negative one) is not a value.
    expect(storefrontConversion({ ...base, name: "custom:quiz", data: { customData: { value: 5 } } })?.value).toBeUndefined();
    expect(storefrontConversion({ ...base, name: "custom:quiz", data: { customData: { value: -1, currency: "EUR" } } })?.value).toBeUndefined();
  });
  it("prefers the Shopify customer id as external id", () => {
    expect(storefrontConversion({ ...base, name: "page_viewed", customerId: "730" })?.user.externalId).toBe("730");
  });
});
