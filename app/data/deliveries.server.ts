import { Prisma } from "@trueline/db-sqlite";
import type { Db, DbProvider } from "~/db.server";

export const DELIVERY_STATUSES = ["pending", "retrying", "delivered", "failed", "expired", "skipped"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface NewDelivery {
  shop: string;
  destinationId: string;
  conversionId: string;
  eventId: string;
  eventName: string;
  occurredAt: Date;
  status: "pending" | "skipped";
  reason?: string;
  now: Date;
}

type Tx = Prisma.TransactionClient | Db;

/** Insert outbox rows; a row that exists for (destination, event id) is left as it is. */
export async function enqueueDeliveries(tx: Tx, rows: NewDelivery[]): Promise<number> {
  if (rows.length === 0) return 0;
  const existing = await tx.delivery.findMany({
    where: { OR: rows.map((r) => ({ destinationId: r.destinationId, eventId: r.eventId })) },
    select: { destinationId: true, eventId: true },
  });
  const seen = new Set(existing.map((e) => `${e.destinationId}\u0000${e.eventId}`));
  const fresh = rows.filter((r) => {
    const k = `${r.destinationId}\u0000${r.eventId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (fresh.length === 0) return 0;
  await tx.delivery.createMany({
    data: fresh.map((r) => ({
      shop: r.shop,
      destinationId: r.destinationId,
      conversionId: r.conversionId,
      eventId: r.eventId,
      eventName: r.eventName,
      occurredAt: r.occurredAt,
      status: r.status,
      lastError: r.reason ?? null,
      nextAttemptAt: r.now,
      firstQueuedAt: r.now,
    })),
  });
  return fresh.length;
}

/**
 * Claim due rows with a lease. PostgreSQL: FOR UPDATE SKIP LOCKED, so any number of
 * workers on any number of machines share the outbox without claiming a row twice.
 * SQLite: one process writes at a time, so the UPDATE … WHERE id IN (SELECT …) is atomic.
 * A worker that dies mid-send leaves a lease that expires; the row is claimed again.
 */
export async function claimDueDeliveries(
  db: Db,
  provider: DbProvider,
  opts: { now: Date; limit: number; leaseMs: number; workerId: string },
) {
  const until = new Date(opts.now.getTime() + opts.leaseMs);
  const select =
    provider === "postgres"
      ? Prisma.sql`SELECT d."id" FROM "Delivery" d JOIN "Destination" t ON t."id" = d."destinationId"
          WHERE d."status" IN ('pending', 'retrying') AND d."nextAttemptAt" <= ${opts.now}
            AND (d."lockedUntil" IS NULL OR d."lockedUntil" < ${opts.now})
            AND t."pausedAt" IS NULL AND t."enabled" = true
          ORDER BY d."nextAttemptAt" LIMIT ${opts.limit} FOR UPDATE OF d SKIP LOCKED`
      : Prisma.sql`SELECT d."id" FROM "Delivery" d JOIN "Destination" t ON t."id" = d."destinationId"
          WHERE d."status" IN ('pending', 'retrying') AND d."nextAttemptAt" <= ${opts.now}
            AND (d."lockedUntil" IS NULL OR d."lockedUntil" < ${opts.now})
            AND t."pausedAt" IS NULL AND t."enabled" = true
          ORDER BY d."nextAttemptAt" LIMIT ${opts.limit}`;
  const claimed = await db.$queryRaw<Array<{ id: string }>>(
    Prisma.sql`UPDATE "Delivery" SET "lockedUntil" = ${until}, "lockedBy" = ${opts.workerId}
      WHERE "id" IN (${select}) RETURNING "id"`,
  );
  if (claimed.length === 0) return [];
  return db.delivery.findMany({ where: { id: { in: claimed.map((c) => c.id) }, lockedBy: opts.workerId } });
}

export type ClaimedDelivery = Awaited<ReturnType<typeof claimDueDeliveries>>[number];

export interface AttemptRecord {
  deliveryId: string;
  startedAt: Date;
  durationMs: number;
  outcome: "delivered" | "retry" | "fail" | "config-error" | "network-error" | "expired" | "skipped";
  httpStatus?: number;
  responseBody?: string;
  error?: string;
}

export type DeliveryUpdate =
  | { id: string; status: "delivered"; at: Date; requestBody: string | null }
  | { id: string; status: "retrying"; nextAttemptAt: Date; error: string; requestBody: string | null }
  | { id: string; status: "failed" | "expired" | "skipped"; error: string; requestBody: string | null };

/** Record the attempts and new states of a claimed batch in one transaction; releases the lease. */
export async function recordOutcomes(db: Db, workerId: string, updates: DeliveryUpdate[], attempts: AttemptRecord[]): Promise<void> {
  await db.$transaction(async (tx) => {
    if (attempts.length > 0) {
      await tx.deliveryAttempt.createMany({ data: attempts.map((a) => ({ ...a, httpStatus: a.httpStatus ?? null, responseBody: a.responseBody ?? null, error: a.error ?? null })) });
    }
    const attempted = new Set(attempts.filter((a) => a.outcome !== "skipped" && a.outcome !== "expired").map((a) => a.deliveryId));
    // Rows that end the same way (a batch accepted as one request) are written by one statement.
    const groups = new Map<string, { data: Prisma.DeliveryUpdateManyMutationInput; ids: string[] }>();
    for (const u of updates) {
      const base = { lockedUntil: null, lockedBy: null, requestBody: u.requestBody ?? undefined, ...(attempted.has(u.id) ? { attempts: { increment: 1 } } : {}) };
      const data =
        u.status === "delivered"
          ? { ...base, status: "delivered", deliveredAt: u.at, lastError: null }
          : u.status === "retrying"
            ? { ...base, status: "retrying", nextAttemptAt: u.nextAttemptAt, lastError: u.error }
            : { ...base, status: u.status, lastError: u.error };
      const key = JSON.stringify(data);
      const group = groups.get(key);
      if (group) group.ids.push(u.id);
      else groups.set(key, { data, ids: [u.id] });
    }
    for (const { data, ids } of groups.values()) {
      // Only the lease holder may write (a lease that expired and was re-claimed is not ours).
      await tx.delivery.updateMany({ where: { id: { in: ids }, lockedBy: workerId }, data });
    }
  }, { timeout: 60_000, maxWait: 10_000 });
}

/** Release leases without an attempt (e.g. destination paused between claim and send). */
export async function releaseDeliveries(db: Db, workerId: string, ids: string[], nextAttemptAt?: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.delivery.updateMany({
    where: { id: { in: ids }, lockedBy: workerId },
    data: { lockedUntil: null, lockedBy: null, ...(nextAttemptAt ? { nextAttemptAt } : {}) },
  });
}

/** Put failed/expired rows back in the queue (merchant's replay action). */
export async function replayDeliveries(db: Db, shop: string, ids: string[] | "all-failed", now: Date): Promise<number> {
  const where = ids === "all-failed" ? { shop, status: { in: ["failed", "expired"] } } : { shop, id: { in: ids }, status: { in: ["failed", "expired"] } };
  const r = await db.delivery.updateMany({ where, data: { status: "pending", nextAttemptAt: now, firstQueuedAt: now, lastError: null, lockedBy: null, lockedUntil: null } });
  return r.count;
}
