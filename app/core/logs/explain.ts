/**
 * Reconciliation results in words for the order page. The sentences themselves are
 * written by the matcher (Order.explanation); this adds the headline and reads the
 * stored JSON defensively.
 */

const METHOD_WORDS: Record<string, string> = {
  order_id: "the storefront's checkout event carried this order's id",
  checkout_token: "the storefront saw this order's checkout",
  cart_token: "the storefront saw the cart that became this order",
  click_id: "the ad click id on the order's landing page was seen in a visit",
  customer_id: "the Shopify customer had visited before",
  email_hash: "the same (hashed) email address had been seen before",
  phone_hash: "the same (hashed) phone number had been seen before",
};

export function matchHeadline(matchStatus: string, matchMethod: string | null): string {
  const how = matchMethod ? (METHOD_WORDS[matchMethod] ?? `matched by ${matchMethod.replace(/_/g, " ")}`) : null;
  switch (matchStatus) {
    case "matched":
      return how ? `Matched to the visit that placed it: ${how}.` : "Matched to the visit that placed it.";
    case "profile_only":
      return how ? `The buyer is known, but not the visit that led to this order: ${how}.` : "The buyer is known, but not the visit that led to this order.";
    case "unmatched":
      return "Not matched: no storefront visit could be tied to this order.";
    case "pending":
      return "Not reconciled yet: the order is waiting to be processed.";
    default:
      return `Match status: ${matchStatus}.`;
  }
}

/** Order.explanation is JSON text of string[]; anything else reads as no explanation. */
export function parseExplanation(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((s): s is string => typeof s === "string" && s.trim() !== "") : [];
  } catch {
    return [];
  }
}

/** Click ids stored as {key: value} or {key: {value, at}} → [key, value] pairs. */
export function readClickIds(text: string | null | undefined): Array<{ key: string; value: string }> {
  if (!text) return [];
  try {
    const raw = JSON.parse(text) as unknown;
    const source = raw && typeof raw === "object" && "clickIds" in raw ? (raw as { clickIds: unknown }).clickIds : raw;
    if (!source || typeof source !== "object") return [];
    return Object.entries(source as Record<string, unknown>).flatMap(([key, v]) => {
      const value = typeof v === "string" ? v : v && typeof v === "object" && typeof (v as { value?: unknown }).value === "string" ? (v as { value: string }).value : null;
      return value ? [{ key, value }] : [];
    });
  } catch {
    return [];
  }
}
