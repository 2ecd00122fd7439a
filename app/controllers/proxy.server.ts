import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { MAX_BODY_BYTES } from "~/core/events/pixel-payload.schema";
import { clientIp, ingestPixelBatch } from "~/services/ingest.server";
import { restoreVisitor } from "~/services/visits.server";
import { checkAppProxySignature } from "~/lib/app-proxy-signature.server";
import { log } from "~/lib/logger.server";
import { RateLimiter } from "~/lib/rate-limit";
import { readBodyCapped } from "~/lib/read-body.server";

/** The pixel runs in a sandboxed worker on another origin: answer CORS for it. */
export const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type",
  "Access-Control-Max-Age": "86400",
  "Cache-Control": "no-store",
};

function json(body: unknown, status: number, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...CORS_HEADERS, "Content-Type": "application/json", ...extra } });
}

const INSTALLED_TTL_MS = 30_000;
const installedCache = new Map<string, { installed: boolean; until: number }>();

/** Is the app installed on this shop (an offline session exists)? Cached 30 s: this runs on every pixel request. */
async function isInstalled(shop: string, now: number): Promise<boolean> {
  const hit = installedCache.get(shop);
  if (hit && hit.until > now) return hit.installed;
  const installed = (await prisma().session.count({ where: { shop, isOnline: false } })) > 0;
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
async function verifyProxy(request: Request): Promise<{ ok: true; shop: string; installed: boolean } | { ok: false; response: Response }> {
  const params = new URL(request.url).searchParams;
  const shop = params.get("shop");
  if (!params.get("signature") || !shop) return { ok: false, response: json({ error: "missing app proxy signature" }, 401) };
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
    return { ok: false, response: json({ error }, 401) };
  }
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return { ok: false, response: json({ error: "invalid shop parameter" }, 401) };
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

export async function handleProxyIngest(request: Request): Promise<Response> {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  if (request.method !== "POST") return json({ error: "method not allowed" }, 405, { Allow: "POST, OPTIONS" });
  const verified = await verifyProxy(request);
  if (!verified.ok) return verified.response;
  // App not installed on this shop (or uninstalled): accept and keep nothing.
  if (!verified.installed) return json({ accepted: 0, reason: "app not installed for this shop" }, 202);

  const body = await readBodyCapped(request, MAX_BODY_BYTES);
  if (body.kind === "too-large") return json({ error: `body exceeds ${body.limit} bytes` }, 413);

  const limits = rateLimiters();
  const result = await ingestPixelBatch(
    { db: prisma(), now: Date.now, shopLimiter: limits.shop, ipLimiter: limits.ip, visitorLimiter: limits.visitor },
    { shop: verified.shop, bodyText: body.text, userAgentHeader: request.headers.get("user-agent"), forwardedFor: request.headers.get("x-forwarded-for") },
  );
  switch (result.kind) {
    case "invalid-json":
      return json({ error: "body is not valid JSON" }, 400);
    case "invalid-batch":
      return json({ error: "invalid batch", issues: result.issues }, 400);
    case "rate-limited":
      return json({ error: `rate limited (${result.scope})` }, 429, { "Retry-After": String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))) });
    case "unstorable":
      return json({ error: "the database refused this batch's values" }, 422);
    case "no-consent":
      return json({ accepted: 0, reason: "no analytics consent: nothing stored" }, 202);
    case "ok":
      if (result.rejected.length > 0) log.info("pixel events rejected", { shop: verified.shop, rejected: result.rejected.length });
      return json(result, result.accepted + result.duplicates > 0 || result.rejected.length === 0 ? 200 : 422);
  }
}

export async function proxyPreflight(request: Request): Promise<Response> {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  return json({ error: "use POST" }, 405, { Allow: "POST, OPTIONS" });
}

/** GET /proxy/restore?clientId=… (cookie restoration for the pixel). */
export async function handleProxyRestore(request: Request): Promise<Response> {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  const verified = await verifyProxy(request);
  if (!verified.ok) return verified.response;
  const clientId = new URL(request.url).searchParams.get("clientId") ?? "";
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(clientId)) return json({ error: "clientId is missing or malformed" }, 400);
  if (!verified.installed) return json({ visitorId: null, clickIds: {} }, 200);
  const limits = rateLimiters();
  const ip = clientIp(request.headers.get("x-forwarded-for"));
  const ipWait = ip ? limits.ip.take(ip, Date.now()) : 0;
  if (ipWait > 0) return json({ error: "rate limited (ip)" }, 429, { "Retry-After": String(Math.max(1, Math.ceil(ipWait / 1000))) });
  const wait = limits.visitor.take(`${verified.shop}|${clientId}`, Date.now());
  if (wait > 0) return json({ error: "rate limited (visitor)" }, 429, { "Retry-After": String(Math.max(1, Math.ceil(wait / 1000))) });
  return json(await restoreVisitor(prisma(), verified.shop, clientId), 200);
}
