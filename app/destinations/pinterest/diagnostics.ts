import type { QualityField } from "~/core/quality/match-quality";
import { toPct, type VerdictEvent, type VerdictParse } from "~/core/diagnostics/verdict";
import type { PlatformDiagnostics } from "../destination";
import { canonicalOf, isObject, text } from "../shared/diagnostics";
import { withBaseUrl } from "../shared/url";
import { PINTEREST_API_VERSION, PINTEREST_ORIGIN, type PinterestConfig } from "./config";
import { PINTEREST_EVENT_NAMES } from "./map-event";

/**
 * Pinterest's Event Quality Score (EQS) for the ad account's Conversions API web events:
 * an overall status and, per quality component (hashed email, click id, IP, …), the
 * coverage for each event type.
 *
 * GET https://api.pinterest.com/v5/ad_accounts/{ad_account_id}/conversion_eqs?lookback_period=14d&source_platform=WEB&ingestion_source=CONVERSIONS_API
 * with `Authorization: Bearer <token>`; the token needs the `ads:read` scope.
 * Docs: https://developers.pinterest.com/docs/track-conversions/get-event-quality-score/
 *       https://developers.pinterest.com/docs/api/v5/conversion_eqs-list
 * A conversion-only token from Ads Manager may lack `ads:read`; Pinterest then answers 401/403
 * and the admin says so (README: "Read-back").
 */
export const EQS_LOOKBACK = "14d";

/** Pinterest's quality components → our fields (null: a component we do not estimate). */
const COMPONENTS: Readonly<Record<string, QualityField | null>> = {
  hashed_email: "emailHash",
  click_id_epik: "epik",
  ip_address: "ip",
  user_agent: "userAgent",
  advertiser_external_id: "externalId",
  order_value: "value",
  product_id: "contentIds",
  external_event_id: null,
  hashed_maid: null,
  order_id: null,
  source_url: null,
};

export function eqsUrl(config: Pick<PinterestConfig, "adAccountId">, baseUrlOverride?: string): string {
  const q = new URLSearchParams({ lookback_period: EQS_LOOKBACK, source_platform: "WEB", ingestion_source: "CONVERSIONS_API" });
  return withBaseUrl(`${PINTEREST_ORIGIN}/${PINTEREST_API_VERSION}/ad_accounts/${config.adAccountId}/conversion_eqs?${q.toString()}`, baseUrlOverride);
}

function issueTitle(issue: unknown): string | null {
  if (typeof issue === "string") return text(issue);
  if (!isObject(issue)) return null;
  return text(issue.message) ?? text(issue.description) ?? text(issue.issue_type) ?? text(issue.type) ?? text(issue.name);
}

function errorReason(status: number, body: unknown): string {
  const message = isObject(body) ? text(body.message) : null;
  if (status === 401 || status === 403)
    return "The saved token may send conversions but not read the Event Quality Score: Pinterest needs a token with the ads:read scope for it.";
  return `Pinterest answered HTTP ${status}${message ? `: ${message}` : ""}.`;
}

export const pinterestDiagnostics: PlatformDiagnostics<PinterestConfig> = {
  title: "Event Quality Score (Pinterest)",
  whereToSee: "Ads Manager → Conversions → Event quality score",
  describeRequest: (config, ctx) => ({
    kind: "request",
    request: { method: "GET", url: eqsUrl(config, ctx.baseUrlOverride), headers: { authorization: `Bearer ${config.accessToken}` } },
  }),
  parseResponse(response): VerdictParse {
    if (response.status !== 200) return { kind: "error", reason: errorReason(response.status, response.body) };
    if (!Array.isArray(response.body)) return { kind: "error", reason: "Pinterest's answer is not a list of event quality scores." };
    const scores = response.body.filter(isObject);
    const web = scores.find((s) => s.source_platform === "WEB" && s.ingestion_source === "CONVERSIONS_API") ?? scores[0];
    if (!web) return { kind: "verdict", verdict: { title: "Event Quality Score", overallStatus: null, windowDays: 14, events: [] } };
    const byEvent = new Map<string, VerdictEvent>();
    const components = isObject(web.quality_components) ? web.quality_components : {};
    for (const [component, perEvent] of Object.entries(components)) {
      if (!isObject(perEvent)) continue;
      for (const [eventName, details] of Object.entries(perEvent)) {
        if (!isObject(details)) continue;
        const coverage = toPct(details.coverage);
        const event = byEvent.get(eventName) ?? {
          platformEvent: eventName.slice(0, 200),
          canonical: canonicalOf(PINTEREST_EVENT_NAMES, eventName),
          score: null,
          status: null,
          coveragePct: null,
          matchKeys: [],
          issues: [],
          counts: null,
        };
        if (coverage !== null) event.matchKeys.push({ key: component.slice(0, 100), field: COMPONENTS[component] ?? null, coveragePct: coverage });
        for (const issue of Array.isArray(details.issues) ? details.issues : []) {
          const title = issueTitle(issue);
          if (title) event.issues.push({ title: `${component}: ${title}`.slice(0, 300), detail: null, affectedPct: null });
        }
        byEvent.set(eventName, event);
      }
    }
    const days = web.lookback_period === "1d" ? 1 : 14;
    return { kind: "verdict", verdict: { title: "Event Quality Score", overallStatus: text(web.overall_status, 100), windowDays: days, events: [...byEvent.values()] } };
  },
};
