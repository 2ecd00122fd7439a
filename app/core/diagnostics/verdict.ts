import { z } from "zod";
import { CANONICAL_EVENT_NAMES, type CanonicalEventName } from "../conversions/conversion";
import { QUALITY_FIELDS, type QualityField } from "../quality/match-quality";

/**
 * The platforms' own verdict on the events we sent them (issue 14, ADR 0041), in one shape
 * for every platform that publishes one: Meta's dataset quality (Event Match Quality per
 * event, 0-10), Google Ads' offline conversion upload summary (counts and alerts per
 * conversion action), Pinterest's Event Quality Score (a status and coverage per identifier).
 * Each destination folder parses its platform's answer into this shape (diagnostics.ts);
 * this module is pure and holds the shape, its schema (what is stored is parsed again when
 * read) and the words that explain the gap to our own estimate (app/core/quality).
 */

export interface VerdictMatchKey {
  /** The platform's name for the identifier (Meta `email`, Pinterest `hashed_email`). */
  key: string;
  /** Our field for it, when we estimate that identifier too. */
  field: QualityField | null;
  /** Share of the event's instances that carried it, as the platform counted them (0-100). */
  coveragePct: number;
}

export interface VerdictIssue {
  /** The platform's own title of the problem, or its error code. */
  title: string;
  /** The platform's explanation or advice, when it gives one. */
  detail: string | null;
  /** Share of events affected, 0-100, when given. */
  affectedPct: number | null;
}

export interface VerdictCounts {
  received: number | null;
  succeeded: number | null;
  failed: number | null;
  pending: number | null;
}

export interface VerdictEvent {
  /** The event as the platform names it (Meta `Purchase`, Pinterest `checkout`, a Google conversion action's name). */
  platformEvent: string;
  /** Our event it corresponds to, when there is one. */
  canonical: CanonicalEventName | null;
  /** The platform's 0-10 match score (Meta EMQ), or null when it gives none. */
  score: number | null;
  /** The platform's word for the event's state (Google `EXCELLENT`, Pinterest `GOOD`), or null. */
  status: string | null;
  /** Meta event coverage: share of its pixel's events that our server events also covered, 0-100. */
  coveragePct: number | null;
  matchKeys: VerdictMatchKey[];
  issues: VerdictIssue[];
  counts: VerdictCounts | null;
}

export interface PlatformVerdict {
  /** What the platform calls this verdict ("Event Match Quality", "Offline conversion upload summary"). */
  title: string;
  /** The platform's overall word, when it gives one (Pinterest `overall_status`). */
  overallStatus: string | null;
  /** Days the platform's figures cover, when it says (Google: the last 7 days of daily summaries). */
  windowDays: number | null;
  events: VerdictEvent[];
}

const pct = z.number().finite().min(0).max(100);
const count = z.number().int().min(0).nullable();

export const PlatformVerdictSchema: z.ZodType<PlatformVerdict> = z.object({
  title: z.string().max(200),
  overallStatus: z.string().max(100).nullable(),
  windowDays: z.number().int().min(0).max(400).nullable(),
  events: z
    .array(
      z.object({
        platformEvent: z.string().max(200),
        canonical: z.enum(CANONICAL_EVENT_NAMES).nullable(),
        score: z.number().finite().min(0).max(10).nullable(),
        status: z.string().max(100).nullable(),
        coveragePct: pct.nullable(),
        matchKeys: z.array(z.object({ key: z.string().max(100), field: z.enum(QUALITY_FIELDS).nullable(), coveragePct: pct })).max(50),
        issues: z.array(z.object({ title: z.string().max(300), detail: z.string().max(2000).nullable(), affectedPct: pct.nullable() })).max(50),
        counts: z.object({ received: count, succeeded: count, failed: count, pending: count }).nullable(),
      }),
    )
    .max(200),
});

/** One event of a verdict as the admin shows it: with our estimate, our delivered count and the gap in words. */
export interface VerdictEventView extends VerdictEvent {
  label: string;
  estimate: number | null;
  delivered: number | null;
  gap: string[];
}

export interface PlatformVerdictView {
  destinationId: string;
  kind: string;
  platform: string;
  title: string;
  whereToSee: string;
  fetchedAt: string;
  status: "ok" | "error";
  error: string | null;
  overallStatus: string | null;
  windowDays: number | null;
  events: VerdictEventView[];
}

/** Result of parsing a platform's answer (destination folder diagnostics.ts). */
export type VerdictParse = { kind: "verdict"; verdict: PlatformVerdict } | { kind: "error"; reason: string };

/** Clamp a platform's percentage into 0-100 (null when it is not a number). */
export function toPct(value: unknown): number | null {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) return null;
  return Math.min(100, Math.max(0, Math.round(n * 10) / 10));
}

/** A non-negative integer from a platform's number or int64 string (Google sends int64 as text). */
export function toCount(value: unknown): number | null {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : null;
}

/** Our side of the comparison for one event: the estimate from app/core/quality and what we delivered. */
export interface OurSide {
  /** Our estimated score for this platform (0-10), or null when we have no storefront events for it. */
  estimate: number | null;
  /** Share of our events carrying each identifier (0-1), from the same estimate. */
  presence: Partial<Record<QualityField, number>>;
  /** Deliveries the platform accepted from us in the platform's window, when counted. */
  delivered: number | null;
}

export interface GapInput {
  platform: string;
  event: VerdictEvent;
  ours: OurSide | null;
  fieldLabels: Readonly<Record<QualityField, string>>;
  /** Event name as the merchant reads it ("Purchase", "Add to cart"). */
  eventLabel: string;
}

const SCORE_CLOSE = 1;
const KEY_GAP_POINTS = 15;

const pctText = (n: number) => `${Math.round(n)}%`;

/**
 * The gap between the platform's verdict and our estimate for one event, in a merchant's
 * words: what each side says, and the reasons that usually explain a difference.
 */
export function explainGap({ platform, event, ours, fieldLabels, eventLabel }: GapInput): string[] {
  const lines: string[] = [];
  if (event.score !== null) {
    if (ours?.estimate == null) {
      lines.push(`${platform} scores ${eventLabel} ${event.score.toFixed(1)} out of 10. Trueline has no storefront events of this kind in the chosen dates to estimate from.`);
    } else {
      const diff = event.score - ours.estimate;
      if (Math.abs(diff) < SCORE_CLOSE) {
        lines.push(`${platform} scores ${eventLabel} ${event.score.toFixed(1)}; Trueline estimated ${ours.estimate.toFixed(1)}. They agree.`);
      } else if (diff < 0) {
        lines.push(
          `${platform} scores ${eventLabel} ${event.score.toFixed(1)}, below Trueline's estimate of ${ours.estimate.toFixed(1)}. Our estimate counts which customer details we send; ${platform} also checks whether they belong to one of its accounts, so shoppers who use another email or phone there, or have no account, lower its score without any error on our side.`,
        );
      } else {
        lines.push(
          `${platform} scores ${eventLabel} ${event.score.toFixed(1)}, above Trueline's estimate of ${ours.estimate.toFixed(1)}. ${platform} also counts what its own browser pixel sent for the same events (matched to ours by event id), which Trueline does not see.`,
        );
      }
    }
  }
  if (ours) {
    for (const key of event.matchKeys) {
      if (key.field === null) continue;
      const our = (ours.presence[key.field] ?? 0) * 100;
      const label = fieldLabels[key.field];
      if (our - key.coveragePct >= KEY_GAP_POINTS) {
        lines.push(
          `${label}: ${platform} saw it on ${pctText(key.coveragePct)} of ${eventLabel} events, our storefront data has it on ${pctText(our)}. Shoppers who did not give marketing consent are sent without customer details, and events that happened before the shopper was known carry fewer of them.`,
        );
      } else if (key.coveragePct - our >= KEY_GAP_POINTS) {
        lines.push(
          `${label}: ${platform} saw it on ${pctText(key.coveragePct)} of ${eventLabel} events, more than the ${pctText(our)} of our storefront events. Orders add details the storefront did not have (the checkout's email and phone), and ${platform}'s own pixel may add its cookie.`,
        );
      }
    }
  }
  if (event.coveragePct !== null && event.coveragePct < 75) {
    lines.push(
      `${platform} matched only ${pctText(event.coveragePct)} of its pixel's ${eventLabel} events to events from Trueline (its goal is 75%). Events from shoppers without marketing consent, and events its pixel saw that our pixel did not (ad blockers act on both), make up the rest.`,
    );
  }
  const c = event.counts;
  if (c) {
    const parts = [
      c.received !== null ? `received ${c.received}` : null,
      c.succeeded !== null ? `accepted ${c.succeeded}` : null,
      c.failed ? `refused ${c.failed}` : null,
      c.pending ? `is still processing ${c.pending}` : null,
    ].filter((p): p is string => p !== null);
    if (parts.length) lines.push(`${platform} ${parts.join(", ")} ${eventLabel} conversions in its window.`);
    if (ours?.delivered != null && c.received !== null) {
      if (ours.delivered > c.received) {
        lines.push(
          `Trueline delivered ${ours.delivered} in the same days, ${ours.delivered - c.received} more than ${platform} counts: its summary is built per calendar day in the ad account's time zone and can lag by a day, so the newest uploads show up on the next read.`,
        );
      } else if (ours.delivered < c.received) {
        lines.push(
          `Trueline delivered ${ours.delivered} in the same days; ${platform}'s count also includes uploads to this conversion action from any other tool using the API.`,
        );
      } else {
        lines.push(`Trueline delivered ${ours.delivered} in the same days: the counts agree.`);
      }
    }
    if (c.failed) lines.push(`The refused conversions are listed with ${platform}'s reasons below; Trueline's delivery log shows each attempt.`);
  }
  if (event.status && event.score === null && !c) {
    lines.push(`${platform} rates ${eventLabel} as ${humanStatus(event.status)}.`);
  }
  return lines;
}

/** EXCELLENT → "excellent", NEEDS_IMPROVEMENT → "needs improvement". */
export function humanStatus(status: string): string {
  return status.toLowerCase().replace(/_/g, " ");
}
