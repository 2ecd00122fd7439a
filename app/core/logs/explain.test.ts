import { describe, expect, it } from "vitest";
import { matchHeadline, parseExplanation, readClickIds } from "./explain";

describe("order explanation", () => {
  it("headline per status, naming the method in words", () => {
    expect(matchHeadline("matched", "checkout_token")).toBe("Matched to the visit that placed it: the storefront saw this order's checkout.");
    expect(matchHeadline("profile_only", "email_hash")).toMatch(/buyer is known.*hashed\) email/);
    expect(matchHeadline("unmatched", null)).toMatch(/^Not matched/);
    expect(matchHeadline("pending", null)).toMatch(/^Not reconciled yet/);
    expect(matchHeadline("matched", "new_method")).toContain("new method");
  });
  it("reads stored sentences defensively", () => {
    expect(parseExplanation('["One.","", 3, "Two."]')).toEqual(["One.", "Two."]);
    expect(parseExplanation("not json")).toEqual([]);
    expect(parseExplanation('{"a":1}')).toEqual([]);
  });
  it("reads click ids in both stored shapes", () => {
    expect(readClickIds('{"fbclid":"IwAR0x"}')).toEqual([{ key: "fbclid", value: "IwAR0x" }]);
    expect(readClickIds('{"clickIds":{"gclid":{"value":"Cj0","at":1}},"cookies":{}}')).toEqual([{ key: "gclid", value: "Cj0" }]);
    expect(readClickIds(null)).toEqual([]);
    expect(readClickIds("nope")).toEqual([]);
  });
});
