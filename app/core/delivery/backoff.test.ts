import { describe, expect, test } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_AGE_MARGIN_MS,
  DEFAULT_CAP_MS,
  DEFAULT_RETRY_HORIZON_MS,
  MAX_RETRY_AFTER_MS,
  backoffCeilingMs,
  decideRetry,
  formatDuration,
  nextAttemptAt,
  parseRetryAfterMs,
  webhookRetryDelayMs,
  type RetryDecision,
} from "./backoff";

const NOW = Date.UTC(2025, 5, 1, 12);
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;
const fixed = (r: number) => () => r;

describe("backoffCeilingMs", () => {
  test.each([
    [1, 5 * S],
    [2, 10 * S],
    [3, 20 * S],
    [5, 80 * S],
    [9, 1280 * S],
    [10, DEFAULT_CAP_MS], // 2560 s > 30 min
    [100, DEFAULT_CAP_MS],
    [5000, DEFAULT_CAP_MS], // 2 ** 4999 is Infinity: still the cap
  ])("attempt %i → %i ms", (attempt, ms) => {
    expect(backoffCeilingMs(attempt)).toBe(ms);
  });
  test("base 0 with a huge attempt is 0, not NaN", () => {
    expect(backoffCeilingMs(2000, 0, 60_000)).toBe(0);
  });
  test.each([0, -1, 1.5, NaN])("attempt %s is rejected", (attempt) => {
    expect(() => backoffCeilingMs(attempt)).toThrow(RangeError);
  });
});

describe("webhookRetryDelayMs", () => {
  test.each([
    [0, 5 * S],
    [1, 10 * S],
    [5, 160 * S],
    [9, 2560 * S],
    [10, H], // 5120 s > 1 h
    [11, H],
  ])("after %i attempts → %i ms", (attempts, ms) => {
    expect(webhookRetryDelayMs(attempts)).toBe(ms);
  });
  test("is exactly the formula it replaced: min(1 h, 5 s × 2^attempts)", () => {
    for (let attempts = 0; attempts <= 60; attempts++) {
      expect(webhookRetryDelayMs(attempts)).toBe(Math.min(3_600_000, 5_000 * 2 ** attempts));
    }
  });
});

describe("nextAttemptAt", () => {
  test.each([
    { name: "random 0 → retry now (full jitter's lower bound)", attempt: 1, r: 0, want: NOW },
    { name: "random 0.5 after the first attempt → 2.5 s", attempt: 1, r: 0.5, want: NOW + 2500 },
    { name: "random 0.999 after the third attempt → just under 20 s", attempt: 3, r: 0.999, want: NOW + 19_980 },
    { name: "late attempt is capped at 30 min", attempt: 40, r: 0.5, want: NOW + 15 * MIN },
    { name: "random ≥ 1 is clamped to the ceiling", attempt: 2, r: 1.7, want: NOW + 10 * S },
    { name: "negative random is clamped to 0", attempt: 2, r: -3, want: NOW },
    { name: "NaN random counts as 0", attempt: 2, r: NaN, want: NOW },
    { name: "Retry-After longer than the jitter wins", attempt: 1, r: 0.5, retryAfterMs: 90 * S, want: NOW + 90 * S },
    { name: "Retry-After shorter than the jitter does not shorten it", attempt: 8, r: 0.5, retryAfterMs: 2 * S, want: NOW + 320 * S },
    { name: "Retry-After of 3 h is capped at 1 h", attempt: 1, r: 0.5, retryAfterMs: 3 * H, want: NOW + H },
    { name: "Retry-After can exceed the backoff cap (up to 1 h)", attempt: 50, r: 0.1, retryAfterMs: 45 * MIN, want: NOW + 45 * MIN },
    { name: "fractional Retry-After is rounded up (never sooner)", attempt: 1, r: 0, retryAfterMs: 1500.2, want: NOW + 1501 },
    { name: "Retry-After 0 is ignored", attempt: 1, r: 0.5, retryAfterMs: 0, want: NOW + 2500 },
    { name: "negative Retry-After is ignored", attempt: 1, r: 0.5, retryAfterMs: -5 * S, want: NOW + 2500 },
    { name: "NaN Retry-After is ignored", attempt: 1, r: 0.5, retryAfterMs: NaN, want: NOW + 2500 },
    { name: "custom base and cap", attempt: 4, r: 0.5, baseMs: 1000, capMs: 6000, want: NOW + 3000 },
  ])("$name", ({ attempt, r, retryAfterMs, baseMs, capMs, want }) => {
    expect(nextAttemptAt({ attempt, now: NOW, random: fixed(r), retryAfterMs, baseMs, capMs })).toBe(want);
  });

  test("calls random exactly once", () => {
    let calls = 0;
    nextAttemptAt({ attempt: 3, now: NOW, random: () => (calls++, 0.3) });
    expect(calls).toBe(1);
  });

  const arbRandom = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
  test("property: jitter stays in [0, ceiling] and is a whole number of ms", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), arbRandom, fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 2 * H }), (attempt, r, baseMs, capMs) => {
        const delay = nextAttemptAt({ attempt, now: NOW, random: fixed(r), baseMs, capMs }) - NOW;
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(capMs, baseMs * 2 ** (attempt - 1)));
      }),
    );
  });

  test("property: the ceiling never decreases with attempts and never exceeds the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 2 * H }), (attempt, baseMs, capMs) => {
        const a = backoffCeilingMs(attempt, baseMs, capMs);
        const b = backoffCeilingMs(attempt + 1, baseMs, capMs);
        expect(b).toBeGreaterThanOrEqual(a);
        expect(b).toBeLessThanOrEqual(capMs);
      }),
    );
  });

  test("property: never sooner than Retry-After (capped at 1 h), never later than max(ceiling, that)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), arbRandom, fc.integer({ min: 1, max: 10 * H }), (attempt, r, retryAfterMs) => {
        const delay = nextAttemptAt({ attempt, now: NOW, random: fixed(r), retryAfterMs }) - NOW;
        const floor = Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
        expect(delay).toBeGreaterThanOrEqual(floor);
        expect(delay).toBeLessThanOrEqual(Math.max(backoffCeilingMs(attempt), floor));
      }),
    );
  });
});

describe("parseRetryAfterMs", () => {
  test.each([
    { name: "delay-seconds", header: "120", want: 120 * S },
    { name: "delay-seconds with spaces", header: " 5 ", want: 5 * S },
    { name: "zero seconds", header: "0", want: 0 },
    { name: "IMF-fixdate 90 s ahead", header: "Sun, 01 Jun 2025 12:01:30 GMT", want: 90 * S },
    { name: "IMF-fixdate in the past → 0", header: "Sun, 01 Jun 2025 11:00:00 GMT", want: 0 },
    { name: "missing", header: undefined, want: undefined },
    { name: "null", header: null, want: undefined },
    { name: "empty", header: "", want: undefined },
    { name: "negative seconds", header: "-5", want: undefined },
    { name: "fractional seconds are not valid", header: "1.5", want: undefined },
    { name: "garbage", header: "soon", want: undefined },
    { name: "a loosely formatted date is not accepted", header: "2025-06-01T12:01:30Z", want: undefined },
    { name: "an impossible date", header: "Sun, 45 Jun 2025 12:01:30 GMT", want: undefined },
  ])("$name", ({ header, want }) => {
    expect(parseRetryAfterMs(header, NOW)).toBe(want);
  });
});

describe("decideRetry", () => {
  const META_AGE = 7 * DAY;
  const GA4_AGE = 72 * H;
  const cases: Array<{ name: string; firstQueuedAt: number; nextAt: number; occurredAt: number; maxEventAgeMs: number; horizonMs?: number; ageMarginMs?: number; want: RetryDecision }> = [
    { name: "well within both limits → retry at nextAt", firstQueuedAt: NOW - H, nextAt: NOW + MIN, occurredAt: NOW - H, maxEventAgeMs: META_AGE, want: { kind: "retry", at: NOW + MIN } },
    { name: "nextAt in the past → retry now", firstQueuedAt: NOW - H, nextAt: NOW - MIN, occurredAt: NOW - H, maxEventAgeMs: META_AGE, want: { kind: "retry", at: NOW } },
    {
      name: "exactly at the 24 h horizon → still retry",
      firstQueuedAt: NOW - 23 * H,
      nextAt: NOW + H,
      occurredAt: NOW - 23 * H,
      maxEventAgeMs: META_AGE,
      want: { kind: "retry", at: NOW + H },
    },
    {
      name: "1 ms past the 24 h horizon → failed",
      firstQueuedAt: NOW - 23 * H,
      nextAt: NOW + H + 1,
      occurredAt: NOW - 23 * H,
      maxEventAgeMs: META_AGE,
      want: { kind: "give-up", status: "failed", reason: "retry horizon of 24 h after first queueing ran out" },
    },
    {
      name: "GA4 event near 72 h → expired before the horizon",
      firstQueuedAt: NOW - H,
      nextAt: NOW + 10 * MIN,
      occurredAt: NOW - 72 * H + 10 * MIN,
      maxEventAgeMs: GA4_AGE,
      want: { kind: "give-up", status: "expired", reason: "event would be older than the platform's 72 h limit at the next attempt" },
    },
    {
      name: "the 5 min safety margin counts: 4 min short of the age limit is already too late",
      firstQueuedAt: NOW - H,
      nextAt: NOW + MIN,
      occurredAt: NOW + MIN + 4 * MIN - META_AGE,
      maxEventAgeMs: META_AGE,
      want: { kind: "give-up", status: "expired", reason: "event would be older than the platform's 7 d limit at the next attempt" },
    },
    {
      name: "exactly at the age deadline (limit minus margin) → retry",
      firstQueuedAt: NOW - H,
      nextAt: NOW + MIN,
      occurredAt: NOW + MIN + DEFAULT_AGE_MARGIN_MS - META_AGE,
      maxEventAgeMs: META_AGE,
      want: { kind: "retry", at: NOW + MIN },
    },
    {
      name: "custom margin of 0",
      firstQueuedAt: NOW - H,
      nextAt: NOW + MIN,
      occurredAt: NOW + MIN - META_AGE,
      maxEventAgeMs: META_AGE,
      ageMarginMs: 0,
      want: { kind: "retry", at: NOW + MIN },
    },
    {
      name: "both exceeded, horizon ran out first → failed",
      firstQueuedAt: NOW - 25 * H,
      nextAt: NOW + H,
      occurredAt: NOW - 6 * DAY,
      maxEventAgeMs: META_AGE,
      want: { kind: "give-up", status: "failed", reason: "retry horizon of 24 h after first queueing ran out" },
    },
    {
      name: "both exceeded, the age limit came first → expired",
      firstQueuedAt: NOW - 25 * H,
      nextAt: NOW + H,
      occurredAt: NOW - 8 * DAY,
      maxEventAgeMs: META_AGE,
      want: { kind: "give-up", status: "expired", reason: "event would be older than the platform's 7 d limit at the next attempt" },
    },
    {
      name: "already too old right now → expired",
      firstQueuedAt: NOW - MIN,
      nextAt: NOW,
      occurredAt: NOW - 40 * DAY,
      maxEventAgeMs: 37 * DAY,
      want: { kind: "give-up", status: "expired", reason: "event would be older than the platform's 37 d limit at the next attempt" },
    },
    {
      name: "no age limit (Infinity) → only the horizon applies",
      firstQueuedAt: NOW - 2 * H,
      nextAt: NOW + 30 * MIN,
      occurredAt: NOW - 400 * DAY,
      maxEventAgeMs: Infinity,
      want: { kind: "retry", at: NOW + 30 * MIN },
    },
    {
      name: "custom 4 h horizon",
      firstQueuedAt: NOW - 4 * H,
      nextAt: NOW + 1,
      occurredAt: NOW - 4 * H,
      maxEventAgeMs: META_AGE,
      horizonMs: 4 * H,
      want: { kind: "give-up", status: "failed", reason: "retry horizon of 4 h after first queueing ran out" },
    },
  ];
  test.each(cases)("$name", ({ name: _name, want, ...input }) => {
    expect(decideRetry({ ...input, now: NOW })).toEqual(want);
  });

  test("property: a retry is never scheduled past the horizon or the age deadline, nor before now", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * DAY }),
        fc.integer({ min: -H, max: 2 * H }),
        fc.integer({ min: 0, max: 40 * DAY }),
        fc.constantFrom(72 * H, 7 * DAY, 28 * DAY, 37 * DAY, Infinity),
        (queuedAgo, nextIn, occurredAgo, maxEventAgeMs) => {
          const input = { firstQueuedAt: NOW - queuedAgo, now: NOW, nextAt: NOW + nextIn, occurredAt: NOW - queuedAgo - occurredAgo, maxEventAgeMs };
          const d = decideRetry(input);
          const horizonEnd = input.firstQueuedAt + DEFAULT_RETRY_HORIZON_MS;
          const ageEnd = input.occurredAt + maxEventAgeMs - DEFAULT_AGE_MARGIN_MS;
          const at = Math.max(NOW, input.nextAt);
          if (d.kind === "retry") {
            expect(d.at).toBe(at);
            expect(d.at).toBeLessThanOrEqual(horizonEnd);
            expect(d.at).toBeLessThanOrEqual(ageEnd);
          } else {
            expect(at > horizonEnd || at > ageEnd).toBe(true);
            expect(d.status).toBe(ageEnd <= horizonEnd ? "expired" : "failed");
          }
        },
      ),
    );
  });

  test("property: a full retry loop driven by nextAttemptAt always terminates inside the horizon", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 200, maxLength: 200 }), (randoms) => {
        const firstQueuedAt = NOW;
        let now = NOW;
        for (let attempt = 1; attempt <= randoms.length; attempt++) {
          const nextAt = nextAttemptAt({ attempt, now, random: fixed(randoms[attempt - 1] ?? 0) });
          const d = decideRetry({ firstQueuedAt, now, nextAt, occurredAt: NOW, maxEventAgeMs: 7 * DAY });
          if (d.kind === "give-up") {
            expect(d.status).toBe("failed");
            return;
          }
          expect(d.at).toBeLessThanOrEqual(firstQueuedAt + DEFAULT_RETRY_HORIZON_MS);
          now = d.at;
        }
        // 200 attempts with random 0 all the way could stay inside the horizon; that is fine too.
      }),
    );
  });
});

describe("formatDuration", () => {
  test.each([
    [7 * DAY, "7 d"],
    [37 * DAY, "37 d"],
    [72 * H, "72 h"],
    [24 * H, "24 h"],
    [30 * MIN, "30 min"],
    [90 * S, "90 s"],
    [1500, "1500 ms"],
    // Adapter limits with a margin taken off read in whole hours, not "10070 min".
    [7 * DAY - 10 * MIN, "168 h"],
    [72 * H - 10 * MIN, "72 h"],
    [Infinity, "unlimited"],
  ])("%i → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
