import { describe, expect, it } from "vitest";
import { REDACTED, isSecretKey, redactHeaderSecrets, redactPayload, redactStoredBody, redactText, redactUrl, redactUrlSecrets, scrubSecrets } from "./redact";

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

describe("redactPayload: a profile sent in clear (Klaviyo)", () => {
  it("hides names and address parts, keeps the country and hashes", () => {
    const profile = { first_name: "Jane", last_name: "Doe", email: "jane@example.com", phone_number: "+16505551212", location: { city: "Menlo Park", zip: "94025", region: "CA", address1: "1 Main St", country: "United States", ip: "203.0.113.7" } };
    expect(redactPayload(profile)).toEqual({
      first_name: "[hidden]",
      last_name: "[hidden]",
      email: "[email hidden]",
      phone_number: "[phone hidden]",
      location: { city: "[hidden]", zip: "[hidden]", region: "[hidden]", address1: "[hidden]", country: "United States", ip: "[ip hidden]" },
    });
    const hash = "d0c648bc36f12061bec770df216cea2ab95851b9350fd54b658de53b0407767a";
    expect(redactPayload({ city: hash })).toEqual({ city: hash });
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

describe("secrets only (a request as sent, a payload as stored)", () => {
  it("one list of credential keys", () => {
    for (const k of ["access_token", "accessToken", "api_secret", "api-key", "apiKey", "Authorization", "developer-token", "signature", "hmac", "password"]) expect(isSecretKey(k), k).toBe(true);
    for (const k of ["event_id", "value", "currency", "em", "client_user_agent", "measurement_id"]) expect(isSecretKey(k), k).toBe(false);
  });

  it("scrubSecrets replaces credential values at any depth and keeps everything else, hashes and personal data included", () => {
    expect(scrubSecrets({ access_token: "EAAB", data: [{ user_data: { em: [HASH], client_ip_address: "203.0.113.24" }, nested: { api_secret: "s" } }], n: 1 })).toEqual({
      access_token: REDACTED.secret,
      data: [{ user_data: { em: [HASH], client_ip_address: "203.0.113.24" }, nested: { api_secret: REDACTED.secret } }],
      n: 1,
    });
  });

  it("redactUrlSecrets hides credential parameters only; redactHeaderSecrets keeps the bearer word", () => {
    expect(redactUrlSecrets("https://graph.facebook.com/v24.0/1/events?access_token=EAAB123&x=1")).toBe("https://graph.facebook.com/v24.0/1/events?access_token=[secret]&x=1");
    expect(redactUrlSecrets("https://www.google-analytics.com/mp/collect?measurement_id=G-1&api_secret=s3cr3t")).toBe(
      "https://www.google-analytics.com/mp/collect?measurement_id=G-1&api_secret=[secret]",
    );
    expect(redactUrlSecrets("not a url?access_token=EAAB123&x=1")).toBe("not a url?access_token=[secret]&x=1");
    expect(redactHeaderSecrets({ Authorization: "Bearer abc", "Access-Token": "t", "content-type": "application/json" })).toEqual({
      Authorization: "Bearer [secret]",
      "Access-Token": "[secret]",
      "content-type": "application/json",
    });
  });
});
