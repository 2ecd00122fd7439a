import { Prisma } from "@trueline/db-sqlite";
import { z } from "zod";
import type { Db, DbProvider } from "~/db.server";

export const ADMIN_JOB_STATUSES = ["queued", "running", "done", "failed"] as const;
export type AdminJobStatus = (typeof ADMIN_JOB_STATUSES)[number];

export interface AdminJobView {
  id: string;
  shop: string;
  kind: string;
  status: AdminJobStatus;
  total: number;
  done: number;
  error: string | null;
  params: string;
  cursor: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const StatusSchema = z.enum(ADMIN_JOB_STATUSES);

function view(row: {
  id: string;
  shop: string;
  kind: string;
  status: string;
  total: number;
  done: number;
  error: string | null;
  params: string;
  cursor: string | null;
  createdAt: Date;
  updatedAt: Date;
}): AdminJobView {
  const status = StatusSchema.safeParse(row.status);
  return {
    id: row.id,
    shop: row.shop,
    kind: row.kind,
    status: status.success ? status.data : "failed",
    total: row.total,
    done: row.done,
    error: row.error,
    params: row.params,
    cursor: row.cursor,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function createAdminJob(db: Db, input: { shop: string; kind: string; params: unknown; total: number; now: Date }): Promise<AdminJobView> {
  const row = await db.adminJob.create({
    data: { shop: input.shop, kind: input.kind, params: JSON.stringify(input.params ?? {}), total: input.total, createdAt: input.now },
  });
  return view(row);
}

/** A job of this shop that has not finished (at most one bulk job of a kind runs per shop). */
export async function findActiveAdminJob(db: Db, shop: string, kind: string): Promise<AdminJobView | null> {
  const row = await db.adminJob.findFirst({ where: { shop, kind, status: { in: ["queued", "running"] } }, orderBy: { createdAt: "desc" } });
  return row ? view(row) : null;
}

export async function latestAdminJob(db: Db, shop: string, kind: string): Promise<AdminJobView | null> {
  const row = await db.adminJob.findFirst({ where: { shop, kind }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return row ? view(row) : null;
}

/** Shop-scoped read (a job id from another shop is "not found"). */
export async function getAdminJob(db: Db, shop: string, id: string): Promise<AdminJobView | null> {
  const row = await db.adminJob.findFirst({ where: { id, shop } });
  return row ? view(row) : null;
}

/**
 * Claim one unfinished job with a lease (the delivery outbox's pattern). PostgreSQL:
 * FOR UPDATE SKIP LOCKED; SQLite: one writer at a time makes UPDATE … WHERE id IN
 * (SELECT …) atomic. A chunk is run only by the lease holder; a worker that dies
 * leaves a lease that expires, and the job is claimed again from its saved cursor.
 */
export async function claimAdminJob(
  db: Db,
  provider: DbProvider,
  opts: { now: Date; leaseMs: number; workerId: string; kinds: readonly string[] },
): Promise<AdminJobView | null> {
  if (opts.kinds.length === 0) return null;
  const until = new Date(opts.now.getTime() + opts.leaseMs);
  const kinds = Prisma.join(opts.kinds.map((k) => Prisma.sql`${k}`));
  const select =
    provider === "postgres"
      ? Prisma.sql`SELECT j."id" FROM "AdminJob" j
          WHERE j."status" IN ('queued', 'running') AND j."kind" IN (${kinds})
            AND (j."lockedUntil" IS NULL OR j."lockedUntil" < ${opts.now})
          ORDER BY j."createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED`
      : Prisma.sql`SELECT j."id" FROM "AdminJob" j
          WHERE j."status" IN ('queued', 'running') AND j."kind" IN (${kinds})
            AND (j."lockedUntil" IS NULL OR j."lockedUntil" < ${opts.now})
          ORDER BY j."createdAt" LIMIT 1`;
  const claimed = await db.$queryRaw<Array<{ id: string }>>(
    Prisma.sql`UPDATE "AdminJob" SET "lockedUntil" = ${until}, "lockedBy" = ${opts.workerId}, "status" = 'running', "updatedAt" = ${opts.now}
      WHERE "id" IN (${select}) RETURNING "id"`,
  );
  const id = claimed[0]?.id;
  if (id === undefined) return null;
  const row = await db.adminJob.findFirst({ where: { id, lockedBy: opts.workerId } });
  return row ? view(row) : null;
}

/**
 * Record a chunk's progress and release the lease; only the lease holder may write.
 * Returns false when the lease was lost (expired and taken by another worker).
 */
export async function recordAdminJobProgress(
  db: Db,
  workerId: string,
  id: string,
  update: { done: number; total: number; cursor: string | null; status: "running" | "done" | "failed"; error?: string; now: Date },
): Promise<boolean> {
  const r = await db.adminJob.updateMany({
    where: { id, lockedBy: workerId },
    data: {
      done: update.done,
      total: update.total,
      cursor: update.cursor,
      status: update.status,
      error: update.error ?? null,
      lockedBy: null,
      lockedUntil: null,
      updatedAt: update.now,
    },
  });
  return r.count === 1;
}
