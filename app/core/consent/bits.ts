import type { ConversionConsent } from "../conversions/conversion";

/**
 * The shopper's consent as stored with every pixel event: four characters, "1" or "0",
 * in this order — analytics, marketing, preferences, sale of data — e.g. "1101".
 * Written once at ingest from Shopify's customer privacy flags, read when a conversion is
 * built from an event or an order is matched to one. This is the only place that knows
 * the order of the bits.
 */
export interface ShopperConsentFlags {
  analytics: boolean;
  marketing: boolean;
  preferences: boolean;
  saleOfData: boolean;
}

const ORDER = ["analytics", "marketing", "preferences", "saleOfData"] as const;
const BITS = /^[01]{4}$/;

export function encodeConsentBits(flags: ShopperConsentFlags): string {
  return ORDER.map((k) => (flags[k] ? "1" : "0")).join("");
}

/** The consent a conversion carries, or null when the bits are missing or not four 0/1 characters. */
export function decodeConsentBits(bits: string | null | undefined): ConversionConsent | null {
  if (!bits || !BITS.test(bits)) return null;
  return { analytics: bits[0] === "1", marketing: bits[1] === "1", saleOfData: bits[3] === "1" };
}

/** Consent that allows nothing (for events whose stored bits cannot be read). */
export const NO_CONSENT: Readonly<ConversionConsent> = { analytics: false, marketing: false, saleOfData: false };
