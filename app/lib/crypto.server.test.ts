import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptText, encryptText, isEncrypted } from "./crypto.server";

describe("secrets at rest", () => {
  const key = randomBytes(32);
  it("round-trips and never contains the plaintext", () => {
    const sealed = encryptText(key, "EAAB-secret-token");
    expect(sealed).not.toContain("EAAB");
    expect(isEncrypted(sealed)).toBe(true);
    expect(decryptText(key, sealed)).toBe("EAAB-secret-token");
  });
  it("uses a fresh IV each time", () => {
    expect(encryptText(key, "x")).not.toBe(encryptText(key, "x"));
  });
  it("rejects a tampered value or a wrong key", () => {
    const sealed = encryptText(key, "token");
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tokem").toString("base64");
    expect(() => decryptText(key, parts.join("."))).toThrow();
    expect(() => decryptText(randomBytes(32), sealed)).toThrow();
  });
});
