import { prisma } from "~/db.server";
import { isAppInstalled } from "~/data/shops.server";
import { env } from "~/env.server";
import { MAX_BODY_BYTES } from "~/core/events/pixel-payload.schema";
import { clientIp, ingestPixelBatch } from "~/services/ingest.server";
import { restoreVisitor } from "~/services/visits.server";
import { checkAppProxySignature } from "~/lib/app-proxy-signature.server";
import { log } from "~/lib/logger.server";
import { RateLimiter } from "~/lib/rate-limit";
import { readBodyCapped, type BodyResult } from "~/lib/read-body.server";

/** The pixel runs in a sandboxed worker on another origin: answer CORS for it. */
export const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type",
  "Access-Control-Max-Age": "86400",
  "Cache-Control": "no-store",
};

/** An answer as plain data: server.mjs writes it straight to node:http; Remix gets a Response. */
export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** What the ingest needs of a request, from a WHATWG Request (Remix) or node:http (server.mjs). */
export interface ProxyIngestRequest {
  method: string;
  url: string;
  header(name: string): string | null;
  readBody(limit: number): Promise<BodyResult>;
}

function answer(body: unknown, status: number, extra: Record<string, string> = {}): ProxyAnswer {
  return { status, headers: { ...CORS_HEADERS, "Content-Type": "application/json", ...extra }, body: JSON.stringify(body) };
}

function toResponse(a: ProxyAnswer): Response {
  return new Response(a.body, { status: a.status, headers: a.headers });
}

function json(body: unknown, status: number, extra: Record<string, string> = {}): Response {
  return toResponse(answer(body, status, extra));
}

const INSTALLED_TTL_MS = 30_000;
const installedCache = new Map<string, { installed: boolean; until: number }>();

/** Is the app installed on this shop (app/data/shops isAppInstalled)? Cached 30 s: this runs on every pixel request. */
async function isInstalled(shop: string, now: number): Promise<boolean> {
  const hit = installedCache.get(shop);
  if (hit && hit.until > now) return hit.installed;
  const installed = await isAppInstalled(prisma(), shop);
  if (installedCache.size > 50_000) installedCache.clear();
  installedCache.set(shop, { installed, until: now + INSTALLED_TTL_MS });
  return installed;
}

/**
 * Shopify's app proxy verification (the checks authenticate.public.appProxy makes: HMAC
 * over the sorted query, repeated keys joined, single-valued shop/signature/timestamp,
 * 90 s timestamp tolerance), with synchronous node:crypto (app/lib/app-proxy-signature,
 * pinned to the library by its test), answered with 401 and a reason a developer can act
 * on. The session lookup authenticate.public.appProxy adds is replaced by a cached "is
 * installed" check: the ingest path needs no Admin API client.
 */
async function verifyProxy(requestUrl: string): Promise<{ ok: true; shop: string; installed: boolean } | { ok: false; answer: ProxyAnswer }> {
  const params = new URL(requestUrl).searchParams;
  const shop = params.get("shop");
  if (!params.get("signature") || !shop) return { ok: false, answer: answer({ error: "missing app proxy signature" }, 401) };
  const check = checkAppProxySignature(params, env().SHOPIFY_API_SECRET, Math.trunc(Date.now() / 1000));
  if (!check.ok) {
    const error =
      check.reason === "repeated-parameter"
        ? `repeated ${check.parameter} parameter`
        : check.reason === "bad-timestamp"
          ? "stale or missing app proxy timestamp"
          : check.reason === "missing-signature"
            ? "missing app proxy signature"
            : "invalid app proxy signature";
    return { ok: false, answer: answer({ error }, 401) };
  }
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return { ok: false, answer: answer({ error: "invalid shop parameter" }, 401) };
  return { ok: true, shop, installed: await isInstalled(shop, Date.now()) };
}

let limiters: { shop: RateLimiter; ip: RateLimiter; visitor: RateLimiter } | undefined;
function rateLimiters() {
  const e = env();
  limiters ??= {
    shop: new RateLimiter(e.RATE_LIMIT_SHOP_PER_MIN, Math.ceil(e.RATE_LIMIT_SHOP_PER_MIN / 6)),
    ip: new RateLimiter(e.RATE_LIMIT_IP_PER_MIN, Math.ceil(e.RATE_LIMIT_IP_PER_MIN / 6)),
    visitor: new RateLimiter(e.RATE_LIMIT_VISITOR_PER_MIN, Math.ceil(e.RATE_LIMIT_VISITOR_PER_MIN / 2)),
  };
  return limiters;
}

/** POST /proxy/events: the pixel's batch (ADR 0010, 0013). */
export async function ingestProxyRequest(request: ProxyIngestRequest): Promise<ProxyAnswer> {
  if (request.method === "OPTIONS") return { status: 204, headers: CORS_HEADERS, body: null };
  if (request.method !== "POST") return answer({ error: "method not allowed" }, 405, { Allow: "POST, OPTIONS" });
  const verified = await verifyProxy(request.url);
  if (!verified.ok) return verified.answer;
  // App not installed on this shop (or uninstalled): accept and keep nothing.
  if (!verified.installed) return answer({ accepted: 0, reason: "app not installed for this shop" }, 202);

  const body = await request.readBody(MAX_BODY_BYTES);
  if (body.kind === "too-large") return answer({ error: `body exceeds ${body.limit} bytes` }, 413);

  const limits = rateLimiters();
  const result = await ingestPixelBatch(
    { db: prisma(), now: Date.now, shopLimiter: limits.shop, ipLimiter: limits.ip, visitorLimiter: limits.visitor },
    { shop: verified.shop, bodyText: body.text, userAgentHeader: request.header("user-agent"), forwardedFor: request.header("x-forwarded-for") },
  );
  switch (result.kind) {
    case "invalid-json":
      return answer({ error: "body is not valid JSON" }, 400);
    case "invalid-batch":
      return answer({ error: "invalid batch", issues: result.issues }, 400);
    case "rate-limited":
      return answer({ error: `rate limited (${result.scope})` }, 429, { "Retry-After": String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))) });
    case "unstorable":
      return answer({ error: "the database refused this batch's values" }, 422);
    case "no-consent":
      return answer({ accepted: 0, reason: "no analytics consent: nothing stored" }, 202);
    case "ok":
      if (result.rejected.length > 0) log.info("pixel events rejected", { shop: verified.shop, rejected: result.rejected.length });
      return answer(result, result.accepted + result.duplicates > 0 || result.rejected.length === 0 ? 200 : 422);
  }
}

/** The same, for the Remix route (`remix vite:dev`). */
export async function handleProxyIngest(request: Request): Promise<Response> {
  return toResponse(
    await ingestProxyRequest({ method: request.method, url: request.url, header: (n) => request.headers.get(n), readBody: (limit) => readBodyCapped(request, limit) }),
  );
}

export async function proxyPreflight(request: Request): Promise<Response> {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  return json({ error: "use POST" }, 405, { Allow: "POST, OPTIONS" });
}

/** GET /proxy/restore?clientId=… (cookie restoration for the pixel, ADR 0027: only what this clientId itself reported). */
export async function handleProxyRestore(request: Request): Promise<Response> {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  const verified = await verifyProxy(request.url);
  if (!verified.ok) return toResponse(verified.answer);
  const clientId = new URL(request.url).searchParams.get("clientId") ?? "";
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(clientId)) return json({ error: "clientId is missing or malformed" }, 400);
  if (!verified.installed) return json({ visitorId: null, clickIds: {}, cookies: {} }, 200);
  const limits = rateLimiters();
  const ip = clientIp(request.headers.get("x-forwarded-for"));
  const ipWait = ip ? limits.ip.take(ip, Date.now()) : 0;
  if (ipWait > 0) return json({ error: "rate limited (ip)" }, 429, { "Retry-After": String(Math.max(1, Math.ceil(ipWait / 1000))) });
  const wait = limits.visitor.take(`${verified.shop}|${clientId}`, Date.now());
  if (wait > 0) return json({ error: "rate limited (visitor)" }, 429, { "Retry-After": String(Math.max(1, Math.ceil(wait / 1000))) });
  return json(await restoreVisitor(prisma(), verified.shop, clientId, Date.now()), 200);
}
