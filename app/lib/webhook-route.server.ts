import { prisma } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { receiveWebhook, rejectUnreadableWebhook } from "~/services/webhooks.server";
import { log } from "./logger.server";

/**
 * Shared body of every webhook route: Shopify's own HMAC check on the raw body
 * (authenticate.webhook throws 401 on a bad HMAC, 400 on missing headers,
 * 405 on non-POST), store once by webhook id, answer 200. Processing happens
 * after the answer, in the worker; what it cannot use (unknown topic, a payload
 * missing what it needs, a shop that uninstalled) is recorded there as rejected.
 */
export async function acceptWebhook(request: Request): Promise<Response> {
  // The raw text is kept for exact ids (JSON.parse rounds ids above 2^53).
  const rawBody = await request.clone().text();
  let ctx: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    ctx = await authenticate.webhook(request);
  } catch (thrown) {
    if (thrown instanceof Response) {
      const reason =
        thrown.status === 401 ? "invalid HMAC signature" : thrown.status === 405 ? "method not allowed" : "missing or invalid Shopify webhook headers";
      return Response.json({ error: reason }, { status: thrown.status });
    }
    // The HMAC and headers checked out, but the body is not JSON: Shopify signed exactly
    // these bytes and would resend them, so a retry cannot help. Record it as rejected and
    // acknowledge it (a 4xx would make Shopify retry for hours and count it against the
    // subscription).
    if (thrown instanceof SyntaxError) {
      const h = (name: string) => request.headers.get(name) ?? undefined;
      const result = await rejectUnreadableWebhook(
        prisma(),
        {
          shop: h("x-shopify-shop-domain") ?? "",
          topic: h("x-shopify-topic") ?? "",
          webhookId: h("x-shopify-webhook-id") ?? "",
          eventId: h("x-shopify-event-id"),
          apiVersion: h("x-shopify-api-version"),
          triggeredAt: h("x-shopify-triggered-at"),
        },
        Buffer.byteLength(rawBody, "utf8"),
      );
      log.warn("webhook body is not valid JSON; recorded as rejected", { shop: h("x-shopify-shop-domain"), topic: h("x-shopify-topic"), result });
      return new Response(null, { status: 200 });
    }
    // Signed, but naming a malformed shop domain: the library throws InvalidShopError (a 500 otherwise).
    if (thrown instanceof Error && thrown.message === "Received invalid shop argument") return Response.json({ error: "invalid shop domain" }, { status: 400 });
    throw thrown;
  }
  const result = await receiveWebhook(prisma(), {
    shop: ctx.shop,
    // The header as Shopify sent it ("orders/create"); the library's form ("ORDERS_CREATE")
    // cannot be turned back into an unknown topic's name.
    topic: request.headers.get("x-shopify-topic") ?? ctx.topic,
    webhookId: ctx.webhookId,
    eventId: ctx.eventId,
    apiVersion: ctx.apiVersion,
    triggeredAt: ctx.triggeredAt,
    rawBody,
  });
  log.debug("webhook stored", { shop: ctx.shop, topic: ctx.topic, webhookId: ctx.webhookId, result });
  return new Response(null, { status: 200 });
}

/** Webhooks are POST only: any other method gets 405 with Allow, not Remix's "no loader" error. */
export function webhookMethodNotAllowed(): Response {
  return new Response(JSON.stringify({ error: "webhooks accept POST only" }), {
    status: 405,
    headers: { Allow: "POST", "Content-Type": "application/json" },
  });
}
