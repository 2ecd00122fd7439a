import type { ClickIdKey } from "~/core/events/pixel-payload.schema";
import { classifyChannel, clickIdValues, type ChannelResult, type StampedOrPlain, type UtmInput } from "./channel";

/**
 * Session boundaries, close to Universal Analytics' rules
 * (https://support.google.com/analytics/answer/2731565):
 * - 30 minutes without events ends a session;
 * - a NEW campaign (a different UTM set or click id) starts one, even mid-visit,
 *   so the ad click that brought the visitor back gets its own touch;
 * - an event without a campaign (direct, internal, plain referral) never breaks one;
 * - optionally, the shop's midnight ends one (UA did; GA4 does not, hence opt-in).
 */

export const DEFAULT_SESSION_TIMEOUT_MS = 30 * 60_000;

export interface SessionState {
  id: string;
  startedAt: number;
  lastEventAt: number;
  campaignKey: string | null;
}

export interface SessionEvent {
  at: number;
  campaignKey: string | null;
}

export interface SessionOptions {
  /** Inactivity that ends a session; default 30 minutes. A gap of exactly this long ends it. */
  timeoutMs?: number;
  /**
   * Calendar day of a timestamp in the shop's time zone (see zonedDayKey); when set,
   * a session never spans two days.
   */
  dayKey?: (at: number) => string;
}

export type SessionDecision =
  | {
      kind: "continue";
      sessionId: string;
      /** The session's fields after this event (out-of-order events can move startedAt back). */
      startedAt: number;
      lastEventAt: number;
      campaignKey: string | null;
    }
  | { kind: "new"; reason: "first" | "timeout" | "new_campaign" | "midnight" };

/**
 * Does `event` continue `prev` or start a new session?
 *
 * The gap is measured from the event to the session's [startedAt, lastEventAt] span,
 * so late-arriving events (browser batching, retries) that fall inside the span, or
 * shortly before or after it, continue the session. An event landing more than
 * `timeoutMs` before the session started belongs to an older session: "timeout".
 */
export function decideSession(prev: SessionState | null, event: SessionEvent, opts: SessionOptions = {}): SessionDecision {
  if (prev === null) return { kind: "new", reason: "first" };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;

  const before = event.at < prev.startedAt;
  const gap = event.at > prev.lastEventAt ? event.at - prev.lastEventAt : before ? prev.startedAt - event.at : 0;
  if (gap >= timeoutMs) return { kind: "new", reason: "timeout" };

  let campaignKey = prev.campaignKey;
  if (event.campaignKey !== null && event.campaignKey !== prev.campaignKey) {
    // A late-arriving landing event (at or before the start of a session that has no
    // campaign yet) is the session's real start: adopt its campaign instead of splitting.
    if (prev.campaignKey === null && event.at <= prev.startedAt) campaignKey = event.campaignKey;
    else return { kind: "new", reason: "new_campaign" };
  }

  if (opts.dayKey) {
    const edge = before ? prev.startedAt : prev.lastEventAt;
    if (event.at !== edge && opts.dayKey(event.at) !== opts.dayKey(edge)) return { kind: "new", reason: "midnight" };
  }

  return {
    kind: "continue",
    sessionId: prev.id,
    startedAt: Math.min(prev.startedAt, event.at),
    lastEventAt: Math.max(prev.lastEventAt, event.at),
    campaignKey,
  };
}

/**
 * Day key ("2025-03-30") of a timestamp in an IANA time zone, for SessionOptions.dayKey.
 * Throws RangeError for an unknown zone (a configuration bug, caught at setup).
 */
export function zonedDayKey(timeZone: string): (at: number) => string {
  // en-CA formats dates as YYYY-MM-DD.
  const fmt = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return (at) => fmt.format(at);
}

export interface RawCampaignInput {
  utm?: UtmInput;
  clickIds?: Partial<Record<ClickIdKey, StampedOrPlain>>;
}

/**
 * Campaign identity of a landing: the click id that decided the channel plus the
 * source/medium/campaign/adSet/ad, or null when the landing carries no campaign
 * (referrer-only or direct traffic).
 *
 * Accepts a classifyChannel result, or raw UTMs and click ids (plain or stamped as
 * the pixel sends them), which are classified first so both forms give the same key
 * for the same inputs. Use one form consistently for a shop.
 *
 * Text parts are lower-cased ("Spring" and "spring" are one campaign); the click id
 * value is kept as-is because click ids are case-sensitive.
 */
export function campaignKeyOf(input: ChannelResult | RawCampaignInput): string | null {
  const result = isChannelResult(input) ? input : classifyChannel({ utm: input.utm, clickIds: clickIdValues(input.clickIds) });
  if (result.basis !== "click_id" && result.basis !== "utm") return null;
  const lower = (v: string | null) => (v === null ? null : v.toLowerCase());
  return JSON.stringify([
    result.clickId ? `${result.clickId.key}=${result.clickId.value}` : null,
    lower(result.source),
    lower(result.medium),
    lower(result.campaign),
    lower(result.adSet),
    lower(result.ad),
  ]);
}

function isChannelResult(input: ChannelResult | RawCampaignInput): input is ChannelResult {
  return "basis" in input && "channel" in input;
}
