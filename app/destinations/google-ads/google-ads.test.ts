import { describe, expect, test } from "vitest";
import { CANONICAL_EVENT_NAMES } from "~/core/conversions/conversion";
import { buildContext, buildConversion, buildConversionBatch } from "../testing/factory";
import { buildCases, CONFIG, RAW_PII, responseCases } from "./cases";
import { googleAds } from "./index";

describe("googleAds.buildRequest", () => {
  test.each(buildCases)("$name", ({ events, config, ctx, expected }) => {
    expect(googleAds.buildRequest(events, config, ctx)).toEqual(expected);
  });

  test("the serialised request holds no raw email, phone or name", () => {
    const serialised = JSON.stringify(googleAds.buildRequest([buildConversion()], CONFIG, buildContext()));
    for (const raw of RAW_PII) expect(serialised).not.toContain(raw);
  });

  test("more events than maxBatchSize are refused, not split", () => {
    expect(googleAds.buildRequest(buildConversionBatch(2), CONFIG, buildContext())).toEqual({
      kind: "skip",
      reason: "batch of 2 exceeds 1",
    });
    expect(googleAds.buildRequest([], CONFIG, buildContext())).toEqual({ kind: "skip", reason: "no events" });
  });
});

describe("googleAds.classifyResponse", () => {
  test.each(responseCases)("$name", ({ response, eventCount, expected }) => {
    expect(googleAds.classifyResponse(response, eventCount ?? 1)).toEqual(expected);
  });
});

describe("googleAds.eventName", () => {
  test("only purchases have a Google Ads conversion", () => {
    expect(Object.fromEntries(CANONICAL_EVENT_NAMES.map((n) => [n, googleAds.eventName(n)]))).toEqual({
      page_view: null,
      view_content: null,
      search: null,
      add_to_cart: null,
      initiate_checkout: null,
      add_payment_info: null,
      purchase: "purchase",
      refund: null,
      cancel: null,
    });
  });
});

describe("googleAds.configSchema", () => {
  test("accepts the ids as the Ads UI shows them and fills defaults", () => {
    expect(
      googleAds.configSchema.parse({
        customerId: " 123-456-7890 ",
        conversionActionId: "987654321",
        loginCustomerId: "",
        developerToken: "dev",
        accessToken: "ya29.x",
      }),
    ).toEqual({
      customerId: "1234567890",
      conversionActionId: "987654321",
      loginCustomerId: undefined,
      developerToken: "dev",
      accessToken: "ya29.x",
      enhancedConversions: true,
    });
  });

  test.each([
    ["empty", {}],
    ["short customer id", { customerId: "12345", conversionActionId: "1", developerToken: "d", accessToken: "a" }],
    ["action id not a number", { customerId: "1234567890", conversionActionId: "Purchase", developerToken: "d", accessToken: "a" }],
    ["no tokens", { customerId: "1234567890", conversionActionId: "1", developerToken: "", accessToken: "" }],
    [
      "bad manager id",
      { customerId: "1234567890", conversionActionId: "1", loginCustomerId: "12", developerToken: "d", accessToken: "a" },
    ],
  ])("rejects %s", (_name, input) => {
    expect(googleAds.configSchema.safeParse(input).success).toBe(false);
  });

  test("tokens are secret fields", () => {
    expect(googleAds.secretFields).toEqual(["developerToken", "accessToken"]);
  });
});
