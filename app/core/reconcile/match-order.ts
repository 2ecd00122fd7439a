/**
 * Which storefront visitor (profile) and session placed an order, from the
 * evidence the service looked up for it. Pure and deterministic: the same order
 * and evidence always give the same answer and the same explanation.
 *
 * Evidence, best first:
 * | method         | joins on                                          | confidence | status          |
 * |----------------|---------------------------------------------------|------------|-----------------|
 * | order_id       | pixel checkout_completed carried this order id    | exact      | matched         |
 * | checkout_token | pixel checkout events carried the checkout token  | exact      | matched         |
 * | cart_token     | pixel saw the cart that became this order         | strong     | matched         |
 * | click_id       | the order's landing URL click id, seen in a session| strong    | matched         |
 * | customer_id    | the Shopify customer was seen before              | probable   | profile_only    |
 * | email_hash     | same hashed email seen before                     | probable   | profile_only    |
 * | phone_hash     | same hashed phone seen before                     | probable   | profile_only    |
 *
 * The first four describe THIS purchase's session, so they "match". Identity
 * evidence says who the buyer is, not which visit made the sale: "profile_only".
 * A click id ranks above identity because it comes from this order's own
 * landing URL. A method whose candidate has no session still names the profile
 * (status profile_only).
 *
 * Lists (click id, customer, email, phone) may hold several candidates: only
 * those seen before the order (plus CLOCK_SKEW_MS) and within the lookback are
 * used, and the most recent wins; ties break on profileId then sessionId.
 */

import type { OrderFacts } from "~/core/orders/order-facts";
import type { OrderKind } from "~/core/orders/order-kind";

export interface Candidate {
  profileId: string;
  sessionId: string | null;
  eventId?: string;
  /** When the evidence was recorded (unix ms). */
  at: number;
  clickIds?: Record<string, string>;
  cookies?: Record<string, string>;
  /** The session's traffic source, when the service knows it (used in the explanation only). */
  utm?: { source?: string; medium?: string; campaign?: string };
}

export interface MatchEvidence {
  byOrderId?: Candidate;
  byCheckoutToken?: Candidate;
  byCartToken?: Candidate;
  byCustomerId?: Candidate[];
  byEmailHash?: Candidate[];
  byPhoneHash?: Candidate[];
  byClickId?: Candidate[];
}

export const MATCH_METHODS = [
  "order_id",
  "checkout_token",
  "cart_token",
  "click_id",
  "customer_id",
  "email_hash",
  "phone_hash",
] as const;
export type MatchMethod = (typeof MATCH_METHODS)[number] | "none";
export type MatchStatus = "matched" | "profile_only" | "unmatched";
export type MatchConfidence = "exact" | "strong" | "probable" | "none";

export interface MatchResult {
  status: MatchStatus;
  method: MatchMethod;
  confidence: MatchConfidence;
  profileId: string | null;
  sessionId: string | null;
  /** Click ids and cookies to send with the order's conversions. */
  inherited: { clickIds: Record<string, string>; cookies: Record<string, string> };
  /** Sentences a merchant can read. */
  explanation: string[];
}

export interface MatchOptions {
  /** Identity and click-id evidence older than this before the order is ignored. Default 90 days (Google Ads' longest click window). */
  lookbackMs?: number;
}

/** The pixel's clock and Shopify's can disagree by a little; evidence this far after the order still counts. */
export const CLOCK_SKEW_MS = 5 * 60_000;
export const DEFAULT_LOOKBACK_MS = 90 * 24 * 3_600_000;

const CONFIDENCE: Record<(typeof MATCH_METHODS)[number], MatchConfidence> = {
  order_id: "exact",
  checkout_token: "exact",
  cart_token: "strong",
  click_id: "strong",
  customer_id: "probable",
  email_hash: "probable",
  phone_hash: "probable",
};
const SESSION_METHODS = new Set<MatchMethod>(["order_id", "checkout_token", "cart_token", "click_id"]);

/** Long tokens are cut to 8 characters in explanations: enough to recognise, not enough to reuse. */
/**
 * Row ids (sessions, profiles) are cuids: their first characters are a timestamp, shared by
 * every row made in the same moment, so they are cut to their LAST 8 (random) characters.
 */
export function shortId(value: string): string {
  return value.length <= 12 ? value : `…${value.slice(-8)}`;
}

export function shortToken(value: string): string {
  return value.length <= 12 ? value : `${value.slice(0, 8)}…`;
}

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return "moments";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(ms / 3_600_000);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

function channel(utm: { source?: string; medium?: string; campaign?: string } | undefined): string {
  if (!utm) return "";
  const medium = utm.medium?.replace(/[_+]/g, " ").trim();
  const campaign = utm.campaign?.trim();
  const source = utm.source?.trim();
  const parts: string[] = [];
  if (medium) parts.push(medium);
  else if (source) parts.push(source);
  if (campaign) parts.push(`campaign ${campaign}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.at !== b.at) return b.at - a.at; // most recent first
  if (a.profileId !== b.profileId) return a.profileId < b.profileId ? -1 : 1;
  const sa = a.sessionId ?? "";
  const sb = b.sessionId ?? "";
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

interface Pick {
  method: (typeof MATCH_METHODS)[number];
  candidate: Candidate;
  /** Other distinct profiles the same list pointed at. */
  otherProfiles: number;
}

function pickFromList(
  method: (typeof MATCH_METHODS)[number],
  list: Candidate[] | undefined,
  orderAt: number,
  lookbackMs: number,
): { pick: Pick | null; after: number; tooOld: number } {
  const after = (list ?? []).filter((c) => c.at > orderAt + CLOCK_SKEW_MS).length;
  const tooOld = (list ?? []).filter((c) => c.at < orderAt - lookbackMs).length;
  const usable = (list ?? []).filter((c) => c.at <= orderAt + CLOCK_SKEW_MS && c.at >= orderAt - lookbackMs);
  if (usable.length === 0) return { pick: null, after, tooOld };
  const sorted = [...usable].sort(compareCandidates);
  const best = sorted[0] as Candidate;
  const otherProfiles = new Set(sorted.map((c) => c.profileId).filter((p) => p !== best.profileId)).size;
  return { pick: { method, candidate: best, otherProfiles }, after, tooOld };
}

function describe(pick: Pick, order: OrderFacts): string {
  const c = pick.candidate;
  const session = c.sessionId === null ? null : `session ${shortId(c.sessionId)}`;
  const beforeOrder = order.createdAt - c.at;
  const when = beforeOrder > 60_000 ? `, ${ago(beforeOrder)} before the order` : "";
  const profile = `visitor ${shortId(c.profileId)}`;
  // The order's own landing UTMs describe the checkout session; identity matches only use the candidate's.
  const sessionChannel = channel(c.utm ?? (SESSION_METHODS.has(pick.method) && pick.method !== "click_id" ? order.landing.utm : undefined));
  switch (pick.method) {
    case "order_id":
      return session
        ? `The storefront pixel reported order ${order.name ?? order.orderId} at checkout completion in ${session}${sessionChannel}.`
        : `The storefront pixel reported order ${order.name ?? order.orderId} at checkout completion for ${profile}.`;
    case "checkout_token": {
      const token = order.checkoutToken ? `checkout ${shortToken(order.checkoutToken)}` : "this checkout";
      return session
        ? `The storefront pixel saw ${token} complete in ${session}${sessionChannel}.`
        : `The storefront pixel saw ${token} for ${profile}.`;
    }
    case "cart_token": {
      const token = order.cartToken ? `cart ${shortToken(order.cartToken)}` : "this order's cart";
      return session
        ? `The storefront pixel saw ${token}, which became this order, in ${session}${sessionChannel}.`
        : `The storefront pixel saw ${token}, which became this order, for ${profile}.`;
    }
    case "click_id": {
      const entries = Object.entries(order.landing.clickIds);
      const clickEntry = entries.find(([key, value]) => c.clickIds?.[key] === value) ?? entries[0];
      const click = clickEntry ? `${clickEntry[0]} ${shortToken(clickEntry[1])}` : "a click id";
      return session
        ? `The order's landing page carried ${click}, also seen in ${session}${sessionChannel}${when}.`
        : `The order's landing page carried ${click}, also seen for ${profile}${when}.`;
    }
    case "customer_id":
    case "email_hash":
    case "phone_hash": {
      const who =
        pick.method === "customer_id"
          ? `Customer ${order.customerId ?? ""}`.trim()
          : pick.method === "email_hash"
            ? "The order's email address"
            : "The order's phone number";
      const seen =
        pick.method === "customer_id" ? `was last seen on the storefront` : `matches a visitor last seen on the storefront`;
      return session
        ? `${who} ${seen} in ${session}${sessionChannel}${when}; the visit that placed the order was not observed.`
        : `${who} ${pick.method === "customer_id" ? "is" : "matches"} known ${profile}, with no recorded session.`;
    }
  }
}

function unmatchedSentence(kind: OrderKind, order: OrderFacts): string {
  switch (kind) {
    case "pos":
      return "Unmatched: POS order with no online evidence and no customer history.";
    case "subscription_renewal":
      return "Unmatched: subscription renewal charged automatically, with no storefront session and no customer history.";
    case "draft":
      return "Unmatched: draft order completed in the admin, with no storefront session and no customer history.";
    case "other_channel":
      return `Unmatched: order from ${order.sourceName ? `channel ${order.sourceName}` : "another channel"} with no storefront session and no customer history.`;
    case "upsell":
      if (!order.checkoutToken) {
        return "Unmatched: separate upsell order created by an app, with no storefront session and no customer history.";
      }
    // falls through: an upsell that went through a checkout is explained like any online order
    case "online":
    case "subscription_first": {
      const checkout = order.checkoutToken ? `checkout ${shortToken(order.checkoutToken)}` : "this checkout";
      return `Unmatched: the storefront pixel did not report ${checkout}, and no customer, email or phone history matched. The buyer may have declined tracking consent or blocked the pixel.`;
    }
  }
}

export function matchOrder(order: OrderFacts, evidence: MatchEvidence, options: MatchOptions = {}): MatchResult {
  const lookbackMs = options.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  const picks: Pick[] = [];
  let after = 0;
  let tooOld = 0;
  const singles: Array<[(typeof MATCH_METHODS)[number], Candidate | undefined]> = [
    ["order_id", evidence.byOrderId],
    ["checkout_token", evidence.byCheckoutToken],
    ["cart_token", evidence.byCartToken],
  ];
  for (const [method, candidate] of singles) {
    if (candidate) picks.push({ method, candidate, otherProfiles: 0 });
  }
  const lists: Array<[(typeof MATCH_METHODS)[number], Candidate[] | undefined]> = [
    ["click_id", evidence.byClickId],
    ["customer_id", evidence.byCustomerId],
    ["email_hash", evidence.byEmailHash],
    ["phone_hash", evidence.byPhoneHash],
  ];
  for (const [method, list] of lists) {
    const found = pickFromList(method, list, order.createdAt, lookbackMs);
    after += found.after;
    tooOld += found.tooOld;
    if (found.pick !== null) picks.push(found.pick);
  }

  const best = picks[0];
  if (best === undefined) {
    const explanation = [unmatchedSentence(order.kind, order)];
    if (after > 0) {
      explanation.push(`${after} visit${after === 1 ? " was" : "s were"} recorded only after the order was placed and could not have led to it.`);
    }
    if (tooOld > 0) {
      const days = Math.round(lookbackMs / 86_400_000);
      explanation.push(`${tooOld} visit${tooOld === 1 ? " was" : "s were"} more than ${days} days before the order and not used.`);
    }
    return {
      status: "unmatched",
      method: "none",
      confidence: "none",
      profileId: null,
      sessionId: null,
      inherited: { clickIds: {}, cookies: {} },
      explanation,
    };
  }

  const c = best.candidate;
  const status: MatchStatus = SESSION_METHODS.has(best.method) && c.sessionId !== null ? "matched" : "profile_only";
  const explanation = [describe(best, order)];

  // Fill click ids / cookies the chosen session lacks from other evidence about the SAME visitor, best evidence first.
  const clickIds: Record<string, string> = { ...(c.clickIds ?? {}) };
  const cookies: Record<string, string> = { ...(c.cookies ?? {}) };
  const filled: string[] = [];
  for (const other of picks.slice(1)) {
    if (other.candidate.profileId !== c.profileId) continue;
    for (const [key, value] of Object.entries(other.candidate.clickIds ?? {})) {
      if (clickIds[key] === undefined) {
        clickIds[key] = value;
        filled.push(key);
      }
    }
    for (const [key, value] of Object.entries(other.candidate.cookies ?? {})) {
      if (cookies[key] === undefined) {
        cookies[key] = value;
        filled.push(key);
      }
    }
  }
  if (filled.length > 0) {
    explanation.push(`${filled.join(", ")} came from earlier visits by the same visitor.`);
  }

  const conflicting = picks.filter((p) => p.candidate.profileId !== c.profileId).map((p) => p.method);
  if (conflicting.length > 0) {
    explanation.push(
      `Weaker evidence (${[...new Set(conflicting)].join(", ").replace(/_/g, " ")}) pointed to a different visitor; the stronger evidence was used.`,
    );
  }
  if (best.otherProfiles > 0) {
    explanation.push(
      `${best.otherProfiles + 1} visitors share this ${best.method.replace(/_hash$/, "").replace(/_/g, " ")}; the most recent one was used.`,
    );
  }

  return {
    status,
    method: best.method,
    confidence: CONFIDENCE[best.method],
    profileId: c.profileId,
    sessionId: c.sessionId,
    inherited: { clickIds, cookies },
    explanation,
  };
}
