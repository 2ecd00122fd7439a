import { createHash, createHmac } from "node:crypto";

/**
 * OAuth 1.0a request signing (RFC 5849, HMAC-SHA1), as the X Ads API requires.
 * Pure: the timestamp comes from the caller's clock (BuildContext.now) and the nonce is derived
 * from the request itself (SHA-256 of the time in ms, URL and body), so the same request built twice in the same millisecond is
 * byte-identical and two different requests never share a nonce (ADR 0035).
 * A JSON body is not part of the signature (only form-encoded bodies are, RFC 5849 §3.4.1.3).
 */

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/** RFC 3986 percent-encoding (RFC 5849 §3.6): everything but ALPHA / DIGIT / "-" / "." / "_" / "~". */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Base string URI (§3.4.1.2): scheme and host lower-case, default port dropped, no query or fragment. */
export function baseStringUri(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** The signature of a request whose protocol parameters are `oauth` (without oauth_signature). */
export function oauth1Signature(
  method: string,
  url: string,
  oauth: Readonly<Record<string, string>>,
  consumerSecret: string,
  tokenSecret: string,
): string {
  const params: Array<[string, string]> = [];
  for (const [k, v] of new URL(url).searchParams) params.push([percentEncode(k), percentEncode(v)]);
  for (const [k, v] of Object.entries(oauth)) params.push([percentEncode(k), percentEncode(v)]);
  params.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = params.map(([k, v]) => `${k}=${v}`).join("&");
  const base = [method.toUpperCase(), percentEncode(baseStringUri(url)), percentEncode(normalized)].join("&");
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac("sha1", key).update(base).digest("base64");
}

/** The Authorization header for a request sent at `nowMs` with `body` (any JSON-able value). */
export function oauth1Header(method: string, url: string, body: unknown, credentials: OAuth1Credentials, nowMs: number): string {
  const timestamp = String(Math.floor(nowMs / 1000));
  // Milliseconds, not the seconds of oauth_timestamp: a resend of the same body a moment later
  // (a retry) must not repeat a nonce, which an OAuth server may refuse as a replay.
  const nonce = createHash("sha256").update(`${nowMs}\n${method}\n${url}\n${JSON.stringify(body)}`).digest("hex").slice(0, 32);
  const oauth: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_nonce: nonce,
    oauth_signature_method: "HMAC-SHA1",
    oauth_timestamp: timestamp,
    oauth_token: credentials.token,
    oauth_version: "1.0",
  };
  const signature = oauth1Signature(method, url, oauth, credentials.consumerSecret, credentials.tokenSecret);
  const header = { ...oauth, oauth_signature: signature };
  return `OAuth ${Object.keys(header)
    .sort()
    .map((k) => `${percentEncode(k)}="${percentEncode(header[k as keyof typeof header])}"`)
    .join(", ")}`;
}
