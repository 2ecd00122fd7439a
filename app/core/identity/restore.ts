import { decodeConsentBits } from "../consent/bits";
import type { StoredIdentity } from "../events/stored-identity";

/**
 * Cookie restoration (ADR 0027): what the server may hand back to ONE browser, identified by
 * the Shopify clientId it presents, from the pixel events that same clientId sent with ads
 * consent (marketing + sale of data). Never through a profile: profiles are merged on
 * unverified data (an email typed at checkout), so a restore by profile would let one
 * shopper read another's cookies.
 */

const DAY_S = 24 * 3600;

/**
 * How long each platform's own tag keeps its cookie (the expiry it sets, refreshed on each
 * visit). A restored cookie expires at `last seen by us + this lifetime`, so it never lives
 * longer than the platform's tag would have kept it. Sources: docs/platform/ad-platforms.md, "Cookie lifetimes".
 */
export const COOKIE_LIFETIME_S = {
  _fbp: 90 * DAY_S, // Meta: 90 days
  _fbc: 90 * DAY_S, // Meta: 90 days
  _ga: 2 * 365 * DAY_S, // Google Analytics: 2 years
  _ttp: 390 * DAY_S, // TikTok: 13 months
  _scid: 390 * DAY_S, // Snapchat: 13 months
  _epik: 365 * DAY_S, // Pinterest: 1 year
} as const;

/** Browsers keep no cookie longer than 400 days (RFC 6265bis; Chrome enforces it): never ask for more. */
export const MAX_COOKIE_AGE_S = 400 * DAY_S;

export type RestorableCookie = keyof typeof COOKIE_LIFETIME_S;
export const RESTORABLE_COOKIES = Object.keys(COOKIE_LIFETIME_S) as RestorableCookie[];

/** RFC 6265 cookie-octets only (no space, quote, comma, semicolon, backslash): safe to write back as `name=value`. */
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]{1,512}$/;
const VISITOR_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** One stored pixel event of the browser, newest first (PixelEvent: receivedAt, consent bits, visitorId, identity JSON). */
export interface ClientEventIdentity {
  receivedAt: number;
  consent: string;
  visitorId: string | null;
  identity: StoredIdentity;
}

export interface RestoreAnswer {
  visitorId: string | null;
  clickIds: Record<string, { value: string; at: number }>;
  /** name → value and the seconds it may still live (max-age). */
  cookies: Partial<Record<RestorableCookie, { value: string; maxAge: number }>>;
}

export const EMPTY_RESTORE: RestoreAnswer = { visitorId: null, clickIds: {}, cookies: {} };

function adsAllowed(bits: string): boolean {
  const c = decodeConsentBits(bits);
  return c !== null && c.analytics && c.marketing && c.saleOfData;
}

/**
 * What to restore from one browser's events (any order), at `now` (unix ms). Per cookie:
 * the value most recently reported, while `last report + lifetime` is still ahead. The
 * visitor id: the most recent one. Click ids: per key, the most recent value.
 */
export function restoreFromEvents(events: readonly ClientEventIdentity[], now: number): RestoreAnswer {
  const usable = events.filter((e) => adsAllowed(e.consent)).sort((a, b) => b.receivedAt - a.receivedAt);
  const out: RestoreAnswer = { visitorId: null, clickIds: {}, cookies: {} };
  const decided = new Set<string>();
  for (const e of usable) {
    if (out.visitorId === null && e.visitorId && VISITOR_ID.test(e.visitorId)) out.visitorId = e.visitorId;
    for (const [key, stamped] of Object.entries(e.identity.clickIds ?? {})) {
      if (!(key in out.clickIds) && typeof stamped?.value === "string" && stamped.value.length <= 512 && Number.isSafeInteger(stamped.at)) {
        out.clickIds[key] = { value: stamped.value, at: stamped.at };
      }
    }
    for (const name of RESTORABLE_COOKIES) {
      if (decided.has(name)) continue;
      const value = e.identity.cookies?.[name];
      if (typeof value !== "string" || !COOKIE_VALUE.test(value)) continue;
      decided.add(name); // the newest report decides, even when it has expired
      const maxAge = Math.min(MAX_COOKIE_AGE_S, Math.floor((e.receivedAt + COOKIE_LIFETIME_S[name] * 1000 - now) / 1000));
      if (maxAge > 0) out.cookies[name] = { value, maxAge };
    }
  }
  return out;
}
