import { randomUUID } from "node:crypto";
import { Prisma } from "@trueline/db-sqlite";
import type { Db, DbProvider } from "~/db.server";
import { newId, runnerOf, sqlTime as driverTime, statement } from "./sql.server";

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

const ENQUEUE = statement(
  "deliveries.enqueue",
  `INSERT INTO "Delivery" ("id", "shop", "destinationId", "conversionId", "eventId", "eventName", "occurredAt", "status", "lastError", "attempts", "nextAttemptAt", "firstQueuedAt", "createdAt", "updatedAt")
   SELECT json_extract(value, '$.id'), json_extract(value, '$.shop'), json_extract(value, '$.destinationId'), json_extract(value, '$.conversionId'),
          json_extract(value, '$.eventId'), json_extract(value, '$.eventName'), json_extract(value, '$.occurredAt'), json_extract(value, '$.status'),
          json_extract(value, '$.lastError'), 0, json_extract(value, '$.now'), json_extract(value, '$.now'), json_extract(value, '$.at'), json_extract(value, '$.at')
   FROM json_each(?) WHERE true
   ON CONFLICT ("destinationId", "eventId") DO UPDATE SET "occurredAt" = excluded."occurredAt", "updatedAt" = excluded."updatedAt"
   WHERE "Delivery"."status" IN ('pending', 'skipped') AND "Delivery"."occurredAt" <> excluded."occurredAt"`,
  `INSERT INTO "Delivery" ("id", "shop", "destinationId", "conversionId", "eventId", "eventName", "occurredAt", "status", "lastError", "attempts", "nextAttemptAt", "firstQueuedAt", "createdAt", "updatedAt")
   SELECT "id", "shop", "destinationId", "conversionId", "eventId", "eventName", "occurredAt", "status", "lastError", 0, "now", "now", "at", "at"
   FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "shop" text, "destinationId" text, "conversionId" text, "eventId" text, "eventName" text,
        "occurredAt" timestamp(3), "status" text, "lastError" text, "now" timestamp(3), "at" timestamp(3))
   ON CONFLICT ("destinationId", "eventId") DO UPDATE SET "occurredAt" = excluded."occurredAt", "updatedAt" = excluded."updatedAt"
   WHERE "Delivery"."status" IN ('pending', 'skipped') AND "Delivery"."occurredAt" <> excluded."occurredAt"`,
);

/**
 * Insert outbox rows; a row that exists for (destination, event id) is left as it is, except
 * that a row not yet sent (pending or skipped) takes the conversion's current time when it moved (an order's
 * restatement is stamped with the newest version carrying it: services/orders laterVersion).
 * A row repeated in `rows` is written once. ONE prepared statement, the rows in one JSON
 * parameter. Returns how many rows were written or moved.
 */
export async function enqueueDeliveries(tx: Tx, rows: NewDelivery[]): Promise<number> {
  if (rows.length === 0) return 0;
  const runner = runnerOf(tx);
  const t = (d: Date) => driverTime(runner.provider, d);
  const at = t(new Date());
  const json = JSON.stringify(
    rows.map((r) => ({
      id: newId(), shop: r.shop, destinationId: r.destinationId, conversionId: r.conversionId, eventId: r.eventId, eventName: r.eventName,
      occurredAt: t(r.occurredAt), status: r.status, lastError: r.reason ?? null, now: t(r.now), at,
    })),
  );
  return runner.run(ENQUEUE, [json]);
}

/** How many ids one IN list carries at most (SQLite's and PostgreSQL's parameter limits are far above). */
const IN_CHUNK = 500;

async function inChunks<T>(ids: string[], run: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) out.push(...(await run(ids.slice(i, i + IN_CHUNK))));
  return out;
}

/**
 * DateTime as a raw statement must write it. SQLite keeps Prisma's text form (and compares
 * it as text, so the form must be exactly Prisma's); PostgreSQL's timestamp(3) takes the
 * ISO text (UTC, the zone suffix ignored).
 */
function sqlTime(provider: DbProvider, d: Date): string {
  return provider === "sqlite" ? d.toISOString().replace("Z", "+00:00") : d.toISOString();
}

const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string | number));

export interface ClaimedDelivery {
  id: string;
  shop: string;
  destinationId: string;
  conversionId: string;
  eventId: string;
  eventName: string;
  occurredAt: Date;
  firstQueuedAt: Date;
  attempts: number;
  /** The claim that holds the lease: only it may record the outcome. */
  claimToken: string;
}

/**
 * Claim due rows with a lease, in ONE statement: UPDATE … WHERE id IN (due rows) RETURNING
 * the columns the sender needs. Each claim writes a fresh token; outcomes are recorded only
 * where the token is still ours (a lease that expired and was claimed again is not).
 * PostgreSQL: FOR UPDATE SKIP LOCKED, so any number of workers share the outbox without
 * claiming a row twice. SQLite: one writer at a time, so the statement is atomic.
 * No IN list of values: any limit works (2,000 and more) on both databases.
 */
export async function claimDueDeliveries(
  db: Db,
  provider: DbProvider,
  opts: { now: Date; limit: number; leaseMs: number; workerId: string; claimToken?: string },
): Promise<ClaimedDelivery[]> {
  const until = new Date(opts.now.getTime() + opts.leaseMs);
  const token = opts.claimToken ?? `${opts.workerId}:${randomUUID()}`;
  // One ordered walk of the [status, nextAttemptAt] index per open status, merged by
  // nextAttemptAt: `status IN ('pending', 'retrying') ORDER BY nextAttemptAt` cannot be read
  // in order from that index (two status values), so it sorted every due row. Each walk stops
  // at the limit; the merge of two ordered walks needs no sort (SQLite: MERGE of the compound's
  // arms, walked as coroutines; PostgreSQL: Merge Append). The destination is checked per row
  // (EXISTS), so the outbox stays the table that drives the walk.
  const walk = (status: "pending" | "retrying") => Prisma.sql`SELECT d."id", d."nextAttemptAt" FROM "Delivery" d
    WHERE d."status" = ${status} AND d."nextAttemptAt" <= ${opts.now}
      AND (d."lockedUntil" IS NULL OR d."lockedUntil" < ${opts.now})
      AND EXISTS (SELECT 1 FROM "Destination" t WHERE t."id" = d."destinationId" AND t."pausedAt" IS NULL AND t."enabled" = true)`;
  // PostgreSQL refuses FOR UPDATE in a UNION's arms, so each locking walk is a subquery of
  // its own (SKIP LOCKED there: concurrent workers walk past each other's rows).
  const select =
    provider === "postgres"
      ? Prisma.sql`SELECT "id" FROM (
          SELECT * FROM (${walk("pending")} ORDER BY d."nextAttemptAt" LIMIT ${opts.limit} FOR UPDATE OF d SKIP LOCKED) p
          UNION ALL SELECT * FROM (${walk("retrying")} ORDER BY d."nextAttemptAt" LIMIT ${opts.limit} FOR UPDATE OF d SKIP LOCKED) r
          ORDER BY "nextAttemptAt" LIMIT ${opts.limit}) due`
      : Prisma.sql`SELECT "id" FROM (${walk("pending")} UNION ALL ${walk("retrying")} ORDER BY 2 LIMIT ${opts.limit})`;
  const rows = await db.$queryRaw<Array<Record<string, unknown>>>(
    Prisma.sql`UPDATE "Delivery" SET "lockedUntil" = ${until}, "lockedBy" = ${opts.workerId}, "claimToken" = ${token}
      WHERE "id" IN (${select})
      RETURNING "id", "shop", "destinationId", "conversionId", "eventId", "eventName", "occurredAt", "firstQueuedAt", "attempts"`,
  );
  return rows
    .map((r) => ({
      id: String(r.id),
      shop: String(r.shop),
      destinationId: String(r.destinationId),
      conversionId: String(r.conversionId),
      eventId: String(r.eventId),
      eventName: String(r.eventName),
      occurredAt: asDate(r.occurredAt),
      firstQueuedAt: asDate(r.firstQueuedAt),
      attempts: Number(r.attempts),
      claimToken: token,
    }))
    .sort((a, b) => a.firstQueuedAt.getTime() - b.firstQueuedAt.getTime() || (a.id < b.id ? -1 : 1));
}

export interface AttemptRecord {
  deliveryId: string;
  startedAt: Date;
  durationMs: number;
  outcome: "delivered" | "retry" | "fail" | "config-error" | "network-error" | "expired" | "skipped";
  httpStatus?: number;
  responseBody?: string;
  error?: string;
}

/** The request a row last went out in (null: none, e.g. skipped before sending). */
type Sent = { requestId?: string | null };
export type DeliveryUpdate = Sent &
  (
    | { id: string; status: "delivered"; at: Date }
    | { id: string; status: "retrying"; nextAttemptAt: Date; error: string }
    | { id: string; status: "failed" | "expired" | "skipped"; error: string }
  );

/** A request as sent: its body is stored once, and the rows it carried point at it. */
export interface SentRequest {
  id: string;
  shop: string;
  destinationId: string;
  body: string;
}

/**
 * Record what one request (or one claim's unsendable rows) came to, in one transaction:
 * the request's body once, its attempts with one INSERT … SELECT, and every row's new
 * state with ONE set-based UPDATE … FROM (values as one JSON parameter, so no parameter
 * limit). Only rows still under `claimToken` change; the lease is released.
 */
export async function recordOutcomes(
  db: Db,
  claimToken: string,
  updates: DeliveryUpdate[],
  attempts: AttemptRecord[],
  opts: { provider?: DbProvider; requests?: SentRequest[]; now?: Date } = {},
): Promise<void> {
  const statements = outcomeStatements(db, claimToken, updates, attempts, opts);
  if (statements.length === 0) return;
  if (statements.length === 1) await statements[0];
  else await db.$transaction(statements);
}

/**
 * The statements of `recordOutcomes`, not yet run: a caller that records several
 * requests' outcomes at once (group commit) runs them in one transaction.
 */
export function outcomeStatements(
  db: Db,
  claimToken: string,
  updates: DeliveryUpdate[],
  attempts: AttemptRecord[],
  opts: { provider?: DbProvider; requests?: SentRequest[]; now?: Date } = {},
): Prisma.PrismaPromise<unknown>[] {
  const provider = opts.provider ?? providerOfClient(db);
  const at = opts.now ?? new Date();
  const t = (d: Date) => sqlTime(provider, d);
  const attempted = new Set(attempts.filter((a) => a.outcome !== "skipped" && a.outcome !== "expired").map((a) => a.deliveryId));
  const statements: Prisma.PrismaPromise<unknown>[] = [];
  for (const r of opts.requests ?? []) {
    statements.push(db.$executeRaw`INSERT INTO "DeliveryRequest" ("id", "shop", "destinationId", "body", "createdAt") VALUES (${r.id}, ${r.shop}, ${r.destinationId}, ${r.body}, ${at})`);
  }
  if (attempts.length > 0) {
    const json = JSON.stringify(
      attempts.map((a) => ({
        id: randomUUID(),
        deliveryId: a.deliveryId,
        startedAt: t(a.startedAt),
        durationMs: a.durationMs,
        outcome: a.outcome,
        httpStatus: a.httpStatus ?? null,
        responseBody: a.responseBody ?? null,
        error: a.error ?? null,
        createdAt: t(at),
      })),
    );
    statements.push(
      provider === "postgres"
        ? db.$executeRaw`INSERT INTO "DeliveryAttempt" ("id", "deliveryId", "startedAt", "durationMs", "outcome", "httpStatus", "responseBody", "error", "createdAt")
            SELECT a."id", a."deliveryId", a."startedAt", a."durationMs", a."outcome", a."httpStatus", a."responseBody", a."error", a."createdAt"
            FROM jsonb_to_recordset(${json}::jsonb) AS a("id" text, "deliveryId" text, "startedAt" timestamp(3), "durationMs" int, "outcome" text, "httpStatus" int, "responseBody" text, "error" text, "createdAt" timestamp(3))`
        : db.$executeRaw`INSERT INTO "DeliveryAttempt" ("id", "deliveryId", "startedAt", "durationMs", "outcome", "httpStatus", "responseBody", "error", "createdAt")
            SELECT json_extract(value, '$.id'), json_extract(value, '$.deliveryId'), json_extract(value, '$.startedAt'), json_extract(value, '$.durationMs'),
              json_extract(value, '$.outcome'), json_extract(value, '$.httpStatus'), json_extract(value, '$.responseBody'), json_extract(value, '$.error'), json_extract(value, '$.createdAt')
            FROM json_each(${json})`,
    );
  }
  if (updates.length > 0) {
    const json = JSON.stringify(
      updates.map((u) => ({
        id: u.id,
        status: u.status,
        inc: attempted.has(u.id) ? 1 : 0,
        nextAttemptAt: u.status === "retrying" ? t(u.nextAttemptAt) : null,
        deliveredAt: u.status === "delivered" ? t(u.at) : null,
        lastError: u.status === "delivered" ? null : u.error,
        requestId: u.requestId ?? null,
      })),
    );
    statements.push(
      provider === "postgres"
        ? db.$executeRaw`UPDATE "Delivery" AS d SET "status" = v."status", "attempts" = d."attempts" + v."inc",
              "nextAttemptAt" = COALESCE(v."nextAttemptAt", d."nextAttemptAt"), "deliveredAt" = COALESCE(v."deliveredAt", d."deliveredAt"),
              "lastError" = v."lastError", "requestId" = COALESCE(v."requestId", d."requestId"),
              "lockedUntil" = NULL, "lockedBy" = NULL, "claimToken" = NULL, "updatedAt" = ${at}
            FROM jsonb_to_recordset(${json}::jsonb) AS v("id" text, "status" text, "inc" int, "nextAttemptAt" timestamp(3), "deliveredAt" timestamp(3), "lastError" text, "requestId" text)
            WHERE d."id" = v."id" AND d."claimToken" = ${claimToken}`
        : db.$executeRaw`UPDATE "Delivery" SET "status" = v."status", "attempts" = "Delivery"."attempts" + v."inc",
              "nextAttemptAt" = COALESCE(v."nextAttemptAt", "Delivery"."nextAttemptAt"), "deliveredAt" = COALESCE(v."deliveredAt", "Delivery"."deliveredAt"),
              "lastError" = v."lastError", "requestId" = COALESCE(v."requestId", "Delivery"."requestId"),
              "lockedUntil" = NULL, "lockedBy" = NULL, "claimToken" = NULL, "updatedAt" = ${at}
            FROM (SELECT json_extract(value, '$.id') AS "id", json_extract(value, '$.status') AS "status", json_extract(value, '$.inc') AS "inc",
                    json_extract(value, '$.nextAttemptAt') AS "nextAttemptAt", json_extract(value, '$.deliveredAt') AS "deliveredAt",
                    json_extract(value, '$.lastError') AS "lastError", json_extract(value, '$.requestId') AS "requestId"
                  FROM json_each(${json})) AS v
            WHERE "Delivery"."id" = v."id" AND "Delivery"."claimToken" = ${claimToken}`,
    );
  }
  return statements;
}

/** Which database a client talks to (the raw statements differ). */
function providerOfClient(db: Db): DbProvider {
  return (db as unknown as { _activeProvider?: string })._activeProvider === "postgresql" ? "postgres" : "sqlite";
}

/**
 * Release leases without an attempt (e.g. destination paused between claim and send; a
 * stopping worker's queue). `holder` is the claim token (or, for older callers, the worker id).
 */
export async function releaseDeliveries(db: Db, holder: string, ids: string[], nextAttemptAt?: Date): Promise<void> {
  if (ids.length === 0) return;
  await inChunks(ids, async (chunk) => {
    await db.delivery.updateMany({
      where: { id: { in: chunk }, OR: [{ claimToken: holder }, { lockedBy: holder }] },
      data: { lockedUntil: null, lockedBy: null, claimToken: null, ...(nextAttemptAt ? { nextAttemptAt } : {}) },
    });
    return [];
  });
}

/** Conversions' payloads by id (chunked IN lists). */
export async function loadConversionPayloads(db: Db, ids: string[]): Promise<Map<string, string>> {
  const rows = await inChunks(ids, (chunk) => db.conversion.findMany({ where: { id: { in: chunk } }, select: { id: true, payload: true } }));
  return new Map(rows.map((r) => [r.id, r.payload]));
}

/** The stored bodies of requests (admin logs, privacy export), by request id. */
export async function requestBodies(db: Db, requestIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(requestIds)];
  const rows = await inChunks(ids, (chunk) => db.deliveryRequest.findMany({ where: { id: { in: chunk } }, select: { id: true, body: true } }));
  return new Map(rows.filter((r) => r.body !== null).map((r) => [r.id, r.body!]));
}

/** Put failed/expired rows back in the queue (merchant's replay action). */
export async function replayDeliveries(db: Db, shop: string, ids: string[] | "all-failed", now: Date): Promise<number> {
  const where = ids === "all-failed" ? { shop, status: { in: ["failed", "expired"] } } : { shop, id: { in: ids }, status: { in: ["failed", "expired"] } };
  const r = await db.delivery.updateMany({ where, data: { status: "pending", nextAttemptAt: now, firstQueuedAt: now, lastError: null, lockedBy: null, lockedUntil: null } });
  return r.count;
}

/** Redaction/retention: clear the stored bodies of the requests that carried these conversions' rows. */
export async function clearRequestBodiesOf(tx: Tx, shop: string, conversionIds: string[]): Promise<void> {
  const rows = await inChunks(conversionIds, (chunk) =>
    tx.delivery.findMany({ where: { shop, conversionId: { in: chunk }, requestId: { not: null } }, select: { requestId: true } }),
  );
  const ids = [...new Set(rows.map((r) => r.requestId!))];
  await inChunks(ids, async (chunk) => {
    await tx.deliveryRequest.updateMany({ where: { shop, id: { in: chunk } }, data: { body: null } });
    return [];
  });
}

/** Redaction: clear every stored request body of the shop that contains one of `markers`. */
export async function clearRequestBodiesContaining(tx: Tx, shop: string, markers: string[]): Promise<void> {
  for (let i = 0; i < markers.length; i += 100) {
    const ms = markers.slice(i, i + 100);
    await tx.deliveryRequest.updateMany({ where: { shop, body: { not: null }, OR: ms.map((m) => ({ body: { contains: m } })) }, data: { body: null } });
  }
}

/** Shop redact: every stored request of the shop. */
export async function deleteShopRequests(tx: Tx, shop: string): Promise<void> {
  await tx.deliveryRequest.deleteMany({ where: { shop } });
}

/** Pending and retrying deliveries of the shop become "skipped" with this reason (nothing more leaves). */
export async function skipQueuedDeliveries(db: Tx, shop: string, reason: string): Promise<void> {
  await db.delivery.updateMany({
    where: { shop, status: { in: ["pending", "retrying"] } },
    data: { status: "skipped", lastError: reason, lockedBy: null, lockedUntil: null },
  });
}
