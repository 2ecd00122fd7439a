import type { CanonicalConversion, ConversionConsent } from "../conversions/conversion";

/**
 * Which conversions a destination may receive, and with how much identity.
 * Shopify's customer privacy API gives four bits; ad platforms are "marketing"
 * uses, GA4 is an "analytics" use. A shopper who opted out of the sale of data
 * (CCPA) is sent without identity.
 */
export type DestinationPurpose = "analytics" | "marketing";

export interface ConsentPolicy {
  /** Orders with no consent information (POS, renewals, drafts, blocked browsers). */
  noConsentInfo: "send" | "anonymous" | "skip";
  /** A shopper who declined this destination's purpose. */
  declined: "skip" | "anonymous";
}

export const DEFAULT_CONSENT_POLICY: ConsentPolicy = { noConsentInfo: "send", declined: "skip" };

export type ConsentDecision =
  | { kind: "full"; reason: string }
  | { kind: "anonymous"; reason: string }
  | { kind: "skip"; reason: string };

export function decideConsent(
  consent: ConversionConsent | null,
  purpose: DestinationPurpose,
  policy: ConsentPolicy,
): ConsentDecision {
  if (consent === null) {
    const reason = "no consent information (order placed without a storefront session)";
    if (policy.noConsentInfo === "skip") return { kind: "skip", reason: `${reason}; merchant policy: skip` };
    if (policy.noConsentInfo === "anonymous") return { kind: "anonymous", reason: `${reason}; merchant policy: send without identity` };
    return { kind: "full", reason: `${reason}; merchant policy: send` };
  }
  const allowed = purpose === "analytics" ? consent.analytics : consent.marketing;
  if (!allowed) {
    const reason = `shopper did not consent to ${purpose}`;
    return policy.declined === "anonymous"
      ? { kind: "anonymous", reason: `${reason}; merchant policy: send without identity` }
      : { kind: "skip", reason };
  }
  if (purpose === "marketing" && !consent.saleOfData) {
    return { kind: "anonymous", reason: "shopper opted out of the sale of data: sent without identity" };
  }
  return { kind: "full", reason: `shopper consented to ${purpose}` };
}

/** Strip everything that identifies the shopper (for "anonymous" decisions). */
export function withoutIdentity(conversion: CanonicalConversion): CanonicalConversion {
  return { ...conversion, user: {}, clickIds: {} };
}
