import { z } from "zod";
import type { Db } from "~/db.server";
import { replayDeliveries } from "~/data/deliveries.server";
import { countReplayableDeliveries, destinationBelongsToShop, getDeliveryDetail, listReplayableDeliveryIds } from "~/data/logs.server";
import { createAdminJob, findActiveAdminJob, type AdminJobView } from "~/data/admin-jobs.server";
import { notifyWork } from "~/lib/signals.server";
import type { AdminJobHandler } from "./admin-job-handler";

/**
 * Replays go back through the outbox: a failed/expired row is set to pending and the
 * worker sends it like any other. replayDeliveries only ever touches failed and
 * expired rows (one conditional UPDATE), so a delivered row is never sent again,
 * whatever the order of clicks, jobs and workers.
 */

export const REPLAY_FAILED_KIND = "replay_failed";
export const ReplayParamsSchema = z.object({ destinationId: z.string().min(1).max(40).optional() });
export type ReplayParams = z.infer<typeof ReplayParamsSchema>;

/** Rows re-queued per chunk (one short transaction each; progress is written after every chunk). */
export const REPLAY_CHUNK = 200;

export type ReplayOneResult = { kind: "queued"; waitingFor: string | null } | { kind: "not-found" } | { kind: "not-replayable"; status: string };

export async function replayOneDelivery(db: Db, shop: string, id: string, now: Date): Promise<ReplayOneResult> {
  const found = await getDeliveryDetail(db, shop, id);
  if (!found) return { kind: "not-found" };
  const n = await replayDeliveries(db, shop, [id], now);
  if (n === 0) return { kind: "not-replayable", status: found.delivery.status };
  void notifyWork();
  // A paused destination keeps its queue until the merchant resumes it: say so.
  return { kind: "queued", waitingFor: found.destination?.pausedAt ? found.destination.label : null };
}

export type StartReplayResult =
  | { kind: "started"; job: AdminJobView }
  | { kind: "already-running"; job: AdminJobView }
  | { kind: "nothing-to-replay" }
  | { kind: "unknown-destination" };

/** Queue "Replay all failed" (optionally for one destination) as a background job. */
export async function startReplayAllFailed(db: Db, shop: string, params: ReplayParams, now: Date): Promise<StartReplayResult> {
  if (params.destinationId && !(await destinationBelongsToShop(db, shop, params.destinationId))) return { kind: "unknown-destination" };
  const active = await findActiveAdminJob(db, shop, REPLAY_FAILED_KIND);
  if (active) return { kind: "already-running", job: active };
  const total = await countReplayableDeliveries(db, shop, params.destinationId);
  if (total === 0) return { kind: "nothing-to-replay" };
  const job = await createAdminJob(db, { shop, kind: REPLAY_FAILED_KIND, params, total, now });
  void notifyWork();
  return { kind: "started", job };
}

/**
 * One chunk of the bulk replay: the next failed rows by id after the cursor. Rows that
 * fail again after their replay sit behind the cursor, so the job always ends.
 */
export const replayFailedHandler: AdminJobHandler = {
  kind: REPLAY_FAILED_KIND,
  async runChunk({ db, job, now }) {
    const params = ReplayParamsSchema.parse(JSON.parse(job.params));
    const ids = await listReplayableDeliveryIds(db, job.shop, { destinationId: params.destinationId, afterId: job.cursor, limit: REPLAY_CHUNK });
    if (ids.length === 0) return { handled: 0, cursor: job.cursor, finished: true };
    await replayDeliveries(db, job.shop, ids, now);
    void notifyWork();
    return { handled: ids.length, cursor: ids[ids.length - 1]!, finished: ids.length < REPLAY_CHUNK };
  },
};
