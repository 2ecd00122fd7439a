import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Shopify's app proxy signature, checked with synchronous `node:crypto` (ADR 0013):
 * the same checks `@shopify/shopify-api`'s `utils.validateHmac(query, { signator:
 * "appProxy" })` makes, without its async WebCrypto round trip on the hot path:
 *  - `hmac`, `shop`, `signature` and `timestamp` must not be repeated;
 *  - `signature` present and not empty; `timestamp` an integer within 90 s of now;
 *  - the message is every other parameter as `key=value` (repeated keys' values joined
 *    with ","), keys sorted with `localeCompare`, concatenated without a separator;
 *  - hex HMAC-SHA256 with the app's secret, compared in constant time.
 * Pinned to the library by app-proxy-signature.server.test.ts on generated queries.
 * https://shopify.dev/docs/apps/build/online-store/display-dynamic-data#calculate-a-digital-signature
 */
export type ProxySignatureCheck =
  | { ok: true }
  | { ok: false; reason: "missing-signature" | "repeated-parameter" | "bad-timestamp" | "invalid-signature"; parameter?: string };

const SINGLE_VALUE = new Set(["hmac", "shop", "signature", "timestamp"]);
export const PROXY_TIMESTAMP_TOLERANCE_SEC = 90;

export function checkAppProxySignature(params: URLSearchParams, secret: string, nowSec: number): ProxySignatureCheck {
  const values = new Map<string, string>();
  for (const [key, value] of params) {
    const seen = values.get(key);
    if (seen === undefined) values.set(key, value);
    else if (SINGLE_VALUE.has(key)) return { ok: false, reason: "repeated-parameter", parameter: key };
    else values.set(key, `${seen},${value}`);
  }
  const signature = values.get("signature");
  if (!signature) return { ok: false, reason: "missing-signature" };
  const timestamp = Number(values.get("timestamp"));
  if (!values.has("timestamp") || !Number.isInteger(timestamp) || Math.abs(nowSec - timestamp) > PROXY_TIMESTAMP_TOLERANCE_SEC) {
    return { ok: false, reason: "bad-timestamp" };
  }
  const message = [...values.entries()]
    .filter(([key]) => key !== "signature" && key !== "hmac")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join("");
  const expected = Buffer.from(createHmac("sha256", secret).update(message).digest("hex"), "utf8");
  const given = Buffer.from(signature, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: "invalid-signature" };
}
