import type { CanonicalEventName } from "~/core/conversions/conversion";
import { CANONICAL_EVENT_NAMES } from "~/core/conversions/conversion";

/** Our event for a platform's event name (the first canonical event mapped to it), or null. */
export function canonicalOf(names: Readonly<Record<CanonicalEventName, string | null>>, platformEvent: string): CanonicalEventName | null {
  return CANONICAL_EVENT_NAMES.find((c) => names[c] === platformEvent) ?? null;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A string field of a platform's answer, trimmed to `max` characters, or null. */
export function text(v: unknown, max = 300): string | null {
  return typeof v === "string" && v.trim() !== "" ? v.trim().slice(0, max) : null;
}
