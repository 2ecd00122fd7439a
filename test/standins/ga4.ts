/**
 * GA4 Measurement Protocol stand-in:
 *   POST /mp/collect?measurement_id=G-...&api_secret=...        (production)
 *   POST /debug/mp/collect?measurement_id=G-...&api_secret=...  (validation server)
 *
 * Docs: https://developers.google.com/analytics/devguides/collection/protocol/ga4/sending-events
 *       https://developers.google.com/analytics/devguides/collection/protocol/ga4/reference (limits)
 *       https://developers.google.com/analytics/devguides/collection/protocol/ga4/validating-events
 *       https://developers.google.com/analytics/devguides/collection/ga4/uid-data (user_data)
 * (summarised with sources in docs/platform/ad-platforms.md, GA4)
 *
 * Faithful to the platform, production NEVER says no: "A 2xx comes back even when the payload is
 * malformed or dropped", including a wrong api_secret. Invalid requests/events are answered 204
 * and only show up in rejected() (and missing from received()). The debug endpoint returns
 * `validationMessages` and does not check api_secret or measurement_id (documented).
 */
import { isIP } from "node:net";
import {
  FUTURE_TOLERANCE_MS,
  HOUR_MS,
  hashProblem,
  isNonEmptyString,
  isRecord,
  looksHashed,
} from "./checks";
import {
  parseJson,
  type AcceptedEvent,
  type HandlerContext,
  type Outcome,
  type PlatformStandin,
  type Refusal,
  type StandinRequest,
} from "./server";

export const GA4_CREDENTIALS = {
  measurementId: "G-STANDIN001",
  apiSecret: "standin-ga4-api-secret",
} as const;

const MAX_EVENTS = 25;
const MAX_PARAMS = 25;
const MAX_USER_PROPERTIES = 25;
/** "Post body must be smaller than 130kB"; 130,000 bytes is the stricter reading. */
const MAX_BODY_BYTES = 130_000;
const MAX_EVENT_AGE_MS = 72 * HOUR_MS;
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED_EVENT_NAMES = [
  "ad_activeview",
  "ad_click",
  "ad_exposure",
  "ad_impression",
  "ad_query",
  "adunit_exposure",
  "app_clear_data",
  "app_install",
  "app_update",
  "app_remove",
  "error",
  "first_open",
  "first_visit",
  "in_app_purchase",
  "notification_dismiss",
  "notification_foreground",
  "notification_open",
  "notification_receive",
  "os_update",
  "screen_view",
  "session_start",
  "user_engagement",
];
const RESERVED_PREFIXES = ["_", "firebase_", "ga_", "google_", "gtag."];
const USER_DATA_KEYS = [
  "sha256_email_address",
  "sha256_phone_number",
  "address",
];
const ADDRESS_HASHED = [
  "sha256_first_name",
  "sha256_last_name",
  "sha256_street",
];
const ADDRESS_CLEAR = ["city", "region", "postal_code", "country"];

/**
 * error: the debug server reports it and production drops (the request or the event).
 * recommendation: reported by debug; production keeps the event under RELAXED (noted), drops under ENFORCE_RECOMMENDATIONS.
 * old-timestamp: older than 72 h. RELAXED records it at now-72h (noted; debug silent); ENFORCE drops it.
 */
type Severity = "error" | "recommendation" | "old-timestamp";

interface Issue {
  fieldPath: string;
  description: string;
  validationCode:
    | "VALUE_INVALID"
    | "VALUE_REQUIRED"
    | "NAME_INVALID"
    | "NAME_RESERVED"
    | "VALUE_OUT_OF_BOUNDS"
    | "EXCEEDED_MAX_ENTITIES";
  /** "request" = the whole request; a number = that event index. */
  scope: "request" | number;
  severity: Severity;
}

function reservedName(name: string): boolean {
  return RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

function asMicros(value: unknown): number | null {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return null;
}

function timestampIssues(
  fieldPath: string,
  value: unknown,
  scope: "request" | number,
  now: number
): Issue[] {
  const micros = asMicros(value);
  if (micros === null) {
    return [
      {
        fieldPath,
        description: "timestamp_micros must be an integer (unix microseconds)",
        validationCode: "VALUE_INVALID",
        scope,
        severity: "error",
      },
    ];
  }
  const ms = micros / 1000;
  // A value in ms or s reads as a 1970 date: GA4 (RELAXED) quietly moves it to now-72h.
  const unitHint =
    micros < 1e14
      ? " (looks like milliseconds or seconds; GA4 expects microseconds)"
      : "";
  if (ms > now + FUTURE_TOLERANCE_MS) {
    return [
      {
        fieldPath,
        description: "timestamp_micros is in the future",
        validationCode: "VALUE_OUT_OF_BOUNDS",
        scope,
        severity: "error",
      },
    ];
  }
  if (now - ms > MAX_EVENT_AGE_MS) {
    return [
      {
        fieldPath,
        description: `timestamp_micros is more than 72 hours in the past${unitHint}`,
        validationCode: "VALUE_OUT_OF_BOUNDS",
        scope,
        severity: "old-timestamp",
      },
    ];
  }
  return [];
}

function userDataIssues(userData: unknown): Issue[] {
  const issues: Issue[] = [];
  const bad = (fieldPath: string, description: string): void => {
    issues.push({
      fieldPath,
      description,
      validationCode: "VALUE_INVALID",
      scope: "request",
      severity: "error",
    });
  };
  if (!isRecord(userData)) {
    bad("user_data", "user_data must be an object");
    return issues;
  }
  for (const key of Object.keys(userData)) {
    if (!USER_DATA_KEYS.includes(key))
      bad(`user_data.${key}`, `unknown user_data field ${key}`);
  }
  for (const key of ["sha256_email_address", "sha256_phone_number"]) {
    const value = userData[key];
    if (value === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    list.forEach((item, i) => {
      const problem = hashProblem(item);
      if (problem) bad(`user_data.${key}[${i}]`, `${key} ${problem}`);
    });
  }
  if (userData.address !== undefined) {
    const addresses = Array.isArray(userData.address)
      ? userData.address
      : [userData.address];
    addresses.forEach((address, i) => {
      const path = `user_data.address[${i}]`;
      if (!isRecord(address)) return bad(path, "address must be an object");
      for (const key of ADDRESS_HASHED) {
        if (address[key] === undefined) continue;
        const problem = hashProblem(address[key]);
        if (problem) bad(`${path}.${key}`, `${key} ${problem}`);
      }
      // city/region/postal_code/country are sent in clear after light normalisation.
      for (const key of ADDRESS_CLEAR) {
        const value = address[key];
        if (value === undefined) continue;
        if (typeof value !== "string" || value.length === 0)
          bad(`${path}.${key}`, `${key} must be a non-empty string`);
        else if (looksHashed(value))
          bad(`${path}.${key}`, `${key} must be sent unhashed`);
      }
      if (
        typeof address.country === "string" &&
        !looksHashed(address.country) &&
        !/^[A-Za-z]{2}$/.test(address.country)
      ) {
        bad(`${path}.country`, "country must be an ISO 3166-1 alpha-2 code");
      }
    });
  }
  return issues;
}

function paramsIssues(event: Record<string, unknown>, i: number): Issue[] {
  const issues: Issue[] = [];
  const params = event.params;
  if (params === undefined) return issues;
  if (!isRecord(params)) {
    return [
      {
        fieldPath: `events[${i}].params`,
        description: "params must be an object",
        validationCode: "VALUE_INVALID",
        scope: i,
        severity: "error",
      },
    ];
  }
  const names = Object.keys(params);
  if (names.length > MAX_PARAMS) {
    issues.push({
      fieldPath: `events[${i}].params`,
      description: `Event at index: [${i}] has ${names.length} params; the limit is ${MAX_PARAMS}.`,
      validationCode: "EXCEEDED_MAX_ENTITIES",
      scope: i,
      severity: "error",
    });
  }
  for (const name of names) {
    const fieldPath = `events[${i}].params.${name}`;
    if (name.length > 40 || !NAME.test(name)) {
      issues.push({
        fieldPath,
        description: `Param name [${name}] is invalid: at most 40 alphanumerics/underscores, starting with a letter.`,
        validationCode: "NAME_INVALID",
        scope: i,
        severity: "error",
      });
    } else if (reservedName(name)) {
      issues.push({
        fieldPath,
        description: `Param name [${name}] uses a reserved prefix.`,
        validationCode: "NAME_RESERVED",
        scope: i,
        severity: "error",
      });
    }
    const value = params[name];
    if (typeof value === "string" && value.length > 100) {
      issues.push({
        fieldPath,
        description: `Param [${name}] value is longer than 100 characters.`,
        validationCode: "VALUE_OUT_OF_BOUNDS",
        scope: i,
        severity: "error",
      });
    }
  }
  // Ecommerce: currency is needed whenever value is set; every item needs item_id or item_name.
  if (params.value !== undefined) {
    if (typeof params.value !== "number" || !Number.isFinite(params.value)) {
      issues.push({
        fieldPath: `events[${i}].params.value`,
        description: "value must be a number",
        validationCode: "VALUE_INVALID",
        scope: i,
        severity: "error",
      });
    }
    if (params.currency === undefined) {
      issues.push({
        fieldPath: `events[${i}].params.currency`,
        description: "currency is required when value is set",
        validationCode: "VALUE_REQUIRED",
        scope: i,
        severity: "recommendation",
      });
    }
  }
  if (
    params.currency !== undefined &&
    !(typeof params.currency === "string" && /^[A-Z]{3}$/.test(params.currency))
  ) {
    issues.push({
      fieldPath: `events[${i}].params.currency`,
      description: "currency must be a 3-letter ISO 4217 code",
      validationCode: "VALUE_INVALID",
      scope: i,
      severity: "error",
    });
  }
  if (params.items !== undefined) {
    if (!Array.isArray(params.items)) {
      issues.push({
        fieldPath: `events[${i}].params.items`,
        description: "items must be an array",
        validationCode: "VALUE_INVALID",
        scope: i,
        severity: "error",
      });
    } else {
      params.items.forEach((item, j) => {
        if (
          !isRecord(item) ||
          (!isNonEmptyString(item.item_id) && !isNonEmptyString(item.item_name))
        ) {
          issues.push({
            fieldPath: `events[${i}].params.items[${j}]`,
            description: "Item must have an item_id or an item_name.",
            validationCode: "VALUE_REQUIRED",
            scope: i,
            severity: "recommendation",
          });
        }
      });
    }
  }
  return issues;
}

function collectIssues(
  req: StandinRequest,
  body: unknown,
  now: number
): Issue[] {
  const issues: Issue[] = [];
  if (req.raw.length >= MAX_BODY_BYTES) {
    issues.push({
      fieldPath: "",
      description: `Post body must be smaller than 130kB (got ${req.raw.length} bytes).`,
      validationCode: "VALUE_OUT_OF_BOUNDS",
      scope: "request",
      severity: "error",
    });
  }
  if (!isRecord(body)) {
    issues.push({
      fieldPath: "",
      description: "The request body is not a JSON object.",
      validationCode: "VALUE_INVALID",
      scope: "request",
      severity: "error",
    });
    return issues;
  }
  const requestIssue = (
    fieldPath: string,
    description: string,
    validationCode: Issue["validationCode"] = "VALUE_INVALID"
  ): void => {
    issues.push({
      fieldPath,
      description,
      validationCode,
      scope: "request",
      severity: "error",
    });
  };
  if (body.client_id === undefined)
    requestIssue(
      "client_id",
      "client_id is required for web streams.",
      "VALUE_REQUIRED"
    );
  else if (!isNonEmptyString(body.client_id))
    requestIssue("client_id", "client_id must be a non-empty string");
  else if (looksHashed(body.client_id))
    requestIssue(
      "client_id",
      "client_id is the _ga cookie id and must not be hashed"
    );
  if (body.user_id !== undefined && !isNonEmptyString(body.user_id))
    requestIssue("user_id", "user_id must be a non-empty string");
  if (
    body.validation_behavior !== undefined &&
    body.validation_behavior !== "RELAXED" &&
    body.validation_behavior !== "ENFORCE_RECOMMENDATIONS"
  ) {
    requestIssue(
      "validation_behavior",
      "validation_behavior must be RELAXED or ENFORCE_RECOMMENDATIONS"
    );
  }
  if (body.consent !== undefined) {
    if (!isRecord(body.consent))
      requestIssue("consent", "consent must be an object");
    else {
      for (const key of ["ad_user_data", "ad_personalization"]) {
        const value = body.consent[key];
        if (value !== undefined && value !== "GRANTED" && value !== "DENIED")
          requestIssue(`consent.${key}`, `${key} must be GRANTED or DENIED`);
      }
    }
  }
  if (
    body.ip_override !== undefined &&
    !(typeof body.ip_override === "string" && isIP(body.ip_override) !== 0)
  ) {
    requestIssue(
      "ip_override",
      "ip_override must be a raw IPv4 or IPv6 address"
    );
  }
  if (
    body.user_agent !== undefined &&
    !(typeof body.user_agent === "string" && !looksHashed(body.user_agent))
  ) {
    requestIssue(
      "user_agent",
      "user_agent must be the unhashed User-Agent string"
    );
  }
  if (body.user_data !== undefined)
    issues.push(...userDataIssues(body.user_data));
  if (body.user_properties !== undefined) {
    if (!isRecord(body.user_properties))
      requestIssue("user_properties", "user_properties must be an object");
    else {
      const names = Object.keys(body.user_properties);
      if (names.length > MAX_USER_PROPERTIES)
        requestIssue(
          "user_properties",
          `at most ${MAX_USER_PROPERTIES} user properties`,
          "EXCEEDED_MAX_ENTITIES"
        );
      for (const name of names) {
        if (name.length > 24 || !NAME.test(name))
          requestIssue(
            `user_properties.${name}`,
            "user property names are at most 24 alphanumerics/underscores",
            "NAME_INVALID"
          );
        const prop = body.user_properties[name];
        const value = isRecord(prop) ? prop.value : undefined;
        if (typeof value === "string" && value.length > 36)
          requestIssue(
            `user_properties.${name}`,
            "user property values are at most 36 characters",
            "VALUE_OUT_OF_BOUNDS"
          );
      }
    }
  }
  if (body.timestamp_micros !== undefined)
    issues.push(
      ...timestampIssues(
        "timestamp_micros",
        body.timestamp_micros,
        "request",
        now
      )
    );

  const events = body.events;
  if (!Array.isArray(events) || events.length === 0) {
    requestIssue(
      "events",
      "events is required and must hold at least one event",
      "VALUE_REQUIRED"
    );
    return issues;
  }
  if (events.length > MAX_EVENTS) {
    requestIssue(
      "events",
      `A request can contain at most ${MAX_EVENTS} events (got ${events.length}).`,
      "EXCEEDED_MAX_ENTITIES"
    );
  }
  events.forEach((event, i) => {
    if (!isRecord(event)) {
      issues.push({
        fieldPath: `events[${i}]`,
        description: "event must be an object",
        validationCode: "VALUE_INVALID",
        scope: i,
        severity: "error",
      });
      return;
    }
    const name = event.name;
    if (!isNonEmptyString(name)) {
      issues.push({
        fieldPath: `events[${i}].name`,
        description: `Event at index: [${i}] has no name.`,
        validationCode: "VALUE_REQUIRED",
        scope: i,
        severity: "error",
      });
    } else if (name.length > 40 || !NAME.test(name)) {
      issues.push({
        fieldPath: "events",
        description: `Event at index: [${i}] has invalid name [${name}]. Names must start with an alphabetic character.`,
        validationCode: "NAME_INVALID",
        scope: i,
        severity: "error",
      });
    } else if (RESERVED_EVENT_NAMES.includes(name) || reservedName(name)) {
      issues.push({
        fieldPath: "events",
        description: `Event at index: [${i}] has name [${name}] which is reserved.`,
        validationCode: "NAME_RESERVED",
        scope: i,
        severity: "error",
      });
    }
    issues.push(...paramsIssues(event, i));
    if (event.timestamp_micros !== undefined)
      issues.push(
        ...timestampIssues(
          `events[${i}].timestamp_micros`,
          event.timestamp_micros,
          i,
          now
        )
      );
  });
  return issues;
}

function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
  const debug = req.pathname === "/debug/mp/collect";
  if (!debug && req.pathname !== "/mp/collect") return null;
  if (req.method !== "POST")
    return {
      reply: { status: 405 },
      refused: [
        { reason: `method ${req.method} (HTTPS POST only)`, body: null },
      ],
    };

  const parsed = parseJson(req.raw);
  const body: unknown = parsed.ok ? parsed.value : req.raw.toString("utf8");
  const issues = collectIssues(req, body, ctx.now);
  const enforce =
    isRecord(body) && body.validation_behavior === "ENFORCE_RECOMMENDATIONS";

  if (debug) {
    // Debug never records events; it reports. Under RELAXED an old timestamp is not an error.
    const reported = issues.filter(
      (issue) => enforce || issue.severity !== "old-timestamp"
    );
    const validationMessages = reported.map(
      ({ fieldPath, description, validationCode }) => ({
        fieldPath,
        description,
        validationCode,
      })
    );
    const reply = { status: 200, body: { validationMessages } };
    if (reported.length > 0)
      return {
        reply,
        refused: [
          {
            reason: reported
              .map((m) => `${m.fieldPath}: ${m.description}`)
              .join("; "),
            body,
          },
        ],
      };
    return { reply, accepted: acceptedEvents(body, issues, true) };
  }

  const reply = { status: 204 };
  if (
    !ctx.credentialMatches("measurementId", req.query.get("measurement_id")) ||
    !ctx.credentialMatches("apiSecret", req.query.get("api_secret"))
  ) {
    return {
      reply,
      refused: [
        {
          reason:
            "measurement_id/api_secret not valid: GA4 drops the request silently",
          body,
        },
      ],
    };
  }
  const dropsRequest = issues.filter(
    (issue) =>
      issue.scope === "request" && (issue.severity === "error" || enforce)
  );
  if (dropsRequest.length > 0) {
    return {
      reply,
      refused: [
        {
          reason: dropsRequest
            .map((m) => `${m.fieldPath}: ${m.description}`)
            .join("; "),
          body,
        },
      ],
    };
  }
  return { reply, ...splitEvents(body, issues, enforce) };
}

/** Production: events with a dropping issue are refused, the rest accepted (with notes). */
function splitEvents(
  body: unknown,
  issues: Issue[],
  enforce: boolean
): { accepted: AcceptedEvent[]; refused: Refusal[] } {
  const events =
    isRecord(body) && Array.isArray(body.events) ? body.events : [];
  const refused: Refusal[] = [];
  const keep = new Set<number>();
  events.forEach((event, i) => {
    const dropping = issues.filter(
      (issue) => issue.scope === i && (issue.severity === "error" || enforce)
    );
    if (dropping.length > 0)
      refused.push({
        reason: dropping
          .map((m) => `${m.fieldPath}: ${m.description}`)
          .join("; "),
        body: event,
      });
    else keep.add(i);
  });
  return { accepted: acceptedEvents(body, issues, false, keep), refused };
}

function acceptedEvents(
  body: unknown,
  issues: Issue[],
  test: boolean,
  keep?: Set<number>
): AcceptedEvent[] {
  if (!isRecord(body) || !Array.isArray(body.events)) return [];
  const { events, ...envelope } = body;
  const requestNotes = issues
    .filter((issue) => issue.scope === "request")
    .map(
      (issue) =>
        `${issue.fieldPath}: ${issue.description}${
          issue.severity === "old-timestamp"
            ? " (GA4 records it at now-72h)"
            : ""
        }`
    );
  return (events as unknown[]).flatMap((event, i) => {
    if (keep && !keep.has(i)) return [];
    const e = event as Record<string, unknown>;
    const params = isRecord(e.params) ? e.params : {};
    const notes = issues
      .filter((issue) => issue.scope === i)
      .map(
        (issue) =>
          `${issue.fieldPath}: ${issue.description}${
            issue.severity === "old-timestamp"
              ? " (GA4 records it at now-72h)"
              : ""
          }`
      );
    return [
      {
        eventId:
          typeof params.transaction_id === "string"
            ? params.transaction_id
            : null,
        eventName: String(e.name),
        test,
        body: event,
        envelope,
        notes: [...requestNotes, ...notes],
      },
    ];
  });
}

export const ga4Standin: PlatformStandin = {
  kind: "ga4",
  credentials: { ...GA4_CREDENTIALS },
  handle,
  // GA4 answers with empty bodies; a status fault is just the status.
  statusReply: (status) => ({ status }),
  // GA4 publishes no Measurement Protocol rate limit; a bare 429 stands in for one.
  rateLimitReply: () => ({ status: 429 }),
};
