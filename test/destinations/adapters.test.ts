import { describe, expect, test } from "vitest";
import { CANONICAL_EVENT_NAMES } from "~/core/conversions/conversion";
import { QUALITY_FIELDS } from "~/core/quality/match-quality";
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

  describe("platform facts (kept in the platform's folder, facts.ts)", () => {
    test("all present: purpose, form text, test-event caveat, match quality (null when none)", () => {
      for (const fact of ["purpose", "formText", "testEventCaveat", "matchQuality"]) {
        expect(adapter, `${adapter.kind} lacks ${fact}`).toHaveProperty(fact);
        expect((adapter as unknown as Record<string, unknown>)[fact], `${adapter.kind}.${fact}`).not.toBeUndefined();
      }
      expect(typeof adapter.testEventCaveat).toBe("function");
    });

    test("purpose", () => {
      expect(adapter.purpose).toBe(cases.purpose);
    });

    test("form text: a label for every config key, and none for a key the config does not have", () => {
      const appSupplied = adapter.appSuppliedFields ?? [];
      const keys = Object.keys((adapter.configSchema as unknown as { shape: Record<string, unknown> }).shape).filter((k) => !appSupplied.includes(k));
      expect(Object.keys(adapter.formText).sort()).toEqual([...keys].sort());
      for (const key of keys) expect(adapter.formText[key]?.label.trim(), `${adapter.kind}.${key}`).toBeTruthy();
    });

    test.each(cases.testEventCaveats)("test-event caveat: $name", ({ config, expected }) => {
      expect(adapter.testEventCaveat(config)).toEqual(expected);
    });

    test("match quality: null, or a label and weights on known fields summing to exactly 10", () => {
      if (adapter.matchQuality === null) return;
      expect(adapter.matchQuality.label.trim()).not.toBe("");
      const weights = adapter.matchQuality.weights;
      for (const field of Object.keys(weights)) expect(QUALITY_FIELDS).toContain(field);
      expect(Object.values(weights).reduce((a, w) => a + (w ?? 0), 0)).toBe(10);
    });
  });

  test.runIf(cases.secretFields !== undefined)("secret fields", () => {
    expect(adapter.secretFields).toEqual(cases.secretFields);
  });

  test.runIf(cases.limits !== undefined)("limits", () => {
    expect({ maxBatchSize: adapter.maxBatchSize, maxEventAgeMs: adapter.maxEventAgeMs }).toEqual(cases.limits);
  });
});
