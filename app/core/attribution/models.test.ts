import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { CHANNELS } from "~/core/sessions/channel";
import { ATTRIBUTION_MODELS, attribute, formatMinorUnits, parseMinorUnits, splitRevenue, type AttributionModel, type Credit, type Touch } from "./models";

const DAY = 24 * 60 * 60_000;
const CONV = Date.UTC(2025, 5, 1, 12);
const LOOKBACK = 30 * DAY;

/** A touch `daysBefore` days before the conversion. */
function touch(sessionId: string, daysBefore: number, isDirect = false): Touch {
  return { sessionId, at: CONV - daysBefore * DAY, channel: isDirect ? "direct" : "paid_social", campaign: isDirect ? null : "spring", isDirect };
}

/** Round weights so float noise in the 13th decimal does not matter; the structure is still compared whole. */
function rounded(result: Record<AttributionModel, Credit[]>): Record<AttributionModel, Credit[]> {
  const out = {} as Record<AttributionModel, Credit[]>;
  for (const m of ATTRIBUTION_MODELS) out[m] = result[m].map((c) => ({ sessionId: c.sessionId, weight: Math.round(c.weight * 1e12) / 1e12 }));
  return out;
}
const all = (credits: Credit[]): Record<AttributionModel, Credit[]> => ({
  first_touch: credits,
  last_touch: credits,
  linear: credits,
  position_based: credits,
  time_decay: credits,
});
const EMPTY = all([]);

describe("attribute", () => {
  const cases: Array<{ name: string; touches: Touch[]; opts?: { lookbackMs?: number; halfLifeMs?: number }; want: Record<AttributionModel, Credit[]> }> = [
    { name: "no touches → every model empty", touches: [], want: EMPTY },
    { name: "all touches outside the window → empty", touches: [touch("old", 31), touch("future", -1)], want: EMPTY },
    { name: "one touch → 100% everywhere", touches: [touch("s1", 3)], want: all([{ sessionId: "s1", weight: 1 }]) },
    {
      name: "two touches: position-based is 50/50; last touch skips the direct visit",
      touches: [touch("ad", 10), touch("typed", 1, true)],
      want: {
        first_touch: [{ sessionId: "ad", weight: 1 }],
        last_touch: [{ sessionId: "ad", weight: 1 }],
        linear: [
          { sessionId: "ad", weight: 0.5 },
          { sessionId: "typed", weight: 0.5 },
        ],
        position_based: [
          { sessionId: "ad", weight: 0.5 },
          { sessionId: "typed", weight: 0.5 },
        ],
        // 2^(-9/7) : 1, normalised (computed with Python).
        time_decay: [
          { sessionId: "ad", weight: 0.290864472645 },
          { sessionId: "typed", weight: 0.709135527355 },
        ],
      },
    },
    {
      name: "only direct touches → last touch falls back to the last direct one",
      touches: [touch("d1", 5, true), touch("d2", 2, true)],
      want: {
        first_touch: [{ sessionId: "d1", weight: 1 }],
        last_touch: [{ sessionId: "d2", weight: 1 }],
        linear: [
          { sessionId: "d1", weight: 0.5 },
          { sessionId: "d2", weight: 0.5 },
        ],
        position_based: [
          { sessionId: "d1", weight: 0.5 },
          { sessionId: "d2", weight: 0.5 },
        ],
        time_decay: [
          { sessionId: "d1", weight: 0.426275594819 }, // 2^(-3/7) / (1 + 2^(-3/7)), computed with Python
          { sessionId: "d2", weight: 0.573724405181 },
        ],
      },
    },
    {
      name: "four touches, unsorted input → chronological output, 40/10/10/40",
      touches: [touch("c", 3), touch("a", 20), touch("d", 1, true), touch("b", 10)],
      want: {
        first_touch: [{ sessionId: "a", weight: 1 }],
        last_touch: [{ sessionId: "c", weight: 1 }],
        linear: ["a", "b", "c", "d"].map((sessionId) => ({ sessionId, weight: 0.25 })),
        position_based: [
          { sessionId: "a", weight: 0.4 },
          { sessionId: "b", weight: 0.1 },
          { sessionId: "c", weight: 0.1 },
          { sessionId: "d", weight: 0.4 },
        ],
        time_decay: [
          { sessionId: "a", weight: 0.063946452759 },
          { sessionId: "b", weight: 0.172131086174 },
          { sessionId: "c", weight: 0.344262172348 },
          { sessionId: "d", weight: 0.419660288718 },
        ],
      },
    },
    {
      name: "window edges: exactly lookback old and exactly at conversion are in; 1 ms outside is out",
      touches: [
        { ...touch("too-old", 30), at: CONV - LOOKBACK - 1 },
        { ...touch("edge-old", 30), at: CONV - LOOKBACK },
        { ...touch("at-conv", 0), at: CONV },
        { ...touch("after", 0), at: CONV + 1 },
      ],
      opts: { halfLifeMs: 15 * DAY },
      want: {
        first_touch: [{ sessionId: "edge-old", weight: 1 }],
        last_touch: [{ sessionId: "at-conv", weight: 1 }],
        linear: [
          { sessionId: "edge-old", weight: 0.5 },
          { sessionId: "at-conv", weight: 0.5 },
        ],
        position_based: [
          { sessionId: "edge-old", weight: 0.5 },
          { sessionId: "at-conv", weight: 0.5 },
        ],
        // 30 days = two half-lives: 0.25 : 1.
        time_decay: [
          { sessionId: "edge-old", weight: 0.2 },
          { sessionId: "at-conv", weight: 0.8 },
        ],
      },
    },
    {
      name: "default half-life is 7 days: a touch a week older gets half the credit",
      touches: [touch("week-ago", 8), touch("yesterday", 1)],
      want: {
        first_touch: [{ sessionId: "week-ago", weight: 1 }],
        last_touch: [{ sessionId: "yesterday", weight: 1 }],
        linear: [
          { sessionId: "week-ago", weight: 0.5 },
          { sessionId: "yesterday", weight: 0.5 },
        ],
        position_based: [
          { sessionId: "week-ago", weight: 0.5 },
          { sessionId: "yesterday", weight: 0.5 },
        ],
        time_decay: [
          { sessionId: "week-ago", weight: 0.333333333333 },
          { sessionId: "yesterday", weight: 0.666666666667 },
        ],
      },
    },
    {
      name: "equal times are ordered by session id; a repeated session id counts once (earliest)",
      touches: [touch("z", 2), touch("y", 2), touch("z", 1)],
      want: {
        first_touch: [{ sessionId: "y", weight: 1 }],
        last_touch: [{ sessionId: "z", weight: 1 }],
        linear: [
          { sessionId: "y", weight: 0.5 },
          { sessionId: "z", weight: 0.5 },
        ],
        position_based: [
          { sessionId: "y", weight: 0.5 },
          { sessionId: "z", weight: 0.5 },
        ],
        time_decay: [
          { sessionId: "y", weight: 0.5 },
          { sessionId: "z", weight: 0.5 },
        ],
      },
    },
    {
      name: "a custom lookback shortens the window",
      touches: [touch("a", 10), touch("b", 5)],
      opts: { lookbackMs: 7 * DAY },
      want: all([{ sessionId: "b", weight: 1 }]),
    },
    {
      name: "touches thousands of half-lives apart: no underflow to NaN",
      touches: [{ ...touch("ancient", 0), at: CONV - 10_000 * DAY }, touch("recent", 0)],
      opts: { lookbackMs: 20_000 * DAY, halfLifeMs: DAY },
      want: {
        first_touch: [{ sessionId: "ancient", weight: 1 }],
        last_touch: [{ sessionId: "recent", weight: 1 }],
        linear: [
          { sessionId: "ancient", weight: 0.5 },
          { sessionId: "recent", weight: 0.5 },
        ],
        position_based: [
          { sessionId: "ancient", weight: 0.5 },
          { sessionId: "recent", weight: 0.5 },
        ],
        time_decay: [
          { sessionId: "ancient", weight: 0 },
          { sessionId: "recent", weight: 1 },
        ],
      },
    },
    { name: "non-finite times are ignored", touches: [{ ...touch("nan", 0), at: NaN }, touch("ok", 1)], want: all([{ sessionId: "ok", weight: 1 }]) },
  ];
  test.each(cases)("$name", ({ touches, opts, want }) => {
    const result = attribute(touches, { conversionAt: CONV, lookbackMs: opts?.lookbackMs ?? LOOKBACK, halfLifeMs: opts?.halfLifeMs });
    expect(rounded(result)).toEqual(want);
  });

  test("position-based middle share with five touches is 20% / 3 each", () => {
    const r = attribute([touch("a", 5), touch("b", 4), touch("c", 3), touch("d", 2), touch("e", 1)], { conversionAt: CONV, lookbackMs: LOOKBACK });
    expect(r.position_based.map((c) => Math.round(c.weight * 1e9) / 1e9)).toEqual([0.4, 0.066666667, 0.066666667, 0.066666667, 0.4]);
  });

  test("halfLifeMs must be positive", () => {
    expect(() => attribute([touch("a", 1)], { conversionAt: CONV, lookbackMs: LOOKBACK, halfLifeMs: 0 })).toThrow(RangeError);
  });

  test("model names are exported for the UI and DB", () => {
    expect(ATTRIBUTION_MODELS).toEqual(["first_touch", "last_touch", "linear", "position_based", "time_decay"]);
  });

  test("property: each model's weights sum to exactly 1, are in [0, 1], unique and in the window", () => {
    const arbTouch = fc.record({
      sessionId: fc.string({ minLength: 1, maxLength: 4 }),
      at: fc.integer({ min: CONV - 40 * DAY, max: CONV + DAY }),
      channel: fc.constantFrom(...CHANNELS),
      campaign: fc.constant(null),
      isDirect: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbTouch, { maxLength: 40 }), fc.integer({ min: 1, max: 60 }), (touches, halfLifeDays) => {
        const r = attribute(touches, { conversionAt: CONV, lookbackMs: LOOKBACK, halfLifeMs: halfLifeDays * DAY });
        const inWindow = new Set(touches.filter((t) => t.at >= CONV - LOOKBACK && t.at <= CONV).map((t) => t.sessionId));
        for (const m of ATTRIBUTION_MODELS) {
          const credits = r[m];
          if (inWindow.size === 0) {
            expect(credits).toEqual([]);
            continue;
          }
          expect(credits.reduce((a, c) => a + c.weight, 0)).toBe(1);
          for (const c of credits) {
            expect(c.weight).toBeGreaterThanOrEqual(0);
            expect(c.weight).toBeLessThanOrEqual(1);
            expect(inWindow.has(c.sessionId)).toBe(true);
          }
          expect(new Set(credits.map((c) => c.sessionId)).size).toBe(credits.length);
        }
        expect(r.linear.length).toBe(inWindow.size);
      }),
    );
  });
});

/** Independent of the code under test: every output has exactly `decimals` digits after the point. */
function minor(s: string): bigint {
  return BigInt(s.replace(".", ""));
}
const w = (...weights: number[]): Credit[] => weights.map((weight, i) => ({ sessionId: `s${i + 1}`, weight }));
const third = 1 / 3;

describe("splitRevenue", () => {
  const cases: Array<{ name: string; amount: string; weights: Credit[]; decimals?: number; want: string[] }> = [
    { name: "thirds of 100.00: the leftover cent goes to the first of the tied remainders", amount: "100.00", weights: w(third, third, third), want: ["33.34", "33.33", "33.33"] },
    { name: "position-based 40/20/40 of 10.00", amount: "10.00", weights: w(0.4, 0.2, 0.4), want: ["4.00", "2.00", "4.00"] },
    { name: "one cent split in two", amount: "0.01", weights: w(0.5, 0.5), want: ["0.01", "0.00"] },
    { name: "largest remainder wins the leftover cent", amount: "1.00", weights: w(0.114, 0.886), want: ["0.11", "0.89"] },
    { name: "JPY (0 decimals) thirds of 1500", amount: "1500", weights: w(third, third, third), decimals: 0, want: ["500", "500", "500"] },
    { name: "JPY 1000 by 1/3", amount: "1000", weights: w(third, third, third), decimals: 0, want: ["334", "333", "333"] },
    { name: "KWD (3 decimals) thirds of 1.000", amount: "1.000", weights: w(third, third, third), decimals: 3, want: ["0.334", "0.333", "0.333"] },
    { name: "refund (negative) keeps the sign", amount: "-10.00", weights: w(third, third, third), want: ["-3.34", "-3.33", "-3.33"] },
    { name: "zero amount", amount: "0.00", weights: w(0.5, 0.5), want: ["0.00", "0.00"] },
    { name: "a zero weight gets nothing", amount: "5.00", weights: w(0, 1), want: ["0.00", "5.00"] },
    { name: "one decimal is padded", amount: "12.5", weights: w(1), want: ["12.50"] },
    { name: "trailing zeros beyond the currency's decimals are fine", amount: "12.500", weights: w(1), want: ["12.50"] },
    { name: "surrounding whitespace and a plus sign", amount: " +7.10 ", weights: w(1), want: ["7.10"] },
    { name: "large amounts stay exact (beyond 2^53 minor units)", amount: "123456789012345678.99", weights: w(0.5, 0.5), want: ["61728394506172839.50", "61728394506172839.49"] },
    { name: "weights not summing to 1 are normalised", amount: "9.00", weights: w(2, 1), want: ["6.00", "3.00"] },
    { name: "no weights → no shares", amount: "10.00", weights: [], want: [] },
  ];
  test.each(cases)("$name", ({ amount, weights, decimals, want }) => {
    expect(splitRevenue(amount, weights, decimals).map((s) => s.amount)).toEqual(want);
  });

  test("session ids are kept in order", () => {
    expect(splitRevenue("3.00", [{ sessionId: "x", weight: 0.5 }, { sessionId: "y", weight: 0.5 }])).toEqual([
      { sessionId: "x", amount: "1.50" },
      { sessionId: "y", amount: "1.50" },
    ]);
  });

  test.each([
    { name: "more decimals than the currency", amount: "1.005", weights: w(1), decimals: 2 },
    { name: "decimals given to a 0-decimal currency", amount: "10.5", weights: w(1), decimals: 0 },
    { name: "not a number", amount: "abc", weights: w(1), decimals: 2 },
    { name: "empty", amount: "", weights: w(1), decimals: 2 },
    { name: "exponent notation", amount: "1e3", weights: w(1), decimals: 2 },
    { name: "comma decimal", amount: "1,50", weights: w(1), decimals: 2 },
    { name: "negative weight", amount: "1.00", weights: w(-0.5, 1.5), decimals: 2 },
    { name: "NaN weight", amount: "1.00", weights: w(NaN), decimals: 2 },
    { name: "all-zero weights", amount: "1.00", weights: w(0, 0), decimals: 2 },
    { name: "bad decimals", amount: "1.00", weights: w(1), decimals: -1 },
  ])("throws RangeError: $name", ({ amount, weights, decimals }) => {
    expect(() => splitRevenue(amount, weights, decimals)).toThrow(RangeError);
  });

  test("property: shares sum exactly to the amount and each is within one minor unit of its exact share", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }).filter((ws) => ws.some((x) => x > 1e-9)),
        fc.constantFrom(0, 2, 3),
        (units, weights, decimals) => {
          const amount = formatMinorUnits(units, decimals);
          const shares = splitRevenue(amount, w(...weights), decimals);
          expect(shares.reduce((a, s) => a + minor(s.amount), 0n)).toBe(units);
          const total = weights.reduce((a, x) => a + x, 0);
          shares.forEach((s, i) => {
            const exact = (Number(units) * (weights[i] ?? 0)) / total;
            expect(Math.abs(Number(minor(s.amount)) - exact)).toBeLessThanOrEqual(1 + Math.abs(exact) * 1e-9);
            if (units !== 0n && minor(s.amount) !== 0n) expect(minor(s.amount) < 0n).toBe(units < 0n);
          });
        },
      ),
    );
  });
});

describe("minor units", () => {
  test.each([
    ["127.44", 2, 12744n],
    ["0.05", 2, 5n],
    ["-0.05", 2, -5n],
    ["1500", 0, 1500n],
    ["1500.000", 0, 1500n],
    ["7", 3, 7000n],
    ["7.", 2, 700n],
  ] as const)("parse %s (%i decimals) → %s", (s, d, units) => {
    expect(parseMinorUnits(s, d)).toBe(units);
  });
  test.each([
    [12744n, 2, "127.44"],
    [5n, 2, "0.05"],
    [-5n, 2, "-0.05"],
    [0n, 2, "0.00"],
    [1500n, 0, "1500"],
    [-1500n, 0, "-1500"],
    [7n, 3, "0.007"],
  ] as const)("format %s (%i decimals) → %s", (units, d, s) => {
    expect(formatMinorUnits(units, d)).toBe(s);
  });
});
