import { describe, expect, it } from "vitest";
import { formatUtc } from "./format";

describe("formatUtc", () => {
  it("writes UTC to the minute by default, to the second for logs", () => {
    expect(formatUtc("2026-03-01T09:05:07.123Z")).toBe("2026-03-01 09:05 UTC");
    expect(formatUtc("2026-03-01T09:05:07.123Z", "second")).toBe("2026-03-01 09:05:07 UTC");
  });

  it("converts an offset to UTC", () => {
    expect(formatUtc("2026-03-01T10:05:07+01:00", "second")).toBe("2026-03-01 09:05:07 UTC");
  });

  it.each([null, undefined, "", "not a date"])("%j → a dash", (iso) => {
    expect(formatUtc(iso)).toBe("—");
  });
});
