import { Prisma } from "@trueline/db-sqlite";
import type { Db, DbProvider } from "~/db.server";
import { asDate, asDateOrNull, asNumber, asStringOrNull, newId, runnerOf, statement, type Row } from "./sql.server";

export const WEBHOOK_STATUSES = ["received", "processed", "rejected", "failed"] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export interface IncomingWebhook {
  shop: string;
  webhookId: string;
  eventId: string | null;
  topic: string;
  apiVersion: string | null;
  triggeredAt: Date | null;
  /** SHA-256 (hex) of the signed body bytes: part of the delivery's identity (ADR 0014). */
  bodyDigest: string;
  rawBody: string;
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}

/**
 * Whether these exact signed bytes were already stored under ANOTHER shop. A body Shopify
 * signed belongs to one shop (it carries ids unique to that shop's store); the first shop it
 * arrived for keeps it, the same bytes under another X-Shopify-Shop-Domain are a replay.
 */
export async function bodyDeliveredToAnotherShop(db: Db, bodyDigest: string, shop: string): Promise<boolean> {
  const rows = await runnerOf(db).all(OTHER_SHOP_BODY, [bodyDigest, shop]);
  return rows.length > 0;
}

// The acknowledgement's two statements run prepared on the driver (ADR 0021): through Prisma
// they cost ~1 ms of CPU per webhook for ~0.1 ms of SQL, on the request loop (issue 10).
const OTHER_SHOP_BODY = statement("webhooks.other-shop-body", `SELECT 1 AS "x" FROM "WebhookDelivery" WHERE "bodyDigest" = ? AND "shop" <> ? LIMIT 1`);
const STORE_WEBHOOK = statement(
  "webhooks.store",
  `INSERT INTO "WebhookDelivery" ("id", "shop", "webhookId", "eventId", "topic", "apiVersion", "triggeredAt", "bodyDigest", "rawBody", "status", "attempts", "createdAt", "updatedAt")
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', 0, ?, ?)
   ON CONFLICT ("shop", "webhookId", "bodyDigest") DO NOTHING`,
);

/**
 * Store a delivery once per (shop, webhook id, body digest): a retry (same id, same bytes)
 * returns "duplicate"; the same id with other bytes is a different delivery and is stored
 * beside the first (never dropped, never overwriting it).
 */
export async function storeWebhook(db: Db, w: IncomingWebhook, at: Date = new Date()): Promise<"stored" | "duplicate"> {
  const changed = await runnerOf(db).run(STORE_WEBHOOK, [newId(), w.shop, w.webhookId, w.eventId, w.topic, w.apiVersion, w.triggeredAt, w.bodyDigest, w.rawBody, at, at]);
  return changed > 0 ? "stored" : "duplicate";
}

/**
 * A delivery that can never be processed (e.g. its signed body is not JSON), recorded as
 * rejected with why, without its body. Idempotent on (shop, webhook id, body digest) like storeWebhook.
 */
export async function storeRejectedWebhook(db: Db, w: Omit<IncomingWebhook, "rawBody">, reason: string, at: Date): Promise<"stored" | "duplicate"> {
  try {
    await db.webhookDelivery.create({ data: { ...w, rawBody: null, status: "rejected", error: reason.slice(0, 1000), processedAt: at } });
    return "stored";
  } catch (e) {
    if (isUniqueViolation(e)) return "duplicate";
    throw e;
  }
}

const WEBHOOK_COLUMNS = `"id", "shop", "webhookId", "eventId", "topic", "apiVersion", "triggeredAt", "bodyDigest", "rawBody", "status", "error", "attempts", "lockedUntil", "processedAt", "createdAt", "updatedAt"`;

/** A claimed delivery (the WebhookDelivery row). */
export interface ClaimedWebhook {
  id: string;
  shop: string;
  webhookId: string;
  eventId: string | null;
  topic: string;
  apiVersion: string | null;
  triggeredAt: Date | null;
  bodyDigest: string | null;
  rawBody: string | null;
  status: string;
  error: string | null;
  attempts: number;
  lockedUntil: Date | null;
  processedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

function toWebhook(r: Row): ClaimedWebhook {
  return {
    id: String(r.id),
    shop: String(r.shop),
    webhookId: String(r.webhookId),
    eventId: asStringOrNull(r.eventId),
    topic: String(r.topic),
    apiVersion: asStringOrNull(r.apiVersion),
    triggeredAt: asDateOrNull(r.triggeredAt),
    bodyDigest: asStringOrNull(r.bodyDigest),
    rawBody: asStringOrNull(r.rawBody),
    status: String(r.status),
    error: asStringOrNull(r.error),
    attempts: asNumber(r.attempts),
    lockedUntil: asDateOrNull(r.lockedUntil),
    processedAt: asDateOrNull(r.processedAt),
    createdAt: asDate(r.createdAt),
    updatedAt: asDate(r.updatedAt),
  };
}

const CLAIM = (lock: string) =>
  `UPDATE "WebhookDelivery" SET "lockedUntil" = ?
      WHERE "id" IN (SELECT "id" FROM "WebhookDelivery"
        WHERE "status" = 'received' AND ("lockedUntil" IS NULL OR "lockedUntil" < ?)
        ORDER BY "createdAt" LIMIT ?${lock}) RETURNING ${WEBHOOK_COLUMNS}`;
const CLAIM_WEBHOOKS = statement("webhook.claim", CLAIM(""), CLAIM(" FOR UPDATE SKIP LOCKED").replace(/\?/g, ((n) => () => `$${++n}`)(0)));

/**
 * Claim received deliveries with a lease (SKIP LOCKED on PostgreSQL), oldest first: one
 * prepared statement that also returns the rows.
 */
export async function claimWebhooks(db: Db, _provider: DbProvider, opts: { now: Date; limit: number; leaseMs: number }): Promise<ClaimedWebhook[]> {
  const until = new Date(opts.now.getTime() + opts.leaseMs);
  const rows = await runnerOf(db).all(CLAIM_WEBHOOKS, [until, opts.now, opts.limit]);
  return rows.map(toWebhook).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const FINISH_WEBHOOK = statement(
  "webhook.finish",
  `UPDATE "WebhookDelivery" SET "status" = ?, "error" = ?, "processedAt" = ?, "lockedUntil" = NULL, "rawBody" = NULL, "attempts" = "attempts" + 1, "updatedAt" = ? WHERE "id" = ?`,
);

/** Processed: the raw body (personal data) is dropped; what matters now lives in the order tables. */
export async function finishWebhook(
  db: Db | Prisma.TransactionClient,
  id: string,
  result: { status: "processed" | "rejected"; note?: string; at: Date },
): Promise<void> {
  await runnerOf(db).run(FINISH_WEBHOOK, [result.status, result.note ?? null, result.at, new Date(), id]);
}

/** Our own failure: keep the body, retry later; after maxAttempts it stays "failed" (visible, replayable). */
export async function failWebhook(db: Db, id: string, opts: { error: string; retryAt: Date; attempts: number; maxAttempts: number }): Promise<void> {
  const final = opts.attempts + 1 >= opts.maxAttempts;
  await db.webhookDelivery.update({
    where: { id },
    data: { status: final ? "failed" : "received", error: opts.error.slice(0, 1000), lockedUntil: final ? null : opts.retryAt, attempts: { increment: 1 } },
  });
}

/**
 * refunds/create deliveries that arrived before their order wait with a backoff; once the
 * order is stored they can go at once. Only rows waiting for a retry (received, tried before,
 * with a body that names the order) are touched; the (status, lockedUntil) index narrows the
 * search. A row another worker holds at that moment is harmless: refunds apply once per id.
 */
const RELEASE_REFUNDS = statement(
  "webhook.release-refunds",
  `UPDATE "WebhookDelivery" SET "lockedUntil" = NULL, "updatedAt" = ?
    WHERE "WebhookDelivery"."status" = 'received' AND "WebhookDelivery"."lockedUntil" IS NOT NULL AND "WebhookDelivery"."shop" = ?
      AND "WebhookDelivery"."topic" = 'refunds/create' AND "WebhookDelivery"."attempts" > 0 AND "WebhookDelivery"."rawBody" LIKE ? ESCAPE '\\'`,
);

export async function releaseWaitingRefunds(db: Db | Prisma.TransactionClient, shop: string, orderId: string): Promise<number> {
  const needle = `%${`"order_id":${orderId}`.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return runnerOf(db).run(RELEASE_REFUNDS, [new Date(), shop, needle]);
}
