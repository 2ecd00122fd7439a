import { z } from "zod";
import { decodeCursor, type Cursor } from "./cursor";

/**
 * The logs' filters, as they live in the URL query (so a filtered view can be shared
 * and reloaded). Every value is checked; an unusable one is reported, never trusted.
 */

export const DELIVERY_STATUS_FILTERS = ["pending", "retrying", "delivered", "failed", "expired", "skipped"] as const;
export const TIME_RANGES = ["1h", "24h", "7d", "30d", "all"] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

const RANGE_MS: Record<Exclude<TimeRange, "all">, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

export const LogFilterSchema = z.object({
  range: optional(z.enum(TIME_RANGES)).transform((v) => v ?? "7d"),
  event: optional(z.string().trim().max(64).regex(/^[A-Za-z0-9_:.-]+$/, "Event names are letters, digits and _")),
  destination: optional(z.string().trim().max(40).regex(/^[A-Za-z0-9_-]+$/, "Not a destination id")),
  status: optional(z.enum(DELIVERY_STATUS_FILTERS)),
  order: optional(z.string().trim().regex(/^[0-9]{1,20}$/, "Order ids are the number in the order's admin URL")),
  cursor: optional(z.string().max(200)),
});
export type LogFilterInput = z.input<typeof LogFilterSchema>;
export type LogFilter = z.output<typeof LogFilterSchema>;

export interface ParsedLogFilter {
  filter: LogFilter;
  since: Date | null;
  cursor: Cursor | null;
  /** Field → message for every query value that was refused (and ignored). */
  errors: Record<string, string>;
}

/** URL query → filter. Bad values are dropped one by one and reported, so the page still renders. */
export function parseLogFilter(params: URLSearchParams, now: number): ParsedLogFilter {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(LogFilterSchema.shape)) {
    const v = params.get(key);
    if (v !== null) raw[key] = v;
  }
  const errors: Record<string, string> = {};
  let parsed = LogFilterSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "query");
      errors[field] ??= issue.message;
      delete raw[field];
    }
    parsed = LogFilterSchema.safeParse(raw);
  }
  const filter = parsed.success ? parsed.data : LogFilterSchema.parse({});
  const cursor = decodeCursor(filter.cursor);
  if (filter.cursor !== undefined && cursor === null) errors.cursor = "The page link is out of date; showing the newest entries";
  return {
    filter: cursor === null ? { ...filter, cursor: undefined } : filter,
    since: filter.range === "all" ? null : new Date(now - RANGE_MS[filter.range]),
    cursor,
    errors,
  };
}

/** Filter → URL query (defaults left out), for links and the "next page" URL. */
export function filterToQuery(filter: Partial<LogFilter>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) {
    if (v === undefined || v === null || v === "") continue;
    if (k === "range" && v === "7d") continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}
