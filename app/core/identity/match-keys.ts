import { hashIfPresent, normalizeEmail, normalizePhone } from "./normalize";

/**
 * Trueline's own matching keys (not any platform's): SHA-256 of the trimmed,
 * lowercased email and of the E.164 phone (with '+'). Used to join pixel events,
 * profiles and orders without storing the raw values next to events.
 */
export function emailMatchKey(raw: string | null | undefined): string | undefined {
  return hashIfPresent(normalizeEmail(raw ?? undefined));
}

export function phoneMatchKey(raw: string | null | undefined, defaultCountry?: string): string | undefined {
  return hashIfPresent(normalizePhone(raw ?? undefined, { withPlus: true, defaultCountry }));
}
