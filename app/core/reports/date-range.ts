import { z } from "zod";

/**
 * Report date ranges: whole UTC days, both ends included, given as YYYY-MM-DD in the
 * query string (?from=2026-11-01&to=2026-11-07). The clock is passed in (`now`), so
 * the default "last 7 days" is decided by the caller's clock, never read here.
 */

export const DAY_MS = 86_400_000;
export const DEFAULT_RANGE_DAYS = 7;
/** Longest range a report scans (a year and a day, so a leap year fits). */
export const MAX_RANGE_DAYS = 367;

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-11-30")
  .refine((s) => Number.isFinite(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "Not a calendar date");

/** The raw query: both optional (the default range applies), empty strings count as absent. */
export const RangeQuerySchema = z.object({
  from: z.preprocess((v) => (v === "" ? undefined : v), isoDay.optional()),
  to: z.preprocess((v) => (v === "" ? undefined : v), isoDay.optional()),
});
export type RangeQuery = z.infer<typeof RangeQuerySchema>;

export interface DateRange {
  from: string;
  to: string;
  /** Inclusive start, unix ms (00:00 UTC of `from`). */
  startMs: number;
  /** Exclusive end, unix ms (00:00 UTC of the day after `to`). */
  endMs: number;
  days: number;
}

export type RangeResult = { kind: "ok"; range: DateRange } | { kind: "invalid"; errors: Partial<Record<"from" | "to", string>>; fallback: DateRange };

export function isoDayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function defaultRange(now: number, days = DEFAULT_RANGE_DAYS): DateRange {
  const to = isoDayOf(now);
  const from = isoDayOf(dayStart(to) - (days - 1) * DAY_MS);
  return rangeOf(from, to);
}

function rangeOf(from: string, to: string): DateRange {
  const startMs = dayStart(from);
  const endMs = dayStart(to) + DAY_MS;
  return { from, to, startMs, endMs, days: Math.round((endMs - startMs) / DAY_MS) };
}

/** Resolve a query into a range. A missing end defaults to today, a missing start to 6 days before the end. */
export function resolveRange(query: unknown, now: number): RangeResult {
  const fallback = defaultRange(now);
  const parsed = RangeQuerySchema.safeParse(query);
  if (!parsed.success) {
    const errors: Partial<Record<"from" | "to", string>> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if ((key === "from" || key === "to") && !errors[key]) errors[key] = issue.message;
    }
    return { kind: "invalid", errors, fallback };
  }
  const to = parsed.data.to ?? (parsed.data.from && dayStart(parsed.data.from) > dayStart(fallback.to) ? parsed.data.from : fallback.to);
  const from = parsed.data.from ?? isoDayOf(dayStart(to) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
  if (dayStart(from) > dayStart(to)) return { kind: "invalid", errors: { from: "The start date is after the end date" }, fallback };
  const range = rangeOf(from, to);
  if (range.days > MAX_RANGE_DAYS) return { kind: "invalid", errors: { from: `Choose at most ${MAX_RANGE_DAYS} days` }, fallback };
  return { kind: "ok", range };
}

/** Every UTC day of the range, in order. */
export function daysOf(range: DateRange): string[] {
  const out: string[] = [];
  for (let t = range.startMs; t < range.endMs; t += DAY_MS) out.push(isoDayOf(t));
  return out;
}
