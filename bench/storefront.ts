/**
 * Storefront traffic for the ingest figures and the backlog: pixel batches shaped like the
 * web pixel's (consent, identity with click ids and platform cookies, a mix of page and
 * product views, add-to-cart with a cart token, checkout steps with a checkout token),
 * from a pool of live shoppers, so the worker sessionises real visits while it drains.
 */
const consent = { analytics: true, marketing: true, preferences: true, saleOfData: true };
const userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
let seq = 0;
let rng = 0x2545f491;
const rand = () => {
  rng ^= rng << 13;
  rng ^= rng >>> 17;
  rng ^= rng << 5;
  return (rng >>> 0) / 4294967296;
};

interface Shopper { clientId: string; cart: string | null; checkout: string | null; step: number; started: number }
// Each shopper has its own first visit, so its own click id and platform cookies: shared
// identifiers would make the identity graph merge every shopper into one profile.
const t0 = Date.now();
const shoppers: Shopper[] = Array.from({ length: 5000 }, (_, i) => ({ clientId: `live-${process.pid}-${i}`, cart: null, checkout: null, step: 0, started: t0 - i * 7_919 - 1_000 }));

function nextEvent(s: Shopper, now: number) {
  const id = `sf-${process.pid}-${seq++}`;
  const timestamp = new Date(now).toISOString();
  s.step++;
  if (s.checkout) {
    const base = { checkoutToken: s.checkout, cartToken: s.cart ?? undefined, url: `https://shop.example.com/checkouts/cn/${s.checkout}` };
    const name = s.step % 3 === 0 ? "payment_info_submitted" : "checkout_contact_info_submitted";
    if (s.step > 12) {
      s.checkout = null;
      s.cart = null;
      s.step = 0;
    }
    return { id, name, timestamp, ...base };
  }
  const r = rand();
  if (r < 0.5) return { id, name: "page_viewed", timestamp, url: "https://shop.example.com/collections/all", referrer: "https://www.google.com/", title: "All products" };
  if (r < 0.8) return { id, name: "product_viewed", timestamp, url: `https://shop.example.com/products/p-${Math.floor(rand() * 400)}`, products: [{ productId: String(Math.floor(rand() * 400)), price: 24.5, quantity: 1 }] };
  if (r < 0.93) {
    s.cart ??= `livecart-${process.pid}-${seq}`;
    return { id, name: "product_added_to_cart", timestamp, url: "https://shop.example.com/products/p-1", cartToken: s.cart, value: 24.5, currency: "USD" };
  }
  if (s.cart) {
    s.checkout = `livechk-${process.pid}-${seq}`;
    return { id, name: "checkout_started", timestamp, checkoutToken: s.checkout, cartToken: s.cart, url: `https://shop.example.com/checkouts/cn/${s.checkout}`, value: 49, currency: "USD" };
  }
  return { id, name: "search_submitted", timestamp, url: "https://shop.example.com/search?q=shirt", searchQuery: "shirt" };
}

/** One pixel request body with `n` events of one shopper (the pixel batches per page). */
export function storefrontBatch(n: number): string {
  const s = shoppers[Math.floor(rand() * shoppers.length)]!;
  const now = Date.now();
  const events = Array.from({ length: n }, (_, i) => nextEvent(s, now - (n - i) * 40));
  return JSON.stringify({
    v: 1,
    consent,
    identity: { clientId: s.clientId, clickIds: { fbclid: { value: `IwAR-${s.clientId}`, at: s.started } }, cookies: { _fbp: `fb.1.${s.started}.${s.clientId.length}${Math.floor(s.started % 1e6)}`, _ga: `GA1.1.${Math.floor(s.started % 1e9)}.${Math.floor(s.started / 1000)}` }, utm: { source: "facebook", medium: "paid", campaign: "bfcm" } },
    context: { userAgent, language: "en-US", screen: { w: 1920, h: 1080 } },
    events,
  });
}
