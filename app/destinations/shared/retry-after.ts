/**
 * Retry-After (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.
 * Adapters never read the clock, so an HTTP-date is measured against the
 * response's own Date header (same server clock); without one it is ignored
 * and the caller's backoff applies.
 */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** Cap so a hostile or buggy header cannot park a delivery for weeks. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export function retryAfterMs(headers: Record<string, string>): number | undefined {
  const raw = headerValue(headers, "retry-after")?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (/^[0-9]+$/.test(raw)) return Math.min(Number(raw) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(raw);
  const dateHeader = headerValue(headers, "date");
  const serverNow = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader);
  if (Number.isNaN(at) || Number.isNaN(serverNow)) return undefined;
  return Math.min(Math.max(at - serverNow, 0), MAX_RETRY_AFTER_MS);
}
