/**
 * The stand-ins exercised over real HTTP with fetch: each accepts a valid request, refuses what
 * its platform documents as invalid with the platform's own error shape, and every fault type
 * behaves. Expected bodies are written out in full (toEqual); only generated trace/request ids
 * are matched with expect.any(String).
 */
import {
  afterAll,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
} from "vitest";
import {
  expectedHashes,
  startStandins,
  STANDIN_KINDS,
  TEST_CUSTOMER,
  type Fault,
  type StandinKind,
  type Standins,
} from "./index";
import { microsoftCall, microsoftEvent, redditCall, redditEvent, xCall, xConversion } from "./requests-14a";

/** Fixed stand-in clock: 2026-11-20 12:00:00 UTC. */
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const NOW_S = NOW / 1000;
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const H = expectedHashes();
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

/** Response bodies are platform JSON, asserted with toEqual. */
type Body = any;
interface Result {
  status: number;
  headers: Headers;
  body: Body;
  text: string;
}

async function call(url: string, init: RequestInit): Promise<Result> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Body = text;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, headers: res.headers, body, text };
}

function json(
  body: unknown,
  headers: Record<string, string> = {}
): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

function cred(kind: StandinKind, name: string): string {
  const value = s.credentials[kind][name];
  if (value === undefined) throw new Error(`no credential ${kind}.${name}`);
  return value;
}

function times<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

// ---------------------------------------------------------------- request builders

const send = {
  meta: (body: unknown, o: { token?: string | null; pixel?: string } = {}) => {
    const token = o.token === undefined ? cred("meta", "accessToken") : o.token;
    const query =
      token === null ? "" : `?access_token=${encodeURIComponent(token)}`;
    return call(
      `${s.urls.meta}/v24.0/${
        o.pixel ?? cred("meta", "pixelId")
      }/events${query}`,
      json(body)
    );
  },
  tiktok: (body: unknown, o: { token?: string } = {}) =>
    call(
      `${s.urls.tiktok}/open_api/v1.3/event/track/`,
      json(body, { "access-token": o.token ?? cred("tiktok", "accessToken") })
    ),
  ga4: (
    body: unknown,
    o: { debug?: boolean; secret?: string; raw?: string } = {}
  ) =>
    call(
      `${s.urls.ga4}${o.debug ? "/debug" : ""}/mp/collect?measurement_id=${cred(
        "ga4",
        "measurementId"
      )}&api_secret=${o.secret ?? cred("ga4", "apiSecret")}`,
      o.raw === undefined ? json(body) : { method: "POST", body: o.raw }
    ),
  googleAds: (
    body: unknown,
    o: {
      token?: string | null;
      customer?: string;
      headers?: Record<string, string>;
    } = {}
  ) => {
    const token =
      o.token === undefined ? cred("google-ads", "accessToken") : o.token;
    const headers: Record<string, string> = {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...o.headers,
    };
    return call(
      `${s.urls["google-ads"]}/v21/customers/${
        o.customer ?? cred("google-ads", "customerId")
      }:uploadClickConversions`,
      json(body, headers)
    );
  },
  pinterest: (
    body: unknown,
    o: { token?: string; account?: string; test?: boolean } = {}
  ) =>
    call(
      `${s.urls.pinterest}/v5/ad_accounts/${
        o.account ?? cred("pinterest", "adAccountId")
      }/events${o.test ? "?test=true" : ""}`,
      json(body, {
        authorization: `Bearer ${o.token ?? cred("pinterest", "accessToken")}`,
      })
    ),
  snapchat: (
    body: unknown,
    o: { token?: string; pixel?: string; validate?: boolean } = {}
  ) =>
    call(
      `${s.urls.snapchat}/v3/${o.pixel ?? cred("snapchat", "pixelId")}/events${
        o.validate ? "/validate" : ""
      }?access_token=${o.token ?? cred("snapchat", "accessToken")}`,
      json(body)
    ),
  linkedin: (body: unknown, o: { token?: string; headers?: Record<string, string> } = {}) =>
    call(
      `${s.urls.linkedin}/rest/conversionEvents`,
      json(body, {
        authorization: `Bearer ${o.token ?? cred("linkedin", "accessToken")}`,
        "linkedin-version": "202607",
        "x-restli-protocol-version": "2.0.0",
        "x-restli-method": "BATCH_CREATE",
        ...o.headers,
      })
    ),
  klaviyo: (body: unknown, o: { key?: string; headers?: Record<string, string> } = {}) =>
    call(
      `${s.urls.klaviyo}/api/events`,
      json(body, {
        authorization: `Klaviyo-API-Key ${o.key ?? cred("klaviyo", "privateApiKey")}`,
        revision: "2026-07-15",
        "content-type": "application/vnd.api+json",
        ...o.headers,
      })
    ),
};

const FBC =
  "fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk";
const FBP = "fb.1.1596403881668.1116446470";
const PAGE = "https://shop.example.com/checkout/thank-you";

function metaEvent(
  over: Record<string, unknown> = {},
  user: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    event_name: "Purchase",
    event_time: NOW_S - 60,
    event_id: "order-100234",
    action_source: "website",
    event_source_url: PAGE,
    user_data: {
      em: [H.meta.em],
      ph: [H.meta.ph],
      ct: [H.meta.ct],
      st: [H.meta.st],
      zp: [H.meta.zp],
      country: [H.meta.country],
      external_id: [H.meta.external_id],
      client_ip_address: TEST_CUSTOMER.ip,
      client_user_agent: TEST_CUSTOMER.userAgent,
      fbc: FBC,
      fbp: FBP,
      ...user,
    },
    custom_data: { currency: "USD", value: 142.52, order_id: "order-100234" },
    ...over,
  };
}

function tiktokEvent(
  over: Record<string, unknown> = {},
  user: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    event: "Purchase",
    event_time: NOW_S - 60,
    event_id: "order-100234",
    user: {
      email: [H.tiktok.email],
      phone: [H.tiktok.phone],
      external_id: [H.tiktok.external_id],
      ttclid: "E.C.P.standin-click",
      ttp: "2F7h37YkS1j57AYSKTI7IHhJPYH",
      ip: TEST_CUSTOMER.ip,
      user_agent: TEST_CUSTOMER.userAgent,
      ...user,
    },
    page: { url: PAGE },
    properties: {
      currency: "USD",
      value: 142.52,
      order_id: "order-100234",
      content_type: "product",
    },
    ...over,
  };
}
const tiktokBody = (data: unknown[], over: Record<string, unknown> = {}) => ({
  event_source: "web",
  event_source_id: cred("tiktok", "pixelCode"),
  partner_name: "Trueline",
  data,
  ...over,
});

function ga4Event(
  over: Record<string, unknown> = {},
  params: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    name: "purchase",
    params: {
      session_id: "1749482504",
      engagement_time_msec: 100,
      transaction_id: "order-100234",
      currency: "USD",
      value: 142.52,
      items: [{ item_id: "SKU-1", item_name: "Tee", price: 100, quantity: 1 }],
      ...params,
    },
    ...over,
  };
}
function ga4Body(
  events: unknown[] = [ga4Event()],
  over: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    client_id: "1162820436.1749482504",
    user_id: "cust-8842",
    timestamp_micros: (NOW - 60_000) * 1000,
    consent: { ad_user_data: "GRANTED", ad_personalization: "DENIED" },
    user_data: {
      sha256_email_address: [H.google.email],
      sha256_phone_number: [H.google.phone],
      address: [
        {
          sha256_first_name: H.google.first_name,
          sha256_last_name: H.google.last_name,
          city: "menlopark",
          region: "ca",
          postal_code: "94025",
          country: "US",
        },
      ],
    },
    events,
    ...over,
  };
}

function adsConversion(
  over: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    gclid: "EAIaIQobChMI_standin-gclid",
    conversion_action: cred("google-ads", "conversionAction"),
    conversion_date_time: "2026-11-20 11:59:00+00:00",
    conversion_value: 142.52,
    currency_code: "USD",
    order_id: "order-100234",
    user_identifiers: [
      { hashed_email: H.google.email },
      { hashed_phone_number: H.google.phone },
    ],
    consent: { ad_user_data: "GRANTED" },
    ...over,
  };
}
const adsBody = (
  conversions: unknown[],
  over: Record<string, unknown> = {}
) => ({
  conversions,
  partial_failure: true,
  ...over,
});

function pinterestEvent(
  over: Record<string, unknown> = {},
  user: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    event_name: "checkout",
    action_source: "web",
    event_time: NOW_S - 60,
    event_id: "order-100234",
    event_source_url: PAGE,
    opt_out: false,
    partner_name: "ss-trueline",
    user_data: {
      em: [H.pinterest.em],
      ph: [H.pinterest.ph],
      country: [H.pinterest.country],
      client_ip_address: TEST_CUSTOMER.ip,
      client_user_agent: TEST_CUSTOMER.userAgent,
      click_id:
        "dj0yJnU9b2JDcFFHekV4SHJNcmVrbFBkUEdqakh0akdUT1VjVVUmcD0yJm49cnNBQ3F2Q2dOVDBXWWhkWklrUGxBUSZ0PUFBQUFBR1BaY3Bv",
      ...user,
    },
    custom_data: {
      currency: "USD",
      value: "142.52",
      order_id: "order-100234",
      num_items: 1,
      content_ids: ["SKU-1"],
      contents: [{ id: "SKU-1", item_price: "142.52", quantity: 1 }],
    },
    ...over,
  };
}

function snapEvent(
  over: Record<string, unknown> = {},
  user: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    event_name: "PURCHASE",
    event_time: NOW_S - 60,
    event_id: "order-100234",
    action_source: "WEB",
    event_source_url: PAGE,
    user_data: {
      em: [H.snapchat.em],
      ph: [H.snapchat.ph],
      client_ip_address: TEST_CUSTOMER.ip,
      client_user_agent: TEST_CUSTOMER.userAgent,
      sc_click_id: "7b3a7917-a82a-47e8-9728-e1b3b045abb2",
      sc_cookie1: "4f0c2d1e-5b7a-4c3e-9f1d-2a6b8c0e1f3a",
      ...user,
    },
    custom_data: { currency: "USD", value: "142.52", order_id: "order-100234" },
    ...over,
  };
}

function linkedinElement(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    conversion: "urn:lla:llaPartnerConversion:104012",
    conversionHappenedAt: NOW - 60_000,
    conversionValue: { currencyCode: "USD", amount: "142.52" },
    eventId: "order-100234",
    user: { userIds: [{ idType: "SHA256_EMAIL", idValue: H.meta.em }] },
    ...over,
  };
}

function klaviyoEvent(attributes: Record<string, unknown> = {}, profile: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    data: {
      type: "event",
      attributes: {
        properties: { OrderId: "order-100234" },
        time: new Date(NOW - 60_000).toISOString(),
        value: 142.52,
        value_currency: "USD",
        unique_id: "order-100234",
        metric: { data: { type: "metric", attributes: { name: "Placed Order" } } },
        profile: { data: { type: "profile", attributes: { email: RAW_EMAIL, phone_number: "+16505551212", ...profile } } },
        ...attributes,
      },
    },
  };
}

/** One valid single-event request per platform; `id` keeps Google Ads order ids unique. */
function validCall(kind: StandinKind, id = "order-1"): Promise<Result> {
  switch (kind) {
    case "meta":
      return send.meta({ data: [metaEvent({ event_id: id })] });
    case "tiktok":
      return send.tiktok(tiktokBody([tiktokEvent({ event_id: id })]));
    case "ga4":
      return send.ga4(ga4Body([ga4Event({}, { transaction_id: id })]));
    case "google-ads":
      return send.googleAds(
        adsBody([adsConversion({ order_id: id, gclid: `gclid-${id}` })])
      );
    case "pinterest":
      return send.pinterest({ data: [pinterestEvent({ event_id: id })] });
    case "snapchat":
      return send.snapchat({ data: [snapEvent({ event_id: id })] });
    case "microsoft":
      return microsoftCall(s, { data: [microsoftEvent(Math.floor(clock / 1000), { eventId: id })] });
    case "reddit":
      return redditCall(s, { data: { events: [redditEvent(clock, { metadata: { conversion_id: id } })] } });
    case "x":
      return xCall(s, { conversions: [xConversion(clock, { conversion_id: id })] }, { now: clock });
    case "linkedin":
      return send.linkedin({ elements: [linkedinElement({ eventId: id })] });
    case "klaviyo":
      return send.klaviyo(klaviyoEvent({ unique_id: id }));
  }
}

/** What each platform answers a valid request with (status only; bodies are checked per platform). */
const SUCCESS_STATUS: Record<StandinKind, number> = {
  meta: 200,
  tiktok: 200,
  ga4: 204,
  "google-ads": 200,
  pinterest: 200,
  snapchat: 200,
  microsoft: 200,
  reddit: 200,
  x: 200,
  linkedin: 200,
  klaviyo: 202,
};
const KINDS: StandinKind[] = [...STANDIN_KINDS];

async function waitFor(predicate: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error("waitFor timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

// ---------------------------------------------------------------- hash fixtures

describe("expectedHashes()", () => {
  it("matches digests computed with `printf '%s' value | sha256sum`", () => {
    expect(H.meta).toEqual({
      em: "d0c648bc36f12061bec770df216cea2ab95851b9350fd54b658de53b0407767a",
      ph: "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176",
      fn: "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec",
      ln: "6627835f988e2c5e50533d491163072d3f4f41f5c8b04630150debb3722ca2dd",
      ct: "0007a3d64c01e23d5075203c5977c14e4f7e01a3fc570686fcc50b5e1dd42685",
      st: "6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126",
      zp: "b9a9cf3cd3723a2e91b7c23ecf68456e872b6e5d86e5cab7f3d45a7302da32c7",
      country:
        "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621",
      external_id:
        "3335c80bf680bfaa5245dd28c8c930a6cbce0f13da00e5f462a2dd0521d5a4e5",
    });
    expect(H.google).toEqual({
      email: "3586de92bb3636d0885a12eff961429a32e4ebd764b96f50d85d016f9338d586",
      phone: "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8",
      first_name:
        "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec",
      last_name:
        "6627835f988e2c5e50533d491163072d3f4f41f5c8b04630150debb3722ca2dd",
    });
    // Meta phone = digits without '+'; TikTok/Google = E.164 with '+'.
    expect(H.tiktok.phone).toBe(
      "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8"
    );
    expect(H.mistakes.phoneWithPlus).not.toBe(H.meta.ph);
  });
});

// ---------------------------------------------------------------- Meta

describe("meta stand-in", () => {
  it("accepts a valid Purchase and answers events_received", async () => {
    const event = metaEvent();
    const res = await send.meta({
      data: [event],
      partner_agent: "trueline-0.1.0",
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      events_received: 1,
      messages: [],
      fbtrace_id: expect.any(String),
    });
    expect(s.received("meta")).toEqual([
      {
        eventId: "order-100234",
        eventName: "Purchase",
        at: NOW,
        test: false,
        body: event,
        envelope: { partner_agent: "trueline-0.1.0" },
        notes: [],
      },
    ]);
    expect(s.rejected("meta")).toEqual([]);
  });

  it("flags test_event_code requests as test events", async () => {
    const res = await send.meta({
      data: [metaEvent()],
      test_event_code: "TEST12345",
    });
    expect(res.status).toBe(200);
    expect(s.received("meta").map((e) => e.test)).toEqual([true]);
  });

  it("accepts form-encoded data=<json> as the Graph API does", async () => {
    const form = new URLSearchParams({
      data: JSON.stringify([metaEvent()]),
      access_token: cred("meta", "accessToken"),
    });
    const res = await call(
      `${s.urls.meta}/v24.0/${cred("meta", "pixelId")}/events`,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      }
    );
    expect(res.status).toBe(200);
    expect(res.body.events_received).toBe(1);
  });

  it("refuses a raw (unhashed) email with a Graph error and keeps the value out of the reason", async () => {
    const res = await send.meta({ data: [metaEvent({}, { em: [RAW_EMAIL] })] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        message: "Invalid parameter",
        type: "OAuthException",
        code: 100,
        is_transient: false,
        error_user_title: "Invalid event parameter",
        error_user_msg:
          "data[0].user_data.em[0]: must be a SHA-256 hex digest (value is not hashed)",
        fbtrace_id: expect.any(String),
      },
    });
    expect(s.received("meta")).toEqual([]);
    expect(s.rejected("meta").map((r) => r.reason)).toEqual([
      "data[0].user_data.em[0]: must be a SHA-256 hex digest (value is not hashed)",
    ]);
  });

  it("refuses hashed values in fields Meta wants in clear (IP, fbc)", async () => {
    const res = await send.meta({
      data: [metaEvent({}, { client_ip_address: H.meta.em, fbc: H.meta.em })],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.error_user_msg).toBe(
      "data[0].user_data.client_ip_address: must be the raw IP address, not a hash; data[0].user_data.fbc: must be fb.<subdomain>.<creationTime ms>.<fbclid>, unhashed"
    );
  });

  it("refuses upper-case hex digests", async () => {
    const res = await send.meta({
      data: [metaEvent({}, { ph: [H.meta.ph.toUpperCase()] })],
    });
    expect(res.body.error.error_user_msg).toBe(
      "data[0].user_data.ph[0]: must be lowercase hex (upper-case hex digest sent)"
    );
  });

  it("refuses Purchase without value and currency", async () => {
    const res = await send.meta({
      data: [metaEvent({ custom_data: { order_id: "order-100234" } })],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.error_user_msg).toBe(
      "data[0].custom_data.value: is required for Purchase; data[0].custom_data.currency: is required for Purchase"
    );
  });

  it("refuses a website event without event_source_url and client_user_agent", async () => {
    const event = metaEvent(
      { event_source_url: undefined },
      { client_user_agent: undefined }
    );
    const res = await send.meta({ data: [JSON.parse(JSON.stringify(event))] });
    expect(res.body.error.error_user_msg).toBe(
      "data[0].event_source_url: is required as a full URL for website events; data[0].user_data.client_user_agent: is required for website events"
    );
  });

  it("refuses event_time in milliseconds", async () => {
    const res = await send.meta({
      data: [metaEvent({ event_time: NOW - 60_000 })],
    });
    expect(res.body.error.error_user_msg).toBe(
      "data[0].event_time: is in the future (looks like milliseconds; seconds expected)"
    );
  });

  it("fails the WHOLE request when one event is older than 7 days (subcode 2804003)", async () => {
    const fresh = metaEvent({ event_id: "fresh" });
    const old = metaEvent({
      event_id: "old",
      event_time: NOW_S - 7 * 24 * 3600 - 1,
    });
    const res = await send.meta({ data: [fresh, old] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        message: "Invalid parameter",
        type: "OAuthException",
        code: 100,
        error_subcode: 2804003,
        is_transient: false,
        error_user_title: "Event Timestamp Too Old",
        error_user_msg:
          "The timestamp for this event is older than 7 days. Events older than 7 days can't be processed.",
        fbtrace_id: expect.any(String),
      },
    });
    expect(s.received("meta")).toEqual([]);
  });

  it("accepts an event exactly 7 days old", async () => {
    const res = await send.meta({
      data: [metaEvent({ event_time: NOW_S - 7 * 24 * 3600 })],
    });
    expect(res.status).toBe(200);
  });

  it("accepts 1,000 events and refuses 1,001", async () => {
    const ok = await send.meta({
      data: times(1000, (i) => metaEvent({ event_id: `e${i}` })),
    });
    expect(ok.body.events_received).toBe(1000);
    const over = await send.meta({
      data: times(1001, (i) => metaEvent({ event_id: `e${i}` })),
    });
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe(100);
    expect(over.body.error.error_user_msg).toBe(
      "data holds 1001 events; at most 1000 per request."
    );
    expect(s.received("meta")).toHaveLength(1000);
  });

  it("answers bad, missing tokens and unknown pixels with Graph auth errors", async () => {
    const bad = await send.meta(
      { data: [metaEvent()] },
      { token: "EAAB-wrong" }
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: {
        message: "Invalid OAuth access token - Cannot parse access token",
        type: "OAuthException",
        code: 190,
        is_transient: false,
        fbtrace_id: expect.any(String),
      },
    });
    const missing = await send.meta({ data: [metaEvent()] }, { token: null });
    expect(missing.body.error.code).toBe(104);
    const pixel = await send.meta({ data: [metaEvent()] }, { pixel: "999" });
    expect([
      pixel.body.error.code,
      pixel.body.error.error_subcode,
      pixel.body.error.type,
    ]).toEqual([100, 33, "GraphMethodException"]);
    expect(s.received("meta")).toEqual([]);
  });

  it("notes what Meta accepts but will not match well", async () => {
    const res = await send.meta({
      data: [
        metaEvent(
          { event_name: "purchase" },
          { fbc: "fb.1.1554763741.IwAR2F4" }
        ),
      ],
    });
    expect(res.status).toBe(200);
    expect(s.received("meta")[0]?.notes).toEqual([
      'data[0].event_name: custom event differing only in case from standard "Purchase"',
      "data[0].user_data.fbc: creationTime looks like seconds, Meta expects milliseconds",
    ]);
  });

  it("counts duplicates of (event_name, event_id) within 48 h", async () => {
    await send.meta({ data: [metaEvent()] });
    await send.meta({ data: [metaEvent()] });
    expect(s.dedupedCount("meta")).toBe(1);
    clock = NOW + 49 * HOUR; // outside the window: a new first occurrence
    await send.meta({ data: [metaEvent({ event_time: NOW_S })] });
    expect(s.dedupedCount("meta")).toBe(1);
    await send.meta({
      data: [metaEvent({ event_name: "AddToCart", custom_data: {} })],
    }); // other name, same id
    expect(s.dedupedCount("meta")).toBe(1);
    expect(s.received("meta")).toHaveLength(4);
  });
});

// ---------------------------------------------------------------- TikTok

describe("tiktok stand-in", () => {
  it("accepts a valid event with code 0", async () => {
    const event = tiktokEvent();
    const res = await send.tiktok(tiktokBody([event]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: 0,
      message: "OK",
      request_id: expect.any(String),
      data: {},
    });
    expect(s.received("tiktok")).toEqual([
      {
        eventId: "order-100234",
        eventName: "Purchase",
        at: NOW,
        test: false,
        body: event,
        envelope: {
          event_source: "web",
          event_source_id: cred("tiktok", "pixelCode"),
          partner_name: "Trueline",
        },
        notes: [],
      },
    ]);
  });

  it("refuses a raw email with HTTP 200 and code 40002", async () => {
    const res = await send.tiktok(
      tiktokBody([tiktokEvent({}, { email: RAW_EMAIL })])
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: 40002,
      message:
        "data[0].user.email: must be a SHA-256 hex digest (value is not hashed)",
      request_id: expect.any(String),
      data: {},
    });
    expect(s.received("tiktok")).toEqual([]);
  });

  it("refuses hashed ip / ttclid (sent in clear)", async () => {
    const res = await send.tiktok(
      tiktokBody([
        tiktokEvent({}, { ip: H.tiktok.email, ttclid: H.tiktok.email }),
      ])
    );
    expect(res.body.code).toBe(40002);
    expect(res.body.message).toBe(
      "data[0].user.ttclid: must be sent unhashed (looks like a SHA-256 digest); data[0].user.ip: must be the raw IP address, not a hash"
    );
  });

  it("processes the valid events of a mixed batch and answers 20001", async () => {
    const good = tiktokEvent({ event_id: "good" });
    const bad = tiktokEvent({ event_id: "bad", event_time: "yesterday" });
    const res = await send.tiktok(tiktokBody([good, bad]));
    expect(res.body).toEqual({
      code: 20001,
      message:
        "Partial success. 1 of 2 events were dropped: data[1].event_time: must be an integer unix timestamp in seconds",
      request_id: expect.any(String),
      data: {},
    });
    expect(s.received("tiktok").map((e) => e.eventId)).toEqual(["good"]);
    expect(s.rejected("tiktok")).toEqual([
      {
        at: NOW,
        status: 200,
        reason:
          "data[1].event_time: must be an integer unix timestamp in seconds",
        body: bad,
        response: res.body,
      },
    ]);
  });

  it("answers a bad Access-Token with code 40105 and a foreign pixel with 40001", async () => {
    const bad = await send.tiktok(tiktokBody([tiktokEvent()]), {
      token: "nope",
    });
    expect([bad.status, bad.body.code, bad.body.message]).toEqual([
      200,
      40105,
      "Access token is incorrect or has been revoked.",
    ]);
    const pixel = await send.tiktok(
      tiktokBody([tiktokEvent()], { event_source_id: "C4OTHERPIXEL" })
    );
    expect(pixel.body.code).toBe(40001);
    expect(s.received("tiktok")).toEqual([]);
  });

  it("accepts 1,000 events and refuses 1,001", async () => {
    expect(
      (
        await send.tiktok(
          tiktokBody(times(1000, (i) => tiktokEvent({ event_id: `e${i}` })))
        )
      ).body.code
    ).toBe(0);
    const over = await send.tiktok(
      tiktokBody(times(1001, (i) => tiktokEvent({ event_id: `e${i}` })))
    );
    expect([over.body.code, over.body.message]).toEqual([
      40002,
      "data: at most 1000 events per request",
    ]);
  });

  it("flags test_event_code and notes a Purchase without value", async () => {
    await send.tiktok(
      tiktokBody([tiktokEvent({ properties: {} })], {
        test_event_code: "TEST123",
      })
    );
    const [event] = s.received("tiktok");
    expect([event?.test, event?.notes]).toEqual([
      true,
      [
        "data[0]: Purchase without properties.value and properties.currency cannot be used for ROAS",
      ],
    ]);
  });

  it("counts API-to-API duplicates within 48 h", async () => {
    await send.tiktok(tiktokBody([tiktokEvent(), tiktokEvent()]));
    expect(s.dedupedCount("tiktok")).toBe(1);
  });
});

// ---------------------------------------------------------------- GA4

describe("ga4 stand-in", () => {
  it("answers 204 and records a valid purchase keyed by transaction_id", async () => {
    const body = ga4Body();
    const res = await send.ga4(body);
    expect([res.status, res.text]).toEqual([204, ""]);
    const { events: _events, ...envelope } = body;
    expect(s.received("ga4")).toEqual([
      {
        eventId: "order-100234",
        eventName: "purchase",
        at: NOW,
        test: false,
        body: ga4Event(),
        envelope,
        notes: [],
      },
    ]);
  });

  it("silently drops a raw email (still 2xx) and the debug endpoint says why", async () => {
    const body = ga4Body([ga4Event()], {
      user_data: { sha256_email_address: [RAW_EMAIL] },
    });
    const res = await send.ga4(body);
    expect(res.status).toBe(204);
    expect(s.received("ga4")).toEqual([]);
    expect(s.rejected("ga4").map((r) => r.reason)).toEqual([
      "user_data.sha256_email_address[0]: sha256_email_address must be a SHA-256 hex digest (value is not hashed)",
    ]);
    const debug = await send.ga4(body, { debug: true });
    expect(debug.body).toEqual({
      validationMessages: [
        {
          fieldPath: "user_data.sha256_email_address[0]",
          description:
            "sha256_email_address must be a SHA-256 hex digest (value is not hashed)",
          validationCode: "VALUE_INVALID",
        },
      ],
    });
  });

  it("reproduces the documented NAME_INVALID validation message", async () => {
    const res = await send.ga4(ga4Body([ga4Event({ name: "_badEventName" })]), {
      debug: true,
    });
    expect(res.body).toEqual({
      validationMessages: [
        {
          fieldPath: "events",
          description:
            "Event at index: [0] has invalid name [_badEventName]. Names must start with an alphabetic character.",
          validationCode: "NAME_INVALID",
        },
      ],
    });
  });

  it("debug accepts a valid request with an empty validationMessages and records it as test", async () => {
    const res = await send.ga4(ga4Body(), { debug: true });
    expect([res.status, res.body]).toEqual([200, { validationMessages: [] }]);
    expect(s.received("ga4").map((e) => e.test)).toEqual([true]);
  });

  it("drops everything for a wrong api_secret without saying so; debug does not check it", async () => {
    const res = await send.ga4(ga4Body(), { secret: "wrong" });
    expect([res.status, s.received("ga4")]).toEqual([204, []]);
    expect(s.rejected("ga4").map((r) => r.reason)).toEqual([
      "measurement_id/api_secret not valid: GA4 drops the request silently",
    ]);
    const debug = await send.ga4(ga4Body(), { debug: true, secret: "wrong" });
    expect(debug.body).toEqual({ validationMessages: [] });
  });

  it("RELAXED keeps an event older than 72 h (noted), ENFORCE_RECOMMENDATIONS drops it", async () => {
    const old = (NOW - 73 * HOUR) * 1000;
    await send.ga4(ga4Body([ga4Event({ timestamp_micros: old })]));
    expect(s.received("ga4").map((e) => e.notes)).toEqual([
      [
        "events[0].timestamp_micros: timestamp_micros is more than 72 hours in the past (GA4 records it at now-72h)",
      ],
    ]);
    s.reset();
    await send.ga4(
      ga4Body([ga4Event({ timestamp_micros: old })], {
        validation_behavior: "ENFORCE_RECOMMENDATIONS",
      })
    );
    expect(s.received("ga4")).toEqual([]);
    const debug = await send.ga4(
      ga4Body([ga4Event({ timestamp_micros: old })], {
        validation_behavior: "ENFORCE_RECOMMENDATIONS",
      }),
      { debug: true }
    );
    expect(debug.body.validationMessages).toEqual([
      {
        fieldPath: "events[0].timestamp_micros",
        description: "timestamp_micros is more than 72 hours in the past",
        validationCode: "VALUE_OUT_OF_BOUNDS",
      },
    ]);
  });

  it("notes a timestamp sent in milliseconds instead of microseconds", async () => {
    await send.ga4(ga4Body([ga4Event()], { timestamp_micros: NOW - 60_000 }));
    expect(s.received("ga4")[0]?.notes).toEqual([
      "timestamp_micros: timestamp_micros is more than 72 hours in the past (looks like milliseconds or seconds; GA4 expects microseconds) (GA4 records it at now-72h)",
    ]);
  });

  it("drops a request with more than 25 events, and one of 130 kB or more", async () => {
    await send.ga4(
      ga4Body(times(25, (i) => ga4Event({}, { transaction_id: `o${i}` })))
    );
    expect(s.received("ga4")).toHaveLength(25);
    s.reset();
    await send.ga4(ga4Body(times(26, () => ga4Event())));
    expect(s.received("ga4")).toEqual([]);
    expect(s.rejected("ga4").map((r) => r.reason)).toEqual([
      "events: A request can contain at most 25 events (got 26).",
    ]);
    s.reset();
    const big = JSON.stringify({ ...ga4Body(), padding: "x".repeat(130_000) });
    await send.ga4(null, { raw: big });
    expect(s.received("ga4")).toEqual([]);
    expect(s.rejected("ga4")[0]?.reason).toBe(
      `: Post body must be smaller than 130kB (got ${big.length} bytes).`
    );
  });

  it("drops only the bad event of a request and refuses hashed clear-text address fields", async () => {
    await send.ga4(
      ga4Body([
        ga4Event({}, { transaction_id: "a" }),
        ga4Event({ name: "session_start" }),
      ])
    );
    expect(s.received("ga4").map((e) => e.eventId)).toEqual(["a"]);
    s.reset();
    const hashedCity = ga4Body([ga4Event()], {
      user_data: { address: [{ city: H.meta.ct }] },
    });
    const debug = await send.ga4(hashedCity, { debug: true });
    expect(debug.body.validationMessages).toEqual([
      {
        fieldPath: "user_data.address[0].city",
        description: "city must be sent unhashed",
        validationCode: "VALUE_INVALID",
      },
    ]);
  });
});

// ---------------------------------------------------------------- Google Ads

describe("google-ads stand-in", () => {
  it("accepts a valid click conversion and returns its result", async () => {
    const conversion = adsConversion();
    const res = await send.googleAds(adsBody([conversion]), {
      headers: { "developer-token": "ignored-since-the-sunset" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      jobId: expect.any(String),
      results: [
        {
          gclid: "EAIaIQobChMI_standin-gclid",
          conversionAction: cred("google-ads", "conversionAction"),
          conversionDateTime: "2026-11-20 11:59:00+00:00",
          userIdentifiers: [
            { hashed_email: H.google.email },
            { hashed_phone_number: H.google.phone },
          ],
        },
      ],
    });
    expect(s.received("google-ads")).toEqual([
      {
        eventId: "order-100234",
        eventName: cred("google-ads", "conversionAction"),
        at: NOW,
        test: false,
        body: conversion,
        envelope: { partial_failure: true },
        notes: [],
      },
    ]);
  });

  it("reads camelCase request fields too", async () => {
    const res = await send.googleAds({
      partialFailure: true,
      conversions: [
        {
          gclid: "abc",
          conversionAction: cred("google-ads", "conversionAction"),
          conversionDateTime: "2026-11-20 11:59:00-08:00",
          orderId: "cc-1",
        },
      ],
    });
    expect(res.body.partialFailureError).toBeUndefined();
    expect(s.received("google-ads").map((e) => e.eventId)).toEqual(["cc-1"]);
  });

  it("reports an unhashed email in partialFailureError and returns an empty result for that row", async () => {
    const res = await send.googleAds(
      adsBody([
        adsConversion({ order_id: "good" }),
        adsConversion({
          order_id: "bad",
          gclid: "other",
          user_identifiers: [{ hashed_email: RAW_EMAIL }],
        }),
      ])
    );
    expect(res.status).toBe(200);
    expect(res.body.results[1]).toEqual({});
    expect(res.body.partialFailureError).toEqual({
      code: 3,
      message:
        "Make sure you hash user provided data using SHA-256 and ensure you are normalizing according to the guidelines., at conversions[1].user_identifiers[0]",
      details: [
        {
          "@type":
            "type.googleapis.com/google.ads.googleads.v21.errors.GoogleAdsFailure",
          errors: [
            {
              errorCode: { conversionUploadError: "INVALID_USER_IDENTIFIER" },
              message:
                "Make sure you hash user provided data using SHA-256 and ensure you are normalizing according to the guidelines.",
              location: {
                fieldPathElements: [
                  { fieldName: "conversions", index: 1 },
                  { fieldName: "user_identifiers", index: 0 },
                ],
              },
            },
          ],
          requestId: expect.any(String),
        },
      ],
    });
    expect(s.received("google-ads").map((e) => e.eventId)).toEqual(["good"]);
  });

  it("requires partial_failure=true", async () => {
    const res = await send.googleAds({ conversions: [adsConversion()] });
    expect(res.status).toBe(400);
    expect(res.body.error.status).toBe("INVALID_ARGUMENT");
    expect(res.body.error.details[0].errors[0].errorCode).toEqual({
      partialFailureError: "PARTIAL_FAILURE_MODE_REQUIRED",
    });
  });

  it("refuses conversion_date_time not in 'yyyy-mm-dd hh:mm:ss+|-hh:mm'", async () => {
    const res = await send.googleAds(
      adsBody([adsConversion({ conversion_date_time: "2026-11-20T11:59:00Z" })])
    );
    expect(res.body.partialFailureError.details[0].errors[0].errorCode).toEqual(
      {
        dateError: "INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET",
      }
    );
  });

  it("refuses 2,001 conversions in one request", async () => {
    const res = await send.googleAds(
      adsBody(
        times(2001, (i) => adsConversion({ order_id: `o${i}`, gclid: `g${i}` }))
      )
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].errors[0]).toEqual({
      errorCode: { conversionUploadError: "TOO_MANY_CONVERSIONS_IN_REQUEST" },
      message: "Upload fewer than 2001 events in a single request.",
    });
  });

  it("refuses a re-upload of the same order id (ORDER_ID_ALREADY_IN_USE)", async () => {
    await send.googleAds(adsBody([adsConversion()]));
    const again = await send.googleAds(adsBody([adsConversion()]));
    expect(
      again.body.partialFailureError.details[0].errors[0].errorCode
    ).toEqual({
      conversionUploadError: "ORDER_ID_ALREADY_IN_USE",
    });
    expect(s.received("google-ads")).toHaveLength(1);
    expect(s.dedupedCount("google-ads")).toBe(0);
  });

  it("validateOnly returns no results and records the conversion as test", async () => {
    const res = await send.googleAds(
      adsBody([adsConversion()], { validate_only: true })
    );
    expect(res.body).toEqual({ jobId: expect.any(String) });
    expect(s.received("google-ads").map((e) => e.test)).toEqual([true]);
  });

  it("answers missing/invalid OAuth with 401 and a foreign customer with 403", async () => {
    const missing = await send.googleAds(adsBody([adsConversion()]), {
      token: null,
    });
    expect([missing.status, missing.body.error.status]).toEqual([
      401,
      "UNAUTHENTICATED",
    ]);
    const bad = await send.googleAds(adsBody([adsConversion()]), {
      token: "ya29.wrong",
    });
    expect(bad.body).toEqual({
      error: {
        code: 401,
        message:
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        status: "UNAUTHENTICATED",
      },
    });
    const other = await send.googleAds(adsBody([adsConversion()]), {
      customer: "1112223333",
    });
    expect([
      other.status,
      other.body.error.details[0].errors[0].errorCode,
    ]).toEqual([403, { authorizationError: "USER_PERMISSION_DENIED" }]);
    const dashed = await send.googleAds(adsBody([adsConversion()]), {
      customer: "123-456-7890",
    });
    expect(dashed.status).toBe(400);
  });
});

// ---------------------------------------------------------------- Pinterest

describe("pinterest stand-in", () => {
  it("accepts a valid checkout with per-event statuses", async () => {
    const event = pinterestEvent();
    const res = await send.pinterest({ data: [event] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      num_events_received: 1,
      num_events_processed: 1,
      events: [
        { status: "processed", error_message: null, warning_message: null },
      ],
    });
    expect(s.received("pinterest")).toEqual([
      {
        eventId: "order-100234",
        eventName: "checkout",
        at: NOW,
        test: false,
        body: event,
        envelope: {},
        notes: [],
      },
    ]);
  });

  it("fails only the event with a raw email (422, statuses in request order)", async () => {
    const res = await send.pinterest({
      data: [
        pinterestEvent({ event_id: "ok" }),
        pinterestEvent({ event_id: "raw" }, { em: [RAW_EMAIL] }),
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      code: 4196,
      message: "Not all events were successfully processed.",
      details: {
        num_events_received: 2,
        num_events_processed: 1,
        events: [
          { status: "processed", error_message: null, warning_message: null },
          {
            status: "failed",
            error_message:
              "data[1].user_data.em[0]: must be a SHA-256 hex digest (value is not hashed)",
            warning_message: null,
          },
        ],
      },
    });
    expect(s.received("pinterest").map((e) => e.eventId)).toEqual(["ok"]);
  });

  it("refuses the whole request when value is a number (the spec wants a string)", async () => {
    const res = await send.pinterest({
      data: [
        pinterestEvent({ custom_data: { currency: "USD", value: 142.52 } }),
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 4196,
      message:
        "The request was invalid. data[0].custom_data.value: must be a string",
    });
  });

  it("refuses em sent as a string instead of an array, and unknown properties", async () => {
    const res = await send.pinterest({
      data: [pinterestEvent({ price: "1" }, { em: H.pinterest.em })],
    });
    expect(res.body.message).toBe(
      "The request was invalid. data[0].price: unknown property; data[0].user_data.em: must be an array of strings"
    );
  });

  it("answers a bad token with 401 code 2 and a foreign ad account with 403 code 29", async () => {
    expect(
      (
        await send.pinterest(
          { data: [pinterestEvent()] },
          { token: "pina_wrong" }
        )
      ).body
    ).toEqual({
      code: 2,
      message: "Authentication failed.",
    });
    expect(
      (await send.pinterest({ data: [pinterestEvent()] }, { account: "1" }))
        .body
    ).toEqual({
      code: 29,
      message: "You are not permitted to access that resource.",
    });
  });

  it("flags ?test=true and refuses 1,001 events", async () => {
    await send.pinterest({ data: [pinterestEvent()] }, { test: true });
    expect(s.received("pinterest").map((e) => e.test)).toEqual([true]);
    const over = await send.pinterest({
      data: times(1001, (i) => pinterestEvent({ event_id: `e${i}` })),
    });
    expect([over.status, over.body.message]).toEqual([
      400,
      "The request was invalid. data: holds 1001 events; at most 1000",
    ]);
  });
});

// ---------------------------------------------------------------- Snapchat

describe("snapchat stand-in", () => {
  it("accepts a valid PURCHASE", async () => {
    const event = snapEvent();
    const res = await send.snapchat({ data: [event] });
    expect([res.status, res.body]).toEqual([
      200,
      { status: "SUCCESS", reason: "" },
    ]);
    expect(s.received("snapchat")).toEqual([
      {
        eventId: "order-100234",
        eventName: "PURCHASE",
        at: NOW,
        test: false,
        body: event,
        envelope: {},
        notes: [],
      },
    ]);
  });

  it("answers INVALID 400 for unhashed PII", async () => {
    const res = await send.snapchat({
      data: [snapEvent({}, { em: RAW_EMAIL })],
    });
    expect([res.status, res.body]).toEqual([
      400,
      {
        status: "INVALID",
        reason:
          "data[0].user_data.em: must be a SHA-256 hex digest (value is not hashed) (Unhashed PII)",
      },
    ]);
    expect(s.received("snapchat")).toEqual([]);
  });

  it("refuses a hashed IP address and a Purchase without currency", async () => {
    const res = await send.snapchat({
      data: [
        snapEvent(
          { custom_data: { value: "1.00" } },
          { client_ip_address: H.snapchat.em }
        ),
      ],
    });
    expect(res.body.reason).toBe(
      "data[0].user_data.client_ip_address: must be the raw IP address, not a hash; data[0].custom_data: Purchase needs value and currency (Missing price and/or currency in Purchase events)"
    );
  });

  it("accepts 36 days old, refuses 38 days old (37-day window)", async () => {
    expect(
      (
        await send.snapchat({
          data: [snapEvent({ event_time: NOW_S - 36 * 24 * 3600 })],
        })
      ).status
    ).toBe(200);
    const old = await send.snapchat({
      data: [snapEvent({ event_time: NOW_S - 38 * 24 * 3600 })],
    });
    expect([old.status, old.body.reason]).toEqual([
      400,
      "data[0].event_time: is older than the platform accepts (37 days) (Timestamp invalid or out of range)",
    ]);
  });

  it("answers 401 for a bad token and validates on /events/validate without recording for real", async () => {
    expect(
      (await send.snapchat({ data: [snapEvent()] }, { token: "wrong" })).status
    ).toBe(401);
    const res = await send.snapchat(
      { data: [snapEvent()] },
      { validate: true }
    );
    expect(res.body).toEqual({ status: "VALID", reason: "" });
    expect(s.received("snapchat").map((e) => e.test)).toEqual([true]);
  });

  it("accepts 2,000 events and refuses 2,001", async () => {
    expect(
      (
        await send.snapchat({
          data: times(2000, (i) => snapEvent({ event_id: `e${i}` })),
        })
      ).status
    ).toBe(200);
    const over = await send.snapchat({
      data: times(2001, (i) => snapEvent({ event_id: `e${i}` })),
    });
    expect([over.status, over.body]).toEqual([
      400,
      { status: "INVALID", reason: "data: at most 2000 events per request" },
    ]);
  });

  it("deduplicates PURCHASE and Purchase with the same event_id", async () => {
    await send.snapchat({
      data: [snapEvent(), snapEvent({ event_name: "Purchase" })],
    });
    expect(s.dedupedCount("snapchat")).toBe(1);
  });
});

describe("linkedin stand-in", () => {
  it("accepts a BATCH_CREATE and answers a 201 per element; no test mode", async () => {
    const res = await send.linkedin({ elements: [linkedinElement(), linkedinElement({ eventId: "order-2" })] });
    expect([res.status, res.body]).toEqual([200, { elements: [{ status: 201 }, { status: 201 }] }]);
    expect(s.received("linkedin").map((e) => [e.eventId, e.eventName, e.test])).toEqual([
      ["order-100234", "urn:lla:llaPartnerConversion:104012", false],
      ["order-2", "urn:lla:llaPartnerConversion:104012", false],
    ]);
  });

  it("judges each element: seconds instead of ms, unhashed email, unknown rule, > 90 days, no userIds", async () => {
    const res = await send.linkedin({
      elements: [
        linkedinElement({ conversionHappenedAt: NOW_S - 60 }),
        linkedinElement({ user: { userIds: [{ idType: "SHA256_EMAIL", idValue: RAW_EMAIL }] } }),
        linkedinElement({ conversion: "urn:lla:llaPartnerConversion:999" }),
        linkedinElement({ conversionHappenedAt: NOW - 91 * DAY }),
        linkedinElement({ user: { userInfo: { firstName: "a", lastName: "b" } } }),
        linkedinElement({ conversionValue: { currencyCode: "USD", amount: 142.52 } }),
        linkedinElement(),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.elements.map((e: { status: number }) => e.status)).toEqual([400, 400, 404, 400, 400, 400, 201]);
    expect(s.rejected("linkedin").map((r) => r.reason)).toEqual([
      "elements[0].conversionHappenedAt: looks like seconds; milliseconds expected",
      "elements[1].user.userIds[0].idValue: must be a SHA-256 hex digest (value is not hashed)",
      "elements[2].conversion: no such conversion rule on this ad account",
      "elements[3].conversionHappenedAt: is older than 90 days",
      "elements[4].user.userIds: is required (an array, empty when only userInfo is sent)",
      "elements[5].conversionValue.amount: must be a decimal number in a string",
    ]);
    expect(JSON.stringify(s.rejected("linkedin").map((r) => r.reason))).not.toContain(RAW_EMAIL);
  });

  it("refuses a missing LinkedIn-Version, a sunset version, a missing Rest.li header, a wrong token", async () => {
    const noVersion = await send.linkedin({ elements: [linkedinElement()] }, { headers: { "linkedin-version": "" } });
    const sunset = await send.linkedin({ elements: [linkedinElement()] }, { headers: { "linkedin-version": "202501" } });
    const noRestli = await send.linkedin({ elements: [linkedinElement()] }, { headers: { "x-restli-protocol-version": "" } });
    const token = await send.linkedin({ elements: [linkedinElement()] }, { token: "nope" });
    expect([noVersion, sunset, noRestli, token].map((r) => [r.status, r.body.code])).toEqual([
      [400, "VERSION_MISSING"],
      [426, "NONEXISTENT_VERSION"],
      [400, "INVALID_PROTOCOL_VERSION"],
      [401, "INVALID_ACCESS_TOKEN"],
    ]);
    expect(s.received("linkedin")).toEqual([]);
  });

  it("counts a resent eventId on the same rule as a duplicate", async () => {
    await send.linkedin({ elements: [linkedinElement()] });
    await send.linkedin({ elements: [linkedinElement()] });
    expect(s.dedupedCount("linkedin")).toBe(1);
  });
});

describe("klaviyo stand-in", () => {
  it("accepts a Create Event with 202 and no body; a backfill event counts too, noted as triggering no flow", async () => {
    const live = await send.klaviyo(klaviyoEvent());
    const backfill = await send.klaviyo(klaviyoEvent({ unique_id: "order-2", backfill: true }));
    expect([live.status, live.text, backfill.status]).toEqual([202, "", 202]);
    expect(s.received("klaviyo").map((e) => [e.eventId, e.eventName, e.test, e.notes])).toEqual([
      ["order-100234", "Placed Order", false, []],
      ["order-2", "Placed Order", false, ["backfill: recorded, triggers no flow"]],
    ]);
  });

  it("refuses a hashed email, a phone without +, no profile identifier, a numeric-string value, naming the pointer", async () => {
    const cases = [
      klaviyoEvent({}, { email: H.meta.em }),
      klaviyoEvent({}, { phone_number: "6505551212" }),
      klaviyoEvent({}, { email: undefined, phone_number: undefined }),
      klaviyoEvent({ value: "142.52" }),
      klaviyoEvent({ time: String(NOW_S) }),
    ];
    const results = [];
    for (const body of cases) results.push(await send.klaviyo(body));
    expect(results.map((r) => [r.status, r.body.errors[0].source.pointer])).toEqual([
      [400, "/data/attributes/profile/data/attributes/email"],
      [400, "/data/attributes/profile/data/attributes/phone_number"],
      [400, "/data/attributes/profile/data/attributes"],
      [400, "/data/attributes/value"],
      [400, "/data/attributes/time"],
    ]);
    expect(s.received("klaviyo")).toEqual([]);
    expect(JSON.stringify(s.rejected("klaviyo").map((r) => r.reason))).not.toContain(RAW_EMAIL);
  });

  it("needs the Klaviyo-API-Key scheme, a revision header and a JSON content type", async () => {
    const bearer = await send.klaviyo(klaviyoEvent(), { headers: { authorization: `Bearer ${cred("klaviyo", "privateApiKey")}` } });
    const noRevision = await send.klaviyo(klaviyoEvent(), { headers: { revision: "" } });
    const retired = await send.klaviyo(klaviyoEvent(), { headers: { revision: "2023-01-24" } });
    const form = await send.klaviyo(klaviyoEvent(), { headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect([bearer, noRevision, retired, form].map((r) => [r.status, r.body.errors[0].code])).toEqual([
      [401, "not_authenticated"],
      [400, "invalid"],
      [400, "invalid"],
      [415, "unsupported_media_type"],
    ]);
  });

  it("counts a resent unique_id for the same metric as a duplicate", async () => {
    await send.klaviyo(klaviyoEvent());
    await send.klaviyo(klaviyoEvent());
    expect(s.dedupedCount("klaviyo")).toBe(1);
  });
});

// ---------------------------------------------------------------- faults, for every platform

const AUTH_ERROR: Record<StandinKind, (r: Result) => unknown> = {
  meta: (r) => [r.status, r.body.error.code],
  tiktok: (r) => [r.status, r.body.code],
  ga4: (r) => [r.status, s.received("ga4").length],
  "google-ads": (r) => [r.status, r.body.error.status],
  pinterest: (r) => [r.status, r.body.code],
  snapchat: (r) => [r.status, r.body.status],
  microsoft: (r) => [r.status, r.body.error.code],
  reddit: (r) => [r.status, r.body.error.code],
  x: (r) => [r.status, r.body.errors[0].code],
  linkedin: (r) => [r.status, r.body.code],
  klaviyo: (r) => [r.status, r.body.errors[0].code],
};
const AUTH_EXPECTED: Record<StandinKind, unknown> = {
  meta: [400, 190],
  tiktok: [200, 40105],
  ga4: [204, 0],
  "google-ads": [401, "UNAUTHENTICATED"],
  pinterest: [401, 2],
  snapchat: [401, "UNAUTHORIZED"],
  microsoft: [401, "Unauthorized"],
  reddit: [401, "UNAUTHORIZED"],
  x: [401, "UNAUTHORIZED_ACCESS"],
  linkedin: [401, "INVALID_ACCESS_TOKEN"],
  klaviyo: [401, "not_authenticated"],
};
const RATE_LIMIT: Record<StandinKind, (r: Result) => unknown> = {
  meta: (r) => [r.status, r.body.error.code, r.body.error.is_transient],
  tiktok: (r) => [r.status, r.body.code],
  ga4: (r) => [r.status],
  "google-ads": (r) => [r.status, r.body.error.details[0].errors[0].errorCode],
  pinterest: (r) => [r.status, r.body.code],
  snapchat: (r) => [r.status],
  microsoft: (r) => [r.status, r.body.error.code],
  reddit: (r) => [r.status, r.body.error.code],
  x: (r) => [r.status, r.body.errors[0].code],
  linkedin: (r) => [r.status, r.body.code],
  klaviyo: (r) => [r.status, r.body.errors[0].code],
};
const RATE_LIMIT_EXPECTED: Record<StandinKind, unknown> = {
  meta: [400, 17, true],
  tiktok: [200, 40100],
  ga4: [429],
  "google-ads": [429, { quotaError: "RESOURCE_TEMPORARILY_EXHAUSTED" }],
  pinterest: [429, 8],
  snapchat: [429],
  microsoft: [429, "TooManyRequests"],
  reddit: [429, "RATE_LIMITED"],
  x: [429, "TOO_MANY_REQUESTS"],
  linkedin: [429, "TOO_MANY_REQUESTS"],
  klaviyo: [429, "throttled"],
};

describe.each(KINDS)("%s faults", (kind) => {
  it("status fault: answers the status with Retry-After for `count` requests, then recovers", async () => {
    s.setFault(kind, {
      type: "status",
      status: 503,
      retryAfterSec: 7,
      count: 2,
    });
    const first = await validCall(kind, "a");
    const second = await validCall(kind, "b");
    const third = await validCall(kind, "c");
    expect([
      first.status,
      first.headers.get("retry-after"),
      second.status,
      third.status,
    ]).toEqual([503, "7", 503, SUCCESS_STATUS[kind]]);
    expect(s.requests(kind)).toBe(3);
    expect(s.received(kind).map((e) => e.eventId)).toEqual(["c"]);
    expect(s.rejected(kind).map((r) => [r.status, r.reason])).toEqual([
      [503, "fault: status 503"],
      [503, "fault: status 503"],
    ]);
  });

  it("timeout fault: never answers until the client aborts", async () => {
    s.setFault(kind, { type: "timeout", count: 1 });
    const started = performance.now();
    await expect(
      fetch(`${s.urls[kind]}/anything`, {
        method: "POST",
        body: "{}",
        signal: AbortSignal.timeout(200),
      })
    ).rejects.toMatchObject({ name: "TimeoutError" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect((await validCall(kind)).status).toBe(SUCCESS_STATUS[kind]);
    expect(s.rejected(kind).map((r) => [r.status, r.reason])).toEqual([
      [0, "fault: timeout (never answered)"],
    ]);
  });

  it("malformed fault: 200 with a body that does not parse", async () => {
    s.setFault(kind, { type: "malformed", count: 1 });
    const res = await fetch(`${s.urls[kind]}/x`, {
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
    expect(s.received(kind)).toEqual([]);
  });

  it("bad-token fault: the platform's auth error for valid credentials, until cleared", async () => {
    s.setFault(kind, { type: "bad-token" });
    expect(AUTH_ERROR[kind](await validCall(kind, "a"))).toEqual(
      AUTH_EXPECTED[kind]
    );
    expect(AUTH_ERROR[kind](await validCall(kind, "b"))).toEqual(
      AUTH_EXPECTED[kind]
    );
    s.setFault(kind, { type: "none" });
    expect((await validCall(kind, "c")).status).toBe(SUCCESS_STATUS[kind]);
    expect(s.received(kind).map((e) => e.eventId)).toEqual(["c"]);
  });

  it("rate-limit-in-body fault: the platform's own throttling answer", async () => {
    s.setFault(kind, { type: "rate-limit-in-body", count: 1 });
    expect(RATE_LIMIT[kind](await validCall(kind))).toEqual(
      RATE_LIMIT_EXPECTED[kind]
    );
    expect(s.received(kind)).toEqual([]);
  });

  it("latency fault: answers normally after the delay", async () => {
    s.setFault(kind, { type: "latency", ms: 150 });
    const started = performance.now();
    const res = await validCall(kind);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(SUCCESS_STATUS[kind]);
  });
});

describe("faults after processing (response lost)", () => {
  it("records the event although the client timed out, so a retry shows up as a duplicate", async () => {
    s.setFault("meta", { type: "timeout", count: 1, afterProcessing: true });
    await expect(
      fetch(
        `${s.urls.meta}/v24.0/${cred(
          "meta",
          "pixelId"
        )}/events?access_token=${cred("meta", "accessToken")}`,
        {
          ...json({ data: [metaEvent()] }),
          signal: AbortSignal.timeout(200),
        }
      )
    ).rejects.toMatchObject({ name: "TimeoutError" });
    expect((await send.meta({ data: [metaEvent()] })).status).toBe(200); // the sender's retry
    expect(s.dedupedCount("meta")).toBe(1);
  });

  it("a 500 after processing still records the event", async () => {
    s.setFault("snapchat", {
      type: "status",
      status: 500,
      count: 1,
      afterProcessing: true,
    });
    const res = await send.snapchat({ data: [snapEvent()] });
    expect([res.status, res.body]).toEqual([
      500,
      { status: "ERROR", reason: "Internal error" },
    ]);
    expect(s.received("snapchat").map((e) => e.eventId)).toEqual([
      "order-100234",
    ]);
    expect(s.rejected("snapchat").map((r) => r.reason)).toEqual([
      "fault: status 500 after processing",
    ]);
  });
});

describe("lifecycle and hygiene", () => {
  it("close() returns promptly while a timeout fault holds a request open", async () => {
    const local = await startStandins();
    local.setFault("tiktok", { type: "timeout" });
    const pending = fetch(`${local.urls.tiktok}/open_api/v1.3/event/track/`, {
      method: "POST",
      body: "{}",
    }).then(
      () => "answered",
      () => "connection closed"
    );
    await waitFor(() => local.requests("tiktok") === 1);
    const started = performance.now();
    await local.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBe("connection closed");
  });

  it("gives every platform its own port on 127.0.0.1", () => {
    const urls = Object.values(s.urls);
    expect(urls.every((u) => /^http:\/\/127\.0\.0\.1:\d+$/.test(u))).toBe(true);
    expect(new Set(urls).size).toBe(STANDIN_KINDS.length);
  });

  it("unknown routes get 404 and are counted", async () => {
    const res = await call(
      `${s.urls.meta}/v24.0/${cred("meta", "pixelId")}/nope`,
      json({})
    );
    expect(res.status).toBe(404);
    expect(s.requests("meta")).toBe(1);
  });

  it("never logs: a raw email sent to every platform reaches no console method", async () => {
    const spies = (["log", "info", "warn", "debug"] as const).map((m) =>
      vi.spyOn(console, m)
    );
    await send.meta({ data: [metaEvent({}, { em: [RAW_EMAIL] })] });
    await send.tiktok(tiktokBody([tiktokEvent({}, { email: RAW_EMAIL })]));
    await send.ga4(
      ga4Body([ga4Event()], {
        user_data: { sha256_email_address: [RAW_EMAIL] },
      })
    );
    await send.googleAds(
      adsBody([
        adsConversion({ user_identifiers: [{ hashed_email: RAW_EMAIL }] }),
      ])
    );
    await send.pinterest({ data: [pinterestEvent({}, { em: [RAW_EMAIL] })] });
    await send.snapchat({ data: [snapEvent({}, { em: RAW_EMAIL })] });
    expect(spies.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0, 0]);
    // Reasons name the field, never the value.
    const reasons = KINDS.flatMap((kind) =>
      s.rejected(kind).map((r) => r.reason)
    );
    expect(reasons).toHaveLength(6);
    expect(reasons.some((r) => r.toLowerCase().includes("john.smith"))).toBe(
      false
    );
  });

  it("a counted fault of 0 requests is no fault", async () => {
    const fault: Fault = { type: "status", status: 500, count: 0 };
    s.setFault("meta", fault);
    expect((await validCall("meta")).status).toBe(200);
  });
});
