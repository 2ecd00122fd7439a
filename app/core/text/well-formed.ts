/**
 * Text that reaches the database must be well-formed Unicode without NUL: PostgreSQL
 * refuses NUL in `text` and lone UTF-16 surrogates in UTF-8 (a string cut in the middle
 * of an emoji carries one), and a refused row must never fail other requests' rows.
 * Every source (the pixel, webhooks, any future server source) passes its untrusted
 * strings through here once, at the boundary.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NUL = /\u0000/g;

/** Lone surrogates become U+FFFD (as String.prototype.toWellFormed does); NUL characters are removed. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, "\uFFFD").replace(NUL, "");
}

/** Whether `s` is already what `wellFormed` would return. */
export function isWellFormed(s: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  NUL.lastIndex = 0;
  return !LONE_SURROGATE.test(s) && !NUL.test(s);
}

/** `wellFormed` applied to every string (keys included) of a JSON-like value; other values are returned as they are. */
export function wellFormedDeep<T>(value: T): T {
  if (typeof value === "string") return wellFormed(value) as T;
  if (Array.isArray(value)) return value.map((v) => wellFormedDeep(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[wellFormed(k)] = wellFormedDeep(v);
    return out as T;
  }
  return value;
}
