import { describe, expect, it } from "vitest";
import { isWellFormed, wellFormed, wellFormedDeep } from "./well-formed";

describe("wellFormed", () => {
  it("replaces lone surrogates and strips NUL, keeps valid pairs", () => {
    expect(wellFormed("a\uD83Db")).toBe("a\uFFFDb");
    expect(wellFormed("a\uDE00b")).toBe("a\uFFFDb");
    expect(wellFormed("x\u0000y")).toBe("xy");
    expect(wellFormed("ok 😀")).toBe("ok 😀");
    expect(wellFormed("end\uD83D")).toBe("end\uFFFD");
  });
  it("reports whether a string needs fixing", () => {
    expect(isWellFormed("plain")).toBe(true);
    expect(isWellFormed("a\u0000")).toBe(false);
    expect(isWellFormed("\uDE00")).toBe(false);
    expect(isWellFormed("😀")).toBe(true);
  });
  it("walks JSON-like values, keys included", () => {
    expect(wellFormedDeep({ "k\u0000": ["\uD800", 1, null, { x: "y\u0000" }] })).toEqual({ k: ["\uFFFD", 1, null, { x: "y" }] });
  });
});
