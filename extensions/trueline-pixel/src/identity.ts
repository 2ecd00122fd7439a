/**
 * Identifier helpers: cookie parsing, click ids, UTM, _fbc. Pure functions (the
 * clock is a parameter) so they are unit-tested in Node; the runtime in pixel.ts
 * decides WHEN consent allows using them.
 */
import { CLICK_ID_KEYS, type ClickIdKey, type ClickIds, type PlatformCookies, type Stamped, type Utm } from "./contract";

/** Trueline's first-party visitor id: cookie and localStorage key. */
export const VISITOR_KEY = "_tl_vid";
/** localStorage key holding the persisted click ids (JSON ClickIds). */
export const CLICK_IDS_KEY = "_tl_clk";

const MAX_COOKIE_VALUE = 512; // IdentitySchema: cookies are shortText(512)
const VISITOR_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A string trimmed of nothing, cut to `max` characters; undefined when empty or not a string. */
export function cut(value: unknown, max: number): string | undefined {
  return typeof value === "string" && value !== "" ? value.slice(0, max) : undefined;
}

/** A stored or restored visitor id we are willing to reuse (anything else is junk). */
export function validVisitorId(value: unknown): string | undefined {
  return typeof value === "string" && VISITOR_ID.test(value) ? value : undefined;
}

/**
 * `document.cookie`-style string → name/value map. The first occurrence of a name
 * wins: browsers list the cookie with the most specific path first. Values stay
 * exactly as stored (platforms want the cookie value byte for byte).
 */
export function parseCookies(cookieString: string): Record<string, string> {
  const jar: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of cookieString.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (name !== "" && jar[name] === undefined) jar[name] = part.slice(eq + 1).trim();
  }
  return jar;
}

/**
 * The ad-platform cookies the server forwards. `_ga_session` is the first
 * `_ga_<measurement id>` cookie (GA4 session state, "GS1.1…" or "GS2.1…"; the
 * server parses both). Over-long values are dropped rather than truncated: a cut
 * cookie is a wrong identifier.
 */
export function platformCookies(jar: Record<string, string>): PlatformCookies {
  const out: PlatformCookies = {};
  const keep = (key: keyof PlatformCookies, value: string | undefined) => {
    if (value && value.length <= MAX_COOKIE_VALUE) out[key] = value;
  };
  for (const name of ["_fbp", "_fbc", "_ga", "_ttp", "_scid", "_epik"] as const) keep(name, jar[name]);
  const session = Object.keys(jar).find((name) => name.startsWith("_ga_") && name.length > 4);
  if (session) keep("_ga_session", jar[session]);
  return out;
}

function params(href: string): URLSearchParams | undefined {
  try {
    return new URL(href).searchParams;
  } catch {
    return undefined;
  }
}

function clickIdKey(param: string): ClickIdKey | undefined {
  const lower = param.toLowerCase();
  return CLICK_ID_KEYS.find((key) => key.toLowerCase() === lower);
}

/**
 * Click ids on a landing URL, stamped with `now` (unix ms). Parameter names match
 * case-insensitively (ad tools vary: "ScCid"/"sccid"); values are kept EXACTLY as
 * decoded from the URL — fbclid is case-sensitive (docs/platform/ad-platforms.md, Meta).
 */
export function readClickIds(href: string, now: number): ClickIds {
  const out: ClickIds = {};
  for (const [name, value] of params(href) ?? []) {
    const key = clickIdKey(name);
    if (key && !out[key] && value !== "" && value.length <= MAX_COOKIE_VALUE) out[key] = { value, at: now };
  }
  return out;
}

/** utm_* parameters of a landing URL (each cut to the schema's 256). */
export function readUtm(href: string): Utm | undefined {
  const q = params(href);
  if (!q) return undefined;
  const utm: Utm = {};
  for (const key of ["source", "medium", "campaign", "term", "content", "id"] as const) {
    const value = cut(q.get(`utm_${key}`), 256);
    if (value) utm[key] = value;
  }
  return Object.keys(utm).length > 0 ? utm : undefined;
}

/**
 * Merges click ids: a value in `newer` replaces a DIFFERENT value in `older` (the
 * visitor came back through a new ad click, so the old id must not be kept —
 * docs/platform/ad-platforms.md, Meta), while the same value keeps its older first-seen time.
 */
export function mergeClickIds(older: ClickIds, newer: ClickIds): ClickIds {
  const out: ClickIds = { ...older };
  for (const key of CLICK_ID_KEYS) {
    const next = newer[key];
    if (next && out[key]?.value !== next.value) out[key] = next;
  }
  return out;
}

/** Keeps only well-formed entries of stored or restored click ids (untrusted JSON). */
export function sanitizeClickIds(raw: unknown): ClickIds {
  const out: ClickIds = {};
  if (!raw || typeof raw !== "object") return out;
  for (const key of CLICK_ID_KEYS) {
    const entry = (raw as Record<string, unknown>)[key] as Partial<Stamped> | undefined;
    if (
      entry &&
      typeof entry.value === "string" &&
      entry.value !== "" &&
      entry.value.length <= MAX_COOKIE_VALUE &&
      Number.isSafeInteger(entry.at) &&
      (entry.at as number) >= 0
    ) {
      out[key] = { value: entry.value, at: entry.at as number };
    }
  }
  return out;
}

/**
 * The `_fbc` value to write for a freshly arrived fbclid, or undefined when the
 * existing `_fbc` already carries that fbclid. Meta's format is
 * `fb.<subdomainIndex>.<creationTime ms>.<fbclid>`; we write subdomain index 1 and
 * the time the click id was first seen, in MILLISECONDS
 * (https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/fbp-and-fbc).
 */
export function fbcToWrite(fbclid: Stamped, existing: string | undefined): string | undefined {
  const current = existing ? /^fb\.\d+\.\d+\.(.+)$/.exec(existing)?.[1] : undefined;
  return current === fbclid.value ? undefined : `fb.1.${fbclid.at}.${fbclid.value}`;
}

/**
 * `href` without click-id parameters: used when marketing consent is missing, so
 * the page URL does not smuggle out the very identifiers we withhold. The URL is
 * returned untouched when it carries none.
 */
export function stripClickIds(href: string): string {
  try {
    const url = new URL(href);
    const names = [...url.searchParams.keys()].filter((name) => clickIdKey(name));
    if (names.length === 0) return href;
    for (const name of names) url.searchParams.delete(name);
    return url.toString();
  } catch {
    return href;
  }
}

/** An RFC 4122 v4 id: crypto.randomUUID when present (secure contexts), else getRandomValues. */
export function newVisitorId(cryptoImpl: Pick<Crypto, "getRandomValues"> & Partial<Pick<Crypto, "randomUUID">>): string {
  if (typeof cryptoImpl.randomUUID === "function") return cryptoImpl.randomUUID();
  const b = cryptoImpl.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The platform cookies the pixel sets back after a restore (ADR 0027). */
export const RESTORABLE_COOKIES = ["_fbp", "_fbc", "_ga", "_ttp", "_scid", "_epik"] as const;
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]{1,512}$/;
const MAX_RESTORE_AGE_S = 400 * 24 * 3600; // browsers keep no cookie longer (RFC 6265bis)

/**
 * The restored cookies to write: names on the list, missing from `jar` (the browser lost
 * them), values that are plain cookie octets, a positive whole max-age of at most 400 days
 * (what browsers allow). Untrusted JSON in, `[name, value, maxAge]` out.
 */
export function cookiesToRestore(raw: unknown, jar: Record<string, string>): Array<[string, string, number]> {
  const out: Array<[string, string, number]> = [];
  if (!raw || typeof raw !== "object") return out;
  for (const name of RESTORABLE_COOKIES) {
    const entry = (raw as Record<string, { value?: unknown; maxAge?: unknown } | undefined>)[name];
    if (jar[name] !== undefined || !entry) continue;
    const { value, maxAge } = entry;
    if (typeof value === "string" && COOKIE_VALUE.test(value) && Number.isSafeInteger(maxAge) && (maxAge as number) > 0 && (maxAge as number) <= MAX_RESTORE_AGE_S) {
      out.push([name, value, maxAge as number]);
    }
  }
  return out;
}
