import { describe, expect, test } from "vitest";
import { CANONICAL_EVENT_NAMES, type CanonicalConversion } from "~/core/conversions/conversion";
import {
  DESTINATION_KINDS,
  type DeliveryOutcome,
  type DestinationAdapter,
  type EventOutcome,
  type HttpRequestSpec,
} from "~/destinations/destination";
import { destinations, type RegisteredDestinationKind } from "~/destinations/registry";
import { REGISTERED } from "./all-cases";
import {
  FACTORY_OCCURRED_AT,
  buildContext,
  buildConversion,
  buildConversionBatch,
  buildStorefrontConversion,
  withoutIdentity,
} from "./factory";

/**
 * Shared invariants for EVERY adapter in the registry. adapters.test.ts runs each
 * platform's exact cases; this suite checks what the pipeline relies on regardless
 * of platform.
 *
 * Adding a platform: register it in registry.ts and give it test/destinations/<platform>.cases.ts
 * (listed in all-cases.ts; the type makes a missing one a compile error).
 */
const entries = REGISTERED.map(({ kind, adapter, cases }) => ({ kind, adapter, config: adapter.configSchema.parse(cases.config) }));

/**
 * Each platform's own error envelope, with a code that on a 4xx would mean "permanent" or
 * "reconnect": under a retryable status it must still be retried (ADR 0014).
 */
const PLATFORM_ERROR_BODIES: { [K in RegisteredDestinationKind]: unknown } = {
  meta: { error: { message: "Invalid parameter", type: "OAuthException", code: 100, error_subcode: 2804019, fbtrace_id: "AbC123" } },
  tiktok: { code: 40002, message: "Invalid parameters", request_id: "2026120601" },
  ga4: { error: { code: 500, message: "Internal error encountered.", status: "INTERNAL" } },
  "google-ads": {
    error: {
      code: 401,
      message: "Request is missing required authentication credential.",
      status: "UNAUTHENTICATED",
      details: [{ "@type": "type.googleapis.com/google.ads.googleads.v21.errors.GoogleAdsFailure", errors: [{ errorCode: { authenticationError: "NOT_ADS_USER" }, message: "not an ads user" }] }],
    },
  },
  pinterest: { code: 2, message: "Authentication failed." },
  snapchat: { status: "FAILED", reason: "Invalid pixel id", errors: { codes: ["INVALID_PIXEL"], error_msgs: ["pixel not found"] } },
  microsoft: { error: { code: "ValidationError", message: "One or multiple parameters did not pass validation checks, see details.", details: [{ index: 0, propertyName: "data[0].eventType", errorMessage: "'eventType' must be one of the following: pageLoad, custom." }] } },
  reddit: { error: { code: "INVALID_INPUT", message: "invalid action_source" } },
  x: { errors: [{ code: "UNAUTHORIZED_ACCESS", message: "This request is not properly authenticated" }], request: { params: {} } },
  linkedin: { status: 401, serviceErrorCode: 65601, code: "REVOKED_ACCESS_TOKEN", message: "The token used in the request has been revoked by the user" },
  klaviyo: { errors: [{ id: "e1", status: 401, code: "not_authenticated", title: "Authentication credentials were not provided.", detail: "Missing or invalid private key." }] },
};


function expectRequest(result: ReturnType<DestinationAdapter<unknown>["buildRequest"]>): HttpRequestSpec {
  if (result.kind !== "request") throw new Error(`expected a request, got skip: ${result.reason}`);
  return result.request;
}

/** Everything the platform would receive, as one searchable string. */
function serialise(request: HttpRequestSpec): string {
  return `${request.url}\n${JSON.stringify(request.headers)}\n${JSON.stringify(request.body)}`;
}

/** The outcome kinds, flattening per-event outcomes. */
function kinds(outcome: DeliveryOutcome): EventOutcome["kind"][] {
  return outcome.kind === "per-event" ? outcome.outcomes.map((o) => o.kind) : [outcome.kind];
}

/**
 * The factory buyer's raw identity in every spelling a buggy adapter might
 * leak: as typed, trimmed/lowercased, gmail-dotless, each phone format, names
 * before and after normalisation (NFC and NFD). Compared case-insensitively.
 */
const RAW_IDENTITY = [
  "john.smith@gmail.com",
  "johnsmith@gmail.com",
  "john.smith",
  "6505551212",
  "650-555-1212",
  "(650) 555-1212",
  "rapha\u00ebl",
  "raphae\u0308l",
  "o'brien",
  "obrien",
];

test("the registry holds every DestinationKind, each adapter under its own kind", () => {
  expect(Object.keys(destinations).sort()).toEqual([...DESTINATION_KINDS].sort());
  for (const { kind, adapter } of entries) expect(adapter.kind).toBe(kind);
});

describe.each(entries)("$kind", ({ kind, adapter, config }) => {
  const ctx = buildContext();
  const purchase = buildConversion();

  test("describes itself sensibly", () => {
    expect(adapter.displayName.trim()).not.toBe("");
    expect(Number.isInteger(adapter.maxBatchSize) && adapter.maxBatchSize >= 1).toBe(true);
    expect(adapter.maxEventAgeMs).toBeGreaterThan(0);
    for (const field of adapter.secretFields) {
      expect(Object.keys(config as object)).toContain(field);
    }
  });

  test("an empty config is rejected by configSchema", () => {
    expect(adapter.configSchema.safeParse({}).success).toBe(false);
  });

  test("eventName('purchase') is non-null", () => {
    expect(adapter.eventName("purchase")).not.toBeNull();
  });

  test("deterministic: the same input gives the same request, twice", () => {
    for (const testMode of [false, true]) {
      const first = adapter.buildRequest([purchase], config, { ...ctx, testMode });
      const second = adapter.buildRequest([purchase], config, { ...ctx, testMode });
      expect(second).toEqual(first);
      expect(first.kind).toBe("request");
    }
  });

  test("the request is plain JSON data: POST, string headers, body survives a JSON round trip", () => {
    const request = expectRequest(adapter.buildRequest([purchase], config, ctx));
    expect(request.method).toBe("POST");
    expect(new URL(request.url).protocol).toBe("https:");
    for (const value of Object.values(request.headers)) expect(typeof value).toBe("string");
    // toStrictEqual also fails on `undefined` keys, NaN, Dates and class instances.
    expect(JSON.parse(JSON.stringify(request.body))).toStrictEqual(request.body);
  });

  test("the request carries the event id of every event it sends", () => {
    const sendable = CANONICAL_EVENT_NAMES.filter((name) => adapter.eventName(name) !== null);
    for (const name of sendable) {
      const orderEvent = name === "purchase" || name === "refund" || name === "cancel" || name === "order_edit";
      const event: CanonicalConversion = orderEvent
        ? buildConversion({
            name,
            eventId: `conformance-${name}-1`,
            // Refunds, cancellations and edits adjust the purchase they follow (ADR 0026).
            ...(name === "purchase"
              ? {}
              : { adjustment: { type: "restatement" as const, purchaseEventId: "purchase-conformance-1", purchaseOccurredAt: ctx.now - 86_400_000, remaining: { shop: { amount: "10.00", currency: "USD" }, presentment: { amount: "10.00", currency: "USD" } } } }),
          })
        : buildStorefrontConversion(name, {
            eventId: `conformance-${name}-1`,
            searchQuery: name === "search" ? "linen shirt" : undefined,
          });
      const result = adapter.buildRequest([event], config, ctx);
      // A name the platform has must be sendable for a fully identified buyer.
      const request = expectRequest(result);
      // An adjustment in place (Google Ads) names the purchase it adjusts, by that purchase's id.
      const text = serialise(request);
      expect(text.includes(event.eventId) || (event.adjustment !== undefined && text.includes(event.adjustment.purchaseEventId))).toBe(true);
    }
  });

  test("no raw email, phone or name from the conversion appears in the request", () => {
    if (adapter.sendsRawIdentity !== undefined) {
      // An email tool needs the address in clear (facts.sendsRawIdentity says why): then it may
      // only be in the body, never in the URL or headers (which end up in more logs).
      expect(adapter.sendsRawIdentity.trim()).not.toBe("");
      const request = expectRequest(adapter.buildRequest([purchase], config, ctx));
      const outside = `${request.url}\n${JSON.stringify(request.headers)}`.toLowerCase();
      for (const raw of RAW_IDENTITY) expect(outside).not.toContain(raw);
      return;
    }
    for (const testMode of [false, true]) {
      const text = serialise(expectRequest(adapter.buildRequest([purchase], config, { ...ctx, testMode })));
      const lower = text.toLowerCase().normalize("NFC");
      for (const raw of RAW_IDENTITY) expect(lower).not.toContain(raw.normalize("NFC"));
      // And the NFD spelling, in case an adapter skipped NFC.
      expect(text.toLowerCase()).not.toContain("raphae\u0308l");
    }
  });

  test("a conversion with no identity at all still builds valid JSON (or a reasoned skip)", () => {
    const result = adapter.buildRequest([withoutIdentity(purchase)], config, ctx);
    if (result.kind === "skip") {
      expect(result.reason.trim()).not.toBe("");
      return;
    }
    expect(JSON.parse(JSON.stringify(result.request.body))).toStrictEqual(result.request.body);
    expect(serialise(result.request)).toContain(purchase.eventId);
  });

  test("a batch of maxBatchSize events is one request carrying every event id", () => {
    // Distinct orders a second apart: Google refuses two conversions with one click and one
    // time in a request (its adapter then sends each alone), and no store sells that way.
    const batch = buildConversionBatch(adapter.maxBatchSize).map((e, i) => ({ ...e, occurredAt: e.occurredAt - i * 1000 }));
    const text = serialise(expectRequest(adapter.buildRequest(batch, config, ctx)));
    for (const event of batch) expect(text).toContain(event.eventId);
  });

  test("baseUrlOverride swaps scheme and host, keeps the path", () => {
    const normal = new URL(expectRequest(adapter.buildRequest([purchase], config, ctx)).url);
    const local = new URL(
      expectRequest(adapter.buildRequest([purchase], config, { ...ctx, baseUrlOverride: "http://127.0.0.1:4999" })).url,
    );
    expect(local.origin).toBe("http://127.0.0.1:4999");
    expect(local.pathname).toBe(normal.pathname);
  });

  test("an event older than maxEventAgeMs is not sent", () => {
    const tooLate = buildContext({ now: FACTORY_OCCURRED_AT + adapter.maxEventAgeMs + 1 });
    expect(adapter.buildRequest([purchase], config, tooLate).kind).toBe("skip");
  });

  test.each([
    ["429", 429, "retry"],
    ["500", 500, "retry"],
    ["503", 503, "retry"],
    ["401", 401, "config-error"],
  ] as const)("classifyResponse: bare HTTP %s → %s", (_label, status, expected) => {
    const outcome = adapter.classifyResponse({ status, headers: {}, body: "" }, 1);
    expect(kinds(outcome).length).toBeGreaterThan(0);
    for (const kind of kinds(outcome)) expect(kind).toBe(expected);
  });

  describe("429, 500, 502, 503, 504 are retried whatever the body holds, honouring Retry-After", () => {
    const bodies: Array<[string, unknown]> = [
      ["empty", ""],
      ["HTML", "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"],
      ["the platform's own error JSON", PLATFORM_ERROR_BODIES[kind]],
      ["some other JSON", { message: "upstream connect error or disconnect/reset before headers", code: "UPSTREAM_ERROR", success: false }],
    ];
    const cases = [429, 500, 502, 503, 504].flatMap((status) => bodies.map(([shape, body]) => ({ status, shape, body })));
    test.each(cases)("HTTP $status with $shape body → retry", ({ status, body }) => {
      for (const eventCount of [1, Math.min(3, adapter.maxBatchSize)]) {
        const bare = adapter.classifyResponse({ status, headers: {}, body }, eventCount);
        expect(kinds(bare).length).toBeGreaterThan(0);
        for (const kind of kinds(bare)) expect(kind).toBe("retry");
        const timed = adapter.classifyResponse({ status, headers: { "Retry-After": "7", "Content-Type": "text/html" }, body }, eventCount);
        const outcomes = timed.kind === "per-event" ? timed.outcomes : [timed];
        expect(outcomes.length).toBeGreaterThan(0);
        for (const o of outcomes) expect(o).toMatchObject({ kind: "retry", retryAfterMs: 7_000 });
      }
    });
  });

  test("classifyResponse: 429 honours Retry-After", () => {
    const outcome = adapter.classifyResponse({ status: 429, headers: { "retry-after": "42" }, body: "" }, 1);
    const retries = outcome.kind === "per-event" ? outcome.outcomes : [outcome];
    for (const o of retries) expect(o).toMatchObject({ kind: "retry", retryAfterMs: 42_000 });
  });
});
