import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  hashIfPresent,
  isSha256Hex,
  normalizeCity,
  normalizeCountry,
  normalizeEmail,
  normalizeName,
  normalizePhone,
  normalizeState,
  normalizeZip,
  sha256Hex,
} from "./normalize";

/**
 * Golden hashes computed independently in the shell, never by the code under test:
 *   printf '%s' 'person@example.com' | sha256sum
 * Vendor-published ones are marked (docs/platform/ad-platforms.md: Meta, Snapchat, Pitfalls).
 */
const GOLDEN = {
  "person@example.com": "542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345", // Snap doc
  " person@example.com ": "78f077b6d536dbf58e98e55bc0949a86b3ef4c8bcf5f59ef44a56fe33c6ec82b", // untrimmed
  "john_smith@gmail.com": "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f", // Meta doc
  "johnsmith@gmail.com": "3586de92bb3636d0885a12eff961429a32e4ebd764b96f50d85d016f9338d586",
  "john.smith@gmail.com": "d0c648bc36f12061bec770df216cea2ab95851b9350fd54b658de53b0407767a",
  "johnsmith+promo@googlemail.com": "c04d03ddd2f2ddfeb6b8b129e53a4caa5c44e85862c0a33990d7d5336e88effd",
  "+16505551212": "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8", // Google form
  "16505551212": "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176", // Meta/Snap form
  "12345678901": "254aa248acb47dd654ca3ea53f48c2c26d641d23d7e2e93a1ec56258df7674c4", // Meta doc
  "448444124653": "dc008fda46e2e64002cf2f82a4906236282d431c4f75e5b60bfe79fc48546383", // Snap doc
  john: "96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a", // Snap doc
  "raphaël (NFC)": "e74bb89e718fe1e19c422a48382870399f8bf7ca8dfa008739e75b0be76627b7", // Snap doc
  "raphaël (NFD)": "14feb7022e5045b459b59d1c301b7eb1331510808647bfa2d77e76326387753e",
  işik: "ae26003ef869e414e042a8123353fd67d48c9785ca3e6d6e7ac9ea6f0d57f1b1",
  ışık: "d8cdbc413413f2c439c16890f631b1e88149378d6fd920eae61cd24d5f44ef07", // tr-locale lowercase: wrong
  menlopark: "0007a3d64c01e23d5075203c5977c14e4f7e01a3fc570686fcc50b5e1dd42685", // Meta doc
  ca: "6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126", // Meta doc
  "94025": "b9a9cf3cd3723a2e91b7c23ecf68456e872b6e5d86e5cab7f3d45a7302da32c7", // Meta doc
  us: "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621", // Meta doc
  sw1a1aa: "830e1d4b9838bab1f5c2acdb23e0b502ff13a9832c4632e8d67a1d43d3b7f614",
} as const;

const NFC_RAPHAEL = "Rapha\u00ebl";
const NFD_RAPHAEL = "Raphae\u0308l";

describe("sha256Hex / isSha256Hex", () => {
  test.each([
    ["person@example.com", GOLDEN["person@example.com"]],
    [" person@example.com ", GOLDEN[" person@example.com "]],
    ["john_smith@gmail.com", GOLDEN["john_smith@gmail.com"]],
    ["12345678901", GOLDEN["12345678901"]],
    ["rapha\u00ebl", GOLDEN["raphaël (NFC)"]],
    ["raphae\u0308l", GOLDEN["raphaël (NFD)"]],
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ])("sha256Hex(%j)", (input, expected) => {
    expect(sha256Hex(input)).toBe(expected);
  });

  test.each([
    [GOLDEN.john, true],
    [GOLDEN.john.toUpperCase(), false], // we only ever emit lowercase hex
    [GOLDEN.john.slice(1), false],
    [`${GOLDEN.john}0`, false],
    ["g".repeat(64), false],
    ["", false],
  ])("isSha256Hex(%j) → %s", (input, expected) => {
    expect(isSha256Hex(input)).toBe(expected);
  });
});

describe("normalizeEmail", () => {
  test.each<[string | undefined, { removeGmailDots?: boolean } | undefined, string | undefined]>([
    [" person@example.com ", undefined, "person@example.com"],
    ["Person@Example.COM", undefined, "person@example.com"],
    ["\tJohn_Smith@gmail.com\n", undefined, "john_smith@gmail.com"],
    // gmail dots: kept unless asked (Meta/TikTok/Pinterest/Snap must keep them)
    ["John.Smith@Gmail.com", undefined, "john.smith@gmail.com"],
    ["John.Smith@Gmail.com", { removeGmailDots: false }, "john.smith@gmail.com"],
    ["John.Smith@Gmail.com", { removeGmailDots: true }, "johnsmith@gmail.com"],
    // +tags are never stripped; googlemail.com counts as gmail
    ["John.Smith+promo@googlemail.com", { removeGmailDots: true }, "johnsmith+promo@googlemail.com"],
    ["john.smith+promo@example.com", { removeGmailDots: true }, "john.smith+promo@example.com"],
    // non-gmail domains keep their dots even for Google
    ["first.last@outlook.com", { removeGmailDots: true }, "first.last@outlook.com"],
    // locale-independent lowercasing: ASCII I → i even on a Turkish machine
    ["INFO@ISTANBUL.EXAMPLE", undefined, "info@istanbul.example"],
    // NFC: a decomposed ë becomes the precomposed one
    ["rapha\u0065\u0308l@example.fr", undefined, "rapha\u00ebl@example.fr"],
    // not plausibly an email
    [undefined, undefined, undefined],
    ["", undefined, undefined],
    ["   ", undefined, undefined],
    ["no-at-sign.example.com", undefined, undefined],
    ["two@@example.com", undefined, undefined],
    ["a@b@example.com", undefined, undefined],
    ["john@localhost", undefined, undefined],
    ["john smith@example.com", undefined, undefined],
    ["@example.com", undefined, undefined],
    ["john@example.", undefined, undefined],
    [".@gmail.com", { removeGmailDots: true }, undefined],
  ])("normalizeEmail(%j, %j) → %j", (raw, opts, expected) => {
    expect(normalizeEmail(raw, opts)).toBe(expected);
  });

  test("hashes of normalised emails match the golden values", () => {
    expect(hashIfPresent(normalizeEmail(" person@example.com "))).toBe(GOLDEN["person@example.com"]);
    expect(hashIfPresent(normalizeEmail("John_Smith@gmail.com"))).toBe(GOLDEN["john_smith@gmail.com"]);
    expect(hashIfPresent(normalizeEmail("John.Smith@gmail.com"))).toBe(GOLDEN["john.smith@gmail.com"]);
    expect(hashIfPresent(normalizeEmail("John.Smith@gmail.com", { removeGmailDots: true }))).toBe(
      GOLDEN["johnsmith@gmail.com"],
    );
    expect(hashIfPresent(normalizeEmail("John.Smith+promo@googlemail.com", { removeGmailDots: true }))).toBe(
      GOLDEN["johnsmith+promo@googlemail.com"],
    );
  });
});

describe("normalizePhone", () => {
  test.each<[string | undefined, string | undefined, string | undefined]>([
    // [raw, defaultCountry, E.164 with +]
    ["+1 (650) 555-1212", undefined, "+16505551212"],
    ["+1 650 555 1212", "GB", "+16505551212"], // an explicit + wins over the default
    ["650-555-1212", "US", "+16505551212"],
    ["(650) 555.1212", "us", "+16505551212"], // country code case-insensitive
    ["1 650 555 1212", "US", "+16505551212"], // NANP trunk prefix 1
    ["+1 650 555 1212 ext. 5", undefined, "+16505551212"], // extension dropped
    // UK: trunk 0 removed, 00 international prefix
    ["07911 123456", "GB", "+447911123456"],
    ["+44 (0)7911 123456", undefined, "+447911123456"],
    ["0044 7911 123456", "GB", "+447911123456"],
    ["0044 7911 123456", undefined, "+447911123456"],
    ["0044 7911 123456", "US", "+447911123456"], // US dials 011, but 00… is unambiguous
    ["447911123456", "GB", "+447911123456"], // stored without + but with the country code
    ["+44 844 412 4653", undefined, "+448444124653"], // Snap's doc example
    ["0011 44 20 7946 0958", "AU", "+442079460958"], // Australia's own IDD
    ["06 12 34 56 78", "FR", "+33612345678"],
    ["+1 234 567 8901", undefined, "+12345678901"], // Meta's doc example number
    // no usable number
    ["6505551212", undefined, undefined], // national without a country: not guessed
    ["07911 123456", undefined, undefined],
    ["07911 123456", "Great Britain", undefined], // not an alpha-2 code
    ["07911 123456", "ZZ", undefined], // unknown country
    ["123", "US", undefined],
    ["+1 555 555 5555", undefined, undefined], // fails the NANP plan
    ["not a phone", "US", undefined],
    ["", "US", undefined],
    [undefined, "US", undefined],
  ])("normalizePhone(%j, %j)", (raw, defaultCountry, expected) => {
    expect(normalizePhone(raw, { defaultCountry, withPlus: true })).toBe(expected);
    expect(normalizePhone(raw, { defaultCountry, withPlus: false })).toBe(expected?.slice(1));
  });

  test("with and without '+' hash differently (Google/TikTok vs Meta/Snap/Pinterest)", () => {
    expect(hashIfPresent(normalizePhone("(650) 555-1212", { defaultCountry: "US", withPlus: true }))).toBe(
      GOLDEN["+16505551212"],
    );
    expect(hashIfPresent(normalizePhone("(650) 555-1212", { defaultCountry: "US", withPlus: false }))).toBe(
      GOLDEN["16505551212"],
    );
    expect(hashIfPresent(normalizePhone("+1 234 567 8901", { withPlus: false }))).toBe(GOLDEN["12345678901"]);
    expect(hashIfPresent(normalizePhone("+44 844 412 4653", { withPlus: false }))).toBe(GOLDEN["448444124653"]);
  });
});

describe("normalizeName", () => {
  test.each<[string | undefined, string | undefined]>([
    ["John", "john"],
    ["  JOHN  ", "john"],
    [NFC_RAPHAEL, "rapha\u00ebl"],
    [NFD_RAPHAEL, "rapha\u00ebl"], // NFD input ends up NFC
    ["O'Brien", "obrien"],
    ["Jean-Luc", "jeanluc"],
    ["Mary   Ann", "mary ann"],
    ["John3", "john"],
    ["Zoë.", "zo\u00eb"],
    ["Müller", "m\u00fcller"],
    ["IŞIK", "işik"], // Turkish: ASCII I → i (locale-independent), not ı
    ["İlkay", "i\u0307lkay"], // U+0130 has no one-letter lowercase: Unicode gives i + U+0307
    ["Дмитрий", "дмитрий"],
    ["李", "李"],
    ["!!!", undefined],
    ["   ", undefined],
    [undefined, undefined],
  ])("normalizeName(%j) → %j", (raw, expected) => {
    expect(normalizeName(raw)).toBe(expected);
  });

  test("golden hashes: NFC vs NFD, locale-independent lowercase", () => {
    expect(hashIfPresent(normalizeName("John"))).toBe(GOLDEN.john);
    expect(hashIfPresent(normalizeName(NFC_RAPHAEL))).toBe(GOLDEN["raphaël (NFC)"]);
    expect(hashIfPresent(normalizeName(NFD_RAPHAEL))).toBe(GOLDEN["raphaël (NFC)"]);
    expect(hashIfPresent(normalizeName(NFD_RAPHAEL))).not.toBe(GOLDEN["raphaël (NFD)"]);
    expect(hashIfPresent(normalizeName("IŞIK"))).toBe(GOLDEN.işik);
    expect(hashIfPresent(normalizeName("IŞIK"))).not.toBe(GOLDEN.ışık);
  });
});

describe("normalizeCity", () => {
  test.each<[string | undefined, { keepSpaces?: boolean } | undefined, string | undefined]>([
    ["Menlo Park", undefined, "menlopark"],
    ["  Menlo Park ", { keepSpaces: false }, "menlopark"],
    ["Menlo  Park", { keepSpaces: true }, "menlo park"],
    ["St. Louis", undefined, "stlouis"],
    ["Saint-Étienne", undefined, "saint\u00e9tienne"],
    ["Saint-Étienne", { keepSpaces: true }, "saint\u00e9tienne"],
    ["Paris 75001", undefined, "paris"],
    ["İSTANBUL", undefined, "i\u0307stanbul"],
    ["...", undefined, undefined],
    [undefined, undefined, undefined],
  ])("normalizeCity(%j, %j) → %j", (raw, opts, expected) => {
    expect(normalizeCity(raw, opts)).toBe(expected);
  });

  test("golden hash: menlopark", () => {
    expect(hashIfPresent(normalizeCity("Menlo Park"))).toBe(GOLDEN.menlopark);
  });
});

describe("normalizeState", () => {
  test.each<[string | undefined, string | undefined, string | undefined]>([
    ["CA", "US", "ca"],
    [" ca ", undefined, "ca"],
    ["California", "US", "ca"],
    ["New York", undefined, "ny"],
    ["New York", "GB", "newyork"], // not mapped outside the US
    ["ON", "CA", "on"],
    ["Île-de-France", "FR", "\u00eeledefrance"],
    ["JP-13", "JP", "jp13"],
    ["--", "US", undefined],
    [undefined, "US", undefined],
  ])("normalizeState(%j, %j) → %j", (raw, country, expected) => {
    expect(normalizeState(raw, country)).toBe(expected);
  });

  test("golden hash: ca", () => {
    expect(hashIfPresent(normalizeState("CA", "US"))).toBe(GOLDEN.ca);
  });
});

describe("normalizeZip", () => {
  test.each<[string | undefined, string | undefined, string | undefined]>([
    ["94025", "US", "94025"],
    ["94025-1234", "US", "94025"],
    ["94025 1234", "us", "94025"],
    ["940251234", "US", "94025"],
    ["94025-1234", undefined, "94025"], // looks like a US ZIP+4
    ["2134", "US", undefined], // leading 0 lost: not guessed
    ["SW1A 1AA", "GB", "sw1a1aa"],
    ["sw1a-1aa", undefined, "sw1a1aa"],
    ["K1A 0B1", "CA", "k1a0b1"],
    ["1010", "AT", "1010"],
    ["75001", "FR", "75001"],
    ["100-0001", "JP", "1000001"],
    [" - ", "GB", undefined],
    [undefined, "US", undefined],
  ])("normalizeZip(%j, %j) → %j", (raw, country, expected) => {
    expect(normalizeZip(raw, country)).toBe(expected);
  });

  test("golden hashes: 94025 and sw1a1aa", () => {
    expect(hashIfPresent(normalizeZip("94025-1234", "US"))).toBe(GOLDEN["94025"]);
    expect(hashIfPresent(normalizeZip("SW1A 1AA", "GB"))).toBe(GOLDEN.sw1a1aa);
  });
});

describe("normalizeCountry", () => {
  test.each<[string | undefined, string | undefined]>([
    ["US", "us"],
    [" gb ", "gb"],
    ["USA", undefined],
    ["United States", undefined],
    ["U", undefined],
    ["1A", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("normalizeCountry(%j) → %j", (raw, expected) => {
    expect(normalizeCountry(raw)).toBe(expected);
  });

  test("golden hash: us", () => {
    expect(hashIfPresent(normalizeCountry("US"))).toBe(GOLDEN.us);
  });
});

describe("hashIfPresent", () => {
  test("undefined and empty strings are not hashed", () => {
    expect(hashIfPresent(undefined)).toBeUndefined();
    expect(hashIfPresent("")).toBeUndefined();
  });
  test("hashes exactly what it is given (no normalisation of its own)", () => {
    expect(hashIfPresent("john")).toBe(GOLDEN.john);
    expect(hashIfPresent(" person@example.com ")).toBe(GOLDEN[" person@example.com "]);
  });
});

describe("properties (fast-check)", () => {
  // Any Unicode text, including combining marks, Turkish/Greek letters and emoji.
  const text = fc.string({ unit: "grapheme", maxLength: 40 });
  const country = fc.constantFrom(undefined, "US", "GB", "FR", "DE", "JP", "CA", "TR");

  test("normalisers are idempotent: normalising a normalised value changes nothing", () => {
    fc.assert(
      fc.property(text, country, (raw, c) => {
        for (const normalize of [
          (v: string | undefined) => normalizeEmail(v),
          (v: string | undefined) => normalizeEmail(v, { removeGmailDots: true }),
          normalizeName,
          (v: string | undefined) => normalizeCity(v),
          (v: string | undefined) => normalizeCity(v, { keepSpaces: true }),
          (v: string | undefined) => normalizeState(v, c),
          (v: string | undefined) => normalizeZip(v, c),
          normalizeCountry,
        ]) {
          const once = normalize(raw);
          if (once !== undefined) expect(normalize(once)).toBe(once);
        }
      }),
    );
  });

  test("outputs are trimmed, NFC and never contain upper-case ASCII", () => {
    fc.assert(
      fc.property(text, (raw) => {
        for (const out of [normalizeEmail(raw), normalizeName(raw), normalizeCity(raw), normalizeZip(raw)]) {
          if (out === undefined) continue;
          expect(out).toBe(out.trim());
          expect(out).toBe(out.normalize("NFC"));
          expect(out).not.toMatch(/[A-Z]/);
        }
      }),
    );
  });

  test("a normalised phone re-parses to itself, with and without '+'", () => {
    const digits = fc.stringMatching(/^\+?[0-9 ()-]{6,18}$/);
    fc.assert(
      fc.property(digits, country, (raw, c) => {
        const withPlus = normalizePhone(raw, { defaultCountry: c, withPlus: true });
        if (withPlus === undefined) return;
        // E.164 caps a number at 15 digits and sets no minimum: the numbering plan
        // decides. Germany's has 4-digit subscriber numbers ("+49 1000" parses as valid).
        expect(withPlus).toMatch(/^\+[1-9][0-9]{3,14}$/);
        expect(normalizePhone(withPlus, { withPlus: true })).toBe(withPlus);
        expect(normalizePhone(raw, { defaultCountry: c, withPlus: false })).toBe(withPlus.slice(1));
      }),
      // The counterexample a CI run found (a short German number), kept as an example.
      { examples: [["10-0-()0", "DE"]] },
    );
  });

  test("hashIfPresent always yields lowercase 64-hex for a non-empty value", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (value) => {
        expect(isSha256Hex(hashIfPresent(value) ?? "")).toBe(true);
      }),
    );
  });
});
