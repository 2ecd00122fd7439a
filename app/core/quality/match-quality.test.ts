import { describe, expect, it } from "vitest";
import { MATCH_PLATFORMS, MATCH_WEIGHTS, QUALITY_FIELDS, estimateMatchScore, eventQuality, scoreRating } from "./match-quality";

describe("match quality estimate", () => {
  it.each(MATCH_PLATFORMS)("%s weights sum to exactly 10 and name only known fields", (platform) => {
    const weights = MATCH_WEIGHTS[platform];
    expect(Object.values(weights).reduce((a, w) => a + (w ?? 0), 0)).toBe(10);
    for (const field of Object.keys(weights)) expect(QUALITY_FIELDS).toContain(field);
  });

  it("every identifier present → 10 everywhere; nothing present → 0", () => {
    const all = Object.fromEntries(QUALITY_FIELDS.map((f) => [f, 1]));
    for (const p of MATCH_PLATFORMS) {
      expect(estimateMatchScore(p, all)).toBe(10);
      expect(estimateMatchScore(p, {})).toBe(0);
    }
  });

  it("Meta: email on every event and ip+ua on half → 3 + 0.75 = 3.8 (rounded to one decimal)", () => {
    expect(estimateMatchScore("meta", { emailHash: 1, ip: 0.5, userAgent: 0.5 })).toBe(3.8);
  });

  it("Google Ads counts a click id most; Meta does not see Google's click id at all", () => {
    expect(estimateMatchScore("google-ads", { googleClickId: 1 })).toBe(5);
    expect(estimateMatchScore("meta", { googleClickId: 1 })).toBe(0);
  });

  it("rates above 1 or below 0 are clamped", () => {
    expect(estimateMatchScore("snapchat", { emailHash: 4, phoneHash: -1 })).toBe(3);
  });

  it("eventQuality turns counts into rates and scores; zero events score 0", () => {
    const q = eventQuality("checkout_completed", 4, { emailHash: 4, phoneHash: 2, fbp: 4, fbc: 2, ip: 4, userAgent: 4, externalId: 4 });
    expect(q.presence.emailHash).toBe(1);
    expect(q.presence.phoneHash).toBe(0.5);
    // 3 + 2*0.5 + 1.5*0.5 + 1 + 1 + 0.75 + 0.75 = 8.25 → 8.3 (half away from zero on .x5 may float; assert the band)
    expect(q.scores.meta).toBeCloseTo(8.3, 1);
    expect(scoreRating(q.scores.meta)).toBe("great");
    const none = eventQuality("page_viewed", 0, {});
    expect(none.presence.emailHash).toBe(0);
    expect(none.scores.tiktok).toBe(0);
  });

  it("ratings follow Meta's bands", () => {
    expect([0, 3.9, 4, 5.9, 6, 7.9, 8, 10].map(scoreRating)).toEqual(["poor", "poor", "ok", "ok", "good", "good", "great", "great"]);
  });
});
