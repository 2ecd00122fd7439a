import type { Db } from "~/db.server";
import { storeRejectedWebhook, storeWebhook } from "~/data/webhooks.server";
import { notifyWork } from "~/lib/signals.server";

/** Shopify topics as authenticate.webhook normalises them → the REST topic name we store. */
export function restTopic(topic: string): string {
  // ORDERS_CREATE → orders/create; APP_SCOPES_UPDATE → app/scopes_update; CUSTOMERS_DATA_REQUEST → customers/data_request
  const known = [
    "orders/create", "orders/updated", "orders/paid", "orders/cancelled", "refunds/create",
    "draft_orders/create", "draft_orders/update", "app/uninstalled", "app/scopes_update",
    "customers/data_request", "customers/redact", "shop/redact",
    "subscription_contracts/create", "subscription_contracts/update", "subscription_billing_attempts/success",
    "subscription_billing_attempts/failure",
  ];
  const norm = topic.toUpperCase().replace(/[/.]/g, "_");
  return known.find((t) => t.toUpperCase().replace(/[/.]/g, "_") === norm) ?? topic.toLowerCase();
}

export interface ReceivedWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  eventId?: string;
  apiVersion?: string;
  triggeredAt?: string;
  rawBody: string;
}

/**
 * Persist first, answer fast: the delivery is stored idempotently by its webhook id and
 * processed after the answer by the worker (app/jobs). Nothing heavy happens here.
 */
export async function receiveWebhook(db: Db, w: ReceivedWebhook): Promise<"stored" | "duplicate"> {
  const result = await storeWebhook(db, { ...incoming(w), rawBody: w.rawBody });
  if (result === "stored") void notifyWork();
  return result;
}

function incoming(w: Omit<ReceivedWebhook, "rawBody">) {
  const triggered = w.triggeredAt ? new Date(w.triggeredAt) : null;
  return {
    shop: w.shop,
    webhookId: w.webhookId,
    eventId: w.eventId ?? null,
    topic: restTopic(w.topic),
    apiVersion: w.apiVersion ?? null,
    triggeredAt: triggered && !Number.isNaN(triggered.getTime()) ? triggered : null,
  };
}

/**
 * A correctly signed delivery whose body cannot be read (not JSON, truncated before it was
 * signed): Shopify would send the same bytes again, so a retry cannot help. It is recorded
 * as rejected (the body is not kept) and acknowledged, so it stays visible without
 * Shopify retrying it for hours and counting failures against the subscription.
 */
export async function rejectUnreadableWebhook(db: Db, w: Omit<ReceivedWebhook, "rawBody">, bodyBytes: number): Promise<"stored" | "duplicate"> {
  return storeRejectedWebhook(db, incoming(w), `body is not valid JSON (${bodyBytes} bytes); not retried`, new Date());
}
