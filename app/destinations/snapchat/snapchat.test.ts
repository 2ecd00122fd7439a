import { describe, expect, test } from "vitest";
import { CANONICAL_EVENT_NAMES } from "~/core/conversions/conversion";
import { buildContext, buildConversion, buildConversionBatch } from "../testing/factory";
import { buildCases, CONFIG, RAW_PII, responseCases } from "./cases";
import { snapchat } from "./index";

describe("snapchat.buildRequest", () => {
  test.each(buildCases)("$name", ({ events, config, ctx, expected }) => {
    expect(snapchat.buildRequest(events, config, ctx)).toEqual(expected);
  });

  test("the serialised request holds no raw email, phone, name or city", () => {
    const serialised = JSON.stringify(snapchat.buildRequest([buildConversion()], CONFIG, buildContext()));
    for (const raw of RAW_PII) expect(serialised).not.toContain(raw);
  });

  test("more events than maxBatchSize are refused, not split", () => {
    expect(snapchat.buildRequest(buildConversionBatch(2001), CONFIG, buildContext())).toEqual({
      kind: "skip",
      reason: "batch of 2001 exceeds 2000",
    });
    expect(snapchat.buildRequest([], CONFIG, buildContext())).toEqual({ kind: "skip", reason: "no events" });
  });
});

describe("snapchat.classifyResponse", () => {
  test.each(responseCases)("$name", ({ response, eventCount, expected }) => {
    expect(snapchat.classifyResponse(response, eventCount ?? 1)).toEqual(expected);
  });
});

describe("snapchat.eventName", () => {
  test("uses Snap's upper-case enum", () => {
    expect(Object.fromEntries(CANONICAL_EVENT_NAMES.map((n) => [n, snapchat.eventName(n)]))).toEqual({
      page_view: "PAGE_VIEW",
      view_content: "VIEW_CONTENT",
      search: "SEARCH",
      add_to_cart: "ADD_CART",
      initiate_checkout: "START_CHECKOUT",
      add_payment_info: "ADD_BILLING",
      purchase: "PURCHASE",
      refund: null,
      cancel: null,
    });
  });
});

describe("snapchat.configSchema", () => {
  test("normalises the pixel id and fills defaults", () => {
    expect(
      snapchat.configSchema.parse({ pixelId: " 1EC32188-754E-4BE2-8E55-C949A984A39F ", accessToken: "tok" }),
    ).toEqual({ pixelId: "1ec32188-754e-4be2-8e55-c949a984a39f", accessToken: "tok", contentIdSource: "variant" });
  });

  test.each([
    ["empty", {}],
    ["pixel id not a UUID", { pixelId: "123456", accessToken: "t" }],
    ["blank token", { pixelId: "1ec32188-754e-4be2-8e55-c949a984a39f", accessToken: "" }],
  ])("rejects %s", (_name, input) => {
    expect(snapchat.configSchema.safeParse(input).success).toBe(false);
  });

  test("the token is a secret field; limits", () => {
    expect(snapchat.secretFields).toEqual(["accessToken"]);
    expect(snapchat.maxBatchSize).toBe(2000);
    expect(snapchat.maxEventAgeMs).toBe(37 * 86_400_000 - 600_000);
  });
});
