/**
 * Pinterest Conversions API v5 stand-in: POST /v5/ad_accounts/{ad_account_id}/events[?test=true]
 * with `Authorization: Bearer <conversion token>`.
 *
 * Spec: Pinterest OpenAPI v5.13 `events/create` (stored as api-evangelist/pinterest
 *       openapi/pinterest-events-api-openapi.yml); https://developers.pinterest.com/docs/api/v5/events-create
 *       https://developers.pinterest.com/docs/conversions/event/
 * (summarised with sources in docs/platform/ad-platforms.md, Pinterest)
 *
 * Two levels of "no", as the spec has them:
 * - the body breaks the JSON schema (missing required field, wrong type, unknown key where
 *   `additionalProperties: false`, more than 1,000 events, user_data without em / hashed_maids /
 *   ip+ua): HTTP 400 `{code: 4196, message}` for the whole request;
 * - an event is well-formed but unusable (unknown event_name, unhashed PII, non-numeric value
 *   string, hashed IP): that event gets `status: "failed"` with an `error_message`, the others
 *   are processed, and the answer is HTTP 422 "Not all events were successfully processed".
 */
import {
  clearTextProblem,
  hashedListProblems,
  ipProblem,
  isIso4217,
  isRecord,
  secondsTimeProblem,
} from "./checks";
import {
  parseJson,
  type AcceptedEvent,
  type HandlerContext,
  type Outcome,
  type PlatformStandin,
  type Refusal,
  type Reply,
  type StandinRequest,
} from "./server";

export const PINTEREST_CREDENTIALS = {
  adAccountId: "549755885175",
  accessToken: "pina_standin-pinterest-conversion-token",
} as const;

/** `data` maxItems in the v5 spec. */
const MAX_EVENTS = 1000;
/** v5.13 enum plus the names the current docs page adds (reference §4.2). */
const EVENT_NAMES = [
  "add_to_cart",
  "checkout",
  "custom",
  "lead",
  "page_visit",
  "search",
  "signup",
  "view_category",
  "watch_video",
  "add_payment_info",
  "add_to_wishlist",
  "app_install",
  "app_open",
  "contact",
  "view_content",
];
const ACTION_SOURCES = ["app_android", "app_ios", "web", "offline"];
const EVENT_KEYS = [
  "event_name",
  "action_source",
  "event_time",
  "event_id",
  "event_source_url",
  "opt_out",
  "partner_name",
  "user_data",
  "custom_data",
  "app_id",
  "app_name",
  "app_version",
  "device_brand",
  "device_carrier",
  "device_model",
  "device_type",
  "os_version",
  "wifi",
  "language",
];
const NULLABLE_STRING_KEYS = [
  "event_source_url",
  "partner_name",
  "app_id",
  "app_name",
  "app_version",
  "device_brand",
  "device_carrier",
  "device_model",
  "device_type",
  "os_version",
  "language",
];
const CUSTOM_KEYS = [
  "currency",
  "value",
  "content_ids",
  "content_name",
  "content_category",
  "content_brand",
  "contents",
  "num_items",
  "order_id",
  "search_string",
  "opt_out_type",
  "np",
];
const CONTENT_KEYS = [
  "id",
  "item_price",
  "quantity",
  "item_name",
  "item_category",
  "item_brand",
];
/** Every hashed user_data field is an array of SHA-256 hex strings. */
const HASHED_KEYS = [
  "em",
  "hashed_maids",
  "ph",
  "ge",
  "db",
  "ln",
  "fn",
  "ct",
  "st",
  "zp",
  "country",
  "external_id",
];
const CLEAR_KEYS = ["client_user_agent", "click_id", "partner_id"];
const NUMERIC_STRING = /^-?\d+(\.\d+)?$/;

function pinterestError(status: number, code: number, message: string): Reply {
  return { status, body: { code, message } };
}

const isNullableString = (v: unknown): boolean =>
  v === null || typeof v === "string";
const isInteger = (v: unknown): boolean =>
  typeof v === "number" && Number.isInteger(v);

/** JSON-schema level problems of one event (whole request answered 400). */
function schemaProblems(event: unknown, i: number): string[] {
  const p = `data[${i}]`;
  if (!isRecord(event)) return [`${p}: must be an object`];
  const problems: string[] = [];
  for (const key of Object.keys(event))
    if (!EVENT_KEYS.includes(key))
      problems.push(`${p}.${key}: unknown property`);
  for (const key of [
    "event_name",
    "action_source",
    "event_time",
    "event_id",
    "user_data",
  ]) {
    if (event[key] === undefined) problems.push(`${p}.${key}: is required`);
  }
  if (event.event_name !== undefined && typeof event.event_name !== "string")
    problems.push(`${p}.event_name: must be a string`);
  if (
    event.action_source !== undefined &&
    typeof event.action_source !== "string"
  )
    problems.push(`${p}.action_source: must be a string`);
  if (event.event_time !== undefined && !isInteger(event.event_time))
    problems.push(`${p}.event_time: must be an integer (unix seconds)`);
  if (event.event_id !== undefined && typeof event.event_id !== "string")
    problems.push(`${p}.event_id: must be a string`);
  for (const key of NULLABLE_STRING_KEYS)
    if (event[key] !== undefined && !isNullableString(event[key]))
      problems.push(`${p}.${key}: must be a string`);
  for (const key of ["opt_out", "wifi"])
    if (event[key] !== undefined && typeof event[key] !== "boolean")
      problems.push(`${p}.${key}: must be a boolean`);

  const user = event.user_data;
  if (user !== undefined) {
    if (!isRecord(user)) problems.push(`${p}.user_data: must be an object`);
    else {
      for (const key of HASHED_KEYS) {
        const value = user[key];
        if (
          value !== undefined &&
          !(Array.isArray(value) && value.every((v) => typeof v === "string"))
        ) {
          problems.push(`${p}.user_data.${key}: must be an array of strings`);
        }
      }
      for (const key of ["client_ip_address", ...CLEAR_KEYS]) {
        if (user[key] !== undefined && !isNullableString(user[key]))
          problems.push(`${p}.user_data.${key}: must be a string`);
      }
      // anyOf: em, hashed_maids, or client_ip_address together with client_user_agent.
      const matchable =
        user.em !== undefined ||
        user.hashed_maids !== undefined ||
        (user.client_ip_address !== undefined &&
          user.client_user_agent !== undefined);
      if (!matchable)
        problems.push(
          `${p}.user_data: needs em, hashed_maids, or both client_ip_address and client_user_agent`
        );
    }
  }

  const custom = event.custom_data;
  if (custom !== undefined) {
    if (!isRecord(custom)) problems.push(`${p}.custom_data: must be an object`);
    else {
      for (const key of Object.keys(custom))
        if (!CUSTOM_KEYS.includes(key))
          problems.push(`${p}.custom_data.${key}: unknown property`);
      for (const key of [
        "currency",
        "value",
        "content_name",
        "content_category",
        "content_brand",
        "order_id",
        "search_string",
        "opt_out_type",
        "np",
      ]) {
        // value is "accepted as a string in the request"; a JSON number fails the schema.
        if (custom[key] !== undefined && !isNullableString(custom[key]))
          problems.push(`${p}.custom_data.${key}: must be a string`);
      }
      if (custom.num_items !== undefined && !isInteger(custom.num_items))
        problems.push(`${p}.custom_data.num_items: must be an integer`);
      if (
        custom.content_ids !== undefined &&
        !(
          Array.isArray(custom.content_ids) &&
          custom.content_ids.every((v) => typeof v === "string")
        )
      ) {
        problems.push(
          `${p}.custom_data.content_ids: must be an array of strings`
        );
      }
      if (custom.contents !== undefined) {
        if (!Array.isArray(custom.contents))
          problems.push(`${p}.custom_data.contents: must be an array`);
        else {
          custom.contents.forEach((item, j) => {
            const q = `${p}.custom_data.contents[${j}]`;
            if (!isRecord(item))
              return void problems.push(`${q}: must be an object`);
            for (const key of Object.keys(item))
              if (!CONTENT_KEYS.includes(key))
                problems.push(`${q}.${key}: unknown property`);
            for (const key of [
              "id",
              "item_price",
              "item_name",
              "item_category",
              "item_brand",
            ]) {
              if (item[key] !== undefined && typeof item[key] !== "string")
                problems.push(`${q}.${key}: must be a string`);
            }
            if (item.quantity !== undefined && !isInteger(item.quantity))
              problems.push(`${q}.quantity: must be an integer`);
          });
        }
      }
    }
  }
  return problems;
}

/** Processing-level problems of a schema-valid event (that event fails, others go on). */
function eventProblems(
  event: Record<string, unknown>,
  i: number,
  now: number
): string[] {
  const p = `data[${i}]`;
  const problems: string[] = [];
  if (!EVENT_NAMES.includes(String(event.event_name)))
    problems.push(`${p}.event_name: not a supported event name`);
  if (!ACTION_SOURCES.includes(String(event.action_source)))
    problems.push(
      `${p}.action_source: must be one of ${ACTION_SOURCES.join(", ")}`
    );
  // Pinterest documents no maximum age (events later than ~1 h are reported as offline); only the unit is checked.
  const time = secondsTimeProblem(
    `${p}.event_time`,
    event.event_time,
    now,
    null
  );
  if (time) problems.push(time.message);
  if (typeof event.event_id === "string" && event.event_id.trim() === "")
    problems.push(`${p}.event_id: must not be empty`);

  const user = event.user_data as Record<string, unknown>;
  for (const key of HASHED_KEYS) {
    if (user[key] !== undefined)
      problems.push(
        ...hashedListProblems(`${p}.user_data.${key}`, user[key], false)
      );
  }
  if (user.client_ip_address !== undefined && user.client_ip_address !== null) {
    const problem = ipProblem(
      `${p}.user_data.client_ip_address`,
      user.client_ip_address
    );
    if (problem) problems.push(problem);
  }
  for (const key of CLEAR_KEYS) {
    if (user[key] !== undefined && user[key] !== null) {
      const problem = clearTextProblem(`${p}.user_data.${key}`, user[key]);
      if (problem) problems.push(problem);
    }
  }
  const custom = isRecord(event.custom_data) ? event.custom_data : {};
  if (typeof custom.value === "string" && !NUMERIC_STRING.test(custom.value))
    problems.push(
      `${p}.custom_data.value: must be a decimal number in a string`
    );
  if (typeof custom.currency === "string" && !isIso4217(custom.currency))
    problems.push(`${p}.custom_data.currency: must be an ISO 4217 code`);
  if (Array.isArray(custom.contents)) {
    custom.contents.forEach((item, j) => {
      if (
        isRecord(item) &&
        typeof item.item_price === "string" &&
        !NUMERIC_STRING.test(item.item_price)
      ) {
        problems.push(
          `${p}.custom_data.contents[${j}].item_price: must be a decimal number in a string`
        );
      }
    });
  }
  return problems;
}

function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
  const route = /^\/v5\/ad_accounts\/([^/]+)\/events\/?$/.exec(req.pathname);
  if (!route) return null;
  const adAccountId = route[1] ?? "";
  if (req.method !== "POST")
    return {
      reply: pinterestError(405, 405, "Method not allowed."),
      refused: [{ reason: `method ${req.method}`, body: null }],
    };
  const token = /^Bearer\s+(\S+)$/i.exec(
    String(req.headers.authorization ?? "")
  )?.[1];
  if (!ctx.credentialMatches("accessToken", token)) {
    return {
      reply: pinterestError(401, 2, "Authentication failed."),
      refused: [
        {
          reason:
            token === undefined
              ? "Authorization Bearer header missing"
              : "conversion token invalid",
          body: null,
        },
      ],
    };
  }
  if (!/^\d{1,18}$/.test(adAccountId)) {
    return {
      reply: pinterestError(
        400,
        4196,
        "The request was invalid. ad_account_id must be digits (at most 18)."
      ),
      refused: [{ reason: "ad_account_id malformed", body: null }],
    };
  }
  if (adAccountId !== PINTEREST_CREDENTIALS.adAccountId) {
    return {
      reply: pinterestError(
        403,
        29,
        "You are not permitted to access that resource."
      ),
      refused: [
        { reason: "ad account not accessible with this token", body: null },
      ],
    };
  }
  const parsed = parseJson(req.raw);
  if (!parsed.ok || !isRecord(parsed.value)) {
    return {
      reply: pinterestError(
        400,
        4196,
        "The request was invalid. The body is not a JSON object."
      ),
      refused: [
        { reason: "body is not a JSON object", body: req.raw.toString("utf8") },
      ],
    };
  }
  const body = parsed.value;
  const requestProblems: string[] = Object.keys(body)
    .filter((k) => k !== "data")
    .map((k) => `${k}: unknown property`);
  const data = body.data;
  if (!Array.isArray(data) || data.length === 0)
    requestProblems.push("data: is required and must hold 1 to 1000 events");
  else if (data.length > MAX_EVENTS)
    requestProblems.push(
      `data: holds ${data.length} events; at most ${MAX_EVENTS}`
    );
  else
    data.forEach((event, i) =>
      requestProblems.push(...schemaProblems(event, i))
    );
  if (requestProblems.length > 0 || !Array.isArray(data)) {
    const reason = requestProblems.join("; ");
    return {
      reply: pinterestError(400, 4196, `The request was invalid. ${reason}`),
      refused: [{ reason, body }],
    };
  }

  const test = req.query.get("test") === "true";
  const accepted: AcceptedEvent[] = [];
  const refused: Refusal[] = [];
  const statuses = data.map((event, i) => {
    const e = event as Record<string, unknown>;
    const problems = eventProblems(e, i, ctx.now);
    if (problems.length > 0) {
      refused.push({ reason: problems.join("; "), body: event });
      return {
        status: "failed",
        error_message: problems.join("; "),
        warning_message: null,
      };
    }
    accepted.push({
      eventId: String(e.event_id),
      eventName: String(e.event_name),
      test,
      body: event,
      envelope: {},
      notes: [],
    });
    return { status: "processed", error_message: null, warning_message: null };
  });
  const summary = {
    num_events_received: data.length,
    num_events_processed: accepted.length,
    events: statuses,
  };
  if (refused.length === 0)
    return { reply: { status: 200, body: summary }, accepted };
  // 422 "Not all events were successfully processed." carries a DetailedError {code, message, details};
  // the per-event statuses go in `details` (the exact 422 payload is not in our sources).
  return {
    reply: {
      status: 422,
      body: {
        code: 4196,
        message: "Not all events were successfully processed.",
        details: summary,
      },
    },
    accepted,
    refused,
  };
}

export const pinterestStandin: PlatformStandin = {
  kind: "pinterest",
  credentials: { ...PINTEREST_CREDENTIALS },
  handle,
  statusReply(status) {
    if (status === 429)
      return pinterestError(
        429,
        8,
        "This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window."
      );
    if (status === 503)
      return pinterestError(
        503,
        4197,
        "The endpoint has been ramped down and is currently not accepting any traffic."
      );
    // "default: Unexpected errors" uses the same Error {code, message} schema; no code is published.
    return pinterestError(status, status, "Unexpected error.");
  },
  rateLimitReply() {
    return pinterestError(
      429,
      8,
      "This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window."
    );
  },
};
