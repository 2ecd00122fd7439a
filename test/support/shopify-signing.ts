import { createHmac } from "node:crypto";

/**
 * Requests signed exactly as Shopify signs them, written independently of the
 * library the server verifies with (docs/platform/shopify.md, "Proxy signature" and "Webhooks").
 */

/** App proxy: sorted `key=value` pairs (repeated keys joined with ","), no separator, hex HMAC-SHA256. */
export function proxySignature(params: URLSearchParams, secret: string): string {
  const groups = new Map<string, string[]>();
  for (const [k, v] of params) if (k !== "signature") groups.set(k, [...(groups.get(k) ?? []), v]);
  const message = [...groups.keys()]
    .sort()
    .map((k) => `${k}=${groups.get(k)!.join(",")}`)
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

export function signedProxyUrl(
  base: string,
  path: string,
  opts: { shop: string; secret: string; timestamp?: number; customerId?: string; extra?: Record<string, string> },
): string {
  const params = new URLSearchParams({
    shop: opts.shop,
    logged_in_customer_id: opts.customerId ?? "",
    path_prefix: "/apps/trueline",
    timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
    ...(opts.extra ?? {}),
  });
  params.set("signature", proxySignature(params, opts.secret));
  return `${base}${path}?${params.toString()}`;
}

/** Webhooks: base64 HMAC-SHA256 of the raw body bytes. */
export function webhookHmac(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}

let seq = 0;
export function webhookHeaders(opts: { topic: string; shop: string; secret: string; body: string; webhookId?: string; apiVersion?: string }): Record<string, string> {
  seq += 1;
  return {
    "Content-Type": "application/json",
    "X-Shopify-Hmac-Sha256": webhookHmac(opts.body, opts.secret),
    "X-Shopify-Topic": opts.topic,
    "X-Shopify-Shop-Domain": opts.shop,
    "X-Shopify-API-Version": opts.apiVersion ?? "2026-10",
    "X-Shopify-Webhook-Id": opts.webhookId ?? `wh-${process.pid}-${Date.now()}-${seq}`,
    "X-Shopify-Event-Id": `ev-${process.pid}-${seq}`,
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
}
