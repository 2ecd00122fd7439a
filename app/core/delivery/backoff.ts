/**
 * When to try a failed delivery again, and when to stop.
 *
 * Capped exponential backoff with FULL jitter
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * delay = random in [0, min(cap, base × 2^(attempt-1))]. Full jitter spreads the
 * retries of a burst (a platform outage fails thousands of rows at once) across the
 * whole window instead of sending them back in synchronized waves.
 *
 * Retrying stops at whichever comes first: the retry horizon (24 h after the row was
 * first queued, then "failed") or the platform's event-age limit (Meta 7 d, GA4 72 h,
 * TikTok ~28 d, Snap 37 d; each destination adapter declares its maxEventAgeMs): an
 * older event is rejected (Meta fails the whole request, error subcode 2804003) or
 * silently re-timed (GA4), so the row becomes "expired".
 * Meta: https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/server-event
 * GA4: https://developers.google.com/analytics/devguides/collection/protocol/ga4/sending-events
 */

export const DEFAULT_BASE_MS = 5_000;
export const DEFAULT_CAP_MS = 30 * 60_000;
/** A Retry-After longer than this is treated as this long (a misbehaving server must not park rows for days). */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;
export const DEFAULT_RETRY_HORIZON_MS = 24 * 60 * 60_000;
/**
 * Safety margin before the platform's age limit: the request must ARRIVE while the event
 * is still young enough, and our clock and the platform's may disagree by a little.
 */
export const DEFAULT_AGE_MARGIN_MS = 5 * 60_000;

export interface NextAttemptInput {
  /** Attempts already made (1 after the first failure). */
  attempt: number;
  now: number;
  /** Returns a number in [0, 1), like Math.random (injected: core code never calls it). */
  random: () => number;
  /** From a Retry-After header or a platform throttle hint; see parseRetryAfterMs. */
  retryAfterMs?: number;
  baseMs?: number;
  capMs?: number;
}

/** Upper bound of the jittered delay after `attempt` attempts: min(cap, base × 2^(attempt-1)). */
export function backoffCeilingMs(attempt: number, baseMs = DEFAULT_BASE_MS, capMs = DEFAULT_CAP_MS): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1, got ${attempt}`);
  if (!(baseMs >= 0) || !(capMs >= 0)) throw new RangeError("baseMs and capMs must be >= 0");
  // 2 ** huge is Infinity, which Math.min turns into the cap; 0 × Infinity would be NaN.
  if (baseMs === 0) return 0;
  return Math.min(capMs, baseMs * 2 ** (attempt - 1));
}

/** Stored Shopify webhooks whose handler asked to retry (or threw): no jitter, 5 s doubling, capped at 1 h. */
export const WEBHOOK_RETRY_BASE_MS = 5_000;
export const WEBHOOK_RETRY_CAP_MS = 60 * 60_000;

/**
 * Delay before a stored webhook is processed again, after `attemptsSoFar` failed attempts
 * (0 on the first failure): min(1 h, 5 s × 2^attemptsSoFar), i.e. the ceiling above for
 * attempt attemptsSoFar + 1. Deterministic: webhook retries are few and not bursty.
 */
export function webhookRetryDelayMs(attemptsSoFar: number): number {
  return backoffCeilingMs(attemptsSoFar + 1, WEBHOOK_RETRY_BASE_MS, WEBHOOK_RETRY_CAP_MS);
}

/**
 * Unix ms of the next attempt: now + a full-jitter delay in [0, ceiling] (whole ms),
 * and never sooner than Retry-After (capped at MAX_RETRY_AFTER_MS). A `random` outside
 * [0, 1) is clamped into it; NaN counts as 0.
 */
export function nextAttemptAt(input: NextAttemptInput): number {
  const ceiling = backoffCeilingMs(input.attempt, input.baseMs ?? DEFAULT_BASE_MS, input.capMs ?? DEFAULT_CAP_MS);
  const r = input.random();
  const u = Number.isNaN(r) ? 0 : Math.min(Math.max(r, 0), 1);
  let delay = Math.floor(u * ceiling);
  const ra = input.retryAfterMs;
  if (ra !== undefined && Number.isFinite(ra) && ra > 0) {
    delay = Math.max(delay, Math.ceil(Math.min(ra, MAX_RETRY_AFTER_MS)));
  }
  return input.now + delay;
}

/**
 * Retry-After header (RFC 9110 §10.2.3) → milliseconds from `now`: either
 * delay-seconds ("120") or an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT").
 * Returns undefined for a missing or unreadable value; a date in the past gives 0.
 */
export function parseRetryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (typeof header !== "string") return undefined;
  const v = header.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface RetryDecisionInput {
  /** When the delivery row was first queued (start of the retry horizon). */
  firstQueuedAt: number;
  now: number;
  /** Proposed next attempt, usually from nextAttemptAt. */
  nextAt: number;
  /** When the event happened (the platform measures age from this). */
  occurredAt: number;
  /** The destination's accepted event age; Infinity when it has none. */
  maxEventAgeMs: number;
  horizonMs?: number;
  ageMarginMs?: number;
}

export type RetryDecision =
  | { kind: "retry"; at: number }
  | { kind: "give-up"; status: "failed" | "expired"; reason: string };

/** Last moment an attempt may start for an event to still be accepted by the platform. */
export function ageDeadline(occurredAt: number, maxEventAgeMs: number, ageMarginMs = DEFAULT_AGE_MARGIN_MS): number {
  return occurredAt + maxEventAgeMs - ageMarginMs;
}

/**
 * Retry at `nextAt` (or now, if it is already past) unless that is beyond the retry
 * horizon or the event-age deadline. When it is, the deadline that comes first decides
 * the status: age limit → "expired" (the platform would reject the event now anyway),
 * horizon → "failed" (we stopped trying). Equal deadlines count as "expired".
 */
export function decideRetry(input: RetryDecisionInput): RetryDecision {
  const horizonMs = input.horizonMs ?? DEFAULT_RETRY_HORIZON_MS;
  const at = Math.max(input.nextAt, input.now);
  const horizonEnd = input.firstQueuedAt + horizonMs;
  const ageEnd = ageDeadline(input.occurredAt, input.maxEventAgeMs, input.ageMarginMs ?? DEFAULT_AGE_MARGIN_MS);
  if (at <= horizonEnd && at <= ageEnd) return { kind: "retry", at };
  if (ageEnd <= horizonEnd) {
    return {
      kind: "give-up",
      status: "expired",
      reason: `event would be older than the platform's ${formatDuration(input.maxEventAgeMs)} limit at the next attempt`,
    };
  }
  return {
    kind: "give-up",
    status: "failed",
    reason: `retry horizon of ${formatDuration(horizonMs)} after first queueing ran out`,
  };
}

/** 604800000 → "7 d", 259200000 → "72 h" (shorter than a week reads better in hours), 90000 → "90 s", 7 d − 10 min → "168 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "unlimited";
  const H = 60 * 60_000;
  if (ms >= 7 * 24 * H && ms % (24 * H) === 0) return `${ms / (24 * H)} d`;
  if (ms >= H && ms % H === 0) return `${ms / H} h`;
  // A day or more with a safety margin taken off (Meta: 7 d − 10 min) reads in whole hours,
  // as the immediate "too old" reason does, not as "10070 min".
  if (ms >= 24 * H) return `${Math.round(ms / H)} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
