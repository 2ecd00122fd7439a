import type { QualityField } from "~/core/quality/match-quality";
import { toCount, toPct, type VerdictEvent, type VerdictParse } from "~/core/diagnostics/verdict";
import type { PlatformDiagnostics } from "../destination";
import { canonicalOf, isObject, text } from "../shared/diagnostics";
import { withBaseUrl } from "../shared/url";
import { API_VERSION, GRAPH_ORIGIN, type MetaConfig } from "./config";
import { META_EVENT_NAMES } from "./map-event";

/**
 * Meta's Dataset Quality API (formerly Integration Quality API): Event Match Quality per
 * web event, with the coverage of each match key, Meta's diagnostics, and event coverage.
 *
 * GET https://graph.facebook.com/{API_VERSION}/dataset_quality?dataset_id={pixel id}&fields=…&access_token=…
 * Docs: https://developers.facebook.com/docs/marketing-api/conversions-api/dataset-quality-api
 *       https://developers.facebook.com/docs/marketing-api/reference/ads-pixel-capiemq
 * The same token the Conversions API uses works when its system user has the pixel
 * assigned (README: "Read-back").
 */
export const DATASET_QUALITY_FIELDS =
  "web{event_name,event_match_quality{composite_score,match_key_feedback{identifier,coverage{percentage}},diagnostics{name,description,solution,percentage,affected_event_count,total_event_count}},event_coverage{percentage,goal_percentage}}";

/** Meta's identifier names (match_key_feedback.identifier) → our fields. */
const MATCH_KEYS: Readonly<Record<string, QualityField>> = {
  email: "emailHash",
  phone: "phoneHash",
  external_id: "externalId",
  fbc: "fbc",
  click_id: "fbc",
  fbp: "fbp",
  browser_id: "fbp",
  ip_address: "ip",
  client_ip_address: "ip",
  user_agent: "userAgent",
  client_user_agent: "userAgent",
};

export function datasetQualityUrl(config: Pick<MetaConfig, "pixelId" | "accessToken">, baseUrlOverride?: string): string {
  const q = new URLSearchParams({ dataset_id: config.pixelId, fields: DATASET_QUALITY_FIELDS, access_token: config.accessToken });
  return withBaseUrl(`${GRAPH_ORIGIN}/${API_VERSION}/dataset_quality?${q.toString()}`, baseUrlOverride);
}

function parseEvent(node: unknown): VerdictEvent | null {
  if (!isObject(node)) return null;
  const name = text(node.event_name, 200);
  if (name === null) return null;
  const emq = isObject(node.event_match_quality) ? node.event_match_quality : {};
  const score = typeof emq.composite_score === "number" && Number.isFinite(emq.composite_score) ? Math.min(10, Math.max(0, emq.composite_score)) : null;
  const keys = Array.isArray(emq.match_key_feedback) ? emq.match_key_feedback : [];
  const matchKeys = keys.flatMap((k) => {
    if (!isObject(k)) return [];
    const key = text(k.identifier, 100);
    const coverage = toPct(isObject(k.coverage) ? k.coverage.percentage : undefined);
    return key === null || coverage === null ? [] : [{ key, field: MATCH_KEYS[key] ?? null, coveragePct: coverage }];
  });
  const diagnostics = Array.isArray(emq.diagnostics) ? emq.diagnostics : [];
  const issues = diagnostics.flatMap((d) => {
    if (!isObject(d)) return [];
    const title = text(d.name);
    if (title === null) return [];
    const detail = [text(d.description, 1000), text(d.solution, 1000)].filter((t): t is string => t !== null).join(" ");
    const affected = toPct(d.percentage);
    const total = toCount(d.total_event_count);
    const hit = toCount(d.affected_event_count);
    return [{ title, detail: detail || null, affectedPct: affected ?? (total && hit !== null ? toPct((hit / total) * 100) : null) }];
  });
  const coverage = isObject(node.event_coverage) ? toPct(node.event_coverage.percentage) : null;
  return { platformEvent: name, canonical: canonicalOf(META_EVENT_NAMES, name), score, status: null, coveragePct: coverage, matchKeys, issues, counts: null };
}

/** Graph API errors in a merchant's words (codes: https://developers.facebook.com/docs/graph-api/guides/error-handling). */
function graphErrorReason(status: number, body: unknown): string {
  const error = isObject(body) && isObject(body.error) ? body.error : null;
  const code = error && typeof error.code === "number" ? error.code : null;
  const message = error ? text(error.message) : null;
  if (code === 190) return "Meta refused the access token (expired or revoked). Generate a new one in Events Manager and save it.";
  if (code === 10 || code === 200 || (code !== null && code >= 200 && code < 300))
    return "The access token may send events but not read the dataset's quality. Give its system user the pixel with \"Manage pixel\" in Business Settings.";
  if (code === 100) return `Meta does not know this pixel for this token${message ? `: ${message}` : ""}.`;
  return `Meta answered HTTP ${status}${message ? `: ${message}` : ""}.`;
}

export const metaDiagnostics: PlatformDiagnostics<MetaConfig> = {
  title: "Event Match Quality (Meta's dataset quality)",
  whereToSee: "Events Manager → your pixel → Overview → Event match quality",
  describeRequest: (config, ctx) => ({
    kind: "request",
    request: { method: "GET", url: datasetQualityUrl(config, ctx.baseUrlOverride), headers: {} },
  }),
  parseResponse(response): VerdictParse {
    if (response.status !== 200 || !isObject(response.body)) return { kind: "error", reason: graphErrorReason(response.status, response.body) };
    const web = response.body.web;
    if (!Array.isArray(web)) return { kind: "error", reason: "Meta's answer has no web events (the dataset quality API covers website events only)." };
    const events = web.map(parseEvent).filter((e): e is VerdictEvent => e !== null);
    return { kind: "verdict", verdict: { title: "Event Match Quality", overallStatus: null, windowDays: null, events } };
  },
};
