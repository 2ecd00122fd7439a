import { Prisma } from "@trueline/db-sqlite";
import type { Db, DbProvider } from "~/db.server";

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
  const other = await db.webhookDelivery.findFirst({ where: { bodyDigest, shop: { not: shop } }, select: { id: true } });
  return other !== null;
}

/**
 * Store a delivery once per (shop, webhook id, body digest): a retry (same id, same bytes)
 * returns "duplicate"; the same id with other bytes is a different delivery and is stored
 * beside the first (never dropped, never overwriting it).
 */
export async function storeWebhook(db: Db, w: IncomingWebhook): Promise<"stored" | "duplicate"> {
  try {
    await db.webhookDelivery.create({ data: { ...w, status: "received" } });
    return "stored";
  } catch (e) {
    if (isUniqueViolation(e)) return "duplicate";
    throw e;
  }
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

/** Claim received deliveries with a lease (SKIP LOCKED on PostgreSQL). Oldest first. */
export async function claimWebhooks(db: Db, provider: DbProvider, opts: { now: Date; limit: number; leaseMs: number }) {
  const until = new Date(opts.now.getTime() + opts.leaseMs);
  const lock = provider === "postgres" ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
  const claimed = await db.$queryRaw<Array<{ id: string }>>(
    Prisma.sql`UPDATE "WebhookDelivery" SET "lockedUntil" = ${until}
      WHERE "id" IN (SELECT "id" FROM "WebhookDelivery"
        WHERE "status" = 'received' AND ("lockedUntil" IS NULL OR "lockedUntil" < ${opts.now})
        ORDER BY "createdAt" LIMIT ${opts.limit} ${lock}) RETURNING "id"`,
  );
  if (claimed.length === 0) return [];
  return db.webhookDelivery.findMany({ where: { id: { in: claimed.map((c) => c.id) } }, orderBy: { createdAt: "asc" } });
}
export type ClaimedWebhook = Awaited<ReturnType<typeof claimWebhooks>>[number];

/** Processed: the raw body (personal data) is dropped; what matters now lives in the order tables. */
export async function finishWebhook(
  db: Db | Prisma.TransactionClient,
  id: string,
  result: { status: "processed" | "rejected"; note?: string; at: Date },
): Promise<void> {
  await db.webhookDelivery.update({
    where: { id },
    data: { status: result.status, error: result.note ?? null, processedAt: result.at, lockedUntil: null, rawBody: null, attempts: { increment: 1 } },
  });
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
export async function releaseWaitingRefunds(db: Db | Prisma.TransactionClient, shop: string, orderId: string): Promise<number> {
  const { count } = await db.webhookDelivery.updateMany({
    where: { status: "received", shop, topic: "refunds/create", attempts: { gt: 0 }, lockedUntil: { not: null }, rawBody: { contains: `"order_id":${orderId}` } },
    data: { lockedUntil: null },
  });
  return count;
}
