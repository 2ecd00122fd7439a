/**
 * Lenient URL parsing for values that come from browsers and ad platforms:
 * absolute, scheme-less ("shop.com/x?y=1"), relative ("/x?y=1", "?y=1") or garbage.
 * Never throws; returns null when nothing useful can be read.
 */
export interface LooseUrl {
  /** "https:", "android-app:", ... ; "" for relative input. */
  protocol: string;
  /** Lower-cased host without port or trailing dot; null for relative or host-less URLs. */
  host: string | null;
  searchParams: URLSearchParams;
}

/** Longer strings are not URLs we want to look at (the pixel caps them at 2048). */
const MAX_URL_LENGTH = 8192;
const SCHEMELESS_HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?([/?#]|$)/i;

export function parseUrlLoose(raw: string | null | undefined): LooseUrl | null {
  if (typeof raw !== "string") return null;
  const s = raw.trim();
  if (s === "" || s.length > MAX_URL_LENGTH) return null;
  const absolute = tryUrl(s);
  if (absolute) return fromUrl(absolute);
  if (SCHEMELESS_HOST.test(s)) {
    const withScheme = tryUrl(`https://${s}`);
    if (withScheme) return fromUrl(withScheme);
  }
  const relative = tryUrl(s, "https://relative.invalid");
  return relative ? { protocol: "", host: null, searchParams: relative.searchParams } : null;
}

/**
 * Query params keyed by lower-cased name (UTM_Source and utm_source are the same
 * param in practice); the first non-empty value wins. Values are left untouched:
 * click ids are case-sensitive.
 */
export function readQueryParams(url: LooseUrl | null): Map<string, string> {
  const out = new Map<string, string>();
  if (url === null) return out;
  for (const [name, value] of url.searchParams) {
    const key = name.toLowerCase();
    if (!out.has(key) && value.trim() !== "") out.set(key, value);
  }
  return out;
}

function tryUrl(s: string, base?: string): URL | null {
  try {
    return new URL(s, base);
  } catch {
    return null;
  }
}

function fromUrl(u: URL): LooseUrl {
  const host = u.hostname.toLowerCase().replace(/\.$/, "");
  return { protocol: u.protocol, host: host === "" ? null : host, searchParams: u.searchParams };
}
