/**
 * Read-back stand-ins (issue 14, ADR 0041): the endpoints where a platform reports how it
 * received our events, answered from what the same stand-in accepted (its `received`
 * events), after checking auth and parameters as each platform documents them.
 *
 * - Meta: GET /{version}/dataset_quality?dataset_id=&fields=web{…}&access_token= (Dataset Quality
 *   API, https://developers.facebook.com/docs/marketing-api/conversions-api/dataset-quality-api).
 * - Google Ads: POST /{version}/customers/{id}/googleAds:search with a GAQL query FROM
 *   offline_conversion_upload_conversion_action_summary (OAuth bearer, developer-token,
 *   https://developers.google.com/google-ads/api/docs/conversions/upload-summaries).
 * - Pinterest: GET /v5/ad_accounts/{id}/conversion_eqs?lookback_period=1d|14d (Bearer,
 *   https://developers.pinterest.com/docs/track-conversions/get-event-quality-score/).
 *
 * The figures are the stand-in's own arithmetic over what it received (coverage is exact; the
 * Meta score multiplies coverage by documented priorities and by a fixed 80% "has an
 * account" rate for email and phone), so a test can predict them; they are not the platforms'
 * formulas, which are unpublished.
 */
import { bearerToken, header, isRecord } from "./checks";
import { GOOGLE_ADS_CREDENTIALS } from "./google-ads";
import { META_CREDENTIALS } from "./meta";
import { PINTEREST_CREDENTIALS } from "./pinterest";
import type { HandlerContext, Reply, StandinRequest } from "./server";
import type { ReceivedEvent, StandinKind } from "./types";

const live = (ctx: HandlerContext, window: number) => ctx.received.filter((e) => !e.test && e.at >= ctx.now - window);
const DAY = 86_400_000;
const pct = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 10);
const present = (v: unknown) => (Array.isArray(v) ? v.length > 0 : typeof v === "string" ? v !== "" : v !== undefined && v !== null);
const userData = (e: ReceivedEvent): Record<string, unknown> => (isRecord(e.body) && isRecord(e.body.user_data) ? e.body.user_data : {});

function byName(events: readonly ReceivedEvent[]): Map<string, ReceivedEvent[]> {
  const m = new Map<string, ReceivedEvent[]>();
  for (const e of events) m.set(e.eventName, [...(m.get(e.eventName) ?? []), e]);
  return m;
}

// ---------------------------------------------------------------- Meta

function graphError(status: number, code: number, message: string): Reply {
  return { status, body: { error: { message, type: "OAuthException", code, fbtrace_id: "AstandinDQ" } } };
}

/** Meta's identifier names in match_key_feedback, with the CAPI user_data key and the stand-in's weight. */
const META_KEYS: Array<[string, string, number]> = [
  ["email", "em", 3],
  ["phone", "ph", 2],
  ["fbc", "fbc", 1.5],
  ["fbp", "fbp", 1],
  ["external_id", "external_id", 1],
  ["ip_address", "client_ip_address", 0.75],
  ["user_agent", "client_user_agent", 0.75],
];
/** Share of hashed emails and phones that "belong to a Meta account" in the stand-in's world. */
export const META_STANDIN_ACCOUNT_RATE = 0.8;

function metaRead(req: StandinRequest, ctx: HandlerContext): Reply | null {
  const route = /^\/(v\d+\.\d+)\/dataset_quality\/?$/.exec(req.pathname);
  if (!route) return null;
  if (req.method !== "GET") return graphError(400, 100, `Unsupported ${req.method.toLowerCase()} request.`);
  const token = req.query.get("access_token") ?? bearerToken(req.headers);
  if (!token) return graphError(400, 104, "An access token is required to request this resource.");
  if (!ctx.credentialMatches("accessToken", token)) return graphError(400, 190, "Invalid OAuth access token - Cannot parse access token");
  const dataset = req.query.get("dataset_id");
  if (!dataset) return graphError(400, 100, "(#100) The parameter dataset_id is required");
  if (dataset !== META_CREDENTIALS.pixelId) return graphError(400, 100, `(#100) Object with ID '${dataset}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`);
  const fields = req.query.get("fields") ?? "";
  if (!/^web\{.*\}$/.test(fields) || !fields.includes("event_name")) return graphError(400, 100, "(#100) fields must request web{event_name,…}");
  const wants = (f: string) => fields.includes(f);
  const web = [...byName(live(ctx, 7 * DAY))].map(([name, events]) => {
    const keys = META_KEYS.map(([identifier, key, weight]) => {
      const n = events.filter((e) => present(userData(e)[key])).length;
      return { identifier, weight, share: n / events.length, coverage: { percentage: pct(n, events.length) } };
    });
    const score = keys.reduce((s, k) => s + k.weight * k.share * (k.identifier === "email" || k.identifier === "phone" ? META_STANDIN_ACCOUNT_RATE : 1), 0);
    const ipv4 = events.filter((e) => /^\d+\.\d+\.\d+\.\d+$/.test(String(userData(e).client_ip_address ?? ""))).length;
    const node: Record<string, unknown> = { event_name: name };
    if (wants("event_match_quality")) {
      const emq: Record<string, unknown> = { composite_score: Math.round(score * 10) / 10 };
      if (wants("match_key_feedback")) emq.match_key_feedback = keys.filter((k) => k.share > 0).map(({ identifier, coverage }) => ({ identifier, coverage }));
      if (wants("diagnostics"))
        emq.diagnostics =
          ipv4 > 0
            ? [
                {
                  name: "Update your IPv4 IP addresses to IPv6 IP addresses",
                  description: "Your server is sending IPV4 IP addresses through the Conversions API.",
                  solution: "Send the client_ip_address retrieved from customer interactions; prefer IPv6 where the visitor has one.",
                  percentage: pct(ipv4, events.length),
                  affected_event_count: ipv4,
                  total_event_count: events.length,
                },
              ]
            : [];
      node.event_match_quality = emq;
    }
    return node;
  });
  return { status: 200, body: { web } };
}

// ---------------------------------------------------------------- Google Ads

function rpcError(status: number, code: string, message: string): Reply {
  return { status, body: { error: { code: status, message, status: code } } };
}

const SUMMARY = "offline_conversion_upload_conversion_action_summary";

function googleAdsRead(req: StandinRequest, ctx: HandlerContext): Reply | null {
  const route = /^\/(v\d+)\/customers\/([^/:]+)\/googleAds:search$/.exec(req.pathname);
  if (!route) return null;
  if (req.method !== "POST") return rpcError(404, "NOT_FOUND", `Method ${req.method} not found.`);
  const token = bearerToken(req.headers);
  if (!token || !ctx.credentialMatches("accessToken", token)) return rpcError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.");
  if (header(req.headers, "developer-token") !== GOOGLE_ADS_CREDENTIALS.developerToken) return rpcError(401, "UNAUTHENTICATED", "The developer token is not valid.");
  const login = header(req.headers, "login-customer-id");
  if (login !== undefined && !/^\d{10}$/.test(login)) return rpcError(400, "INVALID_ARGUMENT", "login-customer-id must be 10 digits without dashes.");
  if (route[2] !== GOOGLE_ADS_CREDENTIALS.customerId) return rpcError(403, "PERMISSION_DENIED", "The caller does not have permission (USER_PERMISSION_DENIED).");
  let body: unknown;
  try {
    body = JSON.parse(req.raw.toString("utf8"));
  } catch {
    return rpcError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
  }
  const query = isRecord(body) && typeof body.query === "string" ? body.query : null;
  if (query === null) return rpcError(400, "INVALID_ARGUMENT", "query is required (QueryError.QUERY_NOT_SPECIFIED).");
  const m = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?\s*$/is.exec(query);
  if (!m || m[2] !== SUMMARY) return rpcError(400, "INVALID_ARGUMENT", "The stand-in answers only FROM offline_conversion_upload_conversion_action_summary (QueryError).");
  const selected = m[1]!.split(",").map((f) => f.trim());
  if (selected.some((f) => !f.startsWith(`${SUMMARY}.`))) return rpcError(400, "INVALID_ARGUMENT", "Selected fields must belong to the resource in FROM (QueryError.PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE).");
  const where = m[3] ? /conversion_action_id\s*=\s*(\d+)/.exec(m[3]) : null;
  if (m[3] && !where) return rpcError(400, "INVALID_ARGUMENT", "The stand-in filters only on conversion_action_id = N.");
  const events = live(ctx, 7 * DAY);
  const actions = byName(events);
  const results = [...actions]
    .map(([resource, list]) => ({ id: resource.split("/").pop() ?? "", list }))
    .filter(({ id }) => !where || id === where[1])
    .map(({ id, list }) => {
      const days = new Map<string, number>();
      for (const e of list) days.set(new Date(e.at).toISOString().slice(0, 10), (days.get(new Date(e.at).toISOString().slice(0, 10)) ?? 0) + 1);
      const last = new Date(Math.max(...list.map((e) => e.at))).toISOString().replace("T", " ").slice(0, 19);
      return {
        offlineConversionUploadConversionActionSummary: {
          resourceName: `customers/${GOOGLE_ADS_CREDENTIALS.customerId}/offlineConversionUploadConversionActionSummaries/${id}~GOOGLE_ADS_API`,
          client: "GOOGLE_ADS_API",
          conversionActionId: id,
          conversionActionName: "Trueline purchases (stand-in)",
          status: "EXCELLENT",
          totalEventCount: String(list.length),
          successfulEventCount: String(list.length),
          pendingEventCount: "0",
          lastUploadDateTime: last,
          dailySummaries: [...days].map(([uploadDate, n]) => ({ successfulCount: String(n), failedCount: "0", pendingCount: "0", uploadDate })),
          alerts: [],
        },
      };
    });
  return { status: 200, body: { results, fieldMask: selected.map((f) => f.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())).join(",") } };
}

// ---------------------------------------------------------------- Pinterest

const PINTEREST_COMPONENTS: Array<[string, (e: ReceivedEvent) => unknown]> = [
  ["hashed_email", (e) => userData(e).em],
  ["click_id_epik", (e) => userData(e).click_id],
  ["ip_address", (e) => userData(e).client_ip_address],
  ["user_agent", (e) => userData(e).client_user_agent],
  ["advertiser_external_id", (e) => userData(e).external_id],
  ["external_event_id", (e) => e.eventId],
  ["order_value", (e) => (isRecord(e.body) && isRecord(e.body.custom_data) ? e.body.custom_data.value : undefined)],
];

function pinterestRead(req: StandinRequest, ctx: HandlerContext): Reply | null {
  const route = /^\/v5\/ad_accounts\/([^/]+)\/conversion_eqs\/?$/.exec(req.pathname);
  if (!route) return null;
  if (req.method !== "GET") return { status: 405, body: { code: 405, message: "Method not allowed" } };
  const token = bearerToken(req.headers);
  if (!token || !ctx.credentialMatches("accessToken", token)) return { status: 401, body: { code: 2, message: "Authentication failed." } };
  if (route[1] !== PINTEREST_CREDENTIALS.adAccountId) return { status: 403, body: { code: 29, message: "You are not permitted to access that resource." } };
  const lookback = req.query.get("lookback_period");
  if (lookback !== "1d" && lookback !== "14d") return { status: 400, body: { code: 1, message: "lookback_period is required and must be 1d or 14d" } };
  const platform = req.query.get("source_platform");
  if (platform !== null && !["MOBILE", "WEB", "OFFLINE"].includes(platform)) return { status: 400, body: { code: 1, message: "Invalid source_platform" } };
  const source = req.query.get("ingestion_source");
  if (source !== null && !["CONVERSIONS_API", "TAG", "MMP"].includes(source)) return { status: 400, body: { code: 1, message: "Invalid ingestion_source" } };
  const events = live(ctx, (lookback === "1d" ? 1 : 14) * DAY);
  const named = byName(events);
  const components: Record<string, Record<string, unknown>> = {};
  let emailCovered = 0;
  for (const [component, get] of PINTEREST_COMPONENTS) {
    const perEvent: Record<string, unknown> = {};
    for (const [name, list] of named) {
      const n = list.filter((e) => present(get(e))).length;
      if (component === "hashed_email") emailCovered += n;
      perEvent[name] = { coverage: pct(n, list.length), ...(component === "external_event_id" ? { overlap: 0 } : {}), issues: n < list.length && component === "hashed_email" ? [{ message: "Some events have no hashed email" }] : [] };
    }
    components[component] = perEvent;
  }
  const emailShare = events.length ? emailCovered / events.length : 0;
  const overall = emailShare >= 0.7 ? "GOOD" : emailShare >= 0.3 ? "FAIR" : "NEEDS_IMPROVEMENT";
  return {
    status: 200,
    body: [{ ingestion_source: source ?? "CONVERSIONS_API", lookback_period: lookback, overall_status: overall, quality_components: components, source_platform: platform ?? "WEB" }],
  };
}

/** Read handlers per stand-in kind (installed on the platform stand-ins by index.ts). */
export const READS: Partial<Record<StandinKind, (req: StandinRequest, ctx: HandlerContext) => Reply | null>> = {
  meta: metaRead,
  "google-ads": googleAdsRead,
  pinterest: pinterestRead,
};
