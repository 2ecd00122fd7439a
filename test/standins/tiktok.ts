/**
 * TikTok Events API 2.0 stand-in: POST /open_api/v1.3/event/track/ with an `Access-Token` header.
 *
 * Docs: https://business-api.tiktok.com/portal/docs?id=1771100865818625 (Report Web Event)
 * Dedup: https://ads.tiktok.com/help/article/event-deduplication
 * (summarised with sources in docs/platform/ad-platforms.md, TikTok)
 *
 * TikTok answers HTTP 200 for most errors; the outcome is the body `code`:
 * 0 OK, 20001 partial success (some events dropped), 40001 no permission, 40002 invalid
 * parameters, 40100 too many requests, 40105 access token incorrect or revoked.
 */
import {
  clearTextProblem,
  hashProblem,
  hashedListProblems,
  ipProblem,
  isIso4217,
  isNonEmptyString,
  isRecord,
  secondsTimeProblem,
} from "./checks";
import {
  parseJson,
  traceId,
  type HandlerContext,
  type Outcome,
  type PlatformStandin,
  type Reply,
  type StandinRequest,
} from "./server";

export const TIKTOK_CREDENTIALS = {
  pixelCode: "C4STANDIN0TIKTOK0001",
  accessToken: "standin-tiktok-access-token",
} as const;

/** Commonly cited limit on `data` (reference §2.5 marks it unverified). */
const MAX_EVENTS = 1000;
const EVENT_SOURCES = ["web", "app", "offline", "crm"];
/** Purchase-like events need value+currency for ROAS; TikTok accepts them without (noted, not refused). */
const VALUE_EVENTS = ["Purchase", "CompletePayment", "PlaceAnOrder"];

function tiktokReply(code: number, message: string, status = 200): Reply {
  return { status, body: { code, message, request_id: traceId(), data: {} } };
}

function checkEvent(
  event: unknown,
  i: number,
  now: number
): { problems: string[]; notes: string[] } {
  const p = `data[${i}]`;
  const problems: string[] = [];
  const notes: string[] = [];
  if (!isRecord(event)) return { problems: [`${p}: must be an object`], notes };
  if (!isNonEmptyString(event.event)) problems.push(`${p}.event: is required`);
  // No maximum age is documented by TikTok (third parties cite 28 days for attribution); only the unit is checked.
  const time = secondsTimeProblem(
    `${p}.event_time`,
    event.event_time,
    now,
    null
  );
  if (time) problems.push(time.message);
  if (event.event_id !== undefined && !isNonEmptyString(event.event_id))
    problems.push(`${p}.event_id: must be a non-empty string`);

  if (event.user !== undefined) {
    const user = event.user;
    if (!isRecord(user)) problems.push(`${p}.user: must be an object`);
    else {
      for (const key of ["email", "phone", "external_id"]) {
        if (user[key] !== undefined)
          problems.push(
            ...hashedListProblems(`${p}.user.${key}`, user[key], true)
          );
      }
      for (const key of ["first_name", "last_name", "zip_code"]) {
        if (user[key] !== undefined) {
          const problem = hashProblem(user[key]);
          if (problem) problems.push(`${p}.user.${key}: ${problem}`);
        }
      }
      // Sent in clear per TikTok's samples ("non-hashed") and Segment's TikTok destination.
      for (const key of [
        "city",
        "state",
        "country",
        "ttclid",
        "ttp",
        "user_agent",
        "locale",
      ]) {
        if (user[key] !== undefined) {
          const problem = clearTextProblem(`${p}.user.${key}`, user[key]);
          if (problem) problems.push(problem);
        }
      }
      if (user.ip !== undefined) {
        const problem = ipProblem(`${p}.user.ip`, user.ip);
        if (problem) problems.push(problem);
      }
    }
  }
  if (event.page !== undefined && !isRecord(event.page))
    problems.push(`${p}.page: must be an object`);

  const props = event.properties;
  if (props !== undefined && !isRecord(props))
    problems.push(`${p}.properties: must be an object`);
  const properties = isRecord(props) ? props : {};
  if (
    properties.value !== undefined &&
    !(typeof properties.value === "number" && Number.isFinite(properties.value))
  ) {
    problems.push(`${p}.properties.value: must be a number`);
  }
  if (properties.currency !== undefined && !isIso4217(properties.currency)) {
    problems.push(`${p}.properties.currency: must be an ISO 4217 code`);
  }
  if (typeof event.event === "string" && VALUE_EVENTS.includes(event.event)) {
    if (properties.value === undefined || properties.currency === undefined) {
      notes.push(
        `${p}: ${event.event} without properties.value and properties.currency cannot be used for ROAS`
      );
    }
  }
  if (
    event.limited_data_use !== undefined &&
    typeof event.limited_data_use !== "boolean"
  ) {
    problems.push(`${p}.limited_data_use: must be a boolean`);
  }
  return { problems, notes };
}

function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
  if (!/^\/open_api\/v1\.3\/event\/track\/?$/.test(req.pathname)) return null;
  if (req.method !== "POST") {
    return {
      reply: tiktokReply(40002, `Method ${req.method} not allowed`, 405),
      refused: [{ reason: `method ${req.method}`, body: null }],
    };
  }
  const token = req.headers["access-token"];
  if (
    !ctx.credentialMatches(
      "accessToken",
      Array.isArray(token) ? token[0] : token
    )
  ) {
    return {
      reply: tiktokReply(
        40105,
        "Access token is incorrect or has been revoked."
      ),
      refused: [
        {
          reason:
            token === undefined
              ? "Access-Token header missing (40105)"
              : "Access-Token invalid (40105)",
          body: null,
        },
      ],
    };
  }
  const parsed = parseJson(req.raw);
  if (!parsed.ok || !isRecord(parsed.value)) {
    return {
      reply: tiktokReply(40002, "Invalid request body: not a JSON object"),
      refused: [
        { reason: "body is not a JSON object", body: req.raw.toString("utf8") },
      ],
    };
  }
  const body = parsed.value;
  if (
    !isNonEmptyString(body.event_source) ||
    !EVENT_SOURCES.includes(body.event_source)
  ) {
    return {
      reply: tiktokReply(
        40002,
        "event_source: must be one of web, app, offline, crm"
      ),
      refused: [{ reason: "event_source missing or invalid", body }],
    };
  }
  if (!isNonEmptyString(body.event_source_id)) {
    return {
      reply: tiktokReply(40002, "event_source_id: is required"),
      refused: [{ reason: "event_source_id missing", body }],
    };
  }
  if (body.event_source_id !== TIKTOK_CREDENTIALS.pixelCode) {
    return {
      reply: tiktokReply(40001, "No permission to operate this event source."),
      refused: [
        { reason: "event_source_id not owned by this token (40001)", body },
      ],
    };
  }
  const data = body.data;
  if (!Array.isArray(data) || data.length === 0) {
    return {
      reply: tiktokReply(40002, "data: is required"),
      refused: [{ reason: "data missing or empty", body }],
    };
  }
  if (data.length > MAX_EVENTS) {
    return {
      reply: tiktokReply(
        40002,
        `data: at most ${MAX_EVENTS} events per request`
      ),
      refused: [
        {
          reason: `batch of ${data.length} events over the ${MAX_EVENTS} limit`,
          body,
        },
      ],
    };
  }
  if (
    body.test_event_code !== undefined &&
    !isNonEmptyString(body.test_event_code)
  ) {
    return {
      reply: tiktokReply(40002, "test_event_code: must be a non-empty string"),
      refused: [{ reason: "test_event_code invalid", body }],
    };
  }

  const checks = data.map((event, i) => checkEvent(event, i, ctx.now));
  const failed = checks.flatMap((c, i) => (c.problems.length > 0 ? [i] : []));
  if (failed.length === data.length) {
    const reason = checks.flatMap((c) => c.problems).join("; ");
    return { reply: tiktokReply(40002, reason), refused: [{ reason, body }] };
  }
  const test = isNonEmptyString(body.test_event_code);
  const { data: _events, ...envelope } = body;
  const accepted = data.flatMap((event, i) => {
    const check = checks[i];
    if (!check || check.problems.length > 0) return [];
    const e = event as Record<string, unknown>;
    return [
      {
        eventId: typeof e.event_id === "string" ? e.event_id : null,
        eventName: String(e.event),
        test,
        body: event,
        envelope,
        notes: check.notes,
      },
    ];
  });
  if (failed.length === 0) return { reply: tiktokReply(0, "OK"), accepted };

  // 20001: the valid events were processed, the invalid ones dropped (listed in the message).
  const refused = failed.map((i) => ({
    reason: (checks[i]?.problems ?? []).join("; "),
    body: data[i],
  }));
  const message = `Partial success. ${failed.length} of ${
    data.length
  } events were dropped: ${refused.map((r) => r.reason).join("; ")}`;
  return { reply: tiktokReply(20001, message), accepted, refused };
}

export const tiktokStandin: PlatformStandin = {
  kind: "tiktok",
  credentials: { ...TIKTOK_CREDENTIALS },
  handle,
  statusReply(status) {
    if (status === 429)
      return tiktokReply(
        40100,
        "Too many requests. Please retry in some time.",
        429
      );
    // A refusal of the request itself: TikTok's envelope with its invalid-parameters code.
    if (status >= 400 && status < 500) return tiktokReply(40002, "Invalid parameters", status);
    // TikTok's 5xx body is not in our sources; the usual {code, message, request_id} envelope is assumed.
    return tiktokReply(50000, "System error", status);
  },
  rateLimitReply() {
    return tiktokReply(40100, "Too many requests. Please retry in some time.");
  },
};
