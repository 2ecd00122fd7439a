import { describe, expect, it } from "vitest";
import { encodeCursor } from "./cursor";
import { filterToQuery, parseLogFilter } from "./filters";

const NOW = Date.parse("2026-11-30T04:00:00Z");

describe("parseLogFilter", () => {
  it("defaults to the last 7 days with no other filter", () => {
    const p = parseLogFilter(new URLSearchParams(), NOW);
    expect(p.filter).toMatchObject({ range: "7d" });
    expect(p.since?.toISOString()).toBe("2026-11-23T04:00:00.000Z");
    expect(p.errors).toEqual({});
  });
  it("reads every filter and the cursor", () => {
    const cursor = encodeCursor({ at: new Date(NOW), id: "abc" });
    const p = parseLogFilter(new URLSearchParams({ range: "all", event: "purchase", destination: "cm123", status: "failed", order: "5975031431338", cursor }), NOW);
    expect(p.filter).toMatchObject({ range: "all", event: "purchase", destination: "cm123", status: "failed", order: "5975031431338" });
    expect(p.since).toBeNull();
    expect(p.cursor).toEqual({ at: new Date(NOW), id: "abc" });
  });
  it("drops and reports bad values one by one, keeping the good ones", () => {
    const p = parseLogFilter(new URLSearchParams({ status: "exploded", order: "12ab", event: "purchase", range: "1y" }), NOW);
    expect(Object.keys(p.errors).sort()).toEqual(["order", "range", "status"]);
    expect(p.filter).toMatchObject({ event: "purchase", range: "7d" });
    expect(p.filter.status).toBeUndefined();
  });
  it("treats blank values as absent and reports a stale cursor", () => {
    const p = parseLogFilter(new URLSearchParams({ status: "", cursor: "garbage" }), NOW);
    expect(p.filter.status).toBeUndefined();
    expect(p.cursor).toBeNull();
    expect(p.errors.cursor).toMatch(/out of date/);
  });
});

describe("filterToQuery", () => {
  it("leaves defaults and empties out", () => {
    expect(filterToQuery({ range: "7d", status: "failed", event: undefined })).toBe("?status=failed");
    expect(filterToQuery({ range: "7d" })).toBe("");
  });
});
