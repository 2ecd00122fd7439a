/**
 * Reddit Conversions API v3 stand-in:
 *   POST /api/v3/pixels/{pixelId}/conversion_events   Authorization: Bearer {Conversion Access Token}
 *
 * Docs: https://ads-api.reddit.com/docs/v3/ (ConversionEvent schema),
 *       https://business.reddithelp.com/s/article/Conversions-API
 *
 * Checks: body {data: {events: […], test_id?, partner?}}; 1–1,000 events; per event `event_at`
 * integer Unix MILLISECONDS (a seconds value is refused), not older than 7 days and not in the
 * future; `action_source` WEBSITE|APP|PHYSICAL_STORE|OTHER; `type.tracking_type` in the v3 enum
 * (CUSTOM needs custom_event_name); `user.ip_address` a raw IP and `user.user_agent` not hashed;
 * `metadata.value` a number, `currency` ISO 4217, `item_count` an integer. Reddit accepts email
 * and phone raw or hashed: a raw one is accepted with a note. Any problem refuses the whole
 * request (HTTP 400). Dedup key: `metadata.conversion_id`. `test_id` marks events as test.
 * Error bodies ({error:{code,message}}) are **[assumed]**: our sources show only the success body.
 */
import { DAY_MS, FUTURE_TOLERANCE_MS, bearerToken, clearTextProblem, ipProblem, isIso4217, isNonEmptyString, isRecord, looksHashed } from "./checks";
import { parseJson, type HandlerContext, type Outcome, type PlatformStandin, type Reply, type StandinRequest } from "./server";

export const REDDIT_CREDENTIALS = { pixelId: "a2_standin123", accessToken: "standin-reddit-conversion-token" } as const;

const MAX_EVENTS = 1000;
const MAX_EVENT_AGE_MS = 7 * DAY_MS;
const ACTION_SOURCES = ["WEBSITE", "APP", "PHYSICAL_STORE", "OTHER"];
const TRACKING_TYPES = ["PAGE_VISIT", "VIEW_CONTENT", "SEARCH", "ADD_TO_CART", "ADD_TO_WISHLIST", "LEAD", "PURCHASE", "SIGN_UP", "CUSTOM"];

function invalid(message: string): Reply {
  return { status: 400, body: { error: { code: "INVALID_INPUT", message } } };
}

function checkEvent(event: unknown, i: number, now: number, notes: string[]): string[] {
  const p = `data.events[${i}]`;
  if (!isRecord(event)) return [`${p}: must be an object`];
  const problems: string[] = [];
  const at = event.event_at;
  if (typeof at !== "number" || !Number.isInteger(at)) problems.push(`${p}.event_at: must be an integer Unix timestamp in milliseconds`);
  else if (at < 1e12) problems.push(`${p}.event_at: looks like seconds; v3 expects milliseconds`);
  else if (at > now + FUTURE_TOLERANCE_MS) problems.push(`${p}.event_at: is in the future`);
  else if (now - at > MAX_EVENT_AGE_MS) problems.push(`${p}.event_at: is more than 7 days in the past`);
  if (!isNonEmptyString(event.action_source) || !ACTION_SOURCES.includes(event.action_source))
    problems.push(`${p}.action_source: must be one of ${ACTION_SOURCES.join(", ")}`);
  const type = event.type;
  if (!isRecord(type) || !isNonEmptyString(type.tracking_type)) problems.push(`${p}.type.tracking_type: is required`);
  else if (!TRACKING_TYPES.includes(type.tracking_type)) problems.push(`${p}.type.tracking_type: not a v3 tracking type (UPPER_SNAKE_CASE)`);
  else if (type.tracking_type === "CUSTOM" && !isNonEmptyString(type.custom_event_name)) problems.push(`${p}.type.custom_event_name: is required for CUSTOM`);
  if (event.click_id !== undefined) {
    const problem = clearTextProblem(`${p}.click_id`, event.click_id);
    if (problem) problems.push(problem);
  }
  const user = event.user;
  if (user !== undefined && !isRecord(user)) problems.push(`${p}.user: must be an object`);
  if (isRecord(user)) {
    if (user.ip_address !== undefined) {
      const problem = ipProblem(`${p}.user.ip_address`, user.ip_address);
      if (problem) problems.push(problem);
    }
    if (user.user_agent !== undefined) {
      const problem = clearTextProblem(`${p}.user.user_agent`, user.user_agent);
      if (problem) problems.push(problem);
    }
    for (const key of ["email", "phone_number"] as const) {
      const v = user[key];
      if (v === undefined) continue;
      if (!isNonEmptyString(v)) problems.push(`${p}.user.${key}: must be a non-empty string`);
      else if (!looksHashed(v)) notes.push(`user.${key} sent unhashed (Reddit hashes it itself)`);
      else if (v !== v.toLowerCase()) problems.push(`${p}.user.${key}: a SHA-256 digest must be lowercase hex`);
    }
    const dpo = user.data_processing_options;
    if (dpo !== undefined && (!isRecord(dpo) || (dpo.modes !== undefined && !(Array.isArray(dpo.modes) && dpo.modes.every((m) => m === "LDU")))))
      problems.push(`${p}.user.data_processing_options: modes may only hold "LDU"`);
  }
  const meta = event.metadata;
  if (meta !== undefined && !isRecord(meta)) problems.push(`${p}.metadata: must be an object`);
  if (isRecord(meta)) {
    if (meta.conversion_id !== undefined && !isNonEmptyString(meta.conversion_id)) problems.push(`${p}.metadata.conversion_id: must be a non-empty string`);
    if (meta.value !== undefined && (typeof meta.value !== "number" || !Number.isFinite(meta.value))) problems.push(`${p}.metadata.value: must be a number`);
    if (meta.currency !== undefined && !isIso4217(meta.currency)) problems.push(`${p}.metadata.currency: must be an ISO 4217 code`);
    if (meta.item_count !== undefined && !(typeof meta.item_count === "number" && Number.isInteger(meta.item_count) && meta.item_count >= 0))
      problems.push(`${p}.metadata.item_count: must be a non-negative integer`);
    if (meta.conversion_id === undefined) notes.push("no metadata.conversion_id: Reddit cannot deduplicate this event against the Pixel");
  }
  return problems;
}

function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
  const route = /^\/api\/v3\/pixels\/([^/]+)\/conversion_events\/?$/.exec(req.pathname);
  if (!route) return null;
  if (req.method !== "POST") return { reply: invalid(`Method ${req.method} not allowed`), refused: [{ reason: `method ${req.method}`, body: null }] };
  const token = bearerToken(req.headers);
  if (!ctx.credentialMatches("accessToken", token)) {
    return { reply: { status: 401, body: { error: { code: "UNAUTHORIZED", message: "Invalid or missing access token" } } }, refused: [{ reason: token ? "token invalid" : "token missing", body: null }] };
  }
  if (route[1] !== REDDIT_CREDENTIALS.pixelId) {
    return { reply: { status: 403, body: { error: { code: "FORBIDDEN", message: "The token has no access to this pixel" } } }, refused: [{ reason: "pixel not covered by this token", body: null }] };
  }
  const parsed = parseJson(req.raw);
  if (!parsed.ok || !isRecord(parsed.value) || !isRecord(parsed.value.data)) {
    return { reply: invalid("data: is required"), refused: [{ reason: "body has no data object", body: parsed.ok ? parsed.value : req.raw.toString("utf8") }] };
  }
  const data = parsed.value.data;
  const events = data.events;
  if (!Array.isArray(events) || events.length === 0) return { reply: invalid("data.events: is required"), refused: [{ reason: "data.events missing or empty", body: parsed.value }] };
  if (events.length > MAX_EVENTS) {
    return { reply: invalid(`data.events: at most ${MAX_EVENTS} events per request`), refused: [{ reason: `batch of ${events.length} events over the ${MAX_EVENTS} limit`, body: parsed.value }] };
  }
  const notes = events.map(() => [] as string[]);
  const problems = events.flatMap((event, i) => checkEvent(event, i, ctx.now, notes[i] ?? []));
  if (problems.length > 0) return { reply: invalid(problems.join("; ")), refused: [{ reason: problems.join("; "), body: parsed.value }] };
  const test = isNonEmptyString(data.test_id);
  const { events: _events, ...envelope } = data;
  return {
    reply: { status: 200, body: { data: { message: `Successfully processed ${events.length} conversion events.` } } },
    accepted: events.map((event, i) => {
      const e = event as Record<string, unknown>;
      const meta = isRecord(e.metadata) ? e.metadata : {};
      const type = e.type as Record<string, unknown>;
      return { eventId: typeof meta.conversion_id === "string" ? meta.conversion_id : null, eventName: String(type.tracking_type), test, body: event, envelope, notes: notes[i] ?? [] };
    }),
  };
}

export const redditStandin: PlatformStandin = {
  kind: "reddit",
  credentials: { ...REDDIT_CREDENTIALS },
  handle,
  statusReply(status) {
    return { status, body: { error: { code: status === 429 ? "RATE_LIMITED" : "INTERNAL_ERROR", message: status === 429 ? "Too many requests" : "Internal error" } } };
  },
  rateLimitReply() {
    return { status: 429, body: { error: { code: "RATE_LIMITED", message: "Too many requests" } } };
  },
};
