import { describe, expect, test } from "vitest";
import { normalizeEmail, sha256Hex } from "./normalize";

/**
 * EmailOptions: the platform-specific canonical forms of an address. Digests are the
 * platforms' own published examples, checked in the shell with `printf '%s' … | sha256sum`.
 */
describe("normalizeEmail options", () => {
  test.each([
    // Microsoft UET CAPI: dots of the local part removed on every domain, +alias removed, lowercase.
    ["Microsoft", " John.Smith+promo@Contoso.com ", { stripPlusAlias: true, localPart: "no-dots" } as const, "johnsmith@contoso.com"],
    ["Microsoft", "j.o.h.n@outlook.com", { stripPlusAlias: true, localPart: "no-dots" } as const, "john@outlook.com"],
    // Reddit: lowercase, alias removed, every non-alphanumeric character of the local part removed.
    ["Reddit", "Al.ice$+Apple@Example.Com", { stripPlusAlias: true, localPart: "alphanumeric" } as const, "alice@example.com"],
    ["Reddit", "o'brien_jr@example.co.uk", { stripPlusAlias: true, localPart: "alphanumeric" } as const, "obrienjr@example.co.uk"],
    // No options: what Meta/TikTok/Pinterest/Snap/X document (dots and tags kept).
    ["default", "John.Smith+promo@Gmail.com", {}, "john.smith+promo@gmail.com"],
    ["Google", "John.Smith+promo@Gmail.com", { removeGmailDots: true }, "johnsmith+promo@gmail.com"],
  ])("%s: %j → %s", (_platform, raw, opts, expected) => {
    expect(normalizeEmail(raw, opts)).toBe(expected);
  });

  test("nothing left of the local part → undefined (never the hash of '@domain')", () => {
    expect(normalizeEmail("+tag@example.com", { stripPlusAlias: true })).toBeUndefined();
    expect(normalizeEmail("$$@example.com", { localPart: "alphanumeric" })).toBeUndefined();
  });

  test("the platforms' published digests", () => {
    // Reddit's example: alice@example.com and Al.ice$+Apple@Example.Com hash alike.
    const reddit = normalizeEmail("Al.ice$+Apple@Example.Com", { stripPlusAlias: true, localPart: "alphanumeric" });
    expect(sha256Hex(reddit ?? "")).toBe("ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976");
    // Microsoft's example: john@contoso.com.
    const microsoft = normalizeEmail("John@Contoso.com", { stripPlusAlias: true, localPart: "no-dots" });
    expect(sha256Hex(microsoft ?? "")).toBe("ec81f3ac7b2b19675bab9d54cf416f9f18cff87c97da5cca82c0f0891bc40602");
  });
});
