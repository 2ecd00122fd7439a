import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult, DeliveryOutcome, HttpResponseSnapshot } from "../destination";

/**
 * Row types for each adapter's cases.ts (house style: data-only fixture tables,
 * one generic runner per adapter test file, whole values compared with toEqual).
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
