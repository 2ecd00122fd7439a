import { describe, expect, it } from "vitest";
import { QUALITY_FIELD_LABELS } from "../quality/match-quality";
import { explainGap, PlatformVerdictSchema, toCount, toPct, type VerdictEvent } from "./verdict";

const event = (over: Partial<VerdictEvent> = {}): VerdictEvent => ({
  platformEvent: "Purchase",
  canonical: "purchase",
  score: null,
  status: null,
  coveragePct: null,
  matchKeys: [],
  issues: [],
  counts: null,
  ...over,
});
const gap = (e: VerdictEvent, ours: Parameters<typeof explainGap>[0]["ours"]) => explainGap({ platform: "Meta", event: e, ours, fieldLabels: QUALITY_FIELD_LABELS, eventLabel: "Purchase" });

describe("explainGap: the platform's verdict beside our estimate, in words", () => {
  it("says when the scores agree, and why each side can be higher", () => {
    expect(gap(event({ score: 6.4 }), { estimate: 6, presence: {}, delivered: null })).toEqual(["Meta scores Purchase 6.4; Trueline estimated 6.0. They agree."]);
    expect(gap(event({ score: 4 }), { estimate: 7, presence: {}, delivered: null })[0]).toMatch(/^Meta scores Purchase 4\.0, below Trueline's estimate of 7\.0\. .*belong to one of its accounts/);
    expect(gap(event({ score: 8 }), { estimate: 5, presence: {}, delivered: null })[0]).toMatch(/above Trueline's estimate of 5\.0\. Meta also counts what its own browser pixel sent/);
    expect(gap(event({ score: 8 }), null)[0]).toMatch(/no storefront events of this kind/);
  });

  it("names an identifier only when the two coverages differ by 15 points or more", () => {
    const e = event({
      score: 6,
      matchKeys: [
        { key: "email", field: "emailHash", coveragePct: 40 },
        { key: "phone", field: "phoneHash", coveragePct: 90 },
        { key: "ip_address", field: "ip", coveragePct: 95 },
        { key: "first_name", field: null, coveragePct: 10 },
      ],
    });
    const lines = gap(e, { estimate: 6, presence: { emailHash: 0.9, phoneHash: 0.2, ip: 0.9 }, delivered: null });
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^Email \(hashed\): Meta saw it on 40% of Purchase events, our storefront data has it on 90%\. .*marketing consent/);
    expect(lines[2]).toMatch(/^Phone \(hashed\): Meta saw it on 90% .*more than the 20%.*Orders add details/);
  });

  it("explains low event coverage against Meta's 75% goal", () => {
    expect(gap(event({ coveragePct: 40 }), null)).toEqual([expect.stringMatching(/^Meta matched only 40% of its pixel's Purchase events to events from Trueline \(its goal is 75%\)/)]);
    expect(gap(event({ coveragePct: 80 }), null)).toEqual([]);
  });

  it("compares upload counts with what we delivered, each direction", () => {
    const counts = { received: 10, succeeded: 8, failed: 2, pending: 0 };
    const lines = explainGap({ platform: "Google Ads", event: event({ counts }), ours: { estimate: null, presence: {}, delivered: 12 }, fieldLabels: QUALITY_FIELD_LABELS, eventLabel: "Purchase" });
    expect(lines[0]).toBe("Google Ads received 10, accepted 8, refused 2 Purchase conversions in its window.");
    expect(lines[1]).toMatch(/^Trueline delivered 12 in the same days, 2 more than Google Ads counts: .*lag by a day/);
    expect(lines[2]).toMatch(/refused conversions are listed/);
    const fewer = explainGap({ platform: "Google Ads", event: event({ counts: { ...counts, failed: 0 } }), ours: { estimate: null, presence: {}, delivered: 7 }, fieldLabels: QUALITY_FIELD_LABELS, eventLabel: "Purchase" });
    expect(fewer[1]).toMatch(/any other tool using the API/);
    const same = explainGap({ platform: "Google Ads", event: event({ counts: { ...counts, failed: 0 } }), ours: { estimate: null, presence: {}, delivered: 10 }, fieldLabels: QUALITY_FIELD_LABELS, eventLabel: "Purchase" });
    expect(same[1]).toBe("Trueline delivered 10 in the same days: the counts agree.");
  });
});

describe("stored verdicts are parsed again when read", () => {
  it("refuses out-of-range scores and unknown fields of ours", () => {
    const ok = { title: "t", overallStatus: null, windowDays: 7, events: [event({ score: 5 })] };
    expect(PlatformVerdictSchema.safeParse(ok).success).toBe(true);
    expect(PlatformVerdictSchema.safeParse({ ...ok, events: [event({ score: 11 })] }).success).toBe(false);
    expect(PlatformVerdictSchema.safeParse({ ...ok, events: [event({ matchKeys: [{ key: "x", field: "nope" as never, coveragePct: 1 }] })] }).success).toBe(false);
  });

  it("reads platform numbers: percentages clamped, int64 strings counted", () => {
    expect([toPct(99.96), toPct("12.34"), toPct(140), toPct(-1), toPct("x")]).toEqual([100, 12.3, 100, 0, null]);
    expect([toCount("15"), toCount(3), toCount("1.5"), toCount(-2), toCount(null)]).toEqual([15, 3, null, null, null]);
  });
});
