import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Shopify's webhook signature check with node:crypto, synchronous and without loading
 * anything: X-Shopify-Hmac-Sha256 must be the base64 HMAC-SHA256 of the raw body bytes keyed
 * with the app's client secret (shopify.dev/docs/apps/build/webhooks/subscribe/https).
 * The same decision as @shopify/shopify-api's `webhooks.validate` (an empty body or a missing
 * header is "missing", a different string is "invalid"; the comparison is of the base64 text,
 * in constant time); `webhook-hmac.server.test.ts` compares the two on the same inputs.
 * We keep our own because the library's check sits behind `authenticate.webhook`, which also
 * loads and decrypts the shop's offline session on every delivery, which the acknowledgement
 * has no use for (issue 10).
 */
export type HmacVerdict = "valid" | "missing-body" | "missing-hmac" | "invalid";

export function verifyWebhookHmac(rawBody: Uint8Array, header: string | null | undefined, secret: string): HmacVerdict {
  if (rawBody.byteLength === 0) return "missing-body";
  if (!header) return "missing-hmac";
  const expected = Buffer.from(createHmac("sha256", secret).update(rawBody).digest("base64"), "utf8");
  const given = Buffer.from(header, "utf8");
  if (given.length !== expected.length) return "invalid";
  return timingSafeEqual(given, expected) ? "valid" : "invalid";
}
