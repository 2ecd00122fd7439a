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
    expect(storefrontConversion({ ...base, name: "custom:wishlist" })).toBeNull();
  });
  it("prefers the Shopify customer id as external id", () => {
    expect(storefrontConversion({ ...base, name: "page_viewed", customerId: "730" })?.user.externalId).toBe("730");
  });
});
