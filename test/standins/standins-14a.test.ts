/**
 * The Microsoft Advertising, Reddit and X stand-ins over real HTTP: each accepts a valid request,
 * refuses what its platform documents as invalid with the platform's error shape, and never puts a
 * value in a reason. Faults for every platform are in standins.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sha256Hex, startStandins, TEST_CUSTOMER, type Standins } from "./index";
import { microsoftCall, microsoftEvent, redditCall, redditEvent, xCall, xConversion } from "./requests-14a";

/** Fixed stand-in clock: 2026-11-20 12:00:00 UTC. */
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const NOW_S = NOW / 1000;
const DAY = 86_400_000;
const RAW_EMAIL = TEST_CUSTOMER.email.trim();

let clock = NOW;
let s: Standins;

beforeAll(async () => {
  s = await startStandins({ now: () => clock });
});
afterAll(async () => {
  await s.close();
});
beforeEach(() => {
  s.reset();
  clock = NOW;
});

const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const reasons = (kind: "microsoft" | "reddit" | "x") => s.rejected(kind).map((r) => r.reason);

describe("microsoft stand-in", () => {
  it("accepts a valid purchase with HTTP 200 and records it under its event id", async () => {
    const res = await microsoftCall(s, { data: [microsoftEvent(NOW_S)], continueOnValidationError: false });
    expect([res.status, res.body]).toEqual([200, {}]);
    expect(s.received("microsoft").map((e) => [e.eventId, e.eventName, e.test, e.notes])).toEqual([["order-100234", "purchase", false, []]]);
    expect(s.received("microsoft")[0]?.envelope).toEqual({ continueOnValidationError: false });
  });

  it("refuses an unhashed email with the documented ValidationError, naming the field, not the value", async () => {
    const res = await microsoftCall(s, { data: [microsoftEvent(NOW_S, {}, { em: RAW_EMAIL })] });
    expect([res.status, res.body]).toEqual([
      400,
      {
        error: {
          code: "ValidationError",
          message: "One or multiple parameters did not pass validation checks, see details.",
          details: [{ index: 0, propertyName: "data[0].userData.em", errorMessage: "'em' must be a valid SHA256 string." }],
        },
      },
    ]);
    expect(reasons("microsoft").join(" ")).not.toContain("john");
    expect(s.received("microsoft")).toEqual([]);
  });

  it("refuses a pageLoad without eventSourceUrl, a hashed IP, an unknown eventType and eventTime in milliseconds", async () => {
    const res = await microsoftCall(s, {
      data: [
        microsoftEvent(NOW_S, { eventType: "pageLoad", eventSourceUrl: undefined, customData: undefined }),
        microsoftEvent(NOW_S, {}, { clientIpAddress: sha256Hex(TEST_CUSTOMER.ip) }),
        microsoftEvent(NOW_S, { eventType: "purchase" }),
        microsoftEvent(NOW_S, { eventTime: NOW }),
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { index: number; propertyName: string }) => [d.index, d.propertyName])).toEqual([
      [0, "data[0].eventSourceUrl"],
      [1, "data[1].userData.clientIpAddress"],
      [2, "data[2].eventType"],
      [3, "data[3].eventTime"],
    ]);
  });

  it("continueOnValidationError: true processes the valid events and skips the invalid one", async () => {
    const res = await microsoftCall(s, {
      data: [microsoftEvent(NOW_S, { eventId: "good" }), microsoftEvent(NOW_S, { eventId: "bad" }, { ph: "+16505551212" })],
      continueOnValidationError: true,
    });
    expect(res.status).toBe(200);
    expect(s.received("microsoft").map((e) => e.eventId)).toEqual(["good"]);
    expect(reasons("microsoft")).toEqual(["data[1].userData.ph: 'ph' must be a valid SHA256 string."]);
  });

  it("accepts 1,000 events and refuses 1,001", async () => {
    expect((await microsoftCall(s, { data: times(1000, (i) => microsoftEvent(NOW_S, { eventId: `e${i}` })) })).status).toBe(200);
    const over = await microsoftCall(s, { data: times(1001, (i) => microsoftEvent(NOW_S, { eventId: `e${i}` })) });
    expect([over.status, over.body.error.details[0].errorMessage]).toEqual([400, "At most 1000 events per request."]);
  });

  it("answers a wrong or missing token, and another tag, with the documented 401", async () => {
    const unauthorized = { error: { code: "Unauthorized", message: "You are not authorized to access this resource." } };
    for (const res of [
      await microsoftCall(s, { data: [microsoftEvent(NOW_S)] }, { token: "wrong" }),
      await microsoftCall(s, { data: [microsoftEvent(NOW_S)] }, { token: null }),
      await microsoftCall(s, { data: [microsoftEvent(NOW_S)] }, { tagId: "11111111" }),
    ]) {
      expect([res.status, res.body]).toEqual([401, unauthorized]);
    }
  });

  it("notes an event older than 90 days (no documented limit) and counts duplicates by eventId", async () => {
    await microsoftCall(s, { data: [microsoftEvent(NOW_S, { eventTime: NOW_S - 91 * 86_400 })] });
    await microsoftCall(s, { data: [microsoftEvent(NOW_S)] });
    expect(s.received("microsoft").map((e) => e.notes)).toEqual([["event older than 90 days: outside every conversion window [assumed]"], []]);
    expect(s.dedupedCount("microsoft")).toBe(1);
  });
});

describe("reddit stand-in", () => {
  it("accepts a valid PURCHASE with Reddit's success message", async () => {
    const res = await redditCall(s, { data: { events: [redditEvent(NOW)] } });
    expect([res.status, res.body]).toEqual([200, { data: { message: "Successfully processed 1 conversion events." } }]);
    expect(s.received("reddit").map((e) => [e.eventId, e.eventName, e.test, e.notes])).toEqual([["order-100234", "PURCHASE", false, []]]);
  });

  it("refuses event_at in seconds (v3 wants milliseconds), lowercase action_source and a v2 event name", async () => {
    const res = await redditCall(s, {
      data: { events: [redditEvent(NOW, { event_at: NOW_S }), redditEvent(NOW, { action_source: "website" }), redditEvent(NOW, { type: { tracking_type: "Purchase" } })] },
    });
    expect([res.status, res.body]).toEqual([
      400,
      {
        error: {
          code: "INVALID_INPUT",
          message:
            "data.events[0].event_at: looks like seconds; v3 expects milliseconds; data.events[1].action_source: must be one of WEBSITE, APP, PHYSICAL_STORE, OTHER; data.events[2].type.tracking_type: not a v3 tracking type (UPPER_SNAKE_CASE)",
        },
      },
    ]);
  });

  it("accepts 6 days old, refuses 8 days old (7-day limit)", async () => {
    expect((await redditCall(s, { data: { events: [redditEvent(NOW - 6 * DAY)] } })).status).toBe(200);
    const old = await redditCall(s, { data: { events: [redditEvent(NOW - 8 * DAY)] } });
    expect([old.status, old.body.error.message]).toEqual([400, "data.events[0].event_at: is more than 7 days in the past"]);
  });

  it("refuses a hashed IP; accepts a raw email (Reddit hashes it) with a note", async () => {
    const hashedIp = await redditCall(s, { data: { events: [redditEvent(NOW, {}, { ip_address: sha256Hex(TEST_CUSTOMER.ip) })] } });
    expect([hashedIp.status, hashedIp.body.error.message]).toEqual([400, "data.events[0].user.ip_address: must be the raw IP address, not a hash"]);
    expect((await redditCall(s, { data: { events: [redditEvent(NOW, {}, { email: RAW_EMAIL })] } })).status).toBe(200);
    expect(s.received("reddit").map((e) => e.notes)).toEqual([["user.email sent unhashed (Reddit hashes it itself)"]]);
  });

  it("marks events sent with a test_id as test, and refuses 1,001 events", async () => {
    await redditCall(s, { data: { test_id: "t2_test_123", events: [redditEvent(NOW)] } });
    expect(s.received("reddit").map((e) => [e.test, e.envelope])).toEqual([[true, { test_id: "t2_test_123" }]]);
    const over = await redditCall(s, { data: { events: times(1001, (i) => redditEvent(NOW, { metadata: { conversion_id: `c${i}` } })) } });
    expect([over.status, over.body.error.message]).toEqual([400, "data.events: at most 1000 events per request"]);
  });

  it("answers a wrong token with 401 and another pixel with 403", async () => {
    const bad = await redditCall(s, { data: { events: [redditEvent(NOW)] } }, { token: "wrong" });
    const foreign = await redditCall(s, { data: { events: [redditEvent(NOW)] } }, { pixelId: "a2_someoneelse" });
    expect([bad.status, bad.body.error.code, foreign.status, foreign.body.error.code]).toEqual([401, "UNAUTHORIZED", 403, "FORBIDDEN"]);
  });

  it("counts duplicates by (tracking type, conversion_id)", async () => {
    await redditCall(s, { data: { events: [redditEvent(NOW), redditEvent(NOW)] } });
    expect(s.dedupedCount("reddit")).toBe(1);
  });
});

describe("x stand-in", () => {
  it("accepts a correctly signed request and answers conversions_processed", async () => {
    const res = await xCall(s, { conversions: [xConversion(NOW)] }, { now: NOW });
    expect([res.status, res.body]).toEqual([200, { request: { params: { pixel_id: "o8z6j" } }, data: { conversions_processed: 1, debug_id: expect.any(String) } }]);
    expect(s.received("x").map((e) => [e.eventId, e.eventName, e.test, e.notes])).toEqual([["order-100234", "o87ne", false, []]]);
  });

  it("verifies the OAuth 1.0a signature: a wrong consumer secret or token secret is 401", async () => {
    const body = { conversions: [xConversion(NOW)] };
    const wrongConsumer = await xCall(s, body, { now: NOW, consumerSecret: "not-the-secret" });
    const wrongToken = await xCall(s, body, { now: NOW + 1, tokenSecret: "not-the-secret" });
    const notOAuth = await xCall(s, body, { now: NOW, authorization: "Bearer something" });
    const unauthorized = { errors: [{ code: "UNAUTHORIZED_ACCESS", message: "This request is not properly authenticated" }], request: { params: {} } };
    expect([wrongConsumer.status, wrongConsumer.body, wrongToken.status, notOAuth.status]).toEqual([401, unauthorized, 401, 401]);
    expect(reasons("x")).toEqual([
      "Authorization: signature does not match",
      "Authorization: signature does not match",
      "Authorization: not an OAuth 1.0a header",
    ]);
  });

  it("refuses a timestamp 20 minutes off and a replayed nonce [assumed]", async () => {
    const body = { conversions: [xConversion(NOW)] };
    expect((await xCall(s, body, { now: NOW - 20 * 60_000 })).status).toBe(401);
    expect((await xCall(s, body, { now: NOW })).status).toBe(200);
    expect((await xCall(s, body, { now: NOW })).status).toBe(401); // the same request, same nonce
    expect((await xCall(s, body, { now: NOW + 1 })).status).toBe(200); // a retry a millisecond later: a new nonce
    expect(reasons("x")).toEqual(["Authorization: oauth_timestamp out of bounds", "Authorization: oauth_nonce already used"]);
  });

  it("refuses an unknown event id, IP + UA without a strong identifier, an upper-case digest and a non-ISO time", async () => {
    const res = await xCall(
      s,
      {
        conversions: [
          xConversion(NOW, { event_id: "zzzzz" }),
          xConversion(NOW, { identifiers: [{ ip_address: TEST_CUSTOMER.ip, user_agent: TEST_CUSTOMER.userAgent }] }),
          xConversion(NOW, { identifiers: [{ hashed_email: sha256Hex("john.smith@gmail.com").toUpperCase() }] }),
          xConversion(NOW, { conversion_time: String(NOW) }),
        ],
      },
      { now: NOW },
    );
    expect([res.status, res.body.errors[0].code, res.body.errors[0].parameter]).toEqual([400, "INVALID_PARAMETER", "conversions"]);
    expect(res.body.errors[0].message).toBe(
      "conversions[0].event_id: no such event in this ad account; conversions[1].identifiers: needs twclid, hashed_email or hashed_phone_number (IP and user agent are not enough); conversions[2].identifiers[0].hashed_email: must be lowercase hex (upper-case hex digest sent); conversions[3].conversion_time: must be an ISO 8601 time",
    );
  });

  it("accepts the tw-<pixel>-<event> spelling and 500 conversions, refuses 501 and another API version", async () => {
    expect((await xCall(s, { conversions: [xConversion(NOW, { event_id: "tw-o8z6j-o87ne" })] }, { now: NOW })).status).toBe(200);
    expect((await xCall(s, { conversions: times(500, (i) => xConversion(NOW, { conversion_id: `c${i}` })) }, { now: NOW + 1 })).status).toBe(200);
    const over = await xCall(s, { conversions: times(501, (i) => xConversion(NOW, { conversion_id: `c${i}` })) }, { now: NOW + 2 });
    expect([over.status, over.body.errors[0].message]).toEqual([400, "At most 500 conversions per request"]);
    expect((await xCall(s, { conversions: [xConversion(NOW)] }, { now: NOW + 3, version: "11" })).status).toBe(404);
  });

  it("counts duplicates by (event id, conversion_id)", async () => {
    await xCall(s, { conversions: [xConversion(NOW)] }, { now: NOW });
    await xCall(s, { conversions: [xConversion(NOW)] }, { now: NOW + 1 });
    expect(s.dedupedCount("x")).toBe(1);
  });
});
