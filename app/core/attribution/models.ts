import type { Channel } from "~/core/sessions/channel";

/**
 * Multi-touch attribution over a visitor's sessions (one touch per session).
 * Models as GA/Google Ads documented them before the move to data-driven
 * attribution (https://support.google.com/google-ads/answer/6259715):
 * - first_touch: all credit to the first session;
 * - last_touch: all credit to the last NON-direct session (GA's "last non-direct
 *   click": typing the URL to finish a purchase does not steal the ad's credit);
 *   only-direct journeys credit the last direct session;
 * - linear: equal credit;
 * - position_based: 40% first, 40% last, 20% shared by the middle (1 touch: 100%,
 *   2 touches: 50/50);
 * - time_decay: credit halves every `halfLifeMs` (7 days) before the conversion.
 */

export const ATTRIBUTION_MODELS = ["first_touch", "last_touch", "linear", "position_based", "time_decay"] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export const DAY_MS = 24 * 60 * 60_000;
export const DEFAULT_HALF_LIFE_MS = 7 * DAY_MS;
/** position_based shares. */
export const POSITION_FIRST = 0.4;
export const POSITION_LAST = 0.4;

export interface Touch {
  sessionId: string;
  /** Session start, unix ms. */
  at: number;
  channel: Channel;
  campaign: string | null;
  isDirect: boolean;
}

export interface Credit {
  sessionId: string;
  /** In [0, 1]; a model's weights sum to exactly 1 (or the list is empty). */
  weight: number;
}

export interface AttributeOptions {
  conversionAt: number;
  /** Touches older than conversionAt - lookbackMs are ignored. */
  lookbackMs: number;
  halfLifeMs?: number;
}

/**
 * Credit per model, each list in chronological order. Only touches in
 * [conversionAt - lookbackMs, conversionAt] count (both ends included); touches
 * after the conversion cannot have caused it. Equal times are ordered by sessionId so
 * the result does not depend on input order, and a sessionId listed twice counts once
 * (its earliest touch). No touch in the window → every list is empty.
 */
export function attribute(touches: readonly Touch[], opts: AttributeOptions): Record<AttributionModel, Credit[]> {
  const halfLifeMs = opts.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
  if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${halfLifeMs}`);
  const from = opts.conversionAt - opts.lookbackMs;
  const inWindow = touches
    .filter((t) => Number.isFinite(t.at) && t.at >= from && t.at <= opts.conversionAt)
    .sort((a, b) => a.at - b.at || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
  const seen = new Set<string>();
  const path = inWindow.filter((t) => (seen.has(t.sessionId) ? false : (seen.add(t.sessionId), true)));

  const first = path[0];
  const last = path[path.length - 1];
  if (first === undefined || last === undefined) {
    return { first_touch: [], last_touch: [], linear: [], position_based: [], time_decay: [] };
  }
  const lastNonDirect = [...path].reverse().find((t) => !t.isDirect) ?? last;
  const n = path.length;

  const position = path.map((_, i) => {
    if (n === 1) return 1;
    if (n === 2) return 0.5;
    if (i === 0) return POSITION_FIRST;
    if (i === n - 1) return POSITION_LAST;
    return (1 - POSITION_FIRST - POSITION_LAST) / (n - 2);
  });
  // 2^(-(conversionAt - at) / halfLife), taken relative to the newest touch instead: the
  // common factor cancels out when normalising, and very old touches cannot underflow
  // every weight to 0.
  const decay = path.map((t) => Math.pow(2, -(last.at - t.at) / halfLifeMs));
  const decayTotal = decay.reduce((a, w) => a + w, 0);

  return {
    first_touch: [{ sessionId: first.sessionId, weight: 1 }],
    last_touch: [{ sessionId: lastNonDirect.sessionId, weight: 1 }],
    linear: credits(path, path.map(() => 1 / n)),
    position_based: credits(path, position),
    time_decay: credits(path, decay.map((w) => w / decayTotal)),
  };
}

/** Pair weights with sessions; the last (most recent, never tiny) weight absorbs float residue so the sum is exactly 1. */
function credits(path: readonly Touch[], weights: readonly number[]): Credit[] {
  let sumBeforeLast = 0;
  return path.map((t, i) => {
    const w = weights[i] ?? 0;
    if (i < path.length - 1) {
      sumBeforeLast += w;
      return { sessionId: t.sessionId, weight: w };
    }
    return { sessionId: t.sessionId, weight: 1 - sumBeforeLast };
  });
}

export interface RevenueShare {
  sessionId: string;
  /** Decimal string with exactly `decimals` fraction digits. */
  amount: string;
}

/**
 * Split a decimal amount by weights in minor units (bigint), so the parts sum EXACTLY
 * to the amount: each part gets floor(amount × weight) minor units, and the units left
 * over go one each to the largest remainders (ties: earlier entry). Zero weights get
 * nothing. Negative amounts (refunds) split the same way with the sign kept.
 *
 * `decimals` is the currency's minor-unit exponent (2 for USD, 0 for JPY, 3 for KWD).
 * Weights need not sum to 1 (only their ratios matter).
 * Throws RangeError for a malformed amount, more significant decimals than the currency
 * has, or negative/non-finite/all-zero weights: those are caller bugs. No weights → [].
 */
export function splitRevenue(amount: string, weights: readonly Credit[], decimals = 2): RevenueShare[] {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 18) throw new RangeError(`bad decimals ${decimals}`);
  const units = parseMinorUnits(amount, decimals);
  if (weights.length === 0) return [];

  for (const { weight } of weights) {
    if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`bad weight ${weight}`);
  }
  const max = Math.max(...weights.map((c) => c.weight));
  if (max === 0) throw new RangeError("weights are all zero");
  // Integer weights relative to the largest: 2^52 steps keep float precision (tiny
  // weights next to big ones are not rounded away), and only ratios matter.
  const scaled = weights.map(({ weight }) => BigInt(Math.round((weight / max) * 2 ** 52)));
  const total = scaled.reduce((a, w) => a + w, 0n);

  const negative = units < 0n;
  const abs = negative ? -units : units;
  const parts = scaled.map((w) => (abs * w) / total);
  const remainders = scaled.map((w, i) => ({ i, r: (abs * w) % total }));
  let left = abs - parts.reduce((a, p) => a + p, 0n);
  remainders.sort((a, b) => (a.r > b.r ? -1 : a.r < b.r ? 1 : a.i - b.i));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return weights.map(({ sessionId }, i) => ({
    sessionId,
    amount: formatMinorUnits(negative ? -(parts[i] ?? 0n) : (parts[i] ?? 0n), decimals),
  }));
}

/** "127.44" → 12744n (decimals 2). Extra trailing zeros are fine ("12.500"); "1.005" is not. */
export function parseMinorUnits(amount: string, decimals: number): bigint {
  const m = /^([+-])?(\d+)(?:\.(\d*))?$/.exec(amount.trim());
  if (!m) throw new RangeError(`not a decimal amount: ${JSON.stringify(amount)}`);
  const [, sign, int = "0", frac = ""] = m;
  const kept = frac.slice(0, decimals);
  if (/[1-9]/.test(frac.slice(decimals))) {
    throw new RangeError(`${amount} has more than ${decimals} decimal places`);
  }
  const units = BigInt(int + kept.padEnd(decimals, "0"));
  return sign === "-" ? -units : units;
}

/** 12744n → "127.44"; -5n → "-0.05"; 0 decimals → "1500". Never "-0.00". */
export function formatMinorUnits(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, "0");
  const int = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals);
  return `${negative ? "-" : ""}${int}${decimals > 0 ? `.${frac}` : ""}`;
}
