import type { Db } from "~/db.server";
import { bodyDeliveredToAnotherShop, storeRejectedWebhook, storeWebhook } from "~/data/webhooks.server";
import { notifyWork } from "~/lib/signals.server";

export interface ReceivedWebhook {
  shop: string;
  /** As subscribed on the route ("orders/create"); the controller refuses any other. */
  topic: string;
  webhookId: string;
  eventId?: string;
  apiVersion?: string;
  triggeredAt: Date;
  /** SHA-256 (hex) of the signed body bytes. */
  bodyDigest: string;
  rawBody: string;
}

export type ReceiveResult = "stored" | "duplicate" | "other-shop";

/**
 * Persist first, answer fast: the delivery is stored once per (shop, webhook id, body digest)
 * and processed after the answer by the worker (app/jobs). Nothing heavy happens here.
 * Signed bytes already stored under another shop are refused ("other-shop", ADR 0014).
 */
export async function receiveWebhook(db: Db, w: ReceivedWebhook): Promise<ReceiveResult> {
  if (await bodyDeliveredToAnotherShop(db, w.bodyDigest, w.shop)) return "other-shop";
  const result = await storeWebhook(db, { ...incoming(w), rawBody: w.rawBody });
  if (result === "stored") void notifyWork();
  return result;
}

function incoming(w: Omit<ReceivedWebhook, "rawBody">) {
  return {
    shop: w.shop,
    webhookId: w.webhookId,
    eventId: w.eventId ?? null,
    topic: w.topic,
    apiVersion: w.apiVersion ?? null,
    triggeredAt: w.triggeredAt,
    bodyDigest: w.bodyDigest,
  };
}

/**
 * A correctly signed delivery whose body cannot be read (not UTF-8 JSON, truncated before it
 * was signed): Shopify would send the same bytes again, so a retry cannot help. It is recorded
 * as rejected (the body is not kept) and acknowledged, so it stays visible without Shopify
 * retrying it for hours and counting failures against the subscription.
 */
export async function rejectUnreadableWebhook(db: Db, w: Omit<ReceivedWebhook, "rawBody">, bodyBytes: number, at: Date): Promise<ReceiveResult> {
  if (await bodyDeliveredToAnotherShop(db, w.bodyDigest, w.shop)) return "other-shop";
  return storeRejectedWebhook(db, incoming(w), `body is not valid JSON (${bodyBytes} bytes); not retried`, at);
}
