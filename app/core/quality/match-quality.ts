/**
 * Data quality per storefront event name: how often each identifier and property is
 * present, and an ESTIMATE of the match score each ad platform would give it.
 *
 * No platform publishes its scoring formula. Meta's Event Match Quality (0-10) and
 * the similar scores at TikTok, Pinterest and Snapchat are described only as "how
 * many and which customer information parameters are sent, and how well they match".
 * The weights below turn each platform's own documented priority of parameters into
 * points that sum to exactly 10, so a score reads like Meta's EMQ: 10 means every
 * event carries every parameter the platform uses for matching. Because the weights
 * sum to 10 and the score is linear, the score of an event name equals the average
 * score of its events, computed from presence rates alone.
 *
 * Sources (the order of importance each weight follows):
 * - Meta: "About event match quality" https://www.facebook.com/business/help/765081237991954
 *   and Conversions API customer information parameters
 *   https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
 *   (em and ph strongest; fbc, fbp, external_id, then client_ip_address + client_user_agent,
 *   which Meta requires together for website events).
 * - TikTok: Events API "Improve event match quality"
 *   https://business-api.tiktok.com/portal/docs?id=1771101027431425
 *   (email, phone, ttclid, _ttp cookie, external_id, ip, user_agent).
 * - Google Ads: enhanced conversions https://support.google.com/google-ads/answer/9888656
 *   and https://developers.google.com/google-ads/api/docs/conversions/upload-clicks
 *   (a click id — gclid, gbraid or wbraid — ties the conversion to the click; hashed
 *   email then phone recover the rest).
 * - Pinterest: Conversions API best practices
 *   https://developers.pinterest.com/docs/api-features/conversion-best-practices/
 *   (em, ph, click_id from _epik, external_id, client_ip_address, client_user_agent).
 * - Snapchat: Conversions API parameters and "Event Quality Score"
 *   https://developers.snap.com/api/marketing-api/Conversions-API/Parameters
 *   (em, ph, sc_click_id (ScCid), sc_cookie1 (_scid), ip, user agent).
 */

export const QUALITY_FIELDS = [
  "emailHash",
  "phoneHash",
  "clientId",
  "externalId",
  "fbp",
  "fbc",
  "ttp",
  "ttclid",
  "googleClickId",
  "scClickId",
  "scCookie",
  "epik",
  "otherClickId",
  "ip",
  "userAgent",
  "value",
  "currency",
  "contentIds",
] as const;
export type QualityField = (typeof QUALITY_FIELDS)[number];

export const QUALITY_FIELD_LABELS: Record<QualityField, string> = {
  emailHash: "Email (hashed)",
  phoneHash: "Phone (hashed)",
  clientId: "Shopify client id",
  externalId: "Customer / profile id",
  fbp: "Meta _fbp cookie",
  fbc: "Meta click id (fbclid/_fbc)",
  ttp: "TikTok _ttp cookie",
  ttclid: "TikTok click id",
  googleClickId: "Google click id (gclid/gbraid/wbraid)",
  scClickId: "Snapchat click id",
  scCookie: "Snapchat _scid cookie",
  epik: "Pinterest click id (epik)",
  otherClickId: "Other click ids (msclkid, twclid, li_fat_id)",
  ip: "IP address",
  userAgent: "User agent",
  value: "Value",
  currency: "Currency",
  contentIds: "Content ids",
};

export const MATCH_PLATFORMS = ["meta", "tiktok", "google-ads", "pinterest", "snapchat"] as const;
export type MatchPlatform = (typeof MATCH_PLATFORMS)[number];

export const MATCH_PLATFORM_LABELS: Record<MatchPlatform, string> = {
  meta: "Meta",
  tiktok: "TikTok",
  "google-ads": "Google Ads",
  pinterest: "Pinterest",
  snapchat: "Snapchat",
};

/** Points per identifier; each platform's points sum to exactly 10 (checked by a test). */
export const MATCH_WEIGHTS: Record<MatchPlatform, Partial<Record<QualityField, number>>> = {
  meta: { emailHash: 3, phoneHash: 2, fbc: 1.5, fbp: 1, externalId: 1, ip: 0.75, userAgent: 0.75 },
  tiktok: { emailHash: 2.5, phoneHash: 2.5, ttclid: 2, ttp: 1, externalId: 1, ip: 0.5, userAgent: 0.5 },
  "google-ads": { googleClickId: 5, emailHash: 3, phoneHash: 2 },
  pinterest: { emailHash: 3, phoneHash: 1.5, epik: 2, externalId: 1.5, ip: 1, userAgent: 1 },
  snapchat: { emailHash: 3, phoneHash: 2, scClickId: 2, scCookie: 1, ip: 1, userAgent: 1 },
};

export type PresenceCounts = Record<QualityField, number>;

export interface EventQuality {
  name: string;
  total: number;
  /** Share of events with each field, in [0, 1]. */
  presence: Record<QualityField, number>;
  /** Estimated 0-10 score per platform, one decimal. */
  scores: Record<MatchPlatform, number>;
}

export function emptyPresence(): PresenceCounts {
  return Object.fromEntries(QUALITY_FIELDS.map((f) => [f, 0])) as PresenceCounts;
}

/** Estimated score (0-10, one decimal) of events with these presence rates. */
export function estimateMatchScore(platform: MatchPlatform, presence: Partial<Record<QualityField, number>>): number {
  let score = 0;
  for (const [field, weight] of Object.entries(MATCH_WEIGHTS[platform]) as Array<[QualityField, number]>) {
    const rate = Math.min(1, Math.max(0, presence[field] ?? 0));
    score += weight * rate;
  }
  return Math.round(Math.min(10, score) * 10) / 10;
}

/** Presence rates and platform scores for one event name from its counts. */
export function eventQuality(name: string, total: number, counts: Partial<PresenceCounts>): EventQuality {
  const presence = Object.fromEntries(
    QUALITY_FIELDS.map((f) => [f, total > 0 ? Math.min(1, (counts[f] ?? 0) / total) : 0]),
  ) as Record<QualityField, number>;
  const scores = Object.fromEntries(MATCH_PLATFORMS.map((p) => [p, estimateMatchScore(p, presence)])) as Record<MatchPlatform, number>;
  return { name, total, presence, scores };
}

/** Rating words as Meta's Events Manager uses them (Poor < 4 ≤ OK < 6 ≤ Good < 8 ≤ Great). */
export function scoreRating(score: number): "poor" | "ok" | "good" | "great" {
  if (score >= 8) return "great";
  if (score >= 6) return "good";
  if (score >= 4) return "ok";
  return "poor";
}
