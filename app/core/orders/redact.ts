import type { OrderFacts } from "./order-facts";

/**
 * customers/redact: OrderFacts without anything that identifies the buyer (contact details,
 * names, addresses, browser, customer id, checkout/cart tokens, landing and referrer URLs,
 * cart attributes). What the merchant's reports need stays: kind, amounts, currencies,
 * lines, dates, cancellation. The result is still a valid OrderFacts (conversions can be
 * built from it), marked `redacted: true`.
 */
export type RedactedOrderFacts<T extends OrderFacts = OrderFacts> = T & { redacted: true };

export function redactOrderFacts<T extends OrderFacts>(facts: T): RedactedOrderFacts<T> {
  return {
    ...facts,
    customerId: null,
    email: null,
    phone: null,
    firstName: null,
    lastName: null,
    billingAddress: null,
    shippingAddress: null,
    browserIp: null,
    userAgent: null,
    acceptLanguage: null,
    checkoutToken: null,
    cartToken: null,
    landingSite: null,
    landing: { utm: {}, clickIds: {} },
    referringSite: null,
    noteAttributes: [],
    noteSignals: { clickIds: {}, cookies: {} },
    redacted: true,
  };
}
