import type { Db, DbProvider } from "~/db.server";
import { scrubSecrets } from "~/core/logs/redact";
import { isGoalEventName, type CanonicalConversion } from "~/core/conversions/conversion";
import { decideConsent, withoutIdentity } from "~/core/consent/consent";
import { purposeOf } from "~/destinations/policy";
import { decideRetry, nextAttemptAt } from "~/core/delivery/backoff";
import type { DestinationAdapter, DestinationKind, EventOutcome } from "~/destinations/destination";
import { trimForLog } from "~/destinations/destination";
import { destinations as registry } from "~/destinations/registry";
import { randomUUID } from "node:crypto";
import {
  claimDueDeliveries,
  loadConversionPayloads,
  outcomeStatements,
  recordOutcomes,
  releaseDeliveries,
  type AttemptRecord,
  type ClaimedDelivery,
  type DeliveryUpdate,
  type SentRequest,
} from "~/data/deliveries.server";
import { getDestinationsByIds, pauseDestination, type DestinationRecord } from "~/data/destinations.server";
import { sendRequest, type SendResult } from "~/lib/http-sender.server";
import type { Logger } from "~/lib/logger.server";
import { prepareCredentials, type PreparedCredentials } from "./destination-credentials.server";
import type { GoogleAppConfig } from "./google-ads-auth.server";
import type { LinkedInAppConfig } from "./linkedin-auth.server";

export interface DeliverDeps {
  db: Db;
  provider: DbProvider;
  key: Buffer;
  now: () => number;
  random: () => number;
  workerId: string;
  log: Logger;
  baseUrls?: Partial<Record<DestinationKind, string>>;
  timeoutMs?: number;
  leaseMs?: number;
  /** Retry horizon (24 h). */
  horizonMs?: number;
  /** Injected for tests of the sender's failure paths; defaults to real HTTP. */
  send?: typeof sendRequest;
  /** Requests in flight per destination (default: 8 for batching platforms, 48 for one-event ones). */
  concurrency?: number;
  /** Requests in flight in all (default 64). */
  maxInFlight?: number;
  /** Rows per claim (default 500). */
  claimLimit?: number;
  /** The app's Google OAuth client and developer token (Google Ads access tokens, ADR 0030). */
  google?: GoogleAppConfig;
  /** The app's LinkedIn OAuth client (LinkedIn access tokens, ADR 0045). */
  linkedin?: LinkedInAppConfig;
}

/** Renews a credential the platform refused (401), at most once per request. */
type Renew = (() => Promise<PreparedCredentials>) | undefined;

const BATCHED_CONCURRENCY = 8;
const SINGLE_EVENT_CONCURRENCY = 48;
const MAX_IN_FLIGHT = 64;
const CLAIM_LIMIT = 500;

const HOUR = 3_600_000;

interface ChunkResult {
  updates: DeliveryUpdate[];
  attempts: AttemptRecord[];
  /** Requests whose body the rows point at (one, unless the batch was split). */
  requests: SentRequest[];
  configError?: string;
}

async function sendChunk(
  deps: DeliverDeps,
  dest: DestinationRecord,
  adapter: DestinationAdapter<unknown>,
  config: unknown,
  chunk: Array<{ row: ClaimedDelivery; conv: CanonicalConversion }>,
  renew?: Renew,
): Promise<ChunkResult> {
  const startedAt = new Date(deps.now());
  const built = adapter.buildRequest(
    chunk.map((c) => c.conv),
    config,
    { now: startedAt.getTime(), testMode: dest.policy.testMode, baseUrlOverride: deps.baseUrls?.[dest.kind], currency: dest.policy.currency },
  );
  // Adapters refuse a whole batch when one event in it cannot be sent; find which, alone.
  if (built.kind === "skip" && chunk.length > 1) {
    const parts = await Promise.all(chunk.map((c) => sendChunk(deps, dest, adapter, config, [c], renew)));
    return merge(parts);
  }
  if (built.kind === "skip") {
    return {
      updates: chunk.map((c) => ({ id: c.row.id, status: "skipped" as const, error: built.reason })),
      attempts: chunk.map((c) => ({ deliveryId: c.row.id, startedAt, durationMs: 0, outcome: "skipped" as const, error: built.reason })),
      requests: [],
    };
  }
  const requestId = randomUUID();
  const request: SentRequest = { id: requestId, shop: dest.shop, destinationId: dest.id, body: JSON.stringify(scrubSecrets(built.request.body)) };
  const send = deps.send ?? sendRequest;
  const result: SendResult = await send(built.request, { timeoutMs: deps.timeoutMs ?? 10_000 });

  let outcomes: EventOutcome[];
  let httpStatus: number | undefined;
  let responseBody: string | undefined;
  if (result.kind === "response" && result.response.status === 401 && renew !== undefined) {
    // The access token was refused (expired early, revoked): renew it once and send again.
    // Nothing was recorded by the platform for a 401, so this is not a repeat.
    const renewed = await renew();
    const first: AttemptRecord[] = chunk.map((c) => ({
      deliveryId: c.row.id,
      startedAt,
      durationMs: result.durationMs,
      outcome: "retry",
      httpStatus: 401,
      responseBody: trimForLog(result.response.body),
      error: "access token refused (401); renewed and re-sent",
    }));
    if (renewed.kind === "ready") {
      const again = await sendChunk(deps, dest, adapter, renewed.config, chunk, undefined);
      return { ...again, attempts: [...first, ...again.attempts] };
    }
    const waitFor = renewed.kind === "wait" ? renewed.afterMs : 0;
    return {
      updates: chunk.map((c) => ({ id: c.row.id, status: "retrying" as const, nextAttemptAt: new Date(deps.now() + waitFor), error: renewed.reason })),
      attempts: first,
      requests: [],
      configError: renewed.kind === "pause" ? renewed.reason : undefined,
    };
  }
  if (result.kind === "network-error") {
    outcomes = chunk.map(() => ({ kind: "retry", reason: result.error }));
  } else {
    httpStatus = result.response.status;
    responseBody = trimForLog(result.response.body);
    const classified = adapter.classifyResponse(result.response, chunk.length);
    outcomes = classified.kind === "per-event" ? classified.outcomes : chunk.map(() => classified);
  }

  // One rejected event must not sink the others: a whole-batch permanent failure is
  // retried event by event, right away, so only the bad one ends failed.
  if (chunk.length > 1 && outcomes.every((o) => o.kind === "fail") && result.kind === "response") {
    deps.log.info("batch rejected as a whole; splitting", { destination: dest.kind, size: chunk.length });
    const parts = await Promise.all(chunk.map((c) => sendChunk(deps, dest, adapter, config, [c], renew)));
    const firstAttempts: AttemptRecord[] = chunk.map((c) => ({
      deliveryId: c.row.id,
      startedAt,
      durationMs: result.durationMs,
      outcome: "fail",
      httpStatus,
      responseBody,
      error: "batch rejected; split and re-sent alone",
    }));
    const merged = merge(parts);
    return { ...merged, attempts: [...firstAttempts, ...merged.attempts] };
  }

  const updates: DeliveryUpdate[] = [];
  const attempts: AttemptRecord[] = [];
  let configError: string | undefined;
  chunk.forEach((c, idx) => {
    const o = outcomes[idx] ?? { kind: "retry", reason: "platform returned no result for this event" };
    const attemptBase = { deliveryId: c.row.id, startedAt, durationMs: result.durationMs, httpStatus, responseBody };
    if (o.kind === "delivered") {
      updates.push({ id: c.row.id, status: "delivered", at: new Date(deps.now()), requestId });
      attempts.push({ ...attemptBase, outcome: "delivered" });
    } else if (o.kind === "fail") {
      updates.push({ id: c.row.id, status: "failed", error: o.reason, requestId });
      attempts.push({ ...attemptBase, outcome: "fail", error: o.reason });
    } else if (o.kind === "config-error") {
      configError = o.reason;
      // Not the event's fault: it waits (status retrying) until the merchant fixes the settings.
      updates.push({ id: c.row.id, status: "retrying", nextAttemptAt: new Date(deps.now()), error: `destination paused: ${o.reason}`, requestId });
      attempts.push({ ...attemptBase, outcome: "config-error", error: o.reason });
    } else {
      const attempt = c.row.attempts + 1;
      const now = deps.now();
      const at = nextAttemptAt({ attempt, now, random: deps.random, retryAfterMs: o.retryAfterMs });
      const decision = decideRetry({
        firstQueuedAt: c.row.firstQueuedAt.getTime(),
        now,
        nextAt: at,
        horizonMs: deps.horizonMs ?? 24 * HOUR,
        maxEventAgeMs: adapter.maxEventAgeMs,
        occurredAt: c.row.occurredAt.getTime(),
      });
      const outcome = result.kind === "network-error" ? "network-error" : "retry";
      attempts.push({ ...attemptBase, outcome, error: o.reason });
      updates.push(
        decision.kind === "retry"
          ? { id: c.row.id, status: "retrying", nextAttemptAt: new Date(decision.at), error: o.reason, requestId }
          : { id: c.row.id, status: decision.status, error: `${decision.reason} (last error: ${o.reason})`, requestId },
      );
    }
  });
  return { updates, attempts, requests: [request], configError };
}

function merge(parts: ChunkResult[]): ChunkResult {
  return {
    updates: parts.flatMap((p) => p.updates),
    attempts: parts.flatMap((p) => p.attempts),
    requests: parts.flatMap((p) => p.requests),
    configError: parts.find((p) => p.configError)?.configError,
  };
}


/** One request's worth of claimed rows, waiting for a free lane. */
interface Job {
  dest: DestinationRecord;
  adapter: DestinationAdapter<unknown>;
  config: unknown;
  renew?: Renew;
  items: Array<{ row: ClaimedDelivery; conv: CanonicalConversion }>;
  claimToken: string;
  claimedAt: number;
}

export interface DeliveryPump {
  /** Due rows may exist (stored, signalled, or the poll): claim now if lanes are free. */
  kick(): void;
  /** True while a claim or a platform request is in flight, or claimed rows wait for a lane. */
  busy(): boolean;
  /** Claim nothing new; release what waits; let what is in flight finish (outcomes recorded). */
  stop(): Promise<void>;
}

/**
 * Delivery as a pipeline (ADR 0016): up to `maxInFlight` requests in flight at all times
 * (and at most `concurrency` per destination, so one slow platform cannot take every
 * lane). Rows are claimed by one UPDATE … RETURNING while fewer requests wait than lanes
 * exist, cut into platform-sized requests, and each request's outcome is recorded as soon
 * as it answers — no claim → send all → record → claim bursts. Runs beside the worker
 * loop; `onSettled` is called whenever it runs out of work.
 */
export function startDeliveryPump(deps: DeliverDeps, opts: { onSettled?: () => void } = {}): DeliveryPump {
  const maxInFlight = deps.maxInFlight ?? MAX_IN_FLIGHT;
  const claimLimit = deps.claimLimit ?? CLAIM_LIMIT;
  const leaseMs = deps.leaseMs ?? 120_000;
  const queue: Job[] = [];
  const perDest = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let claiming: Promise<void> | null = null;
  /** Whether more rows may be due: set by every kick, cleared by a claim that found fewer than asked. */
  let more = false;
  let kicks = 0;
  let stopped = false;
  let wasBusy = false;

  // Group commit: the outcomes of requests that answer while a write is under way are
  // written together by the next one (one transaction, each request's statements kept).
  let pendingWrites: Array<{ statements: ReturnType<typeof outcomeStatements>; done: (e?: unknown) => void }> = [];
  let writing = false;
  const record = (statements: ReturnType<typeof outcomeStatements>) =>
    new Promise<void>((resolve, reject) => {
      if (statements.length === 0) return resolve();
      pendingWrites.push({ statements, done: (e) => (e === undefined ? resolve() : reject(e)) });
      if (!writing) void flush();
    });
  const flush = async () => {
    writing = true;
    try {
      while (pendingWrites.length > 0) {
        // Let the answers already received join this write.
        await new Promise<void>((r) => setImmediate(r));
        const batch = pendingWrites;
        pendingWrites = [];
        try {
          await deps.db.$transaction(batch.flatMap((b) => b.statements));
          for (const b of batch) b.done();
        } catch (error) {
          for (const b of batch) b.done(error);
        }
      }
    } finally {
      writing = false;
    }
  };

  const capOf = (job: Job) => deps.concurrency ?? (job.adapter.maxBatchSize === 1 ? SINGLE_EVENT_CONCURRENCY : BATCHED_CONCURRENCY);
  const isBusy = () => inFlight.size > 0 || claiming !== null || queue.length > 0;

  const pump = () => {
    if (stopped) return;
    // Start what lanes allow, oldest first, skipping destinations at their cap.
    for (let i = 0; i < queue.length && inFlight.size < maxInFlight; ) {
      const job = queue[i]!;
      if ((perDest.get(job.dest.id) ?? 0) >= capOf(job)) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      start(job);
    }
    if (!claiming && more && queue.length < maxInFlight) {
      claiming = claim()
        .catch((error) => {
          more = false;
          deps.log.error("delivery claim failed", { error });
        })
        .finally(() => {
          claiming = null;
          pump();
        });
    }
    const busy = isBusy();
    if (wasBusy && !busy) opts.onSettled?.();
    wasBusy = busy;
  };

  const start = (job: Job) => {
    perDest.set(job.dest.id, (perDest.get(job.dest.id) ?? 0) + 1);
    const p = send(job)
      .catch((error) => deps.log.error("delivery request failed", { error, destination: job.dest.kind }))
      .finally(() => {
        perDest.set(job.dest.id, (perDest.get(job.dest.id) ?? 1) - 1);
        inFlight.delete(p);
        pump();
      });
    inFlight.add(p);
  };

  const send = async (job: Job) => {
    const ids = job.items.map((i) => i.row.id);
    // Claimed rows that waited too long for a lane go back rather than risk an expired lease.
    if (deps.now() - job.claimedAt > leaseMs / 2) {
      await releaseDeliveries(deps.db, job.claimToken, ids);
      return;
    }
    const result = await sendChunk(deps, job.dest, job.adapter, job.config, job.items, job.renew);
    await record(outcomeStatements(deps.db, job.claimToken, result.updates, result.attempts, { provider: deps.provider, requests: result.requests, now: new Date(deps.now()) }));
    if (result.configError !== undefined) await pauseForConfig(job.dest, result.configError);
  };

  /** The platform refused the settings: pause the destination; what waits for it goes back. */
  const pauseForConfig = async (dest: DestinationRecord, reason: string) => {
    await pauseDestination(deps.db, dest.id, reason, new Date(deps.now()));
    deps.log.warn("destination paused: configuration rejected by the platform", { destination: dest.kind, destinationId: dest.id, shop: dest.shop });
    const waiting = queue.filter((j) => j.dest.id === dest.id);
    for (const j of waiting) queue.splice(queue.indexOf(j), 1);
    for (const j of waiting) await releaseDeliveries(deps.db, j.claimToken, j.items.map((i) => i.row.id), new Date(deps.now()));
  };

  const claim = async () => {
    const seen = kicks;
    const nowMs = deps.now();
    const claimed = await claimDueDeliveries(deps.db, deps.provider, { now: new Date(nowMs), limit: claimLimit, leaseMs, workerId: deps.workerId });
    if (claimed.length < claimLimit && kicks === seen) more = false;
    if (claimed.length === 0) return;
    const token = claimed[0]!.claimToken;
    const dests = await getDestinationsByIds(deps.db, deps.key, [...new Set(claimed.map((c) => c.destinationId))]);
    const payloads = await loadConversionPayloads(deps.db, [...new Set(claimed.map((c) => c.conversionId))]);

    const byDest = new Map<string, ClaimedDelivery[]>();
    for (const row of claimed) {
      const list = byDest.get(row.destinationId);
      if (list) list.push(row);
      else byDest.set(row.destinationId, [row]);
    }
    const updates: DeliveryUpdate[] = [];
    const attempts: AttemptRecord[] = [];
    for (const [destId, rows] of byDest) {
      const dest = dests.get(destId);
      if (!dest || dest.pausedAt || !dest.enabled) {
        await releaseDeliveries(deps.db, token, rows.map((r) => r.id));
        continue;
      }
      const adapter = (registry as Partial<Record<DestinationKind, DestinationAdapter<unknown>>>)[dest.kind]!;
      const parsedConfig = adapter.configSchema.safeParse(dest.config);
      if (!parsedConfig.success) {
        await pauseDestination(deps.db, dest.id, `settings are incomplete or invalid: ${parsedConfig.error.issues[0]?.message ?? "invalid"}`, new Date(nowMs));
        await releaseDeliveries(deps.db, token, rows.map((r) => r.id), new Date(nowMs));
        continue;
      }
      // App-supplied credentials (Google Ads' OAuth access token): fetched or refreshed now,
      // before anything is built. A grant that only the merchant can restore pauses the
      // destination; its rows go back untouched (no attempt counted) until the reconnect.
      const credentials = await prepareCredentials(deps, dest, parsedConfig.data);
      if (credentials.kind === "pause") {
        await pauseDestination(deps.db, dest.id, credentials.reason, new Date(nowMs));
        deps.log.warn("destination paused: credentials need the merchant", { destination: dest.kind, destinationId: dest.id, shop: dest.shop });
        await releaseDeliveries(deps.db, token, rows.map((r) => r.id), new Date(nowMs));
        continue;
      }
      if (credentials.kind === "wait") {
        deps.log.warn("credentials unavailable; deliveries wait", { destination: dest.kind, destinationId: dest.id, reason: credentials.reason });
        await releaseDeliveries(deps.db, token, rows.map((r) => r.id), new Date(nowMs + credentials.afterMs));
        continue;
      }
      const config = credentials.config;
      const ready: Job["items"] = [];
      for (const row of rows) {
        const payload = payloads.get(row.conversionId);
        if (payload === undefined) {
          updates.push({ id: row.id, status: "failed", error: "conversion record missing (redacted?)" });
          continue;
        }
        if (nowMs - row.occurredAt.getTime() > adapter.maxEventAgeMs) {
          const limitH = Math.round(adapter.maxEventAgeMs / HOUR);
          updates.push({ id: row.id, status: "expired", error: `event is older than ${adapter.displayName} accepts (${limitH} h)` });
          attempts.push({ deliveryId: row.id, startedAt: new Date(nowMs), durationMs: 0, outcome: "expired", error: "too old for the platform" });
          continue;
        }
        const stored = JSON.parse(payload) as CanonicalConversion;
        // A goal conversion goes under the goal its row was queued with (ADR 0039).
        const conv = stored.goal && isGoalEventName(row.eventName) ? { ...stored, name: row.eventName } : stored;
        // Consent was decided when the row was queued ("skipped" rows never get here);
        // "anonymous" decisions are applied now, to what is actually sent.
        const consent = decideConsent(conv.consent, purposeOf(dest.kind), dest.policy.consent);
        const sent = consent.kind === "anonymous" ? withoutIdentity(conv) : conv;
        // Events the platform cannot take with this config are settled before batching.
        const unsendable = adapter.unsendable?.(sent, config) ?? null;
        if (unsendable !== null) {
          updates.push({ id: row.id, status: "skipped", error: unsendable });
          attempts.push({ deliveryId: row.id, startedAt: new Date(nowMs), durationMs: 0, outcome: "skipped", error: unsendable });
          continue;
        }
        ready.push({ row, conv: sent });
      }
      for (let i = 0; i < ready.length; i += adapter.maxBatchSize) {
        queue.push({ dest, adapter, config, renew: credentials.renew, items: ready.slice(i, i + adapter.maxBatchSize), claimToken: token, claimedAt: nowMs });
      }
    }
    // Rows that cannot be sent (too old, conversion gone) are settled in one statement.
    await recordOutcomes(deps.db, token, updates, attempts, { provider: deps.provider, now: new Date(deps.now()) });
  };

  return {
    kick() {
      if (stopped) return;
      kicks++;
      more = true;
      pump();
    },
    busy: isBusy,
    async stop() {
      stopped = true;
      const waiting = queue.splice(0);
      await claiming;
      waiting.push(...queue.splice(0));
      for (const j of waiting) await releaseDeliveries(deps.db, j.claimToken, j.items.map((i) => i.row.id)).catch(() => undefined);
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
