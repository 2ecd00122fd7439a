import { describe, expect, it } from "vitest";
import { daysOf, defaultRange, resolveRange } from "./date-range";

const now = Date.parse("2026-11-30T03:47:00Z");

describe("report date ranges", () => {
  it("defaults to the last 7 UTC days including today", () => {
    const r = defaultRange(now);
    expect(r).toMatchObject({ from: "2026-11-24", to: "2026-11-30", days: 7 });
    expect(r.startMs).toBe(Date.parse("2026-11-24T00:00:00Z"));
    expect(r.endMs).toBe(Date.parse("2026-12-01T00:00:00Z"));
    expect(resolveRange({}, now)).toEqual({ kind: "ok", range: r });
    expect(resolveRange({ from: "", to: "" }, now)).toEqual({ kind: "ok", range: r });
  });

  it("accepts an explicit range, both ends included", () => {
    const res = resolveRange({ from: "2026-02-27", to: "2026-03-01" }, now);
    expect(res.kind === "ok" && res.range.days).toBe(3);
    expect(res.kind === "ok" && daysOf(res.range)).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });

  it("rejects malformed or impossible dates, reversed and too long ranges, with a fallback", () => {
    for (const [q, field] of [
      [{ from: "yesterday" }, "from"],
      [{ to: "2026-02-30" }, "to"],
      [{ from: "2026-11-10", to: "2026-11-01" }, "from"],
      [{ from: "2020-01-01", to: "2026-01-01" }, "from"],
    ] as const) {
      const res = resolveRange(q, now);
      expect(res.kind).toBe("invalid");
      if (res.kind === "invalid") {
        expect(res.errors[field]).toBeTruthy();
        expect(res.fallback.days).toBe(7);
      }
    }
  });
});
