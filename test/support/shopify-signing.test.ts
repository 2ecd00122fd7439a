import { describe, expect, it } from "vitest";
import { proxySignature } from "./shopify-signing";

describe("proxySignature", () => {
  // Test vector computed and accepted by @shopify/shopify-api validateHmac (docs/platform/shopify.md, "Proxy signature").
  it("reproduces the known vector, repeated keys joined with commas", () => {
    const params = new URLSearchParams("extra=1&extra=2&shop=some-shop.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555");
    expect(proxySignature(params, "hush")).toBe("5e2178f38200aed046f7944c03c410698b34595edb3968b0e3ab8d4db12f142f");
  });
});
