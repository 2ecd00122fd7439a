import type { Db, DbProvider } from "~/db.server";
import type { DestinationKind } from "~/destinations/destination";
import type { Logger } from "~/lib/logger.server";
import { msSinceIngest, onWork } from "~/lib/signals.server";
import { startDeliveryPump } from "~/services/deliver.server";
import type { GoogleAppConfig } from "~/services/google-ads-auth.server";
import type { LinkedInAppConfig } from "~/services/linkedin-auth.server";
import { processPixelEventsTick } from "~/services/visits.server";
import { processWebhooksTick } from "~/services/process-webhooks.server";
import { runRetentionSweep } from "~/services/retention.server";
import { runAdminJobsTick } from "./admin-jobs.server";
import { adminJobHandlersFor } from "./admin-job-handlers.server";
import { DIAGNOSTICS_EVERY_MS, scheduleDiagnosticsReads } from "~/services/platform-diagnostics.server";
import { listenForWork } from "./listen.server";
import { yieldsToIngest } from "./pass-share";

export interface WorkerOptions {
  db: Db;
  provider: DbProvider;
  key: Buffer;
  log: Logger;
  workerId: string;
  baseUrls?: Partial<Record<DestinationKind, string>>;
  /** Fallback poll interval (real ms); stored work wakes the loop at once (in process, or NOTIFY). */
  pollMs?: number;
  /** PostgreSQL: connection string for the dedicated LISTEN connection (ADR 0016). */
  listenUrl?: string;
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
  /** How often each destination's platform verdict is read (default 6 h; 0 = never; ADR 0041). */
  diagnosticsEveryMs?: number;
  /** The app's Google OAuth client and developer token (Google Ads, ADR 0030). */
  google?: GoogleAppConfig;
  /** The app's LinkedIn OAuth client (ADR 0045). */
  linkedin?: LinkedInAppConfig;
  /**
   * Target length of one pixel pass: SQLite 4 ms (synchronous work on the web loop),
   * PostgreSQL 20 ms (what a webhook arriving meanwhile waits at most, about).
   */
  pixelPassBudgetMs?: number;
}

export interface WorkerHandle {
  stop(): Promise<void>;
  /** Resolves when a loop pass finds nothing to do and no platform request is in flight (tests, demo). */
  idle(): Promise<void>;
}

const MAX_PIXEL_LIMIT = 100;
const SQLITE_PIXEL_PASS_BUDGET_MS = 4;
const PG_PIXEL_PASS_BUDGET_MS = 20;
/**
 * SQLite, while storefront requests are arriving (an ingest in the last 250 ms): pixel passes
 * take at most this share of the loop's time (a pass waits until the time since the last one
 * ended is at least that pass's length × (1 − share) / share). Under a sustained flood with an
 * old backlog (the guard in processPixelEventsTick no longer defers passes) back-to-back 4 ms
 * passes kept single-event ingest at 0.41 of the bare writer on the 1M-event store (issue 10's
 * bench). Shorter passes were tried first and drain far less (2 ms: 440 events/s against 2,240,
 * scripts/measure/ingest-share.ts): each pass has a fixed cost (its transaction, the claim), so
 * passes keep their length and run less often. When requests stop, passes run back to back.
 * Measured (50k-event old backlog, 16 connections): back to back 1,233 req/s while draining
 * 2,243 events/s; a third of the loop 2,290 req/s while draining 1,026 events/s.
 */
const SQLITE_PIXEL_SHARE_UNDER_INGEST = 1 / 3;
/**
 * The deliveries webhooks created are kicked when the webhooks on hand are processed (so a
 * burst leaves as platform-sized batches), and while webhooks keep arriving faster than they
 * are processed at least every WEBHOOK_RUN_MAX webhooks or WEBHOOK_RUN_MS (injected clock).
 * WEBHOOK_RUN_MS bounds what a purchase waits for its request to leave during a flood: it
 * was 5 s, which made the bench's webhook → conversions API figure seconds (issue 10).
 */
const WEBHOOK_RUN_MAX = 100;
const WEBHOOK_RUN_MS = 100;

/**
 * The background loop, in priority order (ADR 0016):
 * 1. stored webhooks → orders, conversions and outbox rows, one webhook per turn;
 * 2. the deliveries they created: the delivery pump is kicked right after, and runs on
 *    its own (requests in flight while the loop goes on), so a conversion never waits
 *    behind a pixel pass;
 * 3. pixel events → profiles and sessions, in short passes: on SQLite a pass is
 *    synchronous work on this event loop, so its size adapts to stay near
 *    `pixelPassBudgetMs`, with a turn of the event loop (setImmediate) after each;
 * 4. admin jobs (bulk replay…) one chunk per turn; the retention sweep hourly.
 * Webhooks and admin jobs are looked for when work is signalled (lib/signals) or every
 * `pollMs`; pixel passes continue while they find events. Every error is caught and
 * logged; the loop keeps going (graphile-worker's "always release").
 */
export function startWorker(opts: WorkerOptions): WorkerHandle {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const pollMs = opts.pollMs ?? 1_000;
  const budgetMs = opts.pixelPassBudgetMs ?? (opts.provider === "postgres" ? PG_PIXEL_PASS_BUDGET_MS : SQLITE_PIXEL_PASS_BUDGET_MS);
  let running = true;
  let wake: (() => void) | null = null;
  let idleWaiters: Array<() => void> = [];
  // Set by a signal (or idle()): look for webhooks, admin jobs and due deliveries now.
  let signaled = true;
  const deps = { ...opts, now, random };
  // Set when the pump runs out of work, so the loop re-checks whether it is idle.
  let settled = false;
  const pump = startDeliveryPump(deps, {
    onSettled: () => {
      settled = true;
      wake?.();
    },
  });
  // A signal wakes the loop, which looks for webhooks first and then kicks the pump.
  const unsubscribe = onWork(() => {
    signaled = true;
    wake?.();
  });
  const listener = opts.listenUrl ? listenForWork(opts.listenUrl, opts.log) : null;
  const retentionEveryMs = opts.retentionEveryMs ?? 3_600_000;
  let lastSweep = now();
  const adminHandlers = adminJobHandlersFor({ key: opts.key, baseUrls: opts.baseUrls, timeoutMs: opts.timeoutMs, google: opts.google, linkedin: opts.linkedin });
  const diagnosticsEveryMs = opts.diagnosticsEveryMs ?? DIAGNOSTICS_EVERY_MS;
  // Which destinations are due for a read is looked at every few minutes (and at start).
  let lastDiagnosticsCheck = -Infinity;
  let lastCheck = -Infinity;
  let msPerEvent = budgetMs;
  let lastPassEnd = 0;
  let lastPassMs = 0;

  const loop = (async () => {
    let failures = 0;
    let webhooksPending = false;
    let pixelPending = true;
    let adminPending = false;
    let webhookRunStart = 0;
    let webhookRun = 0;
    while (running) {
      const due = signaled || performance.now() - lastCheck >= pollMs;
      signaled = false;
      if (due) lastCheck = performance.now();
      try {
        // 1 + 2: webhooks first, then the deliveries they created.
        if (due || webhooksPending) {
          const n = await processWebhooksTick(deps, 1);
          if (n > 0 && !webhooksPending) [webhookRunStart, webhookRun] = [now(), 0];
          webhooksPending = n > 0;
          webhookRun += n;
          if (!webhooksPending || webhookRun >= WEBHOOK_RUN_MAX || now() - webhookRunStart >= WEBHOOK_RUN_MS) {
            pump.kick();
            [webhookRunStart, webhookRun] = [now(), 0];
          }
        }
        // 3: a short pixel pass, unless webhooks are waiting.
        if (!webhooksPending && (pixelPending || due)) {
          // Both databases: the pass's size adapts to stay near the budget, so a webhook that
          // arrives meanwhile waits at most about one budget. On SQLite the pass is synchronous
          // work on this loop; on PostgreSQL it awaits the network (the loop stays free), but
          // the next webhook still waits for the pass to end.
          const yieldToIngest =
            opts.provider !== "postgres" &&
            yieldsToIngest({ sinceIngestMs: msSinceIngest(), sinceLastPassMs: performance.now() - lastPassEnd, lastPassMs, share: SQLITE_PIXEL_SHARE_UNDER_INGEST });
          if (yieldToIngest) {
            pixelPending = true;
          } else {
            const limit = Math.max(1, Math.min(MAX_PIXEL_LIMIT, Math.floor(budgetMs / Math.max(msPerEvent, 0.01))));
            const started = performance.now();
            const n = await processPixelEventsTick(deps, limit);
            lastPassEnd = performance.now();
            lastPassMs = lastPassEnd - started;
            pixelPending = n > 0;
            if (n > 0) msPerEvent = 0.7 * msPerEvent + 0.3 * (lastPassMs / n);
          }
        }
        // 4: admin jobs, one chunk per turn.
        if (due || adminPending) adminPending = (await runAdminJobsTick(deps, adminHandlers)) > 0;
        failures = 0;
      } catch (error) {
        failures++;
        webhooksPending = pixelPending = adminPending = false;
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
      if (diagnosticsEveryMs > 0 && now() - lastDiagnosticsCheck >= Math.min(diagnosticsEveryMs, 300_000)) {
        lastDiagnosticsCheck = now();
        try {
          if ((await scheduleDiagnosticsReads({ db: opts.db, now: new Date(now()) }, diagnosticsEveryMs)) > 0) adminPending = true;
        } catch (error) {
          opts.log.error("platform diagnostics schedule failed", { error });
        }
      }
      const busy = webhooksPending || pixelPending || adminPending || signaled;
      // SQLite's driver answers synchronously, so a pass is one long chain of microtasks:
      // a turn of the event loop after each lets requests (and platform answers) in.
      if (busy) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      if (!pump.busy()) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      } else if (settled) {
        settled = false;
        continue;
      }
      settled = false;
      const delay = failures > 0 ? Math.min(30_000, pollMs * 2 ** failures) : Math.max(1, pollMs - (performance.now() - lastCheck));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  })();

  return {
    async stop() {
      running = false;
      unsubscribe();
      wake?.();
      await loop;
      await pump.stop();
      await listener?.stop();
      for (const w of idleWaiters) w();
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        signaled = true;
        wake?.();
      });
    },
  };
}
