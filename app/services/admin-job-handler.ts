import type { Db } from "~/db.server";
import type { AdminJobView } from "~/data/admin-jobs.server";
import type { Logger } from "~/lib/logger.server";

// The contract between a kind of admin job (a service, e.g. replay) and the worker loop that
// runs it chunk by chunk (jobs/admin-jobs.server.ts). Here, below both, so services never
// import jobs.

export interface AdminJobChunkContext {
  db: Db;
  job: AdminJobView;
  now: Date;
  log: Logger;
}

export interface AdminJobChunkResult {
  /** Items handled in this chunk (added to done). */
  handled: number;
  /** Where the next chunk starts. */
  cursor: string | null;
  finished: boolean;
}

export interface AdminJobHandler {
  kind: string;
  runChunk(ctx: AdminJobChunkContext): Promise<AdminJobChunkResult>;
}
