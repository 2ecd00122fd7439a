import { describe, expect, it } from "vitest";
import { decodeConsentBits, encodeConsentBits } from "./bits";

describe("consent bits", () => {
  it("encodes analytics, marketing, preferences, sale of data in that order", () => {
    expect(encodeConsentBits({ analytics: true, marketing: false, preferences: true, saleOfData: false })).toBe("1010");
    expect(encodeConsentBits({ analytics: false, marketing: true, preferences: false, saleOfData: true })).toBe("0101");
  });

  it("decodes what it encodes (preferences is not a conversion concern)", () => {
    for (let n = 0; n < 16; n++) {
      const flags = { analytics: !!(n & 8), marketing: !!(n & 4), preferences: !!(n & 2), saleOfData: !!(n & 1) };
      expect(decodeConsentBits(encodeConsentBits(flags))).toEqual({ analytics: flags.analytics, marketing: flags.marketing, saleOfData: flags.saleOfData });
    }
  });

  it.each([null, undefined, "", "1", "101", "11111", "1a01", "1 01"])("unreadable bits %j decode to null", (bits) => {
    expect(decodeConsentBits(bits)).toBeNull();
  });
});
