import type { Db, DbProvider } from "~/db.server";
import type { CanonicalConversion } from "~/core/conversions/conversion";
import { decideConsent, withoutIdentity } from "~/core/consent/consent";
import { purposeOf } from "~/destinations/policy";
import { decideRetry, nextAttemptAt } from "~/core/delivery/backoff";
import type { DestinationAdapter, DestinationKind, EventOutcome } from "~/destinations/destination";
import { trimForLog } from "~/destinations/destination";
import { destinations as registry } from "~/destinations/registry";
import {
  claimDueDeliveries,
  recordOutcomes,
  releaseDeliveries,
  type AttemptRecord,
  type ClaimedDelivery,
  type DeliveryUpdate,
} from "~/data/deliveries.server";
import { getDestinationsByIds, pauseDestination, type DestinationRecord } from "~/data/destinations.server";
import { sendRequest, type SendResult } from "~/lib/http-sender.server";
import type { Logger } from "~/lib/logger.server";

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
  /** Requests in flight per destination (default: 4 for batching platforms, 16 for one-event ones). */
  concurrency?: number;
}

const BATCHED_CONCURRENCY = 4;
const SINGLE_EVENT_CONCURRENCY = 16;

const HOUR = 3_600_000;

/** Remove credentials from what we keep as "payload as sent" (tokens may sit in bodies, e.g. Meta). */
export function scrubSecrets(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(scrubSecrets);
  if (body && typeof body === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) out[k] = /token|secret|password|api_key/i.test(k) ? "[secret]" : scrubSecrets(v);
    return out;
  }
  return body;
}

/** Claim due deliveries, send them in platform-sized batches, record every attempt. Returns rows handled. */
export async function runDeliveryTick(deps: DeliverDeps, limit = 500): Promise<number> {
  const now = new Date(deps.now());
  const claimed = await claimDueDeliveries(deps.db, deps.provider, {
    now,
    limit,
    leaseMs: deps.leaseMs ?? 120_000,
    workerId: deps.workerId,
  });
  if (claimed.length === 0) return 0;

  const dests = await getDestinationsByIds(deps.db, deps.key, [...new Set(claimed.map((c) => c.destinationId))]);
  const conversions = new Map(
    (await deps.db.conversion.findMany({ where: { id: { in: [...new Set(claimed.map((c) => c.conversionId))] } } })).map((c) => [
      c.id,
      JSON.parse(c.payload) as CanonicalConversion,
    ]),
  );

  const byDest = new Map<string, ClaimedDelivery[]>();
  for (const row of claimed) byDest.set(row.destinationId, [...(byDest.get(row.destinationId) ?? []), row]);

  await Promise.all(
    [...byDest.entries()].map(async ([destId, rows]) => {
      const dest = dests.get(destId);
      if (!dest || dest.pausedAt || !dest.enabled) {
        await releaseDeliveries(deps.db, deps.workerId, rows.map((r) => r.id));
        return;
      }
      await deliverForDestination(deps, dest, rows, conversions);
    }),
  );
  return claimed.length;
}

async function deliverForDestination(
  deps: DeliverDeps,
  dest: DestinationRecord,
  rows: ClaimedDelivery[],
  conversions: Map<string, CanonicalConversion>,
): Promise<void> {
  const adapter = (registry as Partial<Record<DestinationKind, DestinationAdapter<unknown>>>)[dest.kind]!;
  const updates: DeliveryUpdate[] = [];
  const attempts: AttemptRecord[] = [];
  const nowMs = deps.now();
  const parsedConfig = adapter.configSchema.safeParse(dest.config);
  if (!parsedConfig.success) {
    await pauseDestination(deps.db, dest.id, `settings are incomplete or invalid: ${parsedConfig.error.issues[0]?.message ?? "invalid"}`, new Date(nowMs));
    await releaseDeliveries(deps.db, deps.workerId, rows.map((r) => r.id), new Date(nowMs));
    return;
  }

  const ready: Array<{ row: ClaimedDelivery; conv: CanonicalConversion }> = [];
  for (const row of rows) {
    const conv = conversions.get(row.conversionId);
    if (!conv) {
      updates.push({ id: row.id, status: "failed", error: "conversion record missing (redacted?)", requestBody: null });
      continue;
    }
    if (nowMs - row.occurredAt.getTime() > adapter.maxEventAgeMs) {
      const limitH = Math.round(adapter.maxEventAgeMs / HOUR);
      updates.push({ id: row.id, status: "expired", error: `event is older than ${adapter.displayName} accepts (${limitH} h)`, requestBody: null });
      attempts.push({ deliveryId: row.id, startedAt: new Date(nowMs), durationMs: 0, outcome: "expired", error: "too old for the platform" });
      continue;
    }
    // Consent was decided when the row was queued ("skipped" rows never get here);
    // "anonymous" decisions are applied now, to what is actually sent.
    const consent = decideConsent(conv.consent, purposeOf(dest.kind), dest.policy.consent);
    ready.push({ row, conv: consent.kind === "anonymous" ? withoutIdentity(conv) : conv });
  }

  // Requests to one platform go out a few at a time: one-event platforms (GA4, Google Ads)
  // would otherwise send a backlog strictly one after another.
  const chunks: Array<typeof ready> = [];
  for (let i = 0; i < ready.length; i += adapter.maxBatchSize) chunks.push(ready.slice(i, i + adapter.maxBatchSize));
  let next = 0;
  let configError: string | undefined;
  const lane = async () => {
    while (configError === undefined && next < chunks.length) {
      const chunk = chunks[next++]!;
      const result = await sendChunk(deps, dest, adapter, parsedConfig.data, chunk);
      updates.push(...result.updates);
      attempts.push(...result.attempts);
      configError ??= result.configError;
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? (adapter.maxBatchSize === 1 ? SINGLE_EVENT_CONCURRENCY : BATCHED_CONCURRENCY), chunks.length) }, lane));
  if (configError !== undefined) {
    await pauseDestination(deps.db, dest.id, configError, new Date(deps.now()));
    deps.log.warn("destination paused: configuration rejected by the platform", { destination: dest.kind, destinationId: dest.id, shop: dest.shop });
    // What is left waits for the merchant to fix the settings (resume re-queues it).
    const rest = chunks.slice(next).flat().map((r) => r.row.id);
    await releaseDeliveries(deps.db, deps.workerId, rest, new Date(deps.now()));
  }
  await recordOutcomes(deps.db, deps.workerId, updates, attempts);
}

interface ChunkResult {
  updates: DeliveryUpdate[];
  attempts: AttemptRecord[];
  configError?: string;
}

async function sendChunk(
  deps: DeliverDeps,
  dest: DestinationRecord,
  adapter: DestinationAdapter<unknown>,
  config: unknown,
  chunk: Array<{ row: ClaimedDelivery; conv: CanonicalConversion }>,
): Promise<ChunkResult> {
  const startedAt = new Date(deps.now());
  const built = adapter.buildRequest(
    chunk.map((c) => c.conv),
    config,
    { now: startedAt.getTime(), testMode: dest.policy.testMode, baseUrlOverride: deps.baseUrls?.[dest.kind], currency: dest.policy.currency },
  );
  // Adapters refuse a whole batch when one event in it cannot be sent; find which, alone.
  if (built.kind === "skip" && chunk.length > 1) {
    const parts = await Promise.all(chunk.map((c) => sendChunk(deps, dest, adapter, config, [c])));
    return { updates: parts.flatMap((p) => p.updates), attempts: parts.flatMap((p) => p.attempts), configError: parts.find((p) => p.configError)?.configError };
  }
  if (built.kind === "skip") {
    return {
      updates: chunk.map((c) => ({ id: c.row.id, status: "skipped" as const, error: built.reason, requestBody: null })),
      attempts: chunk.map((c) => ({ deliveryId: c.row.id, startedAt, durationMs: 0, outcome: "skipped" as const, error: built.reason })),
    };
  }
  const requestBody = JSON.stringify(scrubSecrets(built.request.body));
  const send = deps.send ?? sendRequest;
  const result: SendResult = await send(built.request, { timeoutMs: deps.timeoutMs ?? 10_000 });

  let outcomes: EventOutcome[];
  let httpStatus: number | undefined;
  let responseBody: string | undefined;
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
    const parts = await Promise.all(chunk.map((c) => sendChunk(deps, dest, adapter, config, [c])));
    const firstAttempts: AttemptRecord[] = chunk.map((c) => ({
      deliveryId: c.row.id,
      startedAt,
      durationMs: result.durationMs,
      outcome: "fail",
      httpStatus,
      responseBody,
      error: "batch rejected; split and re-sent alone",
    }));
    return {
      updates: parts.flatMap((p) => p.updates),
      attempts: [...firstAttempts, ...parts.flatMap((p) => p.attempts)],
      configError: parts.find((p) => p.configError)?.configError,
    };
  }

  const updates: DeliveryUpdate[] = [];
  const attempts: AttemptRecord[] = [];
  let configError: string | undefined;
  chunk.forEach((c, idx) => {
    const o = outcomes[idx] ?? { kind: "retry", reason: "platform returned no result for this event" };
    const attemptBase = { deliveryId: c.row.id, startedAt, durationMs: result.durationMs, httpStatus, responseBody };
    if (o.kind === "delivered") {
      updates.push({ id: c.row.id, status: "delivered", at: new Date(deps.now()), requestBody });
      attempts.push({ ...attemptBase, outcome: "delivered" });
    } else if (o.kind === "fail") {
      updates.push({ id: c.row.id, status: "failed", error: o.reason, requestBody });
      attempts.push({ ...attemptBase, outcome: "fail", error: o.reason });
    } else if (o.kind === "config-error") {
      configError = o.reason;
      // Not the event's fault: it waits (status retrying) until the merchant fixes the settings.
      updates.push({ id: c.row.id, status: "retrying", nextAttemptAt: new Date(deps.now()), error: `destination paused: ${o.reason}`, requestBody });
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
          ? { id: c.row.id, status: "retrying", nextAttemptAt: new Date(decision.at), error: o.reason, requestBody }
          : { id: c.row.id, status: decision.status, error: `${decision.reason} (last error: ${o.reason})`, requestBody },
      );
    }
  });
  return { updates, attempts, configError };
}

export interface DeliveryPump {
  /** Due rows may exist (stored, signalled, or the poll): look for them now. */
  kick(): void;
  /** True while a claim or a platform request is in flight, or a kick is pending. */
  busy(): boolean;
  /** Let what is in flight finish (its outcomes recorded), claim nothing new. */
  stop(): Promise<void>;
}

/**
 * Delivery runs beside the worker loop, not inside its passes: the loop kicks it after
 * webhooks are processed (and on every signal), and the pump keeps claiming while it
 * finds due rows. `onSettled` is called when it runs out of work.
 */
export function startDeliveryPump(deps: DeliverDeps, opts: { onSettled?: () => void } = {}): DeliveryPump {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = async () => {
    try {
      do {
        again = false;
        let handled = 0;
        try {
          handled = await runDeliveryTick(deps);
        } catch (error) {
          deps.log.error("delivery pass failed", { error });
        }
        if (handled > 0) again = true;
      } while (again && !stopped);
    } finally {
      running = null;
      opts.onSettled?.();
    }
  };
  return {
    kick() {
      if (stopped) return;
      if (running) again = true;
      else running = run();
    },
    busy: () => running !== null,
    async stop() {
      stopped = true;
      await running;
    },
  };
}
