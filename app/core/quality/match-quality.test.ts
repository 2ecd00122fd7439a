import { describe, expect, it } from "vitest";
import { QUALITY_FIELDS, estimateMatchScore, eventQuality, scoreRating, type MatchWeights } from "./match-quality";

// Example weights for the arithmetic (each platform's real ones are in its folder, checked by
// test/destinations/adapters.test.ts): an email-led table and a click-id-led one, each summing to 10.
const EMAIL_LED: MatchWeights = { emailHash: 3, phoneHash: 2, fbc: 1.5, fbp: 1, externalId: 1, ip: 0.75, userAgent: 0.75 };
const CLICK_LED: MatchWeights = { googleClickId: 5, emailHash: 3, phoneHash: 2 };

describe("match quality estimate", () => {
  it("every identifier present → 10; nothing present → 0", () => {
    const all = Object.fromEntries(QUALITY_FIELDS.map((f) => [f, 1]));
    for (const w of [EMAIL_LED, CLICK_LED]) {
      expect(estimateMatchScore(w, all)).toBe(10);
      expect(estimateMatchScore(w, {})).toBe(0);
    }
  });

  it("email on every event and ip+ua on half → 3 + 0.75 = 3.8 (rounded to one decimal)", () => {
    expect(estimateMatchScore(EMAIL_LED, { emailHash: 1, ip: 0.5, userAgent: 0.5 })).toBe(3.8);
  });

  it("only the fields a platform weighs count", () => {
    expect(estimateMatchScore(CLICK_LED, { googleClickId: 1 })).toBe(5);
    expect(estimateMatchScore(EMAIL_LED, { googleClickId: 1 })).toBe(0);
  });

  it("rates above 1 or below 0 are clamped", () => {
    expect(estimateMatchScore(EMAIL_LED, { emailHash: 4, phoneHash: -1 })).toBe(3);
  });

  it("a score above 10 (weights summing to more) is capped at 10", () => {
    expect(estimateMatchScore({ emailHash: 8, phoneHash: 8 }, { emailHash: 1, phoneHash: 1 })).toBe(10);
  });

  it("eventQuality turns counts into rates and a score per platform; zero events score 0", () => {
    const weights = { meta: EMAIL_LED, "google-ads": CLICK_LED };
    const q = eventQuality("checkout_completed", 4, { emailHash: 4, phoneHash: 2, fbp: 4, fbc: 2, ip: 4, userAgent: 4, externalId: 4 }, weights);
    expect(q.presence.emailHash).toBe(1);
    expect(q.presence.phoneHash).toBe(0.5);
    expect(Object.keys(q.scores).sort()).toEqual(["google-ads", "meta"]);
    // 3 + 2*0.5 + 1.5*0.5 + 1 + 1 + 0.75 + 0.75 = 8.25 → 8.3 (half away from zero on .x5 may float; assert the band)
    expect(q.scores.meta).toBeCloseTo(8.3, 1);
    expect(scoreRating(q.scores.meta ?? 0)).toBe("great");
    expect(q.scores["google-ads"]).toBe(4); // 3 + 2*0.5
    const none = eventQuality("page_viewed", 0, {}, weights);
    expect(none.presence.emailHash).toBe(0);
    expect(none.scores.meta).toBe(0);
  });

  it("ratings follow Meta's bands", () => {
    expect([0, 3.9, 4, 5.9, 6, 7.9, 8, 10].map(scoreRating)).toEqual(["poor", "poor", "ok", "ok", "good", "good", "great", "great"]);
  });
});
