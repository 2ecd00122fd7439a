/**
 * Microsoft Advertising UET Conversions API stand-in:
 *   POST /v1/{tagId}/events   Authorization: Bearer {token}
 *
 * Docs: https://learn.microsoft.com/en-us/advertising/guides/uet-conversion-api-integration
 * (MicrosoftDocs/Advertising, advertising/bingads-13/guides/uet-conversion-api-integration.md)
 *
 * Checks the data schema as documented: eventType pageLoad|custom, eventTime integer seconds,
 * eventSourceUrl required for pageLoad, em/ph lowercase SHA-256 hex, clientIpAddress a raw IP,
 * msclkid/clientUserAgent in clear, adStorageConsent G|D, currency ISO 4217, ≤ 1,000 events.
 * Errors as documented: 401 {"error":{"code":"Unauthorized",…}}, 400 {"error":{"code":"ValidationError",
 * "message":…,"details":[{index, propertyName, errorMessage}]}}. With continueOnValidationError
 * false (the default) an invalid event stops the whole request; true processes the valid ones.
 * No age limit is documented: events older than 90 days are accepted with a note **[assumed]**.
 */
import { DAY_MS, bearerToken, clearTextProblem, hashProblem, ipProblem, isHttpUrl, isIso4217, isNonEmptyString, isRecord, secondsTimeProblem } from "./checks";
import { parseJson, type HandlerContext, type Outcome, type PlatformStandin, type Reply, type StandinRequest } from "./server";

export const MICROSOFT_CREDENTIALS = { tagId: "97200753", accessToken: "standin-microsoft-capi-token" } as const;

const MAX_EVENTS = 1000;
const NOTE_AGE_MS = 90 * DAY_MS;
const EVENT_TYPES = ["pageLoad", "custom"];

interface Detail {
  index: number;
  propertyName: string;
  errorMessage: string;
}

function validationError(details: Detail[]): Reply {
  return {
    status: 400,
    body: { error: { code: "ValidationError", message: "One or multiple parameters did not pass validation checks, see details.", details } },
  };
}

const UNAUTHORIZED: Reply = { status: 401, body: { error: { code: "Unauthorized", message: "You are not authorized to access this resource." } } };

function checkEvent(event: unknown, i: number, now: number): Detail[] {
  const p = `data[${i}]`;
  const d = (prop: string, message: string): Detail => ({ index: i, propertyName: `${p}.${prop}`, errorMessage: message });
  if (!isRecord(event)) return [{ index: i, propertyName: p, errorMessage: "must be an object" }];
  const out: Detail[] = [];
  if (!isNonEmptyString(event.eventType) || !EVENT_TYPES.includes(event.eventType))
    out.push(d("eventType", "'eventType' must be one of the following: pageLoad, custom."));
  if (event.eventTime === undefined) out.push(d("eventTime", "'eventTime' must not be empty."));
  else {
    const t = secondsTimeProblem(`${p}.eventTime`, event.eventTime, now, null);
    if (t) out.push(d("eventTime", t.message.replace(`${p}.eventTime: `, "'eventTime' ")));
  }
  if (event.eventType === "pageLoad" && !isHttpUrl(event.eventSourceUrl)) out.push(d("eventSourceUrl", "'eventSourceUrl' is required for pageLoad events."));
  if (event.eventSourceUrl !== undefined && !isHttpUrl(event.eventSourceUrl)) out.push(d("eventSourceUrl", "'eventSourceUrl' must be a valid URL."));
  if (event.eventId !== undefined && !isNonEmptyString(event.eventId)) out.push(d("eventId", "'eventId' must be a non-empty string."));
  if (event.adStorageConsent !== undefined && event.adStorageConsent !== "G" && event.adStorageConsent !== "D")
    out.push(d("adStorageConsent", "'adStorageConsent' must be G or D."));
  if (event.userData !== undefined) {
    if (!isRecord(event.userData)) out.push(d("userData", "must be an object"));
    else {
      const u = event.userData;
      for (const key of ["em", "ph"] as const) {
        if (u[key] !== undefined && hashProblem(u[key]) !== null) out.push(d(`userData.${key}`, `'${key}' must be a valid SHA256 string.`));
      }
      if (u.clientIpAddress !== undefined) {
        const problem = ipProblem(`${p}.userData.clientIpAddress`, u.clientIpAddress);
        if (problem) out.push(d("userData.clientIpAddress", problem.replace(`${p}.userData.clientIpAddress: `, "")));
      }
      for (const key of ["clientUserAgent", "msclkid", "anonymousId"] as const) {
        if (u[key] === undefined) continue;
        const problem = clearTextProblem(`${p}.userData.${key}`, u[key]);
        if (problem) out.push(d(`userData.${key}`, problem.replace(`${p}.userData.${key}: `, "")));
      }
    }
  }
  if (event.customData !== undefined) {
    if (!isRecord(event.customData)) out.push(d("customData", "must be an object"));
    else {
      const c = event.customData;
      for (const key of ["value", "ecommTotalValue", "eventValue"] as const) {
        if (c[key] !== undefined && (typeof c[key] !== "number" || !Number.isFinite(c[key]))) out.push(d(`customData.${key}`, `'${key}' must be a number.`));
      }
      if (c.currency !== undefined && !isIso4217(c.currency)) out.push(d("customData.currency", "'currency' must be a 3-letter ISO 4217 code."));
      if (c.value !== undefined && c.currency === undefined) out.push(d("customData.currency", "'currency' is required with 'value'."));
      if (c.items !== undefined && !Array.isArray(c.items)) out.push(d("customData.items", "'items' must be a list."));
    }
  }
  return out;
}

function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
  const route = /^\/v1\/([^/]+)\/events\/?$/.exec(req.pathname);
  if (!route) return null;
  if (req.method !== "POST") return { reply: { status: 405, body: { error: { code: "MethodNotAllowed", message: `Method ${req.method}` } } }, refused: [{ reason: `method ${req.method}`, body: null }] };
  const token = bearerToken(req.headers);
  if (!ctx.credentialMatches("accessToken", token)) {
    return { reply: UNAUTHORIZED, refused: [{ reason: token ? "token invalid" : "token missing", body: null }] };
  }
  if (route[1] !== MICROSOFT_CREDENTIALS.tagId) {
    return { reply: UNAUTHORIZED, refused: [{ reason: "tag id not covered by this token", body: null }] };
  }
  const parsed = parseJson(req.raw);
  if (!parsed.ok || !isRecord(parsed.value)) {
    return { reply: validationError([{ index: 0, propertyName: "data", errorMessage: "The request body is not a JSON object." }]), refused: [{ reason: "body is not a JSON object", body: req.raw.toString("utf8") }] };
  }
  const body = parsed.value;
  const data = body.data;
  if (!Array.isArray(data) || data.length === 0) {
    return { reply: validationError([{ index: 0, propertyName: "data", errorMessage: "'data' must not be empty." }]), refused: [{ reason: "data missing or empty", body }] };
  }
  if (data.length > MAX_EVENTS) {
    return { reply: validationError([{ index: 0, propertyName: "data", errorMessage: `At most ${MAX_EVENTS} events per request.` }]), refused: [{ reason: `batch of ${data.length} events over the ${MAX_EVENTS} limit`, body }] };
  }
  const perEvent = data.map((event, i) => checkEvent(event, i, ctx.now));
  const details = perEvent.flat();
  const skipInvalid = body.continueOnValidationError === true;
  if (details.length > 0 && !skipInvalid) {
    return { reply: validationError(details), refused: [{ reason: details.map((x) => `${x.propertyName}: ${x.errorMessage}`).join("; "), body }] };
  }
  const { data: _events, ...envelope } = body;
  const accepted = data.flatMap((event, i) => {
    if ((perEvent[i] ?? []).length > 0) return [];
    const e = event as Record<string, unknown>;
    const time = typeof e.eventTime === "number" ? e.eventTime * 1000 : ctx.now;
    const notes = ctx.now - time > NOTE_AGE_MS ? ["event older than 90 days: outside every conversion window [assumed]"] : [];
    if (e.eventType === "custom" && e.eventName === undefined) notes.push("custom event without eventName: no custom goal can match it");
    return [{ eventId: typeof e.eventId === "string" ? e.eventId : null, eventName: String(e.eventType === "pageLoad" ? "pageLoad" : (e.eventName ?? "custom")), test: false, body: event, envelope, notes }];
  });
  const refused = perEvent.flatMap((problems, i) =>
    problems.length === 0 ? [] : [{ reason: problems.map((x) => `${x.propertyName}: ${x.errorMessage}`).join("; "), body: data[i] }],
  );
  // The guide documents HTTP 200 for success without a body shape; an empty JSON object is assumed.
  return { reply: { status: 200, body: {} }, accepted, refused };
}

export const microsoftStandin: PlatformStandin = {
  kind: "microsoft",
  credentials: { ...MICROSOFT_CREDENTIALS },
  handle,
  statusReply(status) {
    // Not documented; the guide's {error:{code,message}} envelope is assumed.
    return { status, body: { error: { code: status === 429 ? "TooManyRequests" : "InternalServerError", message: status === 429 ? "Too many requests" : "Internal error" } } };
  },
  rateLimitReply() {
    return { status: 429, body: { error: { code: "TooManyRequests", message: "Too many requests" } } };
  },
};
