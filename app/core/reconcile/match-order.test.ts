import { describe, expect, test } from "vitest";
import { extractExactIds } from "~/core/orders/exact-ids";
import { toOrderFacts, type OrderFacts } from "~/core/orders/order-facts";
import { OrderWebhookSchema } from "~/core/orders/order-webhook.schema";
import {
  asWebhook,
  buildDraftCompletedOrder,
  buildOnlineOrder,
  buildOtherChannelOrder,
  buildPosOrder,
  buildSubscriptionRenewalOrder,
  buildUpsellAppOrder,
  type RestOrder,
} from "../../../test/factories/order-factory";
import { matchOrder, shortId, shortToken, type Candidate, type MatchEvidence, type MatchOptions, type MatchResult } from "./match-order";

function facts(payload: RestOrder): OrderFacts {
  const { rawBody, parsed } = asWebhook(payload);
  const result = toOrderFacts(OrderWebhookSchema.parse(parsed), extractExactIds(rawBody));
  if (result.kind !== "facts") throw new Error(result.reason);
  return result.facts;
}

const online = facts(buildOnlineOrder());
const T = online.createdAt; // 2025-03-14T10:22:31-04:00
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const checkoutSession: Candidate = {
  profileId: "p_1",
  sessionId: "s_123",
  eventId: "sh-evt-checkout-completed-1",
  at: T - 30_000,
  cookies: { _fbp: "fb.1.1741960000000.1116446470", _ga: "GA1.1.123.456" },
};
const NONE = { clickIds: {}, cookies: {} };

interface Case {
  name: string;
  order?: OrderFacts;
  evidence: MatchEvidence;
  options?: MatchOptions;
  expected: MatchResult;
}

const cases: Case[] = [
  {
    name: "order id reported by the pixel: exact",
    evidence: { byOrderId: checkoutSession, byCheckoutToken: checkoutSession },
    expected: {
      status: "matched",
      method: "order_id",
      confidence: "exact",
      profileId: "p_1",
      sessionId: "s_123",
      inherited: { clickIds: {}, cookies: checkoutSession.cookies! },
      explanation: ["The storefront pixel reported order #1042 at checkout completion in session s_123 (paid social, campaign spring)."],
    },
  },
  {
    name: "checkout token: exact, token shortened",
    evidence: { byCheckoutToken: checkoutSession },
    expected: {
      status: "matched",
      method: "checkout_token",
      confidence: "exact",
      profileId: "p_1",
      sessionId: "s_123",
      inherited: { clickIds: {}, cookies: checkoutSession.cookies! },
      explanation: ["The storefront pixel saw checkout b1946ac9… complete in session s_123 (paid social, campaign spring)."],
    },
  },
  {
    name: "cart token: strong",
    evidence: { byCartToken: { ...checkoutSession, sessionId: "s_cart", clickIds: { fbclid: "IwAR0abc123" } } },
    expected: {
      status: "matched",
      method: "cart_token",
      confidence: "strong",
      profileId: "p_1",
      sessionId: "s_cart",
      inherited: { clickIds: { fbclid: "IwAR0abc123" }, cookies: checkoutSession.cookies! },
      explanation: ["The storefront pixel saw cart Z2NwLXVz…, which became this order, in session s_cart (paid social, campaign spring)."],
    },
  },
  {
    name: "click id from the landing URL: strong, the session's own channel",
    evidence: {
      byClickId: [
        { profileId: "p_7", sessionId: "s_77", at: T - 2 * HOUR, clickIds: { fbclid: "IwAR0abc123" }, utm: { source: "facebook", medium: "paid_social", campaign: "spring" } },
      ],
    },
    expected: {
      status: "matched",
      method: "click_id",
      confidence: "strong",
      profileId: "p_7",
      sessionId: "s_77",
      inherited: { clickIds: { fbclid: "IwAR0abc123" }, cookies: {} },
      explanation: ["The order's landing page carried fbclid IwAR0abc123, also seen in session s_77 (paid social, campaign spring), 2 h before the order."],
    },
  },
  {
    name: "customer id: the most recent visit before the order, not the one after it",
    evidence: {
      byCustomerId: [
        { profileId: "p_9", sessionId: "s_old", at: T - 10 * DAY, clickIds: { gclid: "old" } },
        { profileId: "p_9", sessionId: "s_9", at: T - 3 * DAY, clickIds: { gclid: "Cj0-recent" } },
        { profileId: "p_9", sessionId: "s_after", at: T + 2 * HOUR, clickIds: { gclid: "after" } },
      ],
    },
    expected: {
      status: "profile_only",
      method: "customer_id",
      confidence: "probable",
      profileId: "p_9",
      sessionId: "s_9",
      inherited: { clickIds: { gclid: "Cj0-recent" }, cookies: {} },
      explanation: [
        "Customer 7301234567890 was last seen on the storefront in session s_9, 3 days before the order; the visit that placed the order was not observed.",
      ],
    },
  },
  {
    name: "email hash shared by two visitors: the most recent one, and it says so",
    evidence: {
      byEmailHash: [
        { profileId: "p_a", sessionId: "s_a", at: T - 5 * HOUR },
        { profileId: "p_b", sessionId: "s_b", at: T - 1 * HOUR, utm: { source: "newsletter" } },
      ],
    },
    expected: {
      status: "profile_only",
      method: "email_hash",
      confidence: "probable",
      profileId: "p_b",
      sessionId: "s_b",
      inherited: NONE,
      explanation: [
        "The order's email address matches a visitor last seen on the storefront in session s_b (newsletter), 1 h before the order; the visit that placed the order was not observed.",
        "2 visitors share this email; the most recent one was used.",
      ],
    },
  },
  {
    name: "phone hash, profile without a session",
    evidence: { byPhoneHash: [{ profileId: "prof_4b8c2d1e9f", sessionId: null, at: T - DAY }] },
    expected: {
      status: "profile_only",
      method: "phone_hash",
      confidence: "probable",
      profileId: "prof_4b8c2d1e9f",
      sessionId: null,
      inherited: NONE,
      explanation: ["The order's phone number matches known visitor …8c2d1e9f, with no recorded session."],
    },
  },
  {
    name: "checkout token without a session: profile only, still exact evidence",
    evidence: { byCheckoutToken: { profileId: "p_1", sessionId: null, at: T } },
    expected: {
      status: "profile_only",
      method: "checkout_token",
      confidence: "exact",
      profileId: "p_1",
      sessionId: null,
      inherited: NONE,
      explanation: ["The storefront pixel saw checkout b1946ac9… for visitor p_1."],
    },
  },
  {
    name: "best evidence wins; missing click ids come from weaker evidence for the SAME visitor",
    evidence: {
      byCheckoutToken: checkoutSession,
      byCustomerId: [{ profileId: "p_1", sessionId: "s_prev", at: T - 2 * DAY, clickIds: { gclid: "Cj0-prev" }, cookies: { _fbp: "other", _ttp: "ttp-1" } }],
      byEmailHash: [{ profileId: "p_other", sessionId: "s_x", at: T - HOUR, clickIds: { ttclid: "not-mine" } }],
    },
    expected: {
      status: "matched",
      method: "checkout_token",
      confidence: "exact",
      profileId: "p_1",
      sessionId: "s_123",
      inherited: { clickIds: { gclid: "Cj0-prev" }, cookies: { ...checkoutSession.cookies!, _ttp: "ttp-1" } },
      explanation: [
        "The storefront pixel saw checkout b1946ac9… complete in session s_123 (paid social, campaign spring).",
        "gclid, _ttp came from earlier visits by the same visitor.",
        "Weaker evidence (email hash) pointed to a different visitor; the stronger evidence was used.",
      ],
    },
  },
  {
    name: "evidence older than the lookback is not used",
    evidence: { byCustomerId: [{ profileId: "p_9", sessionId: "s_9", at: T - 40 * DAY }] },
    options: { lookbackMs: 30 * DAY },
    expected: {
      status: "unmatched",
      method: "none",
      confidence: "none",
      profileId: null,
      sessionId: null,
      inherited: NONE,
      explanation: [
        "Unmatched: the storefront pixel did not report checkout b1946ac9…, and no customer, email or phone history matched. The buyer may have declined tracking consent or blocked the pixel.",
        "1 visit was more than 30 days before the order and not used.",
      ],
    },
  },
  {
    name: "evidence only after the order cannot explain it",
    evidence: { byEmailHash: [{ profileId: "p", sessionId: "s", at: T + HOUR }, { profileId: "p", sessionId: "s2", at: T + DAY }] },
    expected: {
      status: "unmatched",
      method: "none",
      confidence: "none",
      profileId: null,
      sessionId: null,
      inherited: NONE,
      explanation: [
        "Unmatched: the storefront pixel did not report checkout b1946ac9…, and no customer, email or phone history matched. The buyer may have declined tracking consent or blocked the pixel.",
        "2 visits were recorded only after the order was placed and could not have led to it.",
      ],
    },
  },
  {
    name: "a few minutes of clock skew is tolerated",
    evidence: { byCustomerId: [{ profileId: "p", sessionId: "s", at: T + 4 * MIN }] },
    expected: {
      status: "profile_only",
      method: "customer_id",
      confidence: "probable",
      profileId: "p",
      sessionId: "s",
      inherited: NONE,
      explanation: ["Customer 7301234567890 was last seen on the storefront in session s; the visit that placed the order was not observed."],
    },
  },
  {
    name: "unmatched POS",
    order: facts(buildPosOrder()),
    evidence: {},
    expected: {
      status: "unmatched",
      method: "none",
      confidence: "none",
      profileId: null,
      sessionId: null,
      inherited: NONE,
      explanation: ["Unmatched: POS order with no online evidence and no customer history."],
    },
  },
  {
    name: "unmatched renewal",
    order: facts(buildSubscriptionRenewalOrder()),
    evidence: { byCustomerId: [] },
    expected: {
      status: "unmatched",
      method: "none",
      confidence: "none",
      profileId: null,
      sessionId: null,
      inherited: NONE,
      explanation: ["Unmatched: subscription renewal charged automatically, with no storefront session and no customer history."],
    },
  },
  {
    name: "unmatched draft",
    order: facts(buildDraftCompletedOrder()),
    evidence: {},
    expected: {
      status: "unmatched",
      method: "none",
      confidence: "none",
      profileId: null,
      sessionId: null,
      inherited: NONE,
      explanation: ["Unmatched: draft order completed in the admin, with no storefront session and no customer history."],
    },
  },
  {
    name: "unmatched other channel",
    order: facts(buildOtherChannelOrder()),
    evidence: {},
    expected: {
      status: "unmatched",
      method: "none",
      confidence: "none",
      profileId: null,
      sessionId: null,
      inherited: NONE,
      explanation: ["Unmatched: order from channel 4383523 with no storefront session and no customer history."],
    },
  },
  {
    name: "unmatched separate upsell order without a checkout",
    order: facts(buildUpsellAppOrder()),
    evidence: {},
    expected: {
      status: "unmatched",
      method: "none",
      confidence: "none",
      profileId: null,
      sessionId: null,
      inherited: NONE,
      explanation: ["Unmatched: separate upsell order created by an app, with no storefront session and no customer history."],
    },
  },
];

describe("matchOrder", () => {
  test.each(cases)("$name", ({ order, evidence, options, expected }) => {
    expect(matchOrder(order ?? online, evidence, options)).toEqual(expected);
  });

  test("deterministic: candidate order and ties do not change the answer", () => {
    const tied: Candidate[] = [
      { profileId: "p_b", sessionId: "s_2", at: T - HOUR },
      { profileId: "p_a", sessionId: "s_9", at: T - HOUR },
      { profileId: "p_a", sessionId: "s_1", at: T - HOUR },
    ];
    const forward = matchOrder(online, { byEmailHash: tied });
    const reversed = matchOrder(online, { byEmailHash: [...tied].reverse() });
    expect(forward).toEqual(reversed);
    expect([forward.profileId, forward.sessionId]).toEqual(["p_a", "s_1"]);
  });

  test("the input evidence is not mutated", () => {
    const list: Candidate[] = [
      { profileId: "p", sessionId: "s_old", at: T - DAY },
      { profileId: "p", sessionId: "s_new", at: T - HOUR },
    ];
    const copy = structuredClone(list);
    matchOrder(online, { byCustomerId: list });
    expect(list).toEqual(copy);
  });
});

describe("shortId", () => {
  test.each([
    ["s_123", "s_123"],
    ["cmwrn8d0q0012f77dgpi6nb95", "…gpi6nb95"],
  ])("%s → %s", (value, expected) => {
    expect(shortId(value)).toBe(expected);
  });
});

describe("shortToken", () => {
  test.each([
    ["s_123", "s_123"],
    ["IwAR0abc123", "IwAR0abc123"],
    ["123456789012", "123456789012"],
    ["1234567890123", "12345678…"],
    ["b1946ac92492d2347c6235b4d2611184", "b1946ac9…"],
  ])("%s → %s", (value, expected) => {
    expect(shortToken(value)).toBe(expected);
  });
});
