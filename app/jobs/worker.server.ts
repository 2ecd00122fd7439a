import type { Db, DbProvider } from "~/db.server";
import type { DestinationKind } from "~/destinations/destination";
import type { Logger } from "~/lib/logger.server";
import { runDeliveryTick } from "~/services/deliver.server";
import { processPixelEventsTick } from "~/services/visits.server";
import { processWebhooksTick } from "~/services/process-webhooks.server";
import { runRetentionSweep } from "~/services/retention.server";
import { onWake } from "./wake.server";
import { runAdminJobsTick } from "./admin-jobs.server";
import { adminJobHandlers } from "./admin-job-handlers.server";

export interface WorkerOptions {
  db: Db;
  provider: DbProvider;
  key: Buffer;
  log: Logger;
  workerId: string;
  baseUrls?: Partial<Record<DestinationKind, string>>;
  /** Idle poll interval; in-process work wakes the loop at once. */
  pollMs?: number;
  now?: () => number;
  random?: () => number;
  /** Outbound request timeout per platform call (default 10 s). */
  timeoutMs?: number;
  /** How long a claimed outbox row stays ours (default 120 s); a dead worker's rows are re-claimed after it. */
  leaseMs?: number;
  /** Retry horizon (default 24 h). */
  horizonMs?: number;
  /** How often the data-retention sweep runs (default hourly; the first runs one interval after start). */
  retentionEveryMs?: number;
}

export interface WorkerHandle {
  stop(): Promise<void>;
  /** Resolves when a loop pass finds nothing to do (tests, demo). */
  idle(): Promise<void>;
}

/**
 * The background loop: stored webhooks → orders, conversions and outbox rows;
 * pixel events → profiles and sessions; due outbox rows → platforms; admin jobs
 * (bulk replay…) one chunk per pass. Every error
 * is caught and logged; the loop keeps going (graphile-worker's "always release").
 */
export function startWorker(opts: WorkerOptions): WorkerHandle {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const pollMs = opts.pollMs ?? 250;
  let running = true;
  let wake: (() => void) | null = null;
  let idleWaiters: Array<() => void> = [];
  let pendingWake = false;
  const unsubscribe = onWake(() => {
    pendingWake = true;
    wake?.();
  });
  const deps = { ...opts, now, random };
  const retentionEveryMs = opts.retentionEveryMs ?? 3_600_000;
  let lastSweep = now();

  const loop = (async () => {
    let failures = 0;
    while (running) {
      pendingWake = false;
      let handled = 0;
      try {
        handled += await processWebhooksTick(deps);
        handled += await processPixelEventsTick(deps);
        handled += await runDeliveryTick(deps);
        handled += await runAdminJobsTick(deps, adminJobHandlers);
        failures = 0;
      } catch (error) {
        failures++;
        opts.log.error("worker pass failed", { error, failures });
      }
      if (now() - lastSweep >= retentionEveryMs) {
        lastSweep = now();
        try {
          const swept = await runRetentionSweep({ db: opts.db, now, log: opts.log });
          opts.log.info("retention sweep", swept);
        } catch (error) {
          opts.log.error("retention sweep failed", { error });
        }
      }
      // SQLite's driver answers synchronously, so a pass is one long chain of microtasks:
      // without a turn of the event loop between passes, a backlog would starve every
      // request of the web process (webhook acks included) until it was drained.
      if (handled > 0 || pendingWake) await new Promise<void>((resolve) => setImmediate(resolve));
      if (handled === 0 && !pendingWake) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
        const delay = failures > 0 ? Math.min(30_000, pollMs * 2 ** failures) : pollMs;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    }
  })();

  return {
    async stop() {
      running = false;
      unsubscribe();
      wake?.();
      await loop;
      for (const w of idleWaiters) w();
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake?.();
      });
    },
  };
}
