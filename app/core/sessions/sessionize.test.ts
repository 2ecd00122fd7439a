import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { classifyChannel } from "./channel";
import { campaignKeyOf, decideSession, zonedDayKey, DEFAULT_SESSION_TIMEOUT_MS, type SessionDecision, type SessionOptions, type SessionState } from "./sessionize";

const MIN = 60_000;
const T0 = Date.UTC(2025, 2, 10, 12, 0, 0); // 2025-03-10T12:00:00Z
const session = (over: Partial<SessionState> = {}): SessionState => ({ id: "s1", startedAt: T0, lastEventAt: T0 + 10 * MIN, campaignKey: null, ...over });
const KEY_A = '["gclid=A","google","cpc",null,null,null]';
const KEY_B = '["gclid=B","google","cpc",null,null,null]';

describe("decideSession", () => {
  const cases: Array<{ name: string; prev: SessionState | null; at: number; key: string | null; opts?: SessionOptions; want: SessionDecision }> = [
    { name: "no previous session → first", prev: null, at: T0, key: null, want: { kind: "new", reason: "first" } },
    { name: "no previous session, with campaign → first", prev: null, at: T0, key: KEY_A, want: { kind: "new", reason: "first" } },
    {
      name: "event 5 min after the last → continue",
      prev: session(),
      at: T0 + 15 * MIN,
      key: null,
      want: { kind: "continue", sessionId: "s1", startedAt: T0, lastEventAt: T0 + 15 * MIN, campaignKey: null },
    },
    {
      name: "gap just under 30 min → continue",
      prev: session(),
      at: T0 + 10 * MIN + DEFAULT_SESSION_TIMEOUT_MS - 1,
      key: null,
      want: { kind: "continue", sessionId: "s1", startedAt: T0, lastEventAt: T0 + 40 * MIN - 1, campaignKey: null },
    },
    { name: "gap of exactly 30 min → timeout", prev: session(), at: T0 + 40 * MIN, key: null, want: { kind: "new", reason: "timeout" } },
    { name: "gap of 2 h → timeout", prev: session(), at: T0 + 130 * MIN, key: null, want: { kind: "new", reason: "timeout" } },
    { name: "custom timeout of 5 min", prev: session(), at: T0 + 16 * MIN, key: null, opts: { timeoutMs: 5 * MIN }, want: { kind: "new", reason: "timeout" } },
    {
      name: "same campaign key again → continue",
      prev: session({ campaignKey: KEY_A }),
      at: T0 + 12 * MIN,
      key: KEY_A,
      want: { kind: "continue", sessionId: "s1", startedAt: T0, lastEventAt: T0 + 12 * MIN, campaignKey: KEY_A },
    },
    { name: "different campaign key → new_campaign", prev: session({ campaignKey: KEY_A }), at: T0 + 12 * MIN, key: KEY_B, want: { kind: "new", reason: "new_campaign" } },
    { name: "campaign arrives in a direct session → new_campaign", prev: session(), at: T0 + 12 * MIN, key: KEY_A, want: { kind: "new", reason: "new_campaign" } },
    {
      name: "direct event never breaks a campaign session",
      prev: session({ campaignKey: KEY_A }),
      at: T0 + 12 * MIN,
      key: null,
      want: { kind: "continue", sessionId: "s1", startedAt: T0, lastEventAt: T0 + 12 * MIN, campaignKey: KEY_A },
    },
    { name: "timeout wins over new_campaign", prev: session({ campaignKey: KEY_A }), at: T0 + 3 * 60 * MIN, key: KEY_B, want: { kind: "new", reason: "timeout" } },
    {
      name: "out-of-order event inside the span → continue, span unchanged",
      prev: session(),
      at: T0 + 4 * MIN,
      key: null,
      want: { kind: "continue", sessionId: "s1", startedAt: T0, lastEventAt: T0 + 10 * MIN, campaignKey: null },
    },
    {
      name: "out-of-order event shortly before the start → continue, start moves back",
      prev: session(),
      at: T0 - 5 * MIN,
      key: null,
      want: { kind: "continue", sessionId: "s1", startedAt: T0 - 5 * MIN, lastEventAt: T0 + 10 * MIN, campaignKey: null },
    },
    { name: "event 30 min before the start belongs to an older session → timeout", prev: session(), at: T0 - 30 * MIN, key: null, want: { kind: "new", reason: "timeout" } },
    {
      name: "late landing event with a campaign, at the start of a campaign-less session → adopted",
      prev: session(),
      at: T0 - 1000,
      key: KEY_A,
      want: { kind: "continue", sessionId: "s1", startedAt: T0 - 1000, lastEventAt: T0 + 10 * MIN, campaignKey: KEY_A },
    },
    {
      name: "late campaign event exactly at the start → adopted",
      prev: session(),
      at: T0,
      key: KEY_A,
      want: { kind: "continue", sessionId: "s1", startedAt: T0, lastEventAt: T0 + 10 * MIN, campaignKey: KEY_A },
    },
    { name: "out-of-order event inside the span with another campaign → new_campaign", prev: session({ campaignKey: KEY_A }), at: T0 + 1 * MIN, key: KEY_B, want: { kind: "new", reason: "new_campaign" } },
    { name: "late landing before a session that already has a campaign → new_campaign", prev: session({ campaignKey: KEY_A }), at: T0 - MIN, key: KEY_B, want: { kind: "new", reason: "new_campaign" } },
  ];
  test.each(cases)("$name", ({ prev, at, key, opts, want }) => {
    expect(decideSession(prev, { at, campaignKey: key }, opts)).toEqual(want);
  });

  describe("midnight split (opt-in, shop time zone)", () => {
    // America/New_York is UTC-4 on 2025-03-10 (DST started 2025-03-09).
    const ny = zonedDayKey("America/New_York");
    const lateEvening = Date.UTC(2025, 2, 11, 3, 50); // 23:50 New York, 10 March
    const prev = session({ startedAt: lateEvening - 20 * MIN, lastEventAt: lateEvening });
    test("crossing the shop's midnight → midnight", () => {
      expect(decideSession(prev, { at: lateEvening + 15 * MIN, campaignKey: null }, { dayKey: ny })).toEqual({ kind: "new", reason: "midnight" });
    });
    test("the same crossing without dayKey → continue", () => {
      expect(decideSession(prev, { at: lateEvening + 15 * MIN, campaignKey: null })).toEqual({
        kind: "continue",
        sessionId: "s1",
        startedAt: lateEvening - 20 * MIN,
        lastEventAt: lateEvening + 15 * MIN,
        campaignKey: null,
      });
    });
    test("UTC midnight is not the shop's midnight → continue", () => {
      const beforeUtcMidnight = Date.UTC(2025, 2, 10, 23, 50);
      const p = session({ startedAt: beforeUtcMidnight - MIN, lastEventAt: beforeUtcMidnight });
      expect(decideSession(p, { at: beforeUtcMidnight + 20 * MIN, campaignKey: null }, { dayKey: ny })).toEqual({
        kind: "continue",
        sessionId: "s1",
        startedAt: beforeUtcMidnight - MIN,
        lastEventAt: beforeUtcMidnight + 20 * MIN,
        campaignKey: null,
      });
    });
    test("out-of-order event before the start on the previous day → midnight", () => {
      const p = session({ startedAt: lateEvening + 15 * MIN, lastEventAt: lateEvening + 25 * MIN });
      expect(decideSession(p, { at: lateEvening, campaignKey: null }, { dayKey: ny })).toEqual({ kind: "new", reason: "midnight" });
    });
    test("zonedDayKey formats YYYY-MM-DD in the zone", () => {
      expect([ny(lateEvening), zonedDayKey("UTC")(lateEvening), zonedDayKey("Asia/Tokyo")(lateEvening)]).toEqual(["2025-03-10", "2025-03-11", "2025-03-11"]);
    });
    test("zonedDayKey rejects an unknown zone", () => {
      expect(() => zonedDayKey("Mars/Olympus_Mons")).toThrow(RangeError);
    });
  });

  test("property: a campaign-less event within the timeout of the span always continues", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 60 * MIN }), fc.integer({ min: -(DEFAULT_SESSION_TIMEOUT_MS - 1), max: 10 * 60 * MIN + DEFAULT_SESSION_TIMEOUT_MS - 1 }), (len, offset) => {
        const prev = session({ startedAt: T0, lastEventAt: T0 + len });
        const at = T0 + offset;
        const inReach = at >= T0 - (DEFAULT_SESSION_TIMEOUT_MS - 1) && at <= T0 + len + DEFAULT_SESSION_TIMEOUT_MS - 1;
        const d = decideSession(prev, { at, campaignKey: null });
        expect(d.kind).toBe(inReach ? "continue" : "new");
        if (d.kind === "continue") {
          expect([d.startedAt, d.lastEventAt]).toEqual([Math.min(T0, at), Math.max(T0 + len, at)]);
        }
      }),
    );
  });
});

describe("campaignKeyOf", () => {
  test.each([
    { name: "gclid only", input: { clickIds: { gclid: "AbC" } }, want: '["gclid=AbC","google","cpc",null,null,null]' },
    { name: "stamped click ids as the pixel sends them", input: { clickIds: { gclid: { value: "AbC", at: 1 } } }, want: '["gclid=AbC","google","cpc",null,null,null]' },
    {
      name: "UTM set, lower-cased",
      input: { utm: { source: "Facebook", medium: "Paid", campaign: "Spring", term: "Set 1", content: "Ad A" } },
      want: '[null,"facebook","paid","spring","set 1","ad a"]',
    },
    { name: "fbclid + UTMs: click id value keeps its case", input: { utm: { source: "fb", medium: "cpc" }, clickIds: { fbclid: "IwAR-Xy" } }, want: '["fbclid=IwAR-Xy","fb","cpc",null,null,null]' },
    { name: "nothing → null", input: {}, want: null },
    { name: "blank values → null", input: { utm: { source: " ", medium: "" }, clickIds: { gclid: "" } }, want: null },
    { name: "utm_campaign alone is not a campaign landing → null", input: { utm: { campaign: "spring" } }, want: null },
  ])("raw: $name", ({ input, want }) => {
    expect(campaignKeyOf(input)).toEqual(want);
  });

  test.each([
    { name: "referrer-only landing → null", input: { referrer: "https://www.google.com/" } },
    { name: "direct → null", input: {} },
    { name: "internal → null", input: { url: "https://a.test/x", referrer: "https://a.test/" } },
  ])("classified: $name", ({ input }) => {
    expect(campaignKeyOf(classifyChannel(input))).toBeNull();
  });

  test("classified and raw forms agree for the same UTMs and click ids", () => {
    const utm = { source: "tiktok", medium: "paid", campaign: "Launch" };
    const clickIds = { ttclid: "E.C.P.abc" };
    const fromUrl = classifyChannel({ url: "https://shop.test/?utm_source=tiktok&utm_medium=paid&utm_campaign=Launch&ttclid=E.C.P.abc" });
    expect([campaignKeyOf(fromUrl), campaignKeyOf({ utm, clickIds })]).toEqual([
      '["ttclid=E.C.P.abc","tiktok","paid","launch",null,null]',
      '["ttclid=E.C.P.abc","tiktok","paid","launch",null,null]',
    ]);
  });

  test("a different ad in the same campaign is a different key (UA behaviour)", () => {
    const a = campaignKeyOf({ utm: { source: "facebook", medium: "paid", campaign: "spring", content: "ad-a" } });
    const b = campaignKeyOf({ utm: { source: "facebook", medium: "paid", campaign: "spring", content: "ad-b" } });
    expect(a === b).toBe(false);
  });

  test("a value containing the separator cannot collide with another split", () => {
    const a = campaignKeyOf({ utm: { source: "a", medium: "b,c" } });
    const b = campaignKeyOf({ utm: { source: "a,b", medium: "c" } });
    expect(a === b).toBe(false);
  });
});
