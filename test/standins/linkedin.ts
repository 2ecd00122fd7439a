/**
 * LinkedIn Conversions API stand-in: POST /rest/conversionEvents with
 * `X-RestLi-Method: BATCH_CREATE` (or a single create without it).
 *
 * Docs: https://learn.microsoft.com/en-us/linkedin/marketing/integrations/ads-reporting/conversions-api
 *       https://learn.microsoft.com/en-us/linkedin/marketing/versioning
 *       https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
 * (summarised in app/destinations/linkedin/README.md)
 *
 * Checks, in LinkedIn's order:
 * - `Authorization: Bearer <token>` → 401 `INVALID_ACCESS_TOKEN`; the token must be the
 *   stand-in's ([assumed] serviceErrorCode 65600);
 * - `LinkedIn-Version: YYYYMM` present → 400 `VERSION_MISSING`; a version older than 12
 *   months before the stand-in clock → 426 `NONEXISTENT_VERSION` **[assumed]** codes;
 * - `X-Restli-Protocol-Version: 2.0.0` → 400;
 * - body `{elements:[…]}` with 1–5,000 elements for BATCH_CREATE;
 * Per element (status in the batch answer, others still processed):
 * - `conversion` = `urn:lla:llaPartnerConversion:<one of the stand-in's rules>` (else 404
 *   element), `conversionHappenedAt` epoch MILLISECONDS not in the future and at most 90
 *   days old (else 400 element), `eventId` string;
 * - `user.userIds` an array (required, even when empty); each `idType` one of the documented
 *   ones; SHA256_EMAIL a lowercase SHA-256 hex; LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID in clear;
 *   at least one userId, or `userInfo` with firstName and lastName;
 * - `conversionValue` {currencyCode ISO 4217, amount decimal STRING}.
 * Success: HTTP 200 `{"elements":[{"status":201}, …]}` (per element status).
 * There is no test mode: every accepted event is `test: false`.
 */
import { clearTextProblem, DAY_MS, FUTURE_TOLERANCE_MS, hashProblem, isIso4217, isRecord } from "./checks";
import { handleLinkedInOAuth, linkedinAccessTokenValid, linkedinOAuth } from "./linkedin-oauth";
import { parseJson, type AcceptedEvent, type HandlerContext, type Outcome, type PlatformStandin, type Refusal, type Reply, type StandinRequest } from "./server";

export const LINKEDIN_CREDENTIALS = {
  accessToken: "AQV_standin-linkedin-member-token",
  purchaseRuleId: "104012",
  addToCartRuleId: "104013",
  initiateCheckoutRuleId: "104014",
  addPaymentInfoRuleId: "104015",
  viewContentRuleId: "104016",
  searchRuleId: "104017",
} as const;

const RULES = new Set<string>(Object.entries(LINKEDIN_CREDENTIALS).filter(([k]) => k.endsWith("RuleId")).map(([, v]) => v));
const MAX_ELEMENTS = 5000;
const MAX_AGE_MS = 90 * DAY_MS;
const ID_TYPES = ["SHA256_EMAIL", "LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID", "ACXIOM_ID", "ORACLE_MOAT_ID"];
const DECIMAL = /^\d+(\.\d+)?$/;

function liError(status: number, code: string, message: string, serviceErrorCode?: number): Reply {
  return { status, body: { status, code, message, ...(serviceErrorCode === undefined ? {} : { serviceErrorCode }) } };
}

/** "YYYYMM" → months since year 0, or null. */
function versionMonths(value: string | undefined): number | null {
  const m = value === undefined ? null : /^(\d{4})(\d{2})(?:\.\d{2})?$/.exec(value);
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? Number(m[1]) * 12 + (month - 1) : null;
}

function elementProblems(element: unknown, p: string, now: number): { status: number; problems: string[] } {
  if (!isRecord(element)) return { status: 400, problems: [`${p}: must be an object`] };
  const problems: string[] = [];
  let status = 400;
  const conversion = element.conversion;
  const rule = typeof conversion === "string" ? /^urn:lla:llaPartnerConversion:(\d+)$/.exec(conversion)?.[1] : undefined;
  if (rule === undefined) problems.push(`${p}.conversion: must be urn:lla:llaPartnerConversion:<id>`);
  else if (!RULES.has(rule)) {
    status = 404;
    problems.push(`${p}.conversion: no such conversion rule on this ad account`);
  }
  const at = element.conversionHappenedAt;
  if (typeof at !== "number" || !Number.isInteger(at)) problems.push(`${p}.conversionHappenedAt: must be an integer (epoch milliseconds)`);
  else if (at < 1e12) problems.push(`${p}.conversionHappenedAt: looks like seconds; milliseconds expected`);
  else if (at > now + FUTURE_TOLERANCE_MS) problems.push(`${p}.conversionHappenedAt: is in the future`);
  else if (now - at > MAX_AGE_MS) problems.push(`${p}.conversionHappenedAt: is older than 90 days`);
  if (element.eventId !== undefined && (typeof element.eventId !== "string" || element.eventId === "")) problems.push(`${p}.eventId: must be a non-empty string`);
  const value = element.conversionValue;
  if (value !== undefined) {
    if (!isRecord(value)) problems.push(`${p}.conversionValue: must be an object`);
    else {
      if (!isIso4217(value.currencyCode)) problems.push(`${p}.conversionValue.currencyCode: must be an ISO 4217 code`);
      if (typeof value.amount !== "string" || !DECIMAL.test(value.amount)) problems.push(`${p}.conversionValue.amount: must be a decimal number in a string`);
    }
  }
  const user = element.user;
  if (!isRecord(user)) problems.push(`${p}.user: is required`);
  else {
    if (!Array.isArray(user.userIds)) problems.push(`${p}.user.userIds: is required (an array, empty when only userInfo is sent)`);
    else {
      user.userIds.forEach((id, i) => {
        const q = `${p}.user.userIds[${i}]`;
        if (!isRecord(id) || !ID_TYPES.includes(String(id.idType))) return void problems.push(`${q}.idType: must be one of ${ID_TYPES.join(", ")}`);
        if (id.idType === "SHA256_EMAIL") {
          const problem = hashProblem(id.idValue);
          if (problem) problems.push(`${q}.idValue: ${problem}`);
        } else {
          const problem = clearTextProblem(`${q}.idValue`, id.idValue);
          if (problem) problems.push(problem);
        }
      });
      const info = user.userInfo;
      const named = isRecord(info) && typeof info.firstName === "string" && typeof info.lastName === "string";
      if (user.userIds.length === 0 && !named) problems.push(`${p}.user: needs at least one userId, or userInfo with firstName and lastName`);
    }
  }
  for (const key of Object.keys(element)) {
    if (!["conversion", "conversionHappenedAt", "conversionValue", "eventId", "user"].includes(key)) problems.push(`${p}.${key}: unknown field`);
  }
  return { status, problems };
}

function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
  const oauth = handleLinkedInOAuth(req, ctx.now);
  if (oauth !== null) return oauth;
  if (!/^\/rest\/conversionEvents\/?$/.test(req.pathname)) return null;
  if (req.method !== "POST") return { reply: liError(405, "METHOD_NOT_ALLOWED", "Method not allowed"), refused: [{ reason: `method ${req.method}`, body: null }] };
  const token = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
  if (!ctx.credentialMatches("accessToken", token) && !linkedinAccessTokenValid(token, ctx.now)) {
    return {
      reply: liError(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600),
      refused: [{ reason: token === undefined ? "Authorization Bearer header missing" : "access token invalid", body: null }],
    };
  }
  const version = versionMonths(String(req.headers["linkedin-version"] ?? "") || undefined);
  if (version === null) return { reply: liError(400, "VERSION_MISSING", "A version must be present. Please specify a version by adding the LinkedIn-Version header."), refused: [{ reason: "LinkedIn-Version header missing or not YYYYMM", body: null }] };
  const d = new Date(ctx.now);
  if (version < d.getUTCFullYear() * 12 + d.getUTCMonth() - 12) {
    return { reply: liError(426, "NONEXISTENT_VERSION", "Requested version is not active"), refused: [{ reason: "LinkedIn-Version sunset (older than 12 months)", body: null }] };
  }
  if (req.headers["x-restli-protocol-version"] !== "2.0.0") return { reply: liError(400, "INVALID_PROTOCOL_VERSION", "X-Restli-Protocol-Version: 2.0.0 is required"), refused: [{ reason: "X-Restli-Protocol-Version missing", body: null }] };
  const parsed = parseJson(req.raw);
  if (!parsed.ok || !isRecord(parsed.value)) return { reply: liError(400, "ILLEGAL_ARGUMENT", "Body is not a JSON object"), refused: [{ reason: "body is not a JSON object", body: req.raw.toString("utf8") }] };
  const body = parsed.value;
  const batch = String(req.headers["x-restli-method"] ?? "").toUpperCase() === "BATCH_CREATE";
  const elements: unknown[] = batch ? (Array.isArray(body.elements) ? body.elements : []) : [body];
  if (batch && (!Array.isArray(body.elements) || elements.length === 0 || elements.length > MAX_ELEMENTS)) {
    const reason = `elements: must hold 1 to ${MAX_ELEMENTS} conversion events`;
    return { reply: liError(400, "ILLEGAL_ARGUMENT", reason), refused: [{ reason, body }] };
  }
  const accepted: AcceptedEvent[] = [];
  const refused: Refusal[] = [];
  const statuses = elements.map((element, i) => {
    const { status, problems } = elementProblems(element, batch ? `elements[${i}]` : "body", ctx.now);
    if (problems.length > 0) {
      refused.push({ reason: problems.join("; "), body: element });
      return { status, error: { status, code: status === 404 ? "NOT_FOUND" : "ILLEGAL_ARGUMENT", message: problems.join("; ") } };
    }
    const e = element as Record<string, unknown>;
    accepted.push({ eventId: typeof e.eventId === "string" ? e.eventId : null, eventName: String(e.conversion), test: false, body: element, envelope: {}, notes: [] });
    return { status: 201 };
  });
  if (!batch) {
    const only = statuses[0]!;
    return only.status === 201 ? { reply: { status: 201, body: "" }, accepted } : { reply: liError(only.status, only.error!.code, only.error!.message), refused };
  }
  return { reply: { status: 200, body: { elements: statuses } }, accepted, refused };
}

export const linkedinStandin: PlatformStandin = {
  kind: "linkedin",
  credentials: { ...LINKEDIN_CREDENTIALS },
  handle,
  reset: () => linkedinOAuth.reset(),
  statusReply: (status) => liError(status, status === 429 ? "TOO_MANY_REQUESTS" : "INTERNAL_SERVER_ERROR", status === 429 ? "Resource level throttle limit for calls to this resource is reached." : "Internal Server Error"),
  rateLimitReply: () => liError(429, "TOO_MANY_REQUESTS", "Resource level throttle limit for calls to this resource is reached."),
};
