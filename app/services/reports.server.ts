import { z } from "zod";
import type { Db } from "~/db.server";
import { ATTRIBUTION_MODELS, type AttributionModel } from "~/core/attribution/models";
import { ATTRIBUTION_CSV_HEADER, attributionCsvRows, buildAttributionReport, type AttributionReport } from "~/core/reports/attribution-report";
import { toCsv } from "~/core/reports/csv";
import { resolveRange, type DateRange } from "~/core/reports/date-range";
import { eventQuality, type EventQuality, type MatchWeights } from "~/core/quality/match-quality";
import type { DestinationAdapter } from "~/destinations/destination";
import { destinations } from "~/destinations/registry";
import { countSessionsByCampaign, eventFieldPresence, listAttributionCredits } from "~/data/reports.server";

/** ?from&to&model for the attribution report and its CSV (same schema for both). */
export const AttributionQuerySchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  model: z.enum(ATTRIBUTION_MODELS).default("last_touch"),
});

export function attributionQueryOf(params: URLSearchParams) {
  const raw = Object.fromEntries(["from", "to", "model"].flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])));
  return AttributionQuerySchema.safeParse(raw);
}

export type AttributionResult =
  | { kind: "ok"; range: DateRange; model: AttributionModel; report: AttributionReport }
  | { kind: "invalid"; errors: Partial<Record<"from" | "to" | "model", string>>; range: DateRange; model: AttributionModel };

export async function getAttributionReport(db: Db, shop: string, params: URLSearchParams, now: Date): Promise<AttributionResult & { report?: AttributionReport }> {
  const parsed = attributionQueryOf(params);
  const resolved = resolveRange({ from: params.get("from") ?? undefined, to: params.get("to") ?? undefined }, now.getTime());
  const model = parsed.success ? parsed.data.model : "last_touch";
  const range = resolved.kind === "ok" ? resolved.range : resolved.fallback;
  const errors: Partial<Record<"from" | "to" | "model", string>> = resolved.kind === "invalid" ? { ...resolved.errors } : {};
  if (!parsed.success) errors.model = `Choose one of: ${ATTRIBUTION_MODELS.join(", ")}`;
  const w = { start: new Date(range.startMs), end: new Date(range.endMs) };
  const [credits, sessions] = await Promise.all([listAttributionCredits(db, shop, model, w), countSessionsByCampaign(db, shop, w)]);
  const report = buildAttributionReport(credits, sessions);
  if (Object.keys(errors).length) return { kind: "invalid", errors, range, model, report };
  return { kind: "ok", range, model, report };
}

/** The CSV export: refuses an invalid query instead of exporting another range than asked for. */
export async function exportAttributionCsv(
  db: Db,
  shop: string,
  params: URLSearchParams,
  now: Date,
): Promise<{ kind: "ok"; filename: string; csv: string } | { kind: "invalid"; errors: Record<string, string> }> {
  const result = await getAttributionReport(db, shop, params, now);
  if (result.kind === "invalid") return { kind: "invalid", errors: result.errors as Record<string, string> };
  const csv = toCsv(ATTRIBUTION_CSV_HEADER, attributionCsvRows(result.report));
  return { kind: "ok", filename: `trueline-attribution-${result.model}-${result.range.from}-to-${result.range.to}.csv`, csv };
}

export interface DataQualityData {
  range: DateRange;
  rangeErrors: Partial<Record<"from" | "to", string>> | null;
  /** Platforms with a match score, in registry order: the score columns. */
  platforms: { kind: string; label: string }[];
  events: EventQuality[];
}

/** Every registered platform that has a match score, with its weights (from its folder). */
function matchPlatforms(): { kind: string; label: string; weights: MatchWeights }[] {
  return (Object.values(destinations) as DestinationAdapter<unknown>[]).flatMap((a) =>
    a.matchQuality ? [{ kind: a.kind, label: a.matchQuality.label, weights: a.matchQuality.weights }] : [],
  );
}

export async function getDataQuality(db: Db, shop: string, params: URLSearchParams, now: Date): Promise<DataQualityData> {
  const resolved = resolveRange({ from: params.get("from") ?? undefined, to: params.get("to") ?? undefined }, now.getTime());
  const range = resolved.kind === "ok" ? resolved.range : resolved.fallback;
  const rows = await eventFieldPresence(db, shop, { start: new Date(range.startMs), end: new Date(range.endMs) });
  const platforms = matchPlatforms();
  const weights = Object.fromEntries(platforms.map((p) => [p.kind, p.weights]));
  return {
    range,
    rangeErrors: resolved.kind === "invalid" ? resolved.errors : null,
    platforms: platforms.map(({ kind, label }) => ({ kind, label })),
    events: rows.map((r) => eventQuality(r.name, r.total, r.counts, weights)),
  };
}
