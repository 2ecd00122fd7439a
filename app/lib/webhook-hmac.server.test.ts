import "@shopify/shopify-api/adapters/web-api";
import { createHmac } from "node:crypto";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verifyWebhookHmac, type HmacVerdict } from "./webhook-hmac.server";

/**
 * Our node:crypto webhook check against Shopify's own (`@shopify/shopify-api` webhooks.validate)
 * on the same requests: the same verdict every time.
 */
const SECRET = "hmac-parity-secret";
const api = shopifyApi({
  apiKey: "parity-key",
  apiSecretKey: SECRET,
  apiVersion: ApiVersion.October25,
  hostName: "trueline.test",
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: () => undefined },
});

const sign = (body: string, secret = SECRET) => createHmac("sha256", secret).update(body, "utf8").digest("base64");

function request(body: string, hmac: string | undefined): Request {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": "orders/create",
    "X-Shopify-Shop-Domain": "parity.myshopify.com",
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Webhook-Id": "wh-parity",
    "X-Shopify-Triggered-At": "2026-12-06T00:00:00.000Z",
  };
  if (hmac !== undefined) headers["X-Shopify-Hmac-Sha256"] = hmac;
  return new Request("https://trueline.test/webhooks/orders", { method: "POST", headers, body });
}

async function libraryVerdict(body: string, hmac: string | undefined): Promise<HmacVerdict> {
  const check = await api.webhooks.validate({ rawBody: body, rawRequest: request(body, hmac) });
  if (check.valid) return "valid";
  return ({ invalid_hmac: "invalid", missing_body: "missing-body", missing_hmac: "missing-hmac" } as const)[check.reason as "invalid_hmac"] ?? (check.reason as HmacVerdict);
}

async function ourVerdict(body: string, hmac: string | undefined): Promise<HmacVerdict> {
  const req = request(body, hmac);
  return verifyWebhookHmac(new Uint8Array(await req.arrayBuffer()), req.headers.get("x-shopify-hmac-sha256"), SECRET);
}

const variants: Array<[string, (body: string) => string | undefined]> = [
  ["signed", (b) => sign(b)],
  ["no header", () => undefined],
  ["empty header", () => ""],
  ["other secret", (b) => sign(b, "not-the-secret")],
  ["other bytes", (b) => sign(`${b} `)],
  ["padding dropped", (b) => sign(b).replace(/=+$/, "")],
  ["one character changed", (b) => { const s = sign(b); return (s[0] === "A" ? "B" : "A") + s.slice(1); }],
  ["hex instead of base64", (b) => createHmac("sha256", SECRET).update(b, "utf8").digest("hex")],
  ["base64url", (b) => createHmac("sha256", SECRET).update(b, "utf8").digest("base64url")],
  ["garbage", () => "!!not-base64!!"],
  ["doubled", (b) => sign(b) + sign(b)],
];

describe("webhook HMAC: node:crypto check = @shopify/shopify-api's webhooks.validate", () => {
  it("fixed bodies × every header variant", async () => {
    const bodies = ["", "{}", '{"id":820982911946154508,"email":"jon@example.com"}', "not json", "é ✓ 😀", " ".repeat(3), "\u0000"];
    for (const body of bodies) {
      for (const [name, make] of variants) {
        const hmac = make(body);
        expect({ body, name, ours: await ourVerdict(body, hmac) }).toEqual({ body, name, ours: await libraryVerdict(body, hmac) });
      }
    }
  });

  it("generated bodies (any Unicode text) × every header variant", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 200 }), fc.integer({ min: 0, max: variants.length - 1 }), async (body, i) => {
        const hmac = variants[i]![1](body);
        expect(await ourVerdict(body, hmac)).toBe(await libraryVerdict(body, hmac));
      }),
      { seed: 1414, numRuns: 400 },
    );
  });

  it("signs the bytes Shopify sent: a body that is not UTF-8 is checked as bytes", () => {
    const bytes = Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]);
    const hmac = createHmac("sha256", SECRET).update(bytes).digest("base64");
    expect(verifyWebhookHmac(bytes, hmac, SECRET)).toBe("valid");
    expect(verifyWebhookHmac(bytes, sign("{\ufffd\ufffd}"), SECRET)).toBe("invalid");
  });
});
