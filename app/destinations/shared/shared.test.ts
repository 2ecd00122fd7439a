import { describe, expect, test } from "vitest";
import type { ConversionContent } from "~/core/conversions/conversion";
import { buildConversion } from "../../../test/destinations/factory";
import { dropUndefined, nonEmpty } from "./compact";
import { contentId } from "./contents";
import { decimalToNumber, pickMoney, unitPrice } from "./money";
import { headerValue, retryAfterMs } from "./retry-after";
import { withBaseUrl } from "./url";

describe("withBaseUrl", () => {
  test.each<[string, string | undefined, string]>([
    ["https://graph.facebook.com/v24.0/1/events?access_token=t", undefined, "https://graph.facebook.com/v24.0/1/events?access_token=t"],
    ["https://graph.facebook.com/v24.0/1/events?access_token=t", "", "https://graph.facebook.com/v24.0/1/events?access_token=t"],
    ["https://graph.facebook.com/v24.0/1/events?access_token=t", "http://127.0.0.1:4010", "http://127.0.0.1:4010/v24.0/1/events?access_token=t"],
    ["https://graph.facebook.com/v24.0/1/events", "http://127.0.0.1:4010/", "http://127.0.0.1:4010/v24.0/1/events"],
    ["https://business-api.tiktok.com/open_api/v1.3/event/track/", "http://localhost:9000/tiktok", "http://localhost:9000/tiktok/open_api/v1.3/event/track/"],
    ["https://business-api.tiktok.com/open_api/v1.3/event/track/", "http://localhost:9000/tiktok//", "http://localhost:9000/tiktok/open_api/v1.3/event/track/"],
  ])("%s + %j → %s", (endpoint, override, expected) => {
    expect(withBaseUrl(endpoint, override)).toBe(expected);
  });
});

describe("money", () => {
  test.each<[string | undefined, number | undefined]>([
    ["142.52", 142.52],
    ["1500", 1500],
    [" 0.10 ", 0.1],
    ["0", 0],
    ["-5.00", undefined], // refunds are not sent as negative values
    ["1e3", undefined],
    ["12,50", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("decimalToNumber(%j) → %j", (raw, expected) => {
    expect(decimalToNumber(raw)).toBe(expected);
  });

  test("pickMoney follows ctx.currency", () => {
    const conversion = buildConversion();
    expect(pickMoney(conversion, "shop")).toEqual({ amount: "142.52", currency: "USD" });
    expect(pickMoney(conversion, "presentment")).toEqual({ amount: "131.10", currency: "EUR" });
    expect(pickMoney(buildConversion({ value: undefined }), "shop")).toBeUndefined();
  });

  test("unitPrice follows ctx.currency", () => {
    const item: ConversionContent = { id: "1", quantity: 1, price: { shop: "21.26", presentment: "19.55" } };
    expect(unitPrice(item, "shop")).toBe(21.26);
    expect(unitPrice(item, "presentment")).toBe(19.55);
    expect(unitPrice({ id: "1", quantity: 1 }, "shop")).toBeUndefined();
  });
});

describe("contentId", () => {
  const full: ConversionContent = { id: "8123", variantId: "45123", sku: "TEE-M", quantity: 1 };
  test.each<[ConversionContent, "variant" | "product" | "sku", string]>([
    [full, "variant", "45123"],
    [full, "product", "8123"],
    [full, "sku", "TEE-M"],
    [{ id: "8123", quantity: 1 }, "variant", "8123"],
    [{ id: "8123", variantId: "45123", sku: " ", quantity: 1 }, "sku", "45123"],
    [{ id: "8123", quantity: 1 }, "sku", "8123"],
  ])("%j with %s → %s", (content, source, expected) => {
    expect(contentId(content, source)).toBe(expected);
  });
});

describe("retryAfterMs", () => {
  test.each<[Record<string, string>, number | undefined]>([
    [{}, undefined],
    [{ "retry-after": "30" }, 30_000],
    [{ "Retry-After": "0" }, 0],
    [{ "RETRY-AFTER": " 5 " }, 5_000],
    [{ "retry-after": "999999999" }, 86_400_000], // capped at one day
    [{ "retry-after": "Wed, 12 Nov 2025 00:01:30 GMT", date: "Wed, 12 Nov 2025 00:00:00 GMT" }, 90_000],
    [{ "retry-after": "Wed, 12 Nov 2025 00:00:00 GMT", Date: "Wed, 12 Nov 2025 00:01:30 GMT" }, 0], // already past
    [{ "retry-after": "Wed, 12 Nov 2025 00:01:30 GMT" }, undefined], // no Date header: no clock to compare with
    [{ "retry-after": "soon" }, undefined],
    [{ "retry-after": "-1" }, undefined],
  ])("%j → %j", (headers, expected) => {
    expect(retryAfterMs(headers)).toBe(expected);
  });

  test("headerValue is case-insensitive", () => {
    expect(headerValue({ "Content-Type": "application/json" }, "content-type")).toBe("application/json");
    expect(headerValue({}, "content-type")).toBeUndefined();
  });
});

describe("compact", () => {
  test("dropUndefined removes only undefined", () => {
    expect(Object.keys(dropUndefined({ a: 1, b: undefined, c: null, d: 0, e: "" }))).toEqual(["a", "c", "d", "e"]);
  });
  test.each<[string | undefined, string | undefined]>([
    [" x ", "x"],
    ["   ", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("nonEmpty(%j) → %j", (raw, expected) => {
    expect(nonEmpty(raw)).toBe(expected);
  });
});
