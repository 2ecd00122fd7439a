import type { CanonicalConversion, CanonicalEventName } from "~/core/conversions/conversion";
import type { DestinationPurpose } from "~/core/consent/consent";
import type { BuildContext, BuildResult, DeliveryOutcome, HttpResponseSnapshot } from "~/destinations/destination";

/**
 * Row types for each adapter's <platform>.cases.ts (house style: data-only fixture tables,
 * one shared runner for every adapter, adapters.test.ts; whole values compared with toEqual).
 */
export interface BuildCase<Config> {
  name: string;
  events: readonly CanonicalConversion[];
  config: Config;
  ctx: BuildContext;
  expected: BuildResult;
}

export interface ResponseCase {
  name: string;
  response: HttpResponseSnapshot;
  /** Defaults to 1. */
  eventCount?: number;
  expected: DeliveryOutcome;
}

/** Shorthand for response fixtures. */
export function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseSnapshot {
  return { status, headers, body };
}

/** A settings form the config schema accepts, and what it parses to. */
export interface ConfigAcceptCase {
  name: string;
  input: Record<string, unknown>;
  expected: unknown;
}

/**
 * Everything the shared runner (adapters.test.ts) checks for one platform: exact requests,
 * exact outcomes, the event-name table, the settings schema. One object per platform, in
 * test/destinations/<platform>.cases.ts; data only, no test code.
 */
export interface AdapterCases<Config> {
  /** A valid config for the generic checks (also the conformance suite's sample). */
  config: Config;
  /** Spellings of the factory buyer's identity that must never appear in a request. */
  rawPii: readonly string[];
  buildCases: readonly BuildCase<Config>[];
  responseCases: readonly ResponseCase[];
  /** The platform's name for every canonical event (null: the platform has none). */
  eventNames: Readonly<Record<CanonicalEventName, string | null>>;
  configAccepts: readonly ConfigAcceptCase[];
  configRejects: readonly { name: string; input: Record<string, unknown> }[];
  /** Which consent the platform's use needs. */
  purpose: DestinationPurpose;
  /** What "send test event" tells the merchant for a config (expected may be an asymmetric matcher). */
  testEventCaveats: readonly { name: string; config: Config; expected: unknown }[];
  /** When given: the exact secret fields and limits the platform's docs call for. */
  secretFields?: readonly string[];
  limits?: { maxBatchSize: number; maxEventAgeMs: number };
}
