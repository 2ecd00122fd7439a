/**
 * A local stand-in for Shopify's app proxy, so the pixel harness can post to the
 * REAL app server's proxy route: storefront `https://{shop}{pathPrefix}/<rest>` →
 * `{upstream}/<rest>?<buyer's query>&shop=…&logged_in_customer_id=…&path_prefix=…&timestamp=…&signature=…`.
 *
 * Behaviour copied from docs/platform/shopify.md (constraints 1-2, "App proxy") (Shopify's docs + the
 * shopify-api HMAC validator):
 *   - the buyer's query parameters are kept, Shopify's are appended;
 *   - the signature is HMAC-SHA256(app secret) over the sorted `key=value` pairs
 *     (repeated keys joined with ","), concatenated without separator, `signature` excluded;
 *   - `Cookie` is not forwarded and `Set-Cookie` is removed from the response;
 *   - the body is forwarded untouched (it is not signed).
 * Not modelled: Shopify's own latency, rate limits, or whether it forwards OPTIONS.
 */
import { createHmac } from "node:crypto";
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** Shopify's app proxy signature for a query (docs/platform/shopify.md, "Proxy signature"). */
export function appProxySignature(query: URLSearchParams, secret: string): string {
  const groups = new Map<string, string[]>();
  for (const [k, v] of query) if (k !== "signature") groups.set(k, [...(groups.get(k) ?? []), v]);
  const message = [...groups.keys()]
    .sort()
    .map((k) => `${k}=${(groups.get(k) ?? []).join(",")}`)
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

export interface ShopifyProxyOptions {
  /** The app's proxy URL (shopify.app.toml [app_proxy] url), e.g. "http://127.0.0.1:3000/proxy". */
  upstream: string;
  /** The app's client secret (signs the query). */
  secret: string;
  /** The shop's myshopify domain, sent as `shop`. */
  shop: string;
  /** Storefront path the pixel uses, e.g. "/apps/trueline" (= settings.proxyPath). */
  pathPrefix?: string;
  /** Numeric id when a customer is logged in; Shopify sends an empty value otherwise. */
  loggedInCustomerId?: string;
  /** Unix seconds; defaults to the real clock (the app accepts ±90 s). */
  nowSeconds?: () => number;
}

export interface ShopifyProxy {
  /** Give this to StorefrontOptions.storefrontUrl. */
  origin: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["host", "connection", "cookie", "content-length", "transfer-encoding", "keep-alive"]);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

export async function startShopifyProxy(opts: ShopifyProxyOptions): Promise<ShopifyProxy> {
  const prefix = opts.pathPrefix ?? "/apps/trueline";
  const server = createServer((req, res) => {
    const incoming = new URL(req.url ?? "/", "http://storefront");
    if (incoming.pathname !== prefix && !incoming.pathname.startsWith(`${prefix}/`)) {
      res.writeHead(404).end();
      return;
    }
    const target = new URL(opts.upstream.replace(/\/+$/, "") + incoming.pathname.slice(prefix.length));
    const query = new URLSearchParams(incoming.search);
    query.append("shop", opts.shop);
    query.append("logged_in_customer_id", opts.loggedInCustomerId ?? "");
    query.append("path_prefix", prefix);
    query.append("timestamp", String(opts.nowSeconds?.() ?? Math.floor(Date.now() / 1000)));
    query.append("signature", appProxySignature(query, opts.secret));
    target.search = query.toString();

    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const upstream = request(
        target,
        { method: req.method, headers: { ...forwardable(req.headers), "content-length": String(body.length) } },
        (up) => {
          const headers = forwardable(up.headers);
          delete headers["set-cookie"];
          res.writeHead(up.statusCode ?? 502, headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // "localhost", not the host page's 127.0.0.1: a different origin, so CORS applies.
    origin: `http://localhost:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
