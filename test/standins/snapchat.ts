/**
 * Snapchat Conversions API v3 stand-in:
 *   POST /v3/{PIXEL_ID}/events?access_token=...            (production)
 *   POST /v3/{PIXEL_ID}/events/validate?access_token=...   (Test Event Tool, nothing recorded)
 *
 * Docs: https://developers.snap.com/api/marketing-api/Conversions-API/UsingTheAPI
 *       https://developers.snap.com/api/marketing-api/Conversions-API/Parameters
 *       https://developers.snap.com/api/marketing-api/Conversions-API/VerifySetUp
 * (summarised with sources in docs/platform/ad-platforms.md, Snapchat)
 *
 * VerifySetUp lists what Snap answers `INVALID` with HTTP 400: a missing required field, a
 * Purchase without price and/or currency, a hashed IP address, a timestamp invalid or out of
 * range (37 days), unhashed PII, insufficient PII. The stand-in applies the same checks on both
 * paths and fails the whole request on the first bad event. The exact success JSON is not in
 * our sources; `{status: "SUCCESS"}` / `{status: "VALID"}` are assumptions.
 */
import {
  DAY_MS,
  bearerToken,
  clearTextProblem,
  hashedListProblems,
  ipProblem,
  isHttpUrl,
  isIso4217,
  isNonEmptyString,
  isRecord,
  secondsTimeProblem,
} from "./checks";
import {
  parseJson,
  type HandlerContext,
  type Outcome,
  type PlatformStandin,
  type Reply,
  type StandinRequest,
} from "./server";

export const SNAPCHAT_CREDENTIALS = {
  pixelId: "1ec32188-754e-4be2-8e55-c949a984a39f",
  accessToken: "standin-snapchat-capi-token",
} as const;

/** RudderStack MAX_BATCH_SIZE and the third-party spec: 2,000 events per request. */
const MAX_EVENTS = 2000;
/** "events can have a date (timestamp) of maximum 37 days back". */
const MAX_EVENT_AGE_MS = 37 * DAY_MS;
const EVENT_NAMES = [
  "PAGE_VIEW",
  "VIEW_CONTENT",
  "ADD_CART",
  "ADD_TO_WISHLIST",
  "SIGN_UP",
  "SEARCH",
  "PURCHASE",
  "ADD_BILLING",
  "COMPLETE_TUTORIAL",
  "SUBSCRIBE",
  "AD_CLICK",
  "AD_VIEW",
  "START_CHECKOUT",
  "RATE",
  "LIST_VIEW",
  "ADD_TO_CART",
  "LEVEL_COMPLETE",
  "ACHIEVEMENT_UNLOCKED",
  "SPEND_CREDITS",
  "SAVE",
  "SHARE",
  "INVITE",
  "LOGIN",
  "RESERVE",
  "START_TRIAL",
  "CUSTOM_EVENT_1",
  "CUSTOM_EVENT_2",
  "CUSTOM_EVENT_3",
  "CUSTOM_EVENT_4",
  "CUSTOM_EVENT_5",
];
const ACTION_SOURCES = ["WEB", "MOBILE_APP", "OFFLINE"];
const HASHED_KEYS = [
  "em",
  "ph",
  "fn",
  "ln",
  "ge",
  "db",
  "ct",
  "st",
  "zp",
  "country",
  "external_id",
];
const CLEAR_KEYS = [
  "client_user_agent",
  "sc_click_id",
  "sc_cookie1",
  "madid",
  "idfv",
];

function invalid(reason: string): Reply {
  return { status: 400, body: { status: "INVALID", reason } };
}

function isPriceLike(value: unknown): boolean {
  // Snap's own examples send value as a string ("142.52"); a JSON number is accepted too.
  return (
    (typeof value === "number" && Number.isFinite(value)) ||
    (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value))
  );
}

function checkEvent(event: unknown, i: number, now: number): string[] {
  const p = `data[${i}]`;
  if (!isRecord(event)) return [`${p}: must be an object`];
  const problems: string[] = [];
  const name = event.event_name;
  if (!isNonEmptyString(name)) problems.push(`${p}.event_name: is required`);
  // The docs' own examples use both PURCHASE and Purchase, so the enum is matched case-insensitively.
  else if (!EVENT_NAMES.includes(name.toUpperCase()))
    problems.push(`${p}.event_name: not a Snap standard event`);
  const time = secondsTimeProblem(
    `${p}.event_time`,
    event.event_time,
    now,
    MAX_EVENT_AGE_MS
  );
  if (time)
    problems.push(`${time.message} (Timestamp invalid or out of range)`);
  if (!isNonEmptyString(event.action_source))
    problems.push(`${p}.action_source: is required`);
  else if (!ACTION_SOURCES.includes(event.action_source))
    problems.push(
      `${p}.action_source: must be one of ${ACTION_SOURCES.join(", ")}`
    );
  if (event.action_source === "WEB" && !isHttpUrl(event.event_source_url))
    problems.push(`${p}.event_source_url: is required for WEB events`);
  if (event.action_source === "MOBILE_APP" && !isRecord(event.app_data))
    problems.push(`${p}.app_data: is required for MOBILE_APP events`);
  if (event.event_id !== undefined && !isNonEmptyString(event.event_id))
    problems.push(`${p}.event_id: must be a non-empty string`);

  const user = event.user_data;
  if (!isRecord(user)) problems.push(`${p}.user_data: is required`);
  else {
    for (const key of HASHED_KEYS) {
      if (user[key] !== undefined)
        problems.push(
          ...hashedListProblems(`${p}.user_data.${key}`, user[key], true).map(
            (m) => `${m} (Unhashed PII)`
          )
        );
    }
    if (user.client_ip_address !== undefined) {
      // v3 wants the raw IP (v2 wanted it hashed): "Invalid hashed IP Address".
      const problem = ipProblem(
        `${p}.user_data.client_ip_address`,
        user.client_ip_address
      );
      if (problem) problems.push(problem);
    }
    for (const key of CLEAR_KEYS) {
      if (user[key] !== undefined) {
        const problem = clearTextProblem(`${p}.user_data.${key}`, user[key]);
        if (problem) problems.push(problem);
      }
    }
    const sufficient =
      user.em !== undefined ||
      user.ph !== undefined ||
      user.madid !== undefined ||
      (user.client_ip_address !== undefined &&
        user.client_user_agent !== undefined);
    if (!sufficient)
      problems.push(
        `${p}.user_data: needs em, ph, madid, or client_ip_address with client_user_agent (Insufficient PII)`
      );
  }

  const custom = isRecord(event.custom_data) ? event.custom_data : {};
  if (event.custom_data !== undefined && !isRecord(event.custom_data))
    problems.push(`${p}.custom_data: must be an object`);
  if (custom.value !== undefined && !isPriceLike(custom.value))
    problems.push(`${p}.custom_data.value: must be a decimal number`);
  if (custom.currency !== undefined && !isIso4217(custom.currency))
    problems.push(`${p}.custom_data.currency: must be an ISO 4217 code`);
  if (
    typeof name === "string" &&
    name.toUpperCase() === "PURCHASE" &&
    (custom.value === undefined || custom.currency === undefined)
  ) {
    problems.push(
      `${p}.custom_data: Purchase needs value and currency (Missing price and/or currency in Purchase events)`
    );
  }
  return problems;
}

function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
  const route = /^\/v3\/([^/]+)\/events(\/validate)?\/?$/.exec(req.pathname);
  if (!route) return null;
  const assetId = route[1] ?? "";
  const validate = route[2] !== undefined;
  if (req.method !== "POST")
    return {
      reply: invalid(`Method ${req.method} not allowed`),
      refused: [{ reason: `method ${req.method}`, body: null }],
    };
  // The docs pass the token as ?access_token=; RudderStack sends it as a Bearer header. Both are read.
  const token = req.query.get("access_token") ?? bearerToken(req.headers);
  if (!ctx.credentialMatches("accessToken", token)) {
    return {
      reply: {
        status: 401,
        body: {
          status: "UNAUTHORIZED",
          reason: "Invalid or missing access_token",
        },
      },
      refused: [
        {
          reason: token ? "access_token invalid" : "access_token missing",
          body: null,
        },
      ],
    };
  }
  if (assetId !== SNAPCHAT_CREDENTIALS.pixelId) {
    // "Access_token = Must be a valid Capi token associated with the asset_id".
    return {
      reply: {
        status: 401,
        body: {
          status: "UNAUTHORIZED",
          reason: "access_token is not associated with this asset_id",
        },
      },
      refused: [{ reason: "pixel id not owned by this token", body: null }],
    };
  }
  const parsed = parseJson(req.raw);
  if (!parsed.ok || !isRecord(parsed.value)) {
    return {
      reply: invalid("The request body is not a JSON object"),
      refused: [
        { reason: "body is not a JSON object", body: req.raw.toString("utf8") },
      ],
    };
  }
  const body = parsed.value;
  const data = body.data;
  if (!Array.isArray(data) || data.length === 0)
    return {
      reply: invalid("data: is required"),
      refused: [{ reason: "data missing or empty", body }],
    };
  if (data.length > MAX_EVENTS) {
    return {
      reply: invalid(`data: at most ${MAX_EVENTS} events per request`),
      refused: [
        {
          reason: `batch of ${data.length} events over the ${MAX_EVENTS} limit`,
          body,
        },
      ],
    };
  }
  const problems = data.flatMap((event, i) => checkEvent(event, i, ctx.now));
  if (problems.length > 0)
    return {
      reply: invalid(problems.join("; ")),
      refused: [{ reason: problems.join("; "), body }],
    };

  const { data: _events, ...envelope } = body;
  return {
    reply: {
      status: 200,
      body: validate
        ? { status: "VALID", reason: "" }
        : { status: "SUCCESS", reason: "" },
    },
    accepted: data.map((event) => {
      const e = event as Record<string, unknown>;
      return {
        eventId: typeof e.event_id === "string" ? e.event_id : null,
        // Snap deduplicates PURCHASE and Purchase alike: counted under the enum spelling.
        eventName: String(e.event_name).toUpperCase(),
        test: validate,
        body: event,
        envelope,
        notes: [],
      };
    }),
  };
}

export const snapchatStandin: PlatformStandin = {
  kind: "snapchat",
  credentials: { ...SNAPCHAT_CREDENTIALS },
  handle,
  statusReply(status) {
    // Snap documents 429 and 5xx without a body shape; the {status, reason} envelope is assumed.
    return {
      status,
      body: {
        status: "ERROR",
        reason: status === 429 ? "Too many requests" : "Internal error",
      },
    };
  },
  rateLimitReply() {
    return {
      status: 429,
      body: { status: "ERROR", reason: "Too many requests" },
    };
  },
};
