import { describe, expect, test } from "vitest";
import { CANONICAL_EVENT_NAMES } from "~/core/conversions/conversion";
import { buildContext, buildConversion, buildConversionBatch } from "../testing/factory";
import { buildCases, CONFIG, RAW_PII, responseCases } from "./cases";
import { ga4 } from "./index";

describe("ga4.buildRequest", () => {
  test.each(buildCases)("$name", ({ events, config, ctx, expected }) => {
    expect(ga4.buildRequest(events, config, ctx)).toEqual(expected);
  });

  test("the serialised request holds no raw email, phone or name", () => {
    const serialised = JSON.stringify(ga4.buildRequest([buildConversion()], CONFIG, buildContext()));
    for (const raw of RAW_PII) expect(serialised).not.toContain(raw);
  });

  test("more than one event is refused (GA4 requests are per visitor)", () => {
    expect(ga4.buildRequest(buildConversionBatch(2), CONFIG, buildContext())).toEqual({
      kind: "skip",
      reason: "batch of 2 exceeds 1 (one visitor per request)",
    });
    expect(ga4.buildRequest([], CONFIG, buildContext())).toEqual({ kind: "skip", reason: "no events" });
  });
});

describe("ga4.classifyResponse", () => {
  test.each(responseCases)("$name", ({ response, eventCount, expected }) => {
    expect(ga4.classifyResponse(response, eventCount ?? 1)).toEqual(expected);
  });
});

describe("ga4.eventName", () => {
  test("maps every canonical event to GA4's recommended name, or null", () => {
    expect(Object.fromEntries(CANONICAL_EVENT_NAMES.map((n) => [n, ga4.eventName(n)]))).toEqual({
      page_view: "page_view",
      view_content: "view_item",
      search: "search",
      add_to_cart: "add_to_cart",
      initiate_checkout: "begin_checkout",
      add_payment_info: "add_payment_info",
      purchase: "purchase",
      refund: "refund",
      cancel: null,
    });
  });
});

describe("ga4.configSchema", () => {
  test("fills defaults for region and content ids", () => {
    expect(ga4.configSchema.parse({ measurementId: " G-ABC123XYZ ", apiSecret: "s3cret" })).toEqual({
      measurementId: "G-ABC123XYZ",
      apiSecret: "s3cret",
      region: "global",
      contentIdSource: "variant",
    });
  });

  test.each([
    ["empty", {}],
    ["stream id instead of measurement id", { measurementId: "1234567890", apiSecret: "s" }],
    ["blank secret", { measurementId: "G-ABC123XYZ", apiSecret: "  " }],
    ["unknown region", { measurementId: "G-ABC123XYZ", apiSecret: "s", region: "us" }],
  ])("rejects %s", (_name, input) => {
    expect(ga4.configSchema.safeParse(input).success).toBe(false);
  });

  test("api secret is a secret field; limits match the protocol", () => {
    expect(ga4.secretFields).toEqual(["apiSecret"]);
    expect(ga4.maxBatchSize).toBe(1);
    expect(ga4.maxEventAgeMs).toBe(72 * 3_600_000 - 600_000);
  });
});
