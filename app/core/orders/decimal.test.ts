import { describe, expect, test } from "vitest";
import {
  addAmounts,
  compareAmounts,
  currencyDecimals,
  formatMinorUnits,
  isDecimalString,
  isZeroAmount,
  normaliseAmount,
  parseMinorUnits,
  scaleMinorUnits,
  subtractAmount,
} from "./decimal";

describe("currencyDecimals", () => {
  test.each([
    ["USD", 2],
    ["EUR", 2],
    ["JPY", 0],
    ["KRW", 0],
    ["VND", 0],
    ["CLP", 0],
    ["ISK", 0],
    ["KWD", 3],
    ["BHD", 3],
    ["TND", 3],
    ["CLF", 4],
    ["jpy", 0],
    ["XYZ", 2],
  ])("%s → %i", (currency, decimals) => {
    expect(currencyDecimals(currency)).toBe(decimals);
  });
});

describe("parseMinorUnits", () => {
  test.each<[string, string, bigint | null]>([
    ["127.44", "USD", 12744n],
    ["0.05", "USD", 5n],
    ["10", "USD", 1000n],
    ["10.5", "USD", 1050n],
    ["1500", "JPY", 1500n],
    ["1500.00", "JPY", 1500n],
    ["1.250", "KWD", 1250n],
    ["1.25", "KWD", 1250n],
    ["-12.00", "USD", -1200n],
    ["10.005", "USD", 1001n], // half away from zero
    ["10.004", "USD", 1000n],
    ["-10.005", "USD", -1001n],
    ["1499.5", "JPY", 1500n],
    [" 3.10 ", "USD", 310n],
    ["1e3", "USD", null],
    ["1,000.00", "USD", null],
    ["", "USD", null],
    ["abc", "USD", null],
    ["12.", "USD", null],
  ])("%j %s → %s", (amount, currency, expected) => {
    expect(parseMinorUnits(amount, currency)).toBe(expected);
  });
});

describe("formatMinorUnits", () => {
  test.each<[bigint, string, string]>([
    [12744n, "USD", "127.44"],
    [5n, "USD", "0.05"],
    [0n, "USD", "0.00"],
    [-5n, "USD", "-0.05"],
    [1500n, "JPY", "1500"],
    [0n, "JPY", "0"],
    [1250n, "KWD", "1.250"],
    [7n, "KWD", "0.007"],
    [123456789012345678901234567890n, "USD", "1234567890123456789012345678.90"],
  ])("%s %s → %s", (minor, currency, expected) => {
    expect(formatMinorUnits(minor, currency)).toBe(expected);
  });
});

describe("arithmetic", () => {
  test("adds without float drift (0.1 + 0.2 is 0.30, not 0.30000000000000004)", () => {
    expect(addAmounts(["0.1", "0.2"], "USD")).toBe("0.30");
  });
  test("adds many amounts", () => {
    expect(addAmounts(["19.99", "19.99", "19.99", "0.03"], "USD")).toBe("60.00");
  });
  test("adds JPY without decimals, even when Shopify writes .00", () => {
    expect(addAmounts(["4500", "4500.00", "800"], "JPY")).toBe("9800");
  });
  test("empty sum is zero", () => {
    expect(addAmounts([], "KWD")).toBe("0.000");
  });
  test("subtracts", () => {
    expect(subtractAmount("145.44", "127.44", "USD")).toBe("18.00");
    expect(subtractAmount("10.00", "12.50", "USD")).toBe("-2.50");
  });
  test.each<[string, string, string, -1 | 0 | 1]>([
    ["10", "10.00", "USD", 0],
    ["9.99", "10.00", "USD", -1],
    ["100.01", "100", "USD", 1],
    ["1500", "1500.00", "JPY", 0],
  ])("compare %s vs %s %s → %i", (a, b, currency, expected) => {
    expect(compareAmounts(a, b, currency)).toBe(expected);
  });
  test("normalises to the currency's digits", () => {
    expect(normaliseAmount("10", "USD")).toBe("10.00");
    expect(normaliseAmount("1500.00", "JPY")).toBe("1500");
    expect(normaliseAmount("1.5", "KWD")).toBe("1.500");
  });
  test("zero check", () => {
    expect(isZeroAmount("0.00", "USD")).toBe(true);
    expect(isZeroAmount("0.01", "USD")).toBe(false);
  });
  test("malformed amount is a bug and throws", () => {
    expect(() => addAmounts(["1e3"], "USD")).toThrow(RangeError);
  });
  test("isDecimalString", () => {
    expect(isDecimalString("-1.50")).toBe(true);
    expect(isDecimalString("1.5e2")).toBe(false);
  });
});

describe("scaleMinorUnits", () => {
  test.each<[bigint, bigint, bigint, bigint]>([
    // 55.20 EUR at 127.44 USD / 117.24 EUR: 5520*12744/11724 = 6000.24... → 6000
    [5520n, 12744n, 11724n, 6000n],
    [1n, 1n, 2n, 1n], // 0.5 rounds away from zero
    [-1n, 1n, 2n, -1n],
    [3n, 1n, 3n, 1n],
    [10n, 0n, 7n, 0n],
  ])("%s × %s / %s → %s", (value, num, den, expected) => {
    expect(scaleMinorUnits(value, num, den)).toBe(expected);
  });
  test("zero denominator throws", () => {
    expect(() => scaleMinorUnits(1n, 1n, 0n)).toThrow(RangeError);
  });
});
