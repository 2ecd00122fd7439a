import { describe, expect, it } from "vitest";
import { csvRecord, escapeCsvField, parseCsv, toCsv } from "./csv";

describe("CSV (RFC 4180)", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["line\nbreak", '"line\nbreak"'],
    ["cr\r\nlf", '"cr\r\nlf"'],
    ["", ""],
    ["=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""],
    ["+1 trick", "'+1 trick"],
    ["@sum", "'@sum"],
    ["-12.50", "-12.50"],
    ["-", "'-"],
  ])("%j → %j", (input, expected) => {
    expect(escapeCsvField(input)).toBe(expected);
  });

  it("numbers and nulls", () => {
    expect(csvRecord([1.5, null, undefined, -3])).toBe("1.5,,,-3");
  });

  it("round-trips through parseCsv with CRLF records", () => {
    const rows = [["x,1", 'q"uote', "multi\nline"], ["", "b", "c"]];
    const text = toCsv(["h1", "h2", "h3"], rows);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(parseCsv(text)).toEqual([["h1", "h2", "h3"], ...rows]);
  });
});
