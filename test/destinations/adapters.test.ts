import { describe, expect, test } from "vitest";
import { CANONICAL_EVENT_NAMES } from "~/core/conversions/conversion";
import { destinations } from "~/destinations/registry";
import { ADAPTER_CASES, REGISTERED } from "./all-cases";
import { buildContext, buildConversion, buildConversionBatch } from "./factory";

/**
 * The one runner for every adapter's exact cases (test/destinations/<platform>.cases.ts).
 * The platform-independent invariants are in conformance.test.ts.
 */

test("every registered platform has its case tables, and no cases exist for an unregistered one", () => {
  expect(Object.keys(ADAPTER_CASES).sort()).toEqual(Object.keys(destinations).sort());
});

describe.each(REGISTERED)("$kind", ({ adapter, cases }) => {
  describe("buildRequest", () => {
    test.each(cases.buildCases)("$name", ({ events, config, ctx, expected }) => {
      expect(adapter.buildRequest(events, config, ctx)).toEqual(expected);
    });

    test("the serialised request holds none of the buyer's raw identity", () => {
      const serialised = JSON.stringify(adapter.buildRequest([buildConversion()], cases.config, buildContext()));
      expect(cases.rawPii.length).toBeGreaterThan(0);
      for (const raw of cases.rawPii) expect(serialised).not.toContain(raw);
    });

    test("more events than maxBatchSize are refused, not split; no events, no request", () => {
      const n = adapter.maxBatchSize;
      expect(adapter.buildRequest(buildConversionBatch(n + 1), cases.config, buildContext())).toEqual({
        kind: "skip",
        reason: expect.stringMatching(new RegExp(`^batch of ${n + 1} exceeds ${n}\\b`)),
      });
      expect(adapter.buildRequest([], cases.config, buildContext())).toEqual({ kind: "skip", reason: "no events" });
    });
  });

  describe("classifyResponse", () => {
    test.each(cases.responseCases)("$name", ({ response, eventCount, expected }) => {
      expect(adapter.classifyResponse(response, eventCount ?? 1)).toEqual(expected);
    });
  });

  test("eventName: the platform's name for every canonical event", () => {
    expect(Object.fromEntries(CANONICAL_EVENT_NAMES.map((n) => [n, adapter.eventName(n)]))).toEqual(cases.eventNames);
  });

  describe("configSchema", () => {
    test.each(cases.configAccepts)("accepts $name", ({ input, expected }) => {
      expect(adapter.configSchema.parse(input)).toEqual(expected);
    });
    test.each(cases.configRejects)("rejects $name", ({ input }) => {
      expect(adapter.configSchema.safeParse(input).success).toBe(false);
    });
    test("the sample config is valid", () => {
      expect(adapter.configSchema.safeParse(cases.config).success).toBe(true);
    });
  });

  test.runIf(cases.secretFields !== undefined)("secret fields", () => {
    expect(adapter.secretFields).toEqual(cases.secretFields);
  });

  test.runIf(cases.limits !== undefined)("limits", () => {
    expect({ maxBatchSize: adapter.maxBatchSize, maxEventAgeMs: adapter.maxEventAgeMs }).toEqual(cases.limits);
  });
});
