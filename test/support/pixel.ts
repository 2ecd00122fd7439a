import { randomUUID } from "node:crypto";

/** Build pixel batches exactly as extensions/trueline-pixel sends them (the server validates the same schema). */
export interface JourneyOptions {
  clientId?: string;
  checkoutToken?: string;
  orderId?: string;
  email?: string;
  landing?: string;
  start?: number;
  consent?: Partial<{ analytics: boolean; marketing: boolean; preferences: boolean; saleOfData: boolean }>;
}

export function pixelEvent(name: string, at: number, extra: Record<string, unknown> = {}) {
  return { id: `sh-${randomUUID()}`, name, timestamp: new Date(at).toISOString(), ...extra };
}

export function pixelBatch(opts: { clientId: string; events: unknown[]; consent?: JourneyOptions["consent"]; fbclid?: string; at?: number }) {
  const at = opts.at ?? Date.now();
  return {
    v: 1,
    consent: { analytics: true, marketing: true, preferences: true, saleOfData: true, ...opts.consent },
    identity: {
      clientId: opts.clientId,
      visitorId: `tl-${opts.clientId}`,
      ...(opts.fbclid
        ? { clickIds: { fbclid: { value: opts.fbclid, at } }, cookies: { _fbc: `fb.1.${at}.${opts.fbclid}`, _fbp: `fb.1.${at}.1234567890` } }
        : {}),
      utm: opts.fbclid ? { source: "facebook", medium: "paid_social", campaign: "spring" } : undefined,
    },
    context: { userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", language: "en-US" },
    events: opts.events,
  };
}

/** A shopper landing from a Meta ad and buying: page → product → cart → checkout → completed. */
export function checkoutJourney(o: JourneyOptions & { clientId: string; checkoutToken: string; orderId: string }) {
  const t0 = o.start ?? Date.now() - 10 * 60_000;
  const fbclid = "IwAR0" + o.clientId.replace(/[^A-Za-z0-9]/g, "").slice(0, 12);
  const landing = o.landing ?? `https://shop.example.com/products/trail-runner?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring&fbclid=${fbclid}`;
  const events = [
    pixelEvent("page_viewed", t0, { url: landing, referrer: "https://l.facebook.com/" }),
    pixelEvent("product_viewed", t0 + 30_000, { url: landing, products: [{ productId: "8123456789012", variantId: "45123456789012", price: 130, quantity: 1 }] }),
    pixelEvent("product_added_to_cart", t0 + 60_000, { url: landing, value: 130, currency: "USD", products: [{ productId: "8123456789012", variantId: "45123456789012", price: 130, quantity: 1 }] }),
    pixelEvent("checkout_started", t0 + 120_000, { url: `https://shop.example.com/checkouts/cn/${o.checkoutToken}`, checkoutToken: o.checkoutToken }),
    pixelEvent("checkout_contact_info_submitted", t0 + 180_000, { url: `https://shop.example.com/checkouts/cn/${o.checkoutToken}`, checkoutToken: o.checkoutToken, ...(o.email ? { email: o.email } : {}) }),
    pixelEvent("checkout_completed", t0 + 300_000, { url: `https://shop.example.com/checkouts/cn/${o.checkoutToken}/thank-you`, checkoutToken: o.checkoutToken, orderId: `gid://shopify/OrderIdentity/${o.orderId}`, value: 127.44, currency: "USD" }),
  ];
  return pixelBatch({ clientId: o.clientId, events, consent: o.consent, fbclid, at: t0 });
}
