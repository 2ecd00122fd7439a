import { toCount, toPct, type VerdictCounts, type VerdictEvent, type VerdictParse } from "~/core/diagnostics/verdict";
import type { PlatformDiagnostics } from "../destination";
import { isObject, text } from "../shared/diagnostics";
import { withBaseUrl } from "../shared/url";
import { GOOGLE_ADS_API_VERSION, GOOGLE_ADS_ORIGIN, type GoogleAdsConfig } from "./config";
import { googleAdsHeaders } from "./oauth";

/**
 * Google Ads' offline conversion upload diagnostics for our conversion action: the
 * `offline_conversion_upload_conversion_action_summary` resource, read with
 * GoogleAdsService.Search (GAQL).
 *
 * POST https://googleads.googleapis.com/{API_VERSION}/customers/{customerId}/googleAds:search  {"query": "…"}
 * Docs: https://developers.google.com/google-ads/api/docs/conversions/upload-summaries
 *       https://developers.google.com/google-ads/api/fields/v25/offline_conversion_upload_conversion_action_summary
 *       https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers.googleAds/search
 * Same headers as the upload (OAuth bearer, developer-token, login-customer-id): the
 * upload's auth path, so whatever refreshes the upload's token serves this read too.
 * int64 fields arrive as JSON strings. The customer-level summary
 * (offline_conversion_upload_client_summary) covers every action of the account, not just
 * ours, so it is not read (README: "Read-back").
 */
const R = "offline_conversion_upload_conversion_action_summary";

export function uploadSummaryQuery(config: Pick<GoogleAdsConfig, "conversionActionId">): string {
  const fields = ["conversion_action_id", "conversion_action_name", "client", "status", "total_event_count", "successful_event_count", "pending_event_count", "last_upload_date_time", "daily_summaries", "alerts"];
  return `SELECT ${fields.map((f) => `${R}.${f}`).join(", ")} FROM ${R} WHERE ${R}.conversion_action_id = ${config.conversionActionId}`;
}

export function searchUrl(config: Pick<GoogleAdsConfig, "customerId">, baseUrlOverride?: string): string {
  return withBaseUrl(`${GOOGLE_ADS_ORIGIN}/${GOOGLE_ADS_API_VERSION}/customers/${config.customerId}/googleAds:search`, baseUrlOverride);
}

/** The upload's request headers (index.ts buildRequest): bearer token, developer token, manager account. */
function authHeaders(config: GoogleAdsConfig): Record<string, string> {
  return googleAdsHeaders({ accessToken: config.accessToken ?? "", developerToken: config.developerToken, loginCustomerId: config.loginCustomerId });
}

/** Sum of the daily summaries (successful/failed/pending per upload day), else the totals. */
function countsOf(s: Record<string, unknown>): { counts: VerdictCounts; days: number | null } {
  const daily = Array.isArray(s.dailySummaries) ? s.dailySummaries.filter(isObject) : [];
  if (daily.length > 0) {
    const sum = (k: string) => daily.reduce((n, d) => n + (toCount(d[k]) ?? 0), 0);
    const [succeeded, failed, pending] = [sum("successfulCount"), sum("failedCount"), sum("pendingCount")];
    return { counts: { received: succeeded + failed + pending, succeeded, failed, pending }, days: daily.length };
  }
  const total = toCount(s.totalEventCount);
  const succeeded = toCount(s.successfulEventCount);
  const pending = toCount(s.pendingEventCount);
  const failed = total !== null && succeeded !== null ? Math.max(0, total - succeeded - (pending ?? 0)) : null;
  return { counts: { received: total, succeeded, failed, pending }, days: null };
}

function alertsOf(s: Record<string, unknown>): VerdictEvent["issues"] {
  const alerts = Array.isArray(s.alerts) ? s.alerts.filter(isObject) : [];
  return alerts.flatMap((a) => {
    // OfflineConversionError is a oneof of error enums (conversionUploadError, dateError, …): its one value names the cause.
    const error = isObject(a.error) ? a.error : {};
    const [kind, code] = Object.entries(error).find(([, v]) => typeof v === "string") ?? [];
    if (typeof code !== "string") return [];
    const share = typeof a.errorPercentage === "number" ? toPct(a.errorPercentage <= 1 ? a.errorPercentage * 100 : a.errorPercentage) : null;
    return [{ title: code, detail: `${kind}: ${code.toLowerCase().replace(/_/g, " ")}`, affectedPct: share }];
  });
}

function errorReason(status: number, body: unknown): string {
  const error = isObject(body) && isObject(body.error) ? body.error : null;
  const st = error ? text(error.status) : null;
  if (status === 401 || st === "UNAUTHENTICATED") return "Google refused the sign-in (the access token expired or was revoked). Reconnect Google Ads.";
  if (status === 403 || st === "PERMISSION_DENIED") return "The signed-in Google user cannot read this account's conversion diagnostics (or the developer token is not approved).";
  if (status === 404) return "Google Ads does not know this API version or customer id.";
  return `Google Ads answered HTTP ${status}${error && text(error.message) ? `: ${text(error.message)}` : ""}.`;
}

export const googleAdsDiagnostics: PlatformDiagnostics<GoogleAdsConfig> = {
  title: "Offline conversion upload diagnostics (Google Ads)",
  whereToSee: "Google Ads → Goals → Conversions → Summary → your conversion action → Diagnostics",
  describeRequest: (config, ctx) => ({
    kind: "request",
    request: { method: "POST", url: searchUrl(config, ctx.baseUrlOverride), headers: authHeaders(config), body: { query: uploadSummaryQuery(config) } },
  }),
  parseResponse(response): VerdictParse {
    if (response.status !== 200 || !isObject(response.body)) return { kind: "error", reason: errorReason(response.status, response.body) };
    const rows = Array.isArray(response.body.results) ? response.body.results.filter(isObject) : [];
    const summaries = rows.map((r) => r.offlineConversionUploadConversionActionSummary).filter(isObject);
    // One row per client that uploaded to the action; ours is the API client.
    const ours = summaries.filter((s) => s.client === "GOOGLE_ADS_API");
    const chosen = ours.length > 0 ? ours : summaries;
    let windowDays: number | null = null;
    const events: VerdictEvent[] = chosen.map((s) => {
      const { counts, days } = countsOf(s);
      windowDays = windowDays ?? days;
      return {
        platformEvent: text(s.conversionActionName, 200) ?? `conversion action ${text(s.conversionActionId) ?? "?"}`,
        canonical: "purchase",
        score: null,
        status: text(s.status, 100),
        coveragePct: null,
        matchKeys: [],
        issues: alertsOf(s),
        counts,
      };
    });
    return { kind: "verdict", verdict: { title: "Offline conversion upload diagnostics", overallStatus: events[0]?.status ?? "NO_RECENT_UPLOAD", windowDays, events } };
  },
};
