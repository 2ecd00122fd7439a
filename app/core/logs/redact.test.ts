import { describe, expect, it } from "vitest";
import { REDACTED, redactPayload, redactStoredBody, redactText, redactUrl } from "./redact";

const HASH = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";

describe("redactPayload", () => {
  it("keeps hashes, hides raw email, phone, IP and credentials", () => {
    const out = redactPayload({
      access_token: "EAAB-secret",
      data: [
        {
          user_data: { em: [HASH], ph: ["+14155550100"], client_ip_address: "203.0.113.24", client_user_agent: "Mozilla/5.0" },
          email: "jane.doe@example.com",
          ip: "2001:db8::1",
          event_source_url: "https://shop.example.com/checkouts/cn/x?token=abc123&utm_source=fb",
          note: "contact jane.doe@example.com or +1 415 555 0100",
        },
      ],
    });
    const text = JSON.stringify(out);
    expect(text).toContain(HASH);
    for (const raw of ["EAAB-secret", "+14155550100", "203.0.113.24", "jane.doe@example.com", "2001:db8::1", "abc123", "415 555 0100"]) expect(text).not.toContain(raw);
    expect(out).toMatchObject({ access_token: REDACTED.secret, data: [{ user_data: { client_ip_address: REDACTED.ip, client_user_agent: "Mozilla/5.0" }, email: REDACTED.email }] });
    expect(text).toContain("utm_source=fb");
  });

  it("leaves numbers, booleans and ordinary text alone", () => {
    expect(redactPayload({ value: 127.44, currency: "EUR", ok: true, n: null, when: "12:30" })).toEqual({ value: 127.44, currency: "EUR", ok: true, n: null, when: "12:30" });
  });

  it("hashed phone in a phone field stays a hash", () => {
    expect(redactPayload({ ph: HASH })).toEqual({ ph: HASH });
  });
});

describe("redactUrl / redactText / redactStoredBody", () => {
  it("replaces token query parameters and user info in URLs", () => {
    const u = redactUrl("https://user:pw@graph.facebook.com/v24.0/1/events?access_token=EAAB&x=1");
    expect(u).not.toContain("EAAB");
    expect(u).not.toContain("pw@");
    expect(u).toContain("x=1");
  });
  it("hides tokens in checkout and order-status paths, keeps words and numeric ids", () => {
    expect(redactUrl("https://shop.example.com/checkouts/cn/c0ffee00c0ffee00c0ffee00c0ffee00/thank-you")).toBe("https://shop.example.com/checkouts/cn/[token]/thank-you");
    expect(redactUrl("https://shop.example.com/products/trail-runner-2024-limited-edition/45123456789012")).toBe(
      "https://shop.example.com/products/trail-runner-2024-limited-edition/45123456789012",
    );
  });
  it("scrubs tokens inside free text", () => {
    const t = redactText("POST https://graph.facebook.com/v24.0/1/events?access_token=EAAB123 failed for 198.51.100.7");
    expect(t).not.toContain("EAAB123");
    expect(t).not.toContain("198.51.100.7");
  });
  it("pretty-prints JSON, passes text through redaction, and null for nothing", () => {
    expect(redactStoredBody('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(redactStoredBody("oops jane@example.com")).toBe(`oops ${REDACTED.email}`);
    expect(redactStoredBody(null)).toBeNull();
    expect(redactStoredBody("")).toBeNull();
  });
});
