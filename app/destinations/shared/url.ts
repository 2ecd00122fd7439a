/**
 * Replace the scheme + host (+ port) of a platform endpoint with a local
 * stand-in's base URL, keeping path and query (BuildContext.baseUrlOverride).
 * A path on the override is kept as a prefix, so "http://127.0.0.1:4010/meta"
 * + "https://graph.facebook.com/v24.0/1/events" → "http://127.0.0.1:4010/meta/v24.0/1/events".
 */
export function withBaseUrl(endpoint: string, baseUrlOverride: string | undefined): string {
  if (baseUrlOverride === undefined || baseUrlOverride === "") return endpoint;
  const target = new URL(endpoint);
  const base = new URL(baseUrlOverride);
  const prefix = base.pathname.replace(/\/+$/, "");
  return `${base.origin}${prefix}${target.pathname}${target.search}`;
}
