/**
 * Klaviyo Create Event stand-in: POST /api/events (one event, JSON:API).
 *
 * Spec: klaviyo/openapi openapi/stable/apis/create_event.json (revision 2026-07-15);
 *       https://developers.klaviyo.com/en/reference/create_event
 *       https://developers.klaviyo.com/en/docs/api_overview (auth, revision header, errors)
 * (summarised in app/destinations/klaviyo/README.md)
 *
 * - `Authorization: Klaviyo-API-Key <private key>` → 401 `not_authenticated`; a Bearer
 *   header or the key in the query is refused the same way;
 * - `revision: YYYY-MM-DD[.suffix]` required → 400 `invalid`; a revision more than two
 *   years before the stand-in clock → 400 **[assumed]** (Klaviyo retires revisions after two years);
 * - content type application/json or application/vnd.api+json → else 415;
 * - body `{data:{type:"event", attributes:{properties (object, ≤ 400 keys), metric:{data:{type:
 *   "metric", attributes:{name (< 128 chars)}}}, profile:{data:{type:"profile", attributes:{…}}}}}}`;
 *   the profile needs an identifier (email, phone_number, external_id, anonymous_id, _kx or id);
 *   `email` must look like an address and NOT a hash; `phone_number` E.164 with "+";
 *   `time` ISO 8601 after 1990 and at most a year ahead; `value` a number; `value_currency`
 *   ISO 4217; `unique_id` string; `backfill` boolean. 400 errors name the JSON pointer.
 * Success: 202 with an empty body. Klaviyo has no test mode: every accepted event counts
 * (`test: false`); one with `backfill: true` carries the note "backfill: recorded, triggers no
 * flow" (what the admin's test event and late events rely on). Dedup key: `unique_id`
 * (Klaviyo keeps the first per profile and metric).
 */
import { isIso4217, isRecord, looksHashed } from "./checks";
import { parseJson, traceId, type HandlerContext, type Outcome, type PlatformStandin, type Reply, type StandinRequest } from "./server";

export const KLAVIYO_CREDENTIALS = { privateApiKey: "pk_standin0klaviyo0private0key0123456" } as const;

const PROFILE_IDS = ["email", "phone_number", "external_id", "anonymous_id", "_kx"];
const TWO_YEARS_MS = 2 * 366 * 24 * 3600 * 1000;
const YEAR_MS = 366 * 24 * 3600 * 1000;

function klaviyoError(status: number, code: string, title: string, detail: string, pointer?: string): Reply {
  return { status, body: { errors: [{ id: traceId(), status, code, title, detail, source: pointer ? { pointer } : {} }] } };
}

function problems(body: Record<string, unknown>, now: number): Array<{ pointer: string; detail: string }> {
  const out: Array<{ pointer: string; detail: string }> = [];
  const add = (pointer: string, detail: string) => out.push({ pointer, detail });
  const data = body.data;
  if (!isRecord(data)) return [{ pointer: "/data", detail: "This field is required." }];
  if (data.type !== "event") add("/data/type", "must be 'event'");
  const a = data.attributes;
  if (!isRecord(a)) return [...out, { pointer: "/data/attributes", detail: "This field is required." }];
  if (!isRecord(a.properties)) add("/data/attributes/properties", "This field is required and must be an object.");
  else if (Object.keys(a.properties).length > 400) add("/data/attributes/properties", "must not exceed 400 properties");
  const metric = isRecord(a.metric) && isRecord(a.metric.data) ? a.metric.data : null;
  if (metric === null) add("/data/attributes/metric/data", "This field is required.");
  else {
    if (metric.type !== "metric") add("/data/attributes/metric/data/type", "must be 'metric'");
    const name = isRecord(metric.attributes) ? metric.attributes.name : undefined;
    if (typeof name !== "string" || name.length === 0 || name.length >= 128) add("/data/attributes/metric/data/attributes/name", "must be a string of 1 to 127 characters");
  }
  const profile = isRecord(a.profile) && isRecord(a.profile.data) ? a.profile.data : null;
  if (profile === null) add("/data/attributes/profile/data", "This field is required.");
  else {
    if (profile.type !== "profile") add("/data/attributes/profile/data/type", "must be 'profile'");
    const p = isRecord(profile.attributes) ? profile.attributes : {};
    if (!PROFILE_IDS.some((k) => typeof p[k] === "string" && p[k] !== "") && typeof profile.id !== "string") {
      add("/data/attributes/profile/data/attributes", "A profile identifier (email, phone_number, external_id, anonymous_id, _kx or id) is required.");
    }
    if (p.email !== undefined && (typeof p.email !== "string" || looksHashed(p.email) || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.email))) {
      add("/data/attributes/profile/data/attributes/email", "Invalid email address");
    }
    if (p.phone_number !== undefined && (typeof p.phone_number !== "string" || !/^\+[1-9]\d{6,14}$/.test(p.phone_number))) {
      add("/data/attributes/profile/data/attributes/phone_number", "Invalid phone number format (Example of a valid format: +12345678901)");
    }
    for (const key of ["first_name", "last_name", "external_id"]) {
      if (typeof p[key] === "string" && looksHashed(p[key] as string)) add(`/data/attributes/profile/data/attributes/${key}`, "looks hashed; Klaviyo stores it as sent");
    }
    if (p.location !== undefined && !isRecord(p.location)) add("/data/attributes/profile/data/attributes/location", "must be an object");
  }
  if (a.time !== undefined && a.time !== null) {
    const t = typeof a.time === "string" && /^\d{4}-\d{2}-\d{2}T/.test(a.time) ? Date.parse(a.time) : Number.NaN;
    if (Number.isNaN(t)) add("/data/attributes/time", "must be an ISO 8601 date-time");
    else if (t < Date.UTC(1990, 0, 1) || t > now + YEAR_MS) add("/data/attributes/time", "must be after 1990 and at most one year in the future");
  }
  if (a.value !== undefined && a.value !== null && typeof a.value !== "number") add("/data/attributes/value", "must be a number");
  if (a.value_currency !== undefined && a.value_currency !== null && !isIso4217(a.value_currency)) add("/data/attributes/value_currency", "must be an ISO 4217 code");
  if (a.unique_id !== undefined && a.unique_id !== null && typeof a.unique_id !== "string") add("/data/attributes/unique_id", "must be a string");
  if (a.backfill !== undefined && a.backfill !== null && typeof a.backfill !== "boolean") add("/data/attributes/backfill", "must be a boolean");
  return out;
}

function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
  if (!/^\/api\/events\/?$/.test(req.pathname)) return null;
  if (req.method !== "POST") return { reply: klaviyoError(405, "method_not_allowed", "Method not allowed.", `Method "${req.method}" not allowed.`), refused: [{ reason: `method ${req.method}`, body: null }] };
  const key = /^Klaviyo-API-Key\s+(\S+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
  if (!ctx.credentialMatches("privateApiKey", key)) {
    return {
      reply: klaviyoError(401, "not_authenticated", "Authentication credentials were not provided.", "Missing or invalid private key."),
      refused: [{ reason: key === undefined ? "Authorization: Klaviyo-API-Key header missing" : "private API key invalid", body: null }],
    };
  }
  const revision = String(req.headers.revision ?? "");
  const rev = /^(\d{4}-\d{2}-\d{2})(\.[a-z]+)?$/.exec(revision);
  if (!rev) return { reply: klaviyoError(400, "invalid", "Invalid input.", "The revision header is required (YYYY-MM-DD).", undefined), refused: [{ reason: "revision header missing or malformed", body: null }] };
  if (ctx.now - Date.parse(`${rev[1]}T00:00:00Z`) > TWO_YEARS_MS) return { reply: klaviyoError(400, "invalid", "Invalid input.", `Revision ${rev[1]} is no longer supported.`), refused: [{ reason: "revision retired", body: null }] };
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && type !== "application/vnd.api+json") return { reply: klaviyoError(415, "unsupported_media_type", "Unsupported media type.", `Unsupported media type "${type}" in request.`), refused: [{ reason: "content-type", body: null }] };
  const parsed = parseJson(req.raw);
  if (!parsed.ok || !isRecord(parsed.value)) return { reply: klaviyoError(400, "invalid", "Invalid input.", "JSON parse error."), refused: [{ reason: "body is not a JSON object", body: req.raw.toString("utf8") }] };
  const body = parsed.value;
  const found = problems(body, ctx.now);
  if (found.length > 0) {
    const first = found[0]!;
    return {
      reply: { status: 400, body: { errors: found.map((f) => ({ id: traceId(), status: 400, code: "invalid", title: "Invalid input.", detail: f.detail, source: { pointer: f.pointer } })) } },
      refused: [{ reason: found.map((f) => `${f.pointer}: ${f.detail}`).join("; "), body }],
    };
  }
  const a = (body.data as Record<string, unknown>).attributes as Record<string, unknown>;
  const metric = ((a.metric as Record<string, unknown>).data as Record<string, unknown>).attributes as Record<string, unknown>;
  return {
    reply: { status: 202, body: "" },
    accepted: [
      {
        eventId: typeof a.unique_id === "string" ? a.unique_id : null,
        eventName: String(metric.name),
        test: false,
        body: body.data,
        envelope: {},
        notes: [
          ...(a.unique_id === undefined ? ["no unique_id: Klaviyo keeps one event per profile and metric per second"] : []),
          ...(a.backfill === true ? ["backfill: recorded, triggers no flow"] : []),
        ],
      },
    ],
  };
}

export const klaviyoStandin: PlatformStandin = {
  kind: "klaviyo",
  credentials: { ...KLAVIYO_CREDENTIALS },
  handle,
  statusReply: (status) =>
    status === 429
      ? klaviyoError(429, "throttled", "Request was throttled.", "Request was throttled. Expected available in 1 second.")
      : klaviyoError(status, "error", "A server error occurred.", "A server error occurred."),
  rateLimitReply: () => klaviyoError(429, "throttled", "Request was throttled.", "Request was throttled. Expected available in 1 second."),
};
