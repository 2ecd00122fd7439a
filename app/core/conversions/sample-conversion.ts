import type { CanonicalConversion } from "./conversion";

/**
 * The purchase the admin's "Send test event" button sends: a made-up buyer
 * (reserved example.com address, 555 phone number, documentation IP 203.0.113.7)
 * carrying every identifier a platform may require, so each adapter can build a
 * complete request. Ids start with "test-" so nobody mistakes it for an order.
 * Pure: the caller passes the clock.
 */
export function buildSampleConversion(opts: { now: number; currency?: string; shopDomain: string }): CanonicalConversion {
  const suffix = String(opts.now);
  const currency = opts.currency ?? "USD";
  return {
    eventId: `test-purchase-${suffix}`,
    name: "purchase",
    occurredAt: opts.now,
    actionSource: "website",
    sourceUrl: `https://${opts.shopDomain}/checkouts/test/thank-you`,
    orderId: `9${suffix.slice(-12)}`,
    orderName: "#TEST",
    value: { shop: { amount: "49.00", currency }, presentment: { amount: "49.00", currency } },
    contents: [
      { id: "1000000000001", variantId: "2000000000001", sku: "TRUELINE-TEST", title: "Trueline test item", quantity: 1, price: { shop: "49.00", presentment: "49.00" } },
    ],
    user: {
      email: "test.buyer@example.com",
      phone: "+16505550100",
      firstName: "Test",
      lastName: "Buyer",
      city: "Menlo Park",
      state: "CA",
      zip: "94025",
      country: "US",
      externalId: "trueline-test-customer",
      ip: "203.0.113.7",
      userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    },
    clickIds: {
      fbc: `fb.1.${opts.now}.TruelineTestClick`,
      fbp: `fb.1.${opts.now}.1234567890`,
      gclid: "EAIaIQobChMITruelineTestClickIdBwE",
      ttclid: "E.C.P.TruelineTestClick",
      sccid: "7b3a7917-a82a-47e8-9728-e1b3b045abb2",
      epik: "dj0yJnU9VHJ1ZWxpbmVUZXN0",
      msclkid: "5f1e2d3c4b5a69788796a5b4c3d2e1f0",
      twclid: "2-TruelineTestClick",
      rdtCid: "TruelineTestClick",
      gaClientId: `1162820436.${Math.floor(opts.now / 1000)}`,
      gaSessionId: String(Math.floor(opts.now / 1000)),
    },
    consent: { analytics: true, marketing: true, saleOfData: true },
    isTest: true,
  };
}
