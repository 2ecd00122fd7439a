import { createHash } from "node:crypto";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { checkShopBinding, checkTriggeredAt, MAX_HEADER_VALUE, subscribedTopic, WEBHOOK_SUBSCRIPTIONS, type WebhookRoute } from "~/core/webhooks/acceptance";
import { wellFormed } from "~/core/text/well-formed";
import { log } from "~/lib/logger.server";
import { verifyWebhookHmac } from "~/lib/webhook-hmac.server";
import { receiveWebhook, rejectUnreadableWebhook } from "~/services/webhooks.server";

/**
 * Shared body of every webhook route (ADR 0014). In order, before anything is written:
 * 1. the HMAC of the raw body bytes (node:crypto, constant time; the same decision as
 *    Shopify's library: empty body or no HMAC header 400, another HMAC 401);
 * 2. the headers Shopify always sends (topic, shop, API version, webhook id, triggered-at:
 *    400 when missing or malformed; the shop must be a *.myshopify.com domain);
 * 3. the topic must be one this route is subscribed to in shopify.app.toml (400);
 * 4. X-Shopify-Triggered-At no older than Shopify's retry window plus a margin (401);
 * 5. where the body names its shop (app/uninstalled, compliance topics) it must be the
 *    header's shop (401); signed bytes already stored under another shop are refused (401).
 * Then the delivery is stored once per (shop, webhook id, body digest) and answered 200;
 * processing happens after the answer, in the worker. No session is loaded here.
 */
export async function acceptWebhook(request: Request, route: WebhookRoute, now: () => number = Date.now): Promise<Response> {
  if (request.method !== "POST") return webhookMethodNotAllowed();
  const bytes = new Uint8Array(await request.arrayBuffer());
  const a = await acceptWebhookBytes({ header: (name) => request.headers.get(name) ?? undefined, bytes }, route, now);
  return new Response(a.body, { status: a.status, headers: a.headers });
}

/** An answer as plain data: server.mjs writes it straight to node:http; Remix gets a Response. */
export interface WebhookAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** What the acknowledgement needs of a request: its headers and the raw body bytes (server.mjs reads them capped). */
export interface WebhookBytes {
  header(name: string): string | undefined;
  bytes: Uint8Array;
}

/**
 * The route a webhook path belongs to (`/webhooks/orders`), or null: server.mjs answers the
 * webhook POSTs itself, ahead of Express and Remix (ADR 0013), with acceptWebhookBytes.
 */
export function webhookRouteOf(pathname: string): WebhookRoute | null {
  return Object.prototype.hasOwnProperty.call(WEBHOOK_SUBSCRIPTIONS, pathname) ? (pathname as WebhookRoute) : null;
}

export async function acceptWebhookBytes(request: WebhookBytes, route: WebhookRoute, now: () => number = Date.now): Promise<WebhookAnswer> {
  const { bytes } = request;
  const h = request.header;

  const hmac = verifyWebhookHmac(bytes, h("x-shopify-hmac-sha256"), env().SHOPIFY_API_SECRET);
  if (hmac === "invalid") return refuse(401, "invalid HMAC signature");
  if (hmac !== "valid") return refuse(400, "missing or invalid Shopify webhook headers");

  const headerTopic = h("x-shopify-topic");
  const shop = h("x-shopify-shop-domain");
  const apiVersion = h("x-shopify-api-version");
  const webhookId = h("x-shopify-webhook-id");
  const eventId = h("x-shopify-event-id");
  if (!headerTopic || !shop || !apiVersion || !webhookId) return refuse(400, "missing or invalid Shopify webhook headers");
  if ([webhookId, apiVersion, eventId ?? ""].some((v) => v.length > MAX_HEADER_VALUE)) return refuse(400, "missing or invalid Shopify webhook headers");
  if (!SHOP_DOMAIN.test(shop)) return refuse(400, "invalid shop domain");

  const topic = subscribedTopic(route, headerTopic);
  if (!topic) return refuse(400, `topic ${JSON.stringify(headerTopic.slice(0, 80))} is not subscribed on ${route}`, { shop });

  const at = now();
  const triggered = checkTriggeredAt(h("x-shopify-triggered-at"), at);
  if (!triggered.ok) return refuse(triggered.status, triggered.reason, { shop, topic });

  const delivery = {
    shop,
    topic,
    // Headers reach us as Latin-1 text: nothing to repair in practice, but every stored
    // string from outside passes the one normaliser.
    webhookId: wellFormed(webhookId),
    eventId: eventId ? wellFormed(eventId) : undefined,
    apiVersion: wellFormed(apiVersion),
    triggeredAt: triggered.at,
    bodyDigest: createHash("sha256").update(bytes).digest("hex"),
  };

  const parsed = readJson(bytes);
  if (!parsed.ok) {
    // Signed, but not UTF-8 JSON: Shopify signed exactly these bytes and would resend them,
    // so a retry cannot help. Recorded as rejected and acknowledged (a 4xx would make
    // Shopify retry for hours and count it against the subscription).
    const result = await rejectUnreadableWebhook(prisma(), delivery, bytes.byteLength, new Date(at));
    if (result === "other-shop") return refuse(401, "this signed body was delivered for another shop", { shop, topic });
    log.warn("webhook body is not valid JSON; recorded as rejected", { shop, topic, result });
    return OK;
  }

  const binding = checkShopBinding(topic, shop, parsed.value);
  if (!binding.ok) return refuse(401, binding.reason, { shop, topic });

  // The exact text is kept (JSON.parse rounds ids above 2^53). Valid UTF-8 JSON holds no
  // lone surrogate and no raw NUL (an escaped "\u0000" stays six ASCII characters here).
  const result = await receiveWebhook(prisma(), { ...delivery, rawBody: parsed.text });
  if (result === "other-shop") return refuse(401, "this signed body was delivered for another shop", { shop, topic });
  log.debug("webhook stored", { shop, topic, webhookId: delivery.webhookId, result });
  return OK;
}

const OK: WebhookAnswer = { status: 200, headers: {}, body: null };

/** How Shopify names shops in X-Shopify-Shop-Domain (the library's sanitizeShop pattern, *.myshopify.com only). */
const SHOP_DOMAIN = /^[a-zA-Z0-9][a-zA-Z0-9-_]*\.myshopify\.com$/;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function readJson(bytes: Uint8Array): { ok: true; text: string; value: unknown } | { ok: false } {
  try {
    const text = utf8.decode(bytes);
    return { ok: true, text, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function refuse(status: 400 | 401, error: string, context?: Record<string, unknown>): WebhookAnswer {
  if (context) log.warn("webhook refused", { status, reason: error, ...context });
  return { status, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ error }) };
}

/** Webhooks are POST only: any other method gets 405 with Allow, not Remix's "no loader" error. */
export function webhookMethodNotAllowed(): Response {
  return new Response(JSON.stringify({ error: "webhooks accept POST only" }), {
    status: 405,
    headers: { Allow: "POST", "Content-Type": "application/json" },
  });
}
