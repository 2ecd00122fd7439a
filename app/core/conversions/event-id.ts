/**
 * Deterministic event ids (ADR 0004). The browser side computes the same ids:
 * - purchase: from checkout_completed's checkout.order.id (numeric tail of the gid)
 * - storefront events: Shopify's own customer event id (event.id)
 * Platforms deduplicate on (event name, event id), so both sides must agree.
 */

/** "gid://shopify/Order/5975031431338" or "gid://shopify/OrderIdentity/5975031431338" or "5975031431338" → "5975031431338". */
export function numericShopifyId(raw: string): string | null {
  const tail = raw.trim().split("/").pop() ?? "";
  const digits = tail.split("?")[0] ?? "";
  return /^[0-9]{1,24}$/.test(digits) ? digits : null;
}

export function purchaseEventId(orderId: string): string {
  return `purchase-${orderId}`;
}
export function refundEventId(refundId: string): string {
  return `refund-${refundId}`;
}
export function cancelEventId(orderId: string): string {
  return `cancel-${orderId}`;
}
/**
 * An order whose total or line list changed after its purchase was reported: one id per change,
 * numbered from 1 in the order's restatement list, so a repeated webhook, and versions arriving
 * in any order, give the same id (its time is the restatement's, which may move: laterVersion).
 */
export function orderEditEventId(orderId: string, ordinal: number): string {
  return `order_edit-${orderId}-${ordinal}`;
}
/** Storefront events keep the id Shopify gave the customer event. */
export function storefrontEventId(pixelEventId: string): string {
  return pixelEventId;
}
