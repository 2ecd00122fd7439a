import type { Db, DbProvider } from "~/db.server";
import { claimAdminJob, recordAdminJobProgress, type AdminJobView } from "~/data/admin-jobs.server";
import type { Logger } from "~/lib/logger.server";
import type { AdminJobChunkContext, AdminJobChunkResult, AdminJobHandler } from "~/services/admin-job-handler";

/**
 * Long admin work (bulk replay, exports) as background jobs: a row per job, a handler
 * per kind, run by the worker loop one chunk at a time under a lease. Progress
 * (done/total) and the cursor are written after every chunk, so the page can show
 * a progress bar and a job survives a worker restart.
 */

export type { AdminJobChunkContext, AdminJobChunkResult, AdminJobHandler };

export interface AdminJobDeps {
  db: Db;
  provider: DbProvider;
  workerId: string;
  log: Logger;
  now: () => number;
  /** How long a chunk may take before another worker may take the job over (default 60 s). */
  jobLeaseMs?: number;
}

/** Next progress from a chunk's result: done never exceeds total (rows may fail anew meanwhile). */
export function nextProgress(job: Pick<AdminJobView, "done" | "total">, r: AdminJobChunkResult): { done: number; total: number; status: "running" | "done" } {
  const done = job.done + r.handled;
  const total = r.finished ? done : Math.max(job.total, done);
  return { done, total, status: r.finished ? "done" : "running" };
}

/** Claim one job and run one chunk of it. Returns 1 when a chunk ran (so the loop keeps going), else 0. */
export async function runAdminJobsTick(deps: AdminJobDeps, handlers: readonly AdminJobHandler[]): Promise<number> {
  const byKind = new Map(handlers.map((h) => [h.kind, h]));
  const now = new Date(deps.now());
  const job = await claimAdminJob(deps.db, deps.provider, { now, leaseMs: deps.jobLeaseMs ?? 60_000, workerId: deps.workerId, kinds: [...byKind.keys()] });
  if (!job) return 0;
  const handler = byKind.get(job.kind)!;
  try {
    const result = await handler.runChunk({ db: deps.db, job, now, log: deps.log });
    const progress = nextProgress(job, result);
    const kept = await recordAdminJobProgress(deps.db, deps.workerId, job.id, { ...progress, cursor: result.cursor, now: new Date(deps.now()) });
    deps.log.info("admin job chunk", { jobId: job.id, kind: job.kind, from: job.cursor ?? "", handled: result.handled, done: progress.done, total: progress.total, kept });
    if (!kept) deps.log.warn("admin job lease lost; chunk result dropped", { jobId: job.id, kind: job.kind });
  } catch (error) {
    deps.log.error("admin job failed", { jobId: job.id, kind: job.kind, error });
    const message = error instanceof Error ? error.message : String(error);
    await recordAdminJobProgress(deps.db, deps.workerId, job.id, { done: job.done, total: job.total, cursor: job.cursor, status: "failed", error: message.slice(0, 500), now: new Date(deps.now()) });
  }
  return 1;
}
