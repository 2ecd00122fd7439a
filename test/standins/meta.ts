/**
 * Meta Conversions API stand-in: POST /{API_VERSION}/{PIXEL_ID}/events.
 *
 * Docs: https://developers.facebook.com/documentation/ads-commerce/conversions-api/using-the-api
 * Parameters: https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/server-event/
 * Customer information: https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
 * Errors: https://developers.facebook.com/docs/graph-api/guides/error-handling
 * (summarised with sources in docs/platform/ad-platforms.md, Meta)
 *
 * Meta judges the request as a whole: one bad event (or one event older than 7 days) fails the
 * entire request and no event is processed. Errors use the Graph envelope with HTTP 400.
 */
import {
  DAY_MS,
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
  traceId,
  type HandlerContext,
  type Outcome,
  type PlatformStandin,
  type Reply,
  type StandinRequest,
} from "./server";

export const META_CREDENTIALS = {
  pixelId: "123456789012345",
  accessToken: "EAAB-standin-meta-access-token",
} as const;

/** "If any event_time in data is greater than 7 days in the past, we return an error for the entire request". */
const MAX_EVENT_AGE_MS = 7 * DAY_MS;
/** Widely cited limit on `data` (reference §1.6 marks it unverified). */
const MAX_EVENTS = 1000;
const ACTION_SOURCES = [
  "email",
  "website",
  "app",
  "phone_call",
  "chat",
  "physical_store",
  "system_generated",
  "business_messaging",
  "other",
];
const STANDARD_EVENTS = [
  "AddPaymentInfo",
  "AddToCart",
  "AddToWishlist",
  "CompleteRegistration",
  "Contact",
  "CustomizeProduct",
  "Donate",
  "FindLocation",
  "InitiateCheckout",
  "Lead",
  "PageView",
  "Purchase",
  "Schedule",
  "Search",
  "StartTrial",
  "SubmitApplication",
  "Subscribe",
  "ViewContent",
];
/** user_data keys Meta wants SHA-256 hashed (string or list of strings). */
const HASHED_KEYS = [
  "em",
  "ph",
  "fn",
  "ln",
  "ct",
  "st",
  "zp",
  "country",
  "db",
  "ge",
];
/** Keys that identify a person on their own (Meta's "customer information" floor). */
const MATCH_KEYS = [
  "em",
  "ph",
  "external_id",
  "fbc",
  "fbp",
  "madid",
  "anon_id",
  "lead_id",
  "subscription_id",
  "fb_login_id",
  "ctwa_clid",
];
/** fbc = fb.<subdomainIndex>.<creationTime ms>.<fbclid>; fbp = fb.<subdomainIndex>.<creationTime ms>.<random int>. */
const FBC = /^fb\.\d+\.(\d+)\..+$/;
const FBP = /^fb\.\d+\.\d+\.\d+$/;

interface GraphErrorFields {
  message: string;
  type?: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
}

function graphError(status: number, fields: GraphErrorFields): Reply {
  return {
    status,
    body: {
      error: {
        type: "OAuthException",
        is_transient: false,
        ...fields,
        fbtrace_id: traceId(),
      },
    },
  };
}

function invalidParameter(userTitle: string, userMsg: string): Reply {
  return graphError(400, {
    message: "Invalid parameter",
    code: 100,
    error_user_title: userTitle,
    error_user_msg: userMsg,
  });
}

/** Meta accepts JSON or form fields (`data=<json array>`); both end up as one object. */
function parseBody(req: StandinRequest): Record<string, unknown> | null {
  const contentType = req.headers["content-type"] ?? "";
  if (contentType.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(req.raw.toString("utf8")));
  }
  const parsed = parseJson(req.raw);
  return parsed.ok && isRecord(parsed.value) ? parsed.value : null;
}

interface EventCheck {
  problems: string[];
  tooOld: boolean;
  notes: string[];
}

function checkEvent(event: unknown, i: number, now: number): EventCheck {
  const p = `data[${i}]`;
  const problems: string[] = [];
  const notes: string[] = [];
  let tooOld = false;
  if (!isRecord(event))
    return { problems: [`${p}: must be an object`], tooOld, notes };

  if (!isNonEmptyString(event.event_name))
    problems.push(`${p}.event_name: is required`);
  else if (!STANDARD_EVENTS.includes(event.event_name)) {
    const standard = STANDARD_EVENTS.find(
      (name) => name.toLowerCase() === String(event.event_name).toLowerCase()
    );
    // Case matters: "purchase" is a custom event and does not deduplicate with the Pixel's "Purchase".
    if (standard)
      notes.push(
        `${p}.event_name: custom event differing only in case from standard "${standard}"`
      );
  }

  const time = secondsTimeProblem(
    `${p}.event_time`,
    event.event_time,
    now,
    MAX_EVENT_AGE_MS
  );
  if (time) {
    problems.push(time.message);
    if (time.kind === "too-old") tooOld = true;
  }

  if (event.event_id !== undefined && !isNonEmptyString(event.event_id))
    problems.push(`${p}.event_id: must be a non-empty string`);

  const actionSource = event.action_source;
  if (!isNonEmptyString(actionSource))
    problems.push(`${p}.action_source: is required`);
  else if (!ACTION_SOURCES.includes(actionSource))
    problems.push(
      `${p}.action_source: must be one of ${ACTION_SOURCES.join(", ")}`
    );
  if (actionSource === "website" && !isHttpUrl(event.event_source_url)) {
    problems.push(
      `${p}.event_source_url: is required as a full URL for website events`
    );
  }
  if (actionSource === "app" && !isRecord(event.app_data))
    problems.push(`${p}.app_data: is required for app events`);

  const user = event.user_data;
  if (!isRecord(user)) {
    problems.push(`${p}.user_data: is required`);
  } else {
    for (const key of HASHED_KEYS) {
      if (user[key] !== undefined)
        problems.push(
          ...hashedListProblems(`${p}.user_data.${key}`, user[key], true)
        );
    }
    if (user.external_id !== undefined) {
      const ids = Array.isArray(user.external_id)
        ? user.external_id
        : [user.external_id];
      if (ids.length === 0 || !ids.every(isNonEmptyString)) {
        problems.push(
          `${p}.user_data.external_id: must be a string or a list of non-empty strings`
        );
      }
    }
    if (user.client_ip_address !== undefined) {
      const problem = ipProblem(
        `${p}.user_data.client_ip_address`,
        user.client_ip_address
      );
      if (problem) problems.push(problem);
    }
    if (user.client_user_agent !== undefined) {
      const problem = clearTextProblem(
        `${p}.user_data.client_user_agent`,
        user.client_user_agent
      );
      if (problem) problems.push(problem);
    }
    if (actionSource === "website" && user.client_user_agent === undefined) {
      problems.push(
        `${p}.user_data.client_user_agent: is required for website events`
      );
    }
    if (user.fbc !== undefined) {
      const match = typeof user.fbc === "string" ? FBC.exec(user.fbc) : null;
      if (!match)
        problems.push(
          `${p}.user_data.fbc: must be fb.<subdomain>.<creationTime ms>.<fbclid>, unhashed`
        );
      // Meta flags a seconds creation time as a modified fbclid in Events Manager; it does not reject it.
      else if ((match[1] ?? "").length < 13)
        notes.push(
          `${p}.user_data.fbc: creationTime looks like seconds, Meta expects milliseconds`
        );
    }
    if (
      user.fbp !== undefined &&
      !(typeof user.fbp === "string" && FBP.test(user.fbp))
    ) {
      problems.push(
        `${p}.user_data.fbp: must be the _fbp cookie value fb.<subdomain>.<creationTime ms>.<random>, unhashed`
      );
    }
    for (const key of [
      "madid",
      "anon_id",
      "lead_id",
      "subscription_id",
      "fb_login_id",
      "ctwa_clid",
    ]) {
      if (user[key] !== undefined) {
        const problem = clearTextProblem(`${p}.user_data.${key}`, user[key]);
        if (problem) problems.push(problem);
      }
    }
    const hasMatchKey =
      MATCH_KEYS.some((key) => user[key] !== undefined) ||
      (user.client_ip_address !== undefined &&
        user.client_user_agent !== undefined);
    if (!hasMatchKey)
      problems.push(
        `${p}.user_data: has no customer information parameter Meta can match on`
      );
  }

  const custom = event.custom_data;
  if (custom !== undefined && !isRecord(custom))
    problems.push(`${p}.custom_data: must be an object`);
  const customData = isRecord(custom) ? custom : {};
  if (
    customData.value !== undefined &&
    !(typeof customData.value === "number" && Number.isFinite(customData.value))
  ) {
    problems.push(`${p}.custom_data.value: must be a number`);
  }
  if (customData.currency !== undefined && !isIso4217(customData.currency)) {
    problems.push(`${p}.custom_data.currency: must be an ISO 4217 code`);
  }
  if (event.event_name === "Purchase") {
    if (customData.value === undefined)
      problems.push(`${p}.custom_data.value: is required for Purchase`);
    if (customData.currency === undefined)
      problems.push(`${p}.custom_data.currency: is required for Purchase`);
  }
  if (
    event.data_processing_options !== undefined &&
    !Array.isArray(event.data_processing_options)
  ) {
    problems.push(`${p}.data_processing_options: must be an array`);
  }
  return { problems, tooOld, notes };
}

function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
  const route = /^\/(v\d+\.\d+)\/([^/]+)\/events\/?$/.exec(req.pathname);
  if (!route) return null;
  const pixelId = route[2];
  if (req.method !== "POST") {
    const reply = graphError(400, {
      message: `Unsupported ${req.method.toLowerCase()} request.`,
      type: "GraphMethodException",
      code: 100,
    });
    return { reply, refused: [{ reason: `method ${req.method}`, body: null }] };
  }
  const body = parseBody(req);
  const token =
    req.query.get("access_token") ??
    (body && typeof body.access_token === "string" ? body.access_token : null);
  if (token === null) {
    const reply = graphError(400, {
      message: "An access token is required to request this resource.",
      code: 104,
    });
    return { reply, refused: [{ reason: "access_token missing", body }] };
  }
  if (!ctx.credentialMatches("accessToken", token)) {
    const reply = graphError(400, {
      message: "Invalid OAuth access token - Cannot parse access token",
      code: 190,
    });
    return {
      reply,
      refused: [{ reason: "access_token invalid (code 190)", body }],
    };
  }
  if (pixelId !== META_CREDENTIALS.pixelId) {
    const reply = graphError(400, {
      message: `Unsupported post request. Object with ID '${pixelId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      type: "GraphMethodException",
      code: 100,
      error_subcode: 33,
    });
    return {
      reply,
      refused: [{ reason: "unknown pixel id (code 100/33)", body }],
    };
  }
  if (body === null) {
    const reply = invalidParameter(
      "Invalid request body",
      "The request body is neither JSON nor form fields."
    );
    return {
      reply,
      refused: [{ reason: "body is not JSON", body: req.raw.toString("utf8") }],
    };
  }

  let data: unknown = body.data;
  if (typeof data === "string") {
    const parsed = parseJson(Buffer.from(data, "utf8"));
    data = parsed.ok ? parsed.value : undefined;
  }
  if (!Array.isArray(data) || data.length === 0) {
    const reply = graphError(400, {
      message: "(#100) The parameter data is required",
      code: 100,
    });
    return { reply, refused: [{ reason: "data missing or empty", body }] };
  }
  if (data.length > MAX_EVENTS) {
    const reply = invalidParameter(
      "Too many events",
      `data holds ${data.length} events; at most ${MAX_EVENTS} per request.`
    );
    return {
      reply,
      refused: [
        {
          reason: `batch of ${data.length} events over the ${MAX_EVENTS} limit`,
          body,
        },
      ],
    };
  }

  const checks = data.map((event, i) => checkEvent(event, i, ctx.now));
  const problems = checks.flatMap((c) => c.problems);
  if (checks.some((c) => c.tooOld)) {
    // Documented: one event older than 7 days fails the whole request; nothing is processed.
    const reply = graphError(400, {
      message: "Invalid parameter",
      code: 100,
      error_subcode: 2804003,
      error_user_title: "Event Timestamp Too Old",
      error_user_msg:
        "The timestamp for this event is older than 7 days. Events older than 7 days can't be processed.",
    });
    return { reply, refused: [{ reason: problems.join("; "), body }] };
  }
  if (problems.length > 0) {
    const reply = invalidParameter(
      "Invalid event parameter",
      problems.join("; ")
    );
    return { reply, refused: [{ reason: problems.join("; "), body }] };
  }

  const test = isNonEmptyString(body.test_event_code);
  const { data: _events, access_token: _token, ...envelope } = body;
  return {
    reply: {
      status: 200,
      body: {
        events_received: data.length,
        messages: [],
        fbtrace_id: traceId(),
      },
    },
    accepted: data.map((event, i) => {
      const e = event as Record<string, unknown>;
      return {
        eventId: typeof e.event_id === "string" ? e.event_id : null,
        eventName: String(e.event_name),
        test,
        body: event,
        envelope,
        notes: checks[i]?.notes ?? [],
      };
    }),
  };
}

export const metaStandin: PlatformStandin = {
  kind: "meta",
  credentials: { ...META_CREDENTIALS },
  handle,
  statusReply(status) {
    // Graph codes: 1 unknown (retry), 2 service temporarily unavailable, 4 application throttling.
    if (status === 429)
      return graphError(status, {
        message: "(#4) Application request limit reached",
        code: 4,
        is_transient: true,
      });
    if (status === 503)
      return graphError(status, {
        message: "Service temporarily unavailable",
        code: 2,
        is_transient: true,
      });
    return graphError(status, {
      message: "An unknown error occurred",
      code: 1,
      is_transient: true,
    });
  },
  rateLimitReply() {
    // Code 17 = user-level throttling; Graph puts it in the error body with HTTP 400.
    return graphError(400, {
      message: "(#17) User request limit reached",
      code: 17,
      is_transient: true,
    });
  },
};
