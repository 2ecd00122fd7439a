import { describe, expect, it } from "vitest";
import { clientIp, looksLikeBot } from "./ingest.server";

describe("bot marking", () => {
  const at = (ms: number) => ({ timestamp: new Date(1_763_800_000_000 + ms).toISOString() });
  it("marks crawler user agents", () => {
    expect(looksLikeBot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", [at(0)])).toBe(true);
    expect(looksLikeBot("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36", [at(0)])).toBe(true);
  });
  it("marks 20 events inside one second, not a shopper's pace", () => {
    expect(looksLikeBot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Array.from({ length: 20 }, (_, i) => at(i * 10)))).toBe(true);
    expect(looksLikeBot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Array.from({ length: 20 }, (_, i) => at(i * 2000)))).toBe(false);
    expect(looksLikeBot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", [at(0), at(1)])).toBe(false);
  });
});

describe("clientIp", () => {
  it("takes the first X-Forwarded-For address and rejects junk", () => {
    expect(clientIp("203.0.113.7, 10.0.0.1")).toBe("203.0.113.7");
    expect(clientIp("2001:db8::1")).toBe("2001:db8::1");
    expect(clientIp("<script>")).toBeNull();
    expect(clientIp(null)).toBeNull();
  });
});

describe("isDataException", () => {
  it("finds a PostgreSQL data exception (SQLSTATE class 22) wherever the driver nests it, and nothing else", async () => {
    const { isDataException } = await import("./ingest.server");
    expect(isDataException(Object.assign(new Error("x"), { code: "22021" }))).toBe(true);
    expect(isDataException(new Error("x", { cause: { originalCode: "22P05" } }))).toBe(true);
    expect(isDataException(Object.assign(new Error("x"), { code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "22021" } } } }))).toBe(true);
    expect(isDataException(Object.assign(new Error("x"), { code: "23505" }))).toBe(false);
    expect(isDataException(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(false);
    expect(isDataException("22021")).toBe(false);
  });
});
