import { describe, expect, test } from "vitest";
import {
  fbcToWrite,
  mergeClickIds,
  newVisitorId,
  parseCookies,
  platformCookies,
  readClickIds,
  readUtm,
  sanitizeClickIds,
  stripClickIds,
  validVisitorId,
} from "./identity";

const FBCLID = "IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk";

describe("parseCookies / platformCookies", () => {
  test("picks the platform cookies and the FIRST _ga_<stream> cookie, values untouched", () => {
    const jar = parseCookies(
      "_ga=GA1.1.1234567890.1700000000; _gat_UA-1=1; _ga_ABC123=GS2.1.s1700000000$o1$g1$t1700000100$j60$l0$h0; " +
        "_ga_ZZZ999=GS1.1.1700000000.1.1.1700000100.0.0.0; _fbp=fb.1.1596403881668.1116446470; " +
        "_fbc=fb.1.1554763741205.AbCdE; _ttp=ttp%3Dabc; _scid=5f1c-uuid; _epik=dj0yJnU9; other=x; _fbp=shadowed",
    );
    expect(platformCookies(jar)).toEqual({
      _fbp: "fb.1.1596403881668.1116446470",
      _fbc: "fb.1.1554763741205.AbCdE",
      _ga: "GA1.1.1234567890.1700000000",
      _ga_session: "GS2.1.s1700000000$o1$g1$t1700000100$j60$l0$h0",
      _ttp: "ttp%3Dabc",
      _scid: "5f1c-uuid",
      _epik: "dj0yJnU9",
    });
  });

  test("ignores malformed parts, empty values, over-long values and prototype names", () => {
    const jar = parseCookies(`=x; junk; __proto__=1; constructor=2; _fbp=; _ga=${"a".repeat(513)}; _ttp=ok`);
    expect(jar.constructor).toBe("2");
    expect(platformCookies(jar)).toEqual({ _ttp: "ok" });
    expect(platformCookies(parseCookies(""))).toEqual({});
  });
});

describe("readClickIds", () => {
  test("reads every known click id with the given first-seen time, case-sensitive values", () => {
    const url =
      `https://shop.example/products/x?utm_source=facebook&fbclid=${FBCLID}&gclid=Cj0KCQiA&gbraid=0AAAAA&wbraid=CjkKEQ` +
      "&ttclid=E.C.P.abc&sccid=snap-1&epik=dj0yJnU9&msclkid=ms-1&twclid=tw-1&li_fat_id=li-1&rdt_cid=rdt-1&fbclid=second";
    expect(readClickIds(url, 1700000000123)).toEqual({
      fbclid: { value: FBCLID, at: 1700000000123 },
      gclid: { value: "Cj0KCQiA", at: 1700000000123 },
      gbraid: { value: "0AAAAA", at: 1700000000123 },
      wbraid: { value: "CjkKEQ", at: 1700000000123 },
      ttclid: { value: "E.C.P.abc", at: 1700000000123 },
      ScCid: { value: "snap-1", at: 1700000000123 },
      epik: { value: "dj0yJnU9", at: 1700000000123 },
      msclkid: { value: "ms-1", at: 1700000000123 },
      twclid: { value: "tw-1", at: 1700000000123 },
      li_fat_id: { value: "li-1", at: 1700000000123 },
      rdt_cid: { value: "rdt-1", at: 1700000000123 },
    });
  });

  test("no click ids, empty values and unparsable URLs give nothing", () => {
    expect(readClickIds("https://shop.example/?fbclid=&q=1", 1)).toEqual({});
    expect(readClickIds("not a url", 1)).toEqual({});
  });
});

describe("readUtm", () => {
  test("maps utm_* to the schema keys", () => {
    expect(
      readUtm(
        "https://shop.example/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring%20sale&utm_term=t&utm_content=c&utm_id=42",
      ),
    ).toEqual({ source: "facebook", medium: "paid_social", campaign: "spring sale", term: "t", content: "c", id: "42" });
    expect(readUtm("https://shop.example/?q=1")).toBeUndefined();
    expect(readUtm(`https://shop.example/?utm_source=${"s".repeat(300)}`)).toEqual({ source: "s".repeat(256) });
  });
});

describe("mergeClickIds", () => {
  test("a new value replaces the old one; the same value keeps its first-seen time", () => {
    expect(
      mergeClickIds(
        { fbclid: { value: "old", at: 1 }, gclid: { value: "g", at: 2 }, ttclid: { value: "t", at: 3 } },
        { fbclid: { value: "new", at: 10 }, gclid: { value: "g", at: 20 } },
      ),
    ).toEqual({ fbclid: { value: "new", at: 10 }, gclid: { value: "g", at: 2 }, ttclid: { value: "t", at: 3 } });
  });
});

describe("sanitizeClickIds", () => {
  test("keeps only known keys with a non-empty value and a non-negative integer time", () => {
    expect(
      sanitizeClickIds({
        fbclid: { value: "a", at: 5 },
        gclid: { value: "", at: 5 },
        ttclid: { value: "t", at: -1 },
        epik: { value: "e", at: 1.5 },
        msclkid: "flat",
        unknown: { value: "u", at: 1 },
      }),
    ).toEqual({ fbclid: { value: "a", at: 5 } });
    expect(sanitizeClickIds(null)).toEqual({});
    expect(sanitizeClickIds("x")).toEqual({});
  });
});

describe("fbcToWrite", () => {
  test("builds Meta's fb.1.<ms>.<fbclid> when no _fbc carries this fbclid", () => {
    expect(fbcToWrite({ value: FBCLID, at: 1700000000123 }, undefined)).toBe(`fb.1.1700000000123.${FBCLID}`);
    expect(fbcToWrite({ value: FBCLID, at: 1700000000123 }, "fb.1.1600000000000.olderClick")).toBe(
      `fb.1.1700000000123.${FBCLID}`,
    );
    expect(fbcToWrite({ value: FBCLID, at: 1700000000123 }, "garbage")).toBe(`fb.1.1700000000123.${FBCLID}`);
  });

  test("leaves an existing _fbc with the same fbclid alone (keeps Meta's own creation time)", () => {
    expect(fbcToWrite({ value: FBCLID, at: 1700000000123 }, `fb.2.1600000000000.${FBCLID}`)).toBeUndefined();
  });
});

describe("stripClickIds", () => {
  test("removes click-id parameters only", () => {
    expect(stripClickIds(`https://shop.example/p?utm_source=facebook&fbclid=${FBCLID}&GCLID=g&variant=1#top`)).toBe(
      "https://shop.example/p?utm_source=facebook&variant=1#top",
    );
    expect(stripClickIds("https://shop.example/p?a=%20b")).toBe("https://shop.example/p?a=%20b");
    expect(stripClickIds("::")).toBe("::");
  });
});

describe("visitor ids", () => {
  test("validVisitorId accepts uuid-like ids and rejects junk", () => {
    expect(validVisitorId("0b0d6c1e-52c5-4c4e-9e3a-7c1f3a5d9e21")).toBe("0b0d6c1e-52c5-4c4e-9e3a-7c1f3a5d9e21");
    expect(validVisitorId("a b")).toBeUndefined();
    expect(validVisitorId("")).toBeUndefined();
    expect(validVisitorId("x".repeat(129))).toBeUndefined();
    expect(validVisitorId(7)).toBeUndefined();
  });

  test("newVisitorId prefers randomUUID, else builds a v4 uuid from getRandomValues", () => {
    expect(newVisitorId({ randomUUID: () => "11111111-2222-4333-8444-555555555555", getRandomValues: (a) => a })).toBe(
      "11111111-2222-4333-8444-555555555555",
    );
    const ones = <T extends ArrayBufferView | null>(a: T): T => {
      if (a instanceof Uint8Array) a.fill(0xff);
      return a;
    };
    // 0xff bytes with the version nibble forced to 4 and the variant bits to 10xx.
    expect(newVisitorId({ getRandomValues: ones })).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
  });
});
