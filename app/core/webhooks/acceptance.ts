/**
 * What a webhook delivery must satisfy beyond its signature (ADR 0014). Shopify's HMAC covers
 * the body only: the topic, the shop, the webhook id and the trigger time travel in headers
 * nobody signs. These rules bind what the headers claim to what the signed body can prove.
 * Pure: no clock (the caller passes `now`), no I/O.
 */

/**
 * Each webhook route and the topics shopify.app.toml subscribes it to. A delivery whose
 * X-Shopify-Topic is not in its route's list is refused (400) before anything is written.
 * `app/core/webhooks/subscriptions.test.ts` checks this table against shopify.app.toml and
 * against the route files.
 */
export const WEBHOOK_SUBSCRIPTIONS = {
  "/webhooks/app/uninstalled": ["app/uninstalled"],
  "/webhooks/app/scopes_update": ["app/scopes_update"],
  "/webhooks/orders": ["orders/create", "orders/updated", "orders/paid", "orders/cancelled", "orders/edited"],
  "/webhooks/refunds": ["refunds/create"],
  "/webhooks/draft_orders": ["draft_orders/create", "draft_orders/update"],
  "/webhooks/subscriptions": [
    "subscription_contracts/create",
    "subscription_contracts/update",
    "subscription_billing_attempts/success",
    "subscription_billing_attempts/failure",
  ],
  "/webhooks/customers/create": ["customers/create"],
  "/webhooks/customers/data_request": ["customers/data_request"],
  "/webhooks/customers/redact": ["customers/redact"],
  "/webhooks/shop/redact": ["shop/redact"],
} as const satisfies Record<string, readonly string[]>;

export type WebhookRoute = keyof typeof WEBHOOK_SUBSCRIPTIONS;
export type WebhookTopic = (typeof WEBHOOK_SUBSCRIPTIONS)[WebhookRoute][number];

/** The topic as subscribed on this route (Shopify sends it lower-case, "orders/create"), or null. */
export function subscribedTopic(route: WebhookRoute, header: string): WebhookTopic | null {
  const topic = header.trim().toLowerCase();
  return (WEBHOOK_SUBSCRIPTIONS[route] as readonly string[]).includes(topic) ? (topic as WebhookTopic) : null;
}

/**
 * Topics whose signed body names its shop without ambiguity, and the field that does:
 * app/uninstalled carries the Shop resource (`myshopify_domain`; its `domain` may be a custom
 * domain), the compliance topics carry `shop_domain`. Orders, refunds and the rest name no
 * shop reliably (an order's URLs may carry the store's custom domain), so they are not bound.
 */
export const SHOP_FIELD: Partial<Record<WebhookTopic, string>> = {
  "app/uninstalled": "myshopify_domain",
  "customers/data_request": "shop_domain",
  "customers/redact": "shop_domain",
  "shop/redact": "shop_domain",
};

export type ShopBinding = { ok: true } | { ok: false; reason: string };

/**
 * For a topic whose body names its shop: the body must name exactly the shop of the header
 * (case-insensitive, as domains are). A body that should name its shop and does not is
 * refused too: Shopify never sends one, and these are the topics that uninstall or erase.
 */
export function checkShopBinding(topic: WebhookTopic, headerShop: string, body: unknown): ShopBinding {
  const field = SHOP_FIELD[topic];
  if (!field) return { ok: true };
  const named = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof named !== "string" || named.length === 0) return { ok: false, reason: `${topic} body does not name its shop (${field})` };
  if (named.trim().toLowerCase() !== headerShop.trim().toLowerCase()) return { ok: false, reason: `${topic} body names another shop than X-Shopify-Shop-Domain` };
  return { ok: true };
}

const HOUR = 3_600_000;
/**
 * Shopify retries a failed delivery 8 times over 4 hours, always with the original payload and
 * X-Shopify-Triggered-At (shopify.dev/changelog/updates-to-webhook-retry-mechanism, Sept 2024;
 * it was 19 times over 48 hours before).
 */
export const SHOPIFY_RETRY_WINDOW_MS = 4 * HOUR;
/** Room for Shopify-side queueing before the first attempt and for clock skew between us and Shopify. */
export const TRIGGERED_AT_MARGIN_MS = 8 * HOUR;
/** A delivery triggered longer ago than this cannot be one of Shopify's attempts: a replay. */
export const MAX_DELIVERY_AGE_MS = SHOPIFY_RETRY_WINDOW_MS + TRIGGERED_AT_MARGIN_MS;

export type TriggeredAt = { ok: true; at: Date } | { ok: false; status: 400 | 401; reason: string };

/**
 * X-Shopify-Triggered-At must be present (Shopify sends it on every delivery), an ISO-8601
 * time, and no older than MAX_DELIVERY_AGE_MS. A time in the future is accepted (clock skew;
 * the header is unsigned, so a bound there would stop nothing a bound in the past does not).
 */
export function checkTriggeredAt(header: string | null | undefined, now: number): TriggeredAt {
  if (!header) return { ok: false, status: 400, reason: "missing or invalid Shopify webhook headers" };
  const at = new Date(header);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(header) || Number.isNaN(at.getTime())) return { ok: false, status: 400, reason: "missing or invalid Shopify webhook headers" };
  if (now - at.getTime() > MAX_DELIVERY_AGE_MS) return { ok: false, status: 401, reason: "stale delivery: triggered longer ago than Shopify retries (a replay)" };
  return { ok: true, at };
}

/** Header values we store: bounded (a unique index entry has a size limit) and printable. */
export const MAX_HEADER_VALUE = 255;
