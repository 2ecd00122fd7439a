import { describe, expect, test } from "vitest";
import { buildContext, buildConversion } from "../testing/factory";
import { buildCases, CONFIG, RAW_PII, responseCases } from "./cases";
import { MetaConfigSchema } from "./config";
import { meta } from "./index";

describe("meta.buildRequest", () => {
  test.each(buildCases)("$name", ({ events, config, ctx, expected }) => {
    expect(meta.buildRequest(events, config, ctx)).toEqual(expected);
  });

  test("no raw personal data in the serialised request", () => {
    const result = meta.buildRequest([buildConversion()], CONFIG, buildContext());
    const text = JSON.stringify(result);
    for (const raw of RAW_PII) expect(text).not.toContain(raw);
  });
});

describe("meta.classifyResponse", () => {
  test.each(responseCases)("$name", ({ response, eventCount, expected }) => {
    expect(meta.classifyResponse(response, eventCount ?? 1)).toEqual(expected);
  });
});

describe("meta.eventName", () => {
  test.each([
    ["page_view", "PageView"],
    ["view_content", "ViewContent"],
    ["search", "Search"],
    ["add_to_cart", "AddToCart"],
    ["initiate_checkout", "InitiateCheckout"],
    ["add_payment_info", "AddPaymentInfo"],
    ["purchase", "Purchase"],
    ["refund", null],
    ["cancel", null],
  ] as const)("%s → %s", (name, expected) => {
    expect(meta.eventName(name)).toBe(expected);
  });
});

describe("MetaConfigSchema", () => {
  const token = "EAABsbCS1iHgBO7ZCZAtestTOKENnotREAL0123456789";

  test("accepts a settings form, trims, defaults contentIdSource, drops an empty test code", () => {
    expect(
      MetaConfigSchema.parse({ pixelId: " 123456789012345 ", accessToken: ` ${token} `, testEventCode: "" }),
    ).toEqual({ pixelId: "123456789012345", accessToken: token, contentIdSource: "variant" });
  });

  test("keeps a test event code", () => {
    expect(MetaConfigSchema.parse({ pixelId: "123456789012345", accessToken: token, testEventCode: "TEST12345" })).toEqual({
      pixelId: "123456789012345",
      accessToken: token,
      testEventCode: "TEST12345",
      contentIdSource: "variant",
    });
  });

  test.each([
    ["empty", {}],
    ["pixel id with letters", { pixelId: "pixel-123", accessToken: token }],
    ["short token", { pixelId: "123456789012345", accessToken: "abc" }],
    ["token with a space", { pixelId: "123456789012345", accessToken: `${token} x` }],
    ["unknown content id source", { pixelId: "123456789012345", accessToken: token, contentIdSource: "gtin" }],
  ])("rejects %s", (_label, input) => {
    expect(MetaConfigSchema.safeParse(input).success).toBe(false);
  });
});
