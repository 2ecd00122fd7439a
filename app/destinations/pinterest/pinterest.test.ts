import { describe, expect, test } from "vitest";
import { CANONICAL_EVENT_NAMES } from "~/core/conversions/conversion";
import { buildContext, buildConversion, buildConversionBatch } from "../testing/factory";
import { buildCases, CONFIG, RAW_PII, responseCases } from "./cases";
import { pinterest } from "./index";

describe("pinterest.buildRequest", () => {
  test.each(buildCases)("$name", ({ events, config, ctx, expected }) => {
    expect(pinterest.buildRequest(events, config, ctx)).toEqual(expected);
  });

  test("the serialised request holds no raw email, phone, name or city", () => {
    const serialised = JSON.stringify(pinterest.buildRequest([buildConversion()], CONFIG, buildContext()));
    for (const raw of RAW_PII) expect(serialised).not.toContain(raw);
  });

  test("a full batch of 1,000 is accepted; 1,001 is refused, not split", () => {
    const full = pinterest.buildRequest(buildConversionBatch(1000), CONFIG, buildContext());
    expect(full.kind === "request" && (full.request.body as { data: unknown[] }).data.length).toBe(1000);
    expect(pinterest.buildRequest(buildConversionBatch(1001), CONFIG, buildContext())).toEqual({
      kind: "skip",
      reason: "batch of 1001 exceeds 1000",
    });
    expect(pinterest.buildRequest([], CONFIG, buildContext())).toEqual({ kind: "skip", reason: "no events" });
  });
});

describe("pinterest.classifyResponse", () => {
  test.each(responseCases)("$name", ({ response, eventCount, expected }) => {
    expect(pinterest.classifyResponse(response, eventCount ?? 1)).toEqual(expected);
  });
});

describe("pinterest.eventName", () => {
  test("follows the cross-platform mapping (docs/platform/ad-platforms.md)", () => {
    expect(Object.fromEntries(CANONICAL_EVENT_NAMES.map((n) => [n, pinterest.eventName(n)]))).toEqual({
      page_view: "page_visit",
      view_content: "page_visit",
      search: "search",
      add_to_cart: "add_to_cart",
      initiate_checkout: "custom",
      add_payment_info: "add_payment_info",
      purchase: "checkout",
      refund: null,
      cancel: null,
    });
  });
});

describe("pinterest.configSchema", () => {
  test("fills the content id default", () => {
    expect(pinterest.configSchema.parse({ adAccountId: " 549755885175 ", accessToken: "pina_x" })).toEqual({
      adAccountId: "549755885175",
      accessToken: "pina_x",
      contentIdSource: "variant",
    });
  });

  test.each([
    ["empty", {}],
    ["non-numeric account", { adAccountId: "acct-1", accessToken: "t" }],
    ["19-digit account", { adAccountId: "1234567890123456789", accessToken: "t" }],
    ["blank token", { adAccountId: "549755885175", accessToken: " " }],
    ["token with spaces", { adAccountId: "549755885175", accessToken: "Bearer pina_x" }],
  ])("rejects %s", (_name, input) => {
    expect(pinterest.configSchema.safeParse(input).success).toBe(false);
  });

  test("the token is a secret field", () => {
    expect(pinterest.secretFields).toEqual(["accessToken"]);
  });
});
