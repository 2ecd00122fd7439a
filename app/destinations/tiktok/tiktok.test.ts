import { describe, expect, test } from "vitest";
import { buildContext, buildConversion } from "../testing/factory";
import { buildCases, CONFIG, RAW_PII, responseCases } from "./cases";
import { TikTokConfigSchema } from "./config";
import { tiktok } from "./index";

describe("tiktok.buildRequest", () => {
  test.each(buildCases)("$name", ({ events, config, ctx, expected }) => {
    expect(tiktok.buildRequest(events, config, ctx)).toEqual(expected);
  });

  test("no raw personal data in the serialised request", () => {
    const result = tiktok.buildRequest([buildConversion()], CONFIG, buildContext());
    const text = JSON.stringify(result);
    for (const raw of RAW_PII) expect(text).not.toContain(raw);
  });
});

describe("tiktok.classifyResponse", () => {
  test.each(responseCases)("$name", ({ response, eventCount, expected }) => {
    expect(tiktok.classifyResponse(response, eventCount ?? 1)).toEqual(expected);
  });
});

describe("tiktok.eventName", () => {
  test.each([
    ["page_view", "Pageview"],
    ["view_content", "ViewContent"],
    ["search", "Search"],
    ["add_to_cart", "AddToCart"],
    ["initiate_checkout", "InitiateCheckout"],
    ["add_payment_info", "AddPaymentInfo"],
    ["purchase", "Purchase"],
    ["refund", null],
    ["cancel", null],
  ] as const)("%s → %s", (name, expected) => {
    expect(tiktok.eventName(name)).toBe(expected);
  });
});

describe("TikTokConfigSchema", () => {
  const token = "tt-test-0123456789abcdef0123456789abcdef";

  test("accepts a settings form with defaults; an empty test code is absent", () => {
    expect(TikTokConfigSchema.parse({ pixelCode: " C4ABCDEF12345678 ", accessToken: token, testEventCode: " " })).toEqual({
      pixelCode: "C4ABCDEF12345678",
      accessToken: token,
      purchaseEventName: "Purchase",
      contentIdSource: "variant",
    });
  });

  test("keeps explicit choices", () => {
    expect(
      TikTokConfigSchema.parse({
        pixelCode: "C4ABCDEF12345678",
        accessToken: token,
        testEventCode: "TEST54321",
        purchaseEventName: "CompletePayment",
        contentIdSource: "sku",
      }),
    ).toEqual({
      pixelCode: "C4ABCDEF12345678",
      accessToken: token,
      testEventCode: "TEST54321",
      purchaseEventName: "CompletePayment",
      contentIdSource: "sku",
    });
  });

  test.each([
    ["empty", {}],
    ["pixel code with symbols", { pixelCode: "C4AB-CDEF", accessToken: token }],
    ["short token", { pixelCode: "C4ABCDEF12345678", accessToken: "abc" }],
    ["unknown purchase event", { pixelCode: "C4ABCDEF12345678", accessToken: token, purchaseEventName: "Checkout" }],
  ])("rejects %s", (_label, input) => {
    expect(TikTokConfigSchema.safeParse(input).success).toBe(false);
  });
});
