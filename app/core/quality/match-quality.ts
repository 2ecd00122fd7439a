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
 * Each platform's weights, with the sources whose order of importance they follow, live in
 * the platform's folder (app/destinations/<platform>/facts.ts, `matchQuality`); this module
 * only does the arithmetic, so it stays pure and platform-free.
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
  otherClickId: "Other click ids (msclkid, twclid, li_fat_id, rdt_cid)",
  ip: "IP address",
  userAgent: "User agent",
  value: "Value",
  currency: "Currency",
  contentIds: "Content ids",
};

/** Points per identifier for one platform; they sum to exactly 10 (checked for every platform by a test). */
export type MatchWeights = Readonly<Partial<Record<QualityField, number>>>;

export type PresenceCounts = Record<QualityField, number>;

export interface EventQuality {
  name: string;
  total: number;
  /** Share of events with each field, in [0, 1]. */
  presence: Record<QualityField, number>;
  /** Estimated 0-10 score per platform (keyed as the weights were), one decimal. */
  scores: Record<string, number>;
}

export function emptyPresence(): PresenceCounts {
  return Object.fromEntries(QUALITY_FIELDS.map((f) => [f, 0])) as PresenceCounts;
}

/** Estimated score (0-10, one decimal) of events with these presence rates. */
export function estimateMatchScore(weights: MatchWeights, presence: Partial<Record<QualityField, number>>): number {
  let score = 0;
  for (const [field, weight] of Object.entries(weights) as Array<[QualityField, number]>) {
    const rate = Math.min(1, Math.max(0, presence[field] ?? 0));
    score += weight * rate;
  }
  return Math.round(Math.min(10, score) * 10) / 10;
}

/** Presence rates and a score per platform (weights keyed by platform) for one event name from its counts. */
export function eventQuality(
  name: string,
  total: number,
  counts: Partial<PresenceCounts>,
  weightsByPlatform: Readonly<Record<string, MatchWeights>>,
): EventQuality {
  const presence = Object.fromEntries(
    QUALITY_FIELDS.map((f) => [f, total > 0 ? Math.min(1, (counts[f] ?? 0) / total) : 0]),
  ) as Record<QualityField, number>;
  const scores = Object.fromEntries(Object.entries(weightsByPlatform).map(([p, w]) => [p, estimateMatchScore(w, presence)]));
  return { name, total, presence, scores };
}

/** Rating words as Meta's Events Manager uses them (Poor < 4 ≤ OK < 6 ≤ Good < 8 ≤ Great). */
export function scoreRating(score: number): "poor" | "ok" | "good" | "great" {
  if (score >= 8) return "great";
  if (score >= 6) return "good";
  if (score >= 4) return "ok";
  return "poor";
}
