/**
 * X (Twitter) Conversions API stand-in:
 *   POST /12/measurement/conversions/{pixelId}   Authorization: OAuth … (OAuth 1.0a, HMAC-SHA1)
 *
 * Docs: https://docs.x.com/x-ads-api/measurement/web-conversions ,
 *       https://developer.x.com/en/docs/x-ads-api/measurement/web-conversions/conversions ,
 *       https://developer.twitter.com/en/docs/authentication/oauth-1-0a/creating-a-signature
 *
 * The OAuth 1.0a signature is verified for real (RFC 5849 base string over the URL the client
 * requested, this stand-in's host and port included): wrong consumer key, token or either secret
 * → 401 UNAUTHORIZED_ACCESS. A timestamp more than 15 minutes from the stand-in clock, or a nonce
 * seen before, → 401 too **[assumed]**: OAuth servers refuse both, X publishes no window.
 * Body: {conversions: […]} with 1–500 conversions; conversion_time ISO 8601; event_id one of the
 * account's events (credentials: purchase, add to cart, …), as "o87ne" or "tw-o8z6j-o87ne";
 * identifiers: at least one of twclid, hashed_email, hashed_phone_number (IP and user agent are
 * not enough alone); hashed_* lowercase SHA-256 hex; ip_address raw; value a number;
 * price_currency ISO 4217; number_items a positive integer. Any problem refuses the request:
 * 400 {"errors":[{"code":"INVALID_PARAMETER","message","parameter"}]}. Success 200
 * {"data":{"conversions_processed":N,"debug_id"},"request":{…}}. No test mode exists.
 * Dedup key: (event_id, conversion_id).
 */
import { createHmac } from "node:crypto";
import { DAY_MS, clearTextProblem, hashProblem, header, ipProblem, isIso4217, isNonEmptyString, isRecord } from "./checks";
import { parseJson, traceId, type HandlerContext, type Outcome, type PlatformStandin, type Reply, type StandinRequest } from "./server";

export const X_CREDENTIALS = {
  pixelId: "o8z6j",
  purchaseEventId: "o87ne",
  addToCartEventId: "o87nf",
  checkoutEventId: "o87ng",
  addPaymentInfoEventId: "o87nh",
  contentViewEventId: "o87ni",
  searchEventId: "o87nj",
  pageViewEventId: "o87nk",
  consumerKey: "standin-x-consumer-key",
  consumerSecret: "standin-x-consumer-secret",
  accessToken: "1234567890-standinXAccessToken",
  accessTokenSecret: "standin-x-access-token-secret",
} as const;

const VERSION = "12";
const MAX_CONVERSIONS = 500;
const TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;
/** Nonces are remembered for the timestamp window (twice over). */
const NONCE_MEMORY_MS = 2 * TIMESTAMP_WINDOW_MS;
const EVENT_IDS = new Set<string>([
  X_CREDENTIALS.purchaseEventId,
  X_CREDENTIALS.addToCartEventId,
  X_CREDENTIALS.checkoutEventId,
  X_CREDENTIALS.addPaymentInfoEventId,
  X_CREDENTIALS.contentViewEventId,
  X_CREDENTIALS.searchEventId,
  X_CREDENTIALS.pageViewEventId,
]);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})$/;

function errors(status: number, code: string, message: string, parameter?: string): Reply {
  return { status, body: { errors: [{ code, message, ...(parameter ? { parameter } : {}) }], request: { params: {} } } };
}

const pct = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Parses `OAuth k="v", …` into decoded pairs, or null. */
function parseOAuthHeader(value: string | undefined): Record<string, string> | null {
  if (value === undefined || !/^OAuth\s+/i.test(value)) return null;
  const out: Record<string, string> = {};
  for (const part of value.replace(/^OAuth\s+/i, "").split(",")) {
    const m = /^\s*([^=\s]+)="([^"]*)"\s*$/.exec(part);
    if (!m) return null;
    out[decodeURIComponent(m[1] ?? "")] = decodeURIComponent(m[2] ?? "");
  }
  return out;
}

/** Why the OAuth header does not authenticate, or null. */
function oauthProblem(req: StandinRequest, ctx: HandlerContext, nonces: Map<string, number>): string | null {
  const oauth = parseOAuthHeader(header(req.headers, "authorization"));
  if (oauth === null) return "Authorization: not an OAuth 1.0a header";
  for (const k of ["oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_token"]) {
    if (!oauth[k]) return `Authorization: ${k} missing`;
  }
  if (oauth.oauth_signature_method !== "HMAC-SHA1") return "Authorization: oauth_signature_method must be HMAC-SHA1";
  if (oauth.oauth_version !== undefined && oauth.oauth_version !== "1.0") return "Authorization: oauth_version must be 1.0";
  if (!ctx.credentialMatches("consumerKey", oauth.oauth_consumer_key)) return "Authorization: unknown consumer key";
  if (!ctx.credentialMatches("accessToken", oauth.oauth_token)) return "Authorization: unknown or revoked access token";
  const ts = Number(oauth.oauth_timestamp) * 1000;
  if (!Number.isFinite(ts) || Math.abs(ctx.now - ts) > TIMESTAMP_WINDOW_MS) return "Authorization: oauth_timestamp out of bounds";
  const params: Array<[string, string]> = [];
  for (const [k, v] of req.query) params.push([pct(k), pct(v)]);
  for (const [k, v] of Object.entries(oauth)) if (k !== "oauth_signature" && k !== "realm") params.push([pct(k), pct(v)]);
  params.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const host = header(req.headers, "host") ?? "";
  const base = ["POST", pct(`http://${host}${req.pathname}`), pct(params.map(([k, v]) => `${k}=${v}`).join("&"))].join("&");
  const key = `${pct(X_CREDENTIALS.consumerSecret)}&${pct(X_CREDENTIALS.accessTokenSecret)}`;
  if (createHmac("sha1", key).update(base).digest("base64") !== oauth.oauth_signature) return "Authorization: signature does not match";
  for (const [n, at] of nonces) if (ctx.now - at > NONCE_MEMORY_MS) nonces.delete(n);
  const nonceKey = `${oauth.oauth_consumer_key}:${oauth.oauth_nonce}`;
  if (nonces.has(nonceKey)) return "Authorization: oauth_nonce already used";
  nonces.set(nonceKey, ctx.now);
  return null;
}

function checkConversion(c: unknown, i: number, now: number): string[] {
  const p = `conversions[${i}]`;
  if (!isRecord(c)) return [`${p}: must be an object`];
  const problems: string[] = [];
  if (typeof c.conversion_time !== "string" || !ISO_8601.test(c.conversion_time) || Number.isNaN(Date.parse(c.conversion_time)))
    problems.push(`${p}.conversion_time: must be an ISO 8601 time`);
  else if (Date.parse(c.conversion_time) > now + 10 * 60 * 1000) problems.push(`${p}.conversion_time: is in the future`);
  const eventId = typeof c.event_id === "string" ? c.event_id.replace(new RegExp(`^tw-${X_CREDENTIALS.pixelId}-`), "") : undefined;
  if (eventId === undefined || eventId === "") problems.push(`${p}.event_id: is required`);
  else if (!EVENT_IDS.has(eventId)) problems.push(`${p}.event_id: no such event in this ad account`);
  const ids = c.identifiers;
  if (!Array.isArray(ids) || ids.length === 0) problems.push(`${p}.identifiers: at least one identifier is required`);
  else {
    let strong = false;
    ids.forEach((id, j) => {
      const q = `${p}.identifiers[${j}]`;
      if (!isRecord(id)) return void problems.push(`${q}: must be an object`);
      for (const [k, v] of Object.entries(id)) {
        if (k === "hashed_email" || k === "hashed_phone_number") {
          strong = true;
          const problem = hashProblem(v);
          if (problem) problems.push(`${q}.${k}: ${problem}`);
        } else if (k === "twclid") {
          strong = true;
          const problem = clearTextProblem(`${q}.twclid`, v);
          if (problem) problems.push(problem);
        } else if (k === "ip_address") {
          const problem = ipProblem(`${q}.ip_address`, v);
          if (problem) problems.push(problem);
        } else if (k === "user_agent") {
          const problem = clearTextProblem(`${q}.user_agent`, v);
          if (problem) problems.push(problem);
        } else problems.push(`${q}.${k}: not a supported identifier`);
      }
    });
    if (!strong) problems.push(`${p}.identifiers: needs twclid, hashed_email or hashed_phone_number (IP and user agent are not enough)`);
  }
  if (c.conversion_id !== undefined && !isNonEmptyString(c.conversion_id)) problems.push(`${p}.conversion_id: must be a non-empty string`);
  if (c.value !== undefined && (typeof c.value !== "number" || !Number.isFinite(c.value))) problems.push(`${p}.value: must be a number`);
  if (c.price_currency !== undefined && !isIso4217(c.price_currency)) problems.push(`${p}.price_currency: must be an ISO 4217 code`);
  if (c.number_items !== undefined && !(typeof c.number_items === "number" && Number.isInteger(c.number_items) && c.number_items > 0))
    problems.push(`${p}.number_items: must be a positive integer`);
  return problems;
}

/**
 * Nonces seen, per running stand-in: keyed by that server's list of received events, which is
 * the server's own and is replaced by reset(), so a reset (or another startStandins()) forgets them.
 */
const NONCES = new WeakMap<object, Map<string, number>>();
function noncesOf(ctx: HandlerContext): Map<string, number> {
  let map = NONCES.get(ctx.received);
  if (map === undefined) {
    map = new Map();
    NONCES.set(ctx.received, map);
  }
  return map;
}

function makeHandler() {
  return function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
    const nonces = noncesOf(ctx);
    const route = /^\/(\d+)\/measurement\/conversions\/([^/]+)\/?$/.exec(req.pathname);
    if (!route) return null;
    if (route[1] !== VERSION) return { reply: errors(404, "NOT_FOUND", `Version ${route[1]} is not available`), refused: [{ reason: `version ${route[1]}`, body: null }] };
    if (req.method !== "POST") return { reply: errors(405, "METHOD_NOT_ALLOWED", `Method ${req.method}`), refused: [{ reason: `method ${req.method}`, body: null }] };
    const auth = oauthProblem(req, ctx, nonces);
    if (auth !== null) return { reply: errors(401, "UNAUTHORIZED_ACCESS", "This request is not properly authenticated"), refused: [{ reason: auth, body: null }] };
    if (route[2] !== X_CREDENTIALS.pixelId) return { reply: errors(404, "NOT_FOUND", "The pixel was not found in an ad account of this user"), refused: [{ reason: "unknown pixel", body: null }] };
    const parsed = parseJson(req.raw);
    if (!parsed.ok || !isRecord(parsed.value)) return { reply: errors(400, "INVALID_PARAMETER", "The body is not JSON", "conversions"), refused: [{ reason: "body is not a JSON object", body: req.raw.toString("utf8") }] };
    const conversions = parsed.value.conversions;
    if (!Array.isArray(conversions) || conversions.length === 0) return { reply: errors(400, "MISSING_PARAMETER", "\"conversions\" is missing", "conversions"), refused: [{ reason: "conversions missing or empty", body: parsed.value }] };
    if (conversions.length > MAX_CONVERSIONS)
      return { reply: errors(400, "INVALID_PARAMETER", `At most ${MAX_CONVERSIONS} conversions per request`, "conversions"), refused: [{ reason: `batch of ${conversions.length} over the ${MAX_CONVERSIONS} limit`, body: parsed.value }] };
    const problems = conversions.flatMap((c, i) => checkConversion(c, i, ctx.now));
    if (problems.length > 0) return { reply: errors(400, "INVALID_PARAMETER", problems.join("; "), "conversions"), refused: [{ reason: problems.join("; "), body: parsed.value }] };
    const { conversions: _c, ...envelope } = parsed.value;
    return {
      reply: { status: 200, body: { request: { params: { pixel_id: route[2] } }, data: { conversions_processed: conversions.length, debug_id: traceId() } } },
      accepted: conversions.map((c) => {
        const e = c as Record<string, unknown>;
        const age = ctx.now - Date.parse(String(e.conversion_time));
        const notes = age > 30 * DAY_MS ? ["conversion older than 30 days: outside X's longest attribution window"] : [];
        if (e.value !== undefined && e.price_currency === undefined) notes.push("value without price_currency: X reads it as USD");
        return { eventId: typeof e.conversion_id === "string" ? e.conversion_id : null, eventName: String(e.event_id), test: false, body: c, envelope, notes };
      }),
    };
  };
}

export const xStandin: PlatformStandin = {
  kind: "x",
  credentials: { ...X_CREDENTIALS },
  handle: makeHandler(),
  statusReply(status) {
    if (status === 429) return errors(429, "TOO_MANY_REQUESTS", "Rate limit exceeded");
    if (status === 503) return errors(503, "OVER_CAPACITY", "Service is over capacity");
    return errors(status, "INTERNAL_ERROR", "Internal error");
  },
  rateLimitReply() {
    return errors(429, "TOO_MANY_REQUESTS", "Rate limit exceeded");
  },
};
