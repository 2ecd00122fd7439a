/**
 * The BUILT Trueline pixel in headless Chromium, inside a real Web Worker standing
 * in for Shopify's strict sandbox, posting cross-origin to a local collector that
 * parses every body with the server's real PixelBatchEnvelopeSchema / PixelEventSchema.
 *
 * Run: npx vitest run test/pixel
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { STANDARD_EVENT_NAMES, type PixelEvent } from "~/core/events/pixel-payload.schema";
import {
  CONSENT_ALL,
  CONSENT_ANALYTICS_ONLY,
  CONSENT_NONE,
  SHOPPER_UA,
  Storefront,
  buildPixel,
  launchChromium,
  parseBatch,
  startCollector,
  startSandboxHost,
  waitFor,
  type Collector,
  type ParsedBatch,
  type Privacy,
  type PublishedEvent,
} from "./harness";
import {
  CART_GID,
  CART_TOKEN,
  CHECKOUT_TOKEN,
  EMAIL,
  FBCLID,
  ORDER_ID,
  PAGES,
  PHONE,
  PLATFORM_COOKIES,
  SIZE_GUIDE,
  data,
} from "./journey";
import { startShopifyProxy } from "./shopify-proxy";

const PIXEL_BUDGET_BYTES = 20 * 1024;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const consentOf = (p: Privacy) => ({
  analytics: p.analyticsProcessingAllowed,
  marketing: p.marketingAllowed,
  preferences: p.preferencesProcessingAllowed,
  saleOfData: p.saleOfDataAllowed,
});

let browser: Browser;
let host: { origin: string; close(): Promise<void> };
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const { bytes, output } = buildPixel();
  console.log(output);
  expect(bytes).toBeLessThan(PIXEL_BUDGET_BYTES);
  host = await startSandboxHost();
  browser = await launchChromium();
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

async function setup(consent: Privacy, collectorOpts: Parameters<typeof startCollector>[0] = {}, cookies?: Record<string, string>) {
  const collector = await startCollector(collectorOpts);
  cleanups.push(() => collector.close());
  const shop = await Storefront.open(browser, host.origin, { storefrontUrl: collector.origin, consent, cookies });
  cleanups.push(() => shop.close());
  return { collector, shop };
}

/** Every POST accepted by the collector, parsed with the real schemas. */
function accepted(collector: Collector): ParsedBatch[] {
  return collector
    .posts()
    .filter((r) => r.status < 300)
    .map((r) => parseBatch(r.body));
}

function arrivedIds(collector: Collector): string[] {
  return accepted(collector).flatMap((b) => b.events.map((e) => e.id));
}

async function arrived(collector: Collector, events: PublishedEvent[], timeoutMs = 5000): Promise<void> {
  await waitFor(
    `${events.map((e) => e.name).join(", ")} at the collector`,
    () => events.every((e) => arrivedIds(collector).includes(e.id)),
    timeoutMs,
  );
}

function eventById(collector: Collector, id: string): PixelEvent {
  const e = accepted(collector)
    .flatMap((b) => b.events)
    .find((x) => x.id === id);
  if (!e) throw new Error(`event ${id} did not arrive`);
  return e;
}

/** The transport contract every request must meet: simple CORS POSTs to the proxy, never a preflight. */
function expectSimpleTransport(collector: Collector): void {
  expect(collector.requests.filter((r) => r.method === "OPTIONS")).toEqual([]);
  for (const r of collector.posts()) {
    expect(r.path).toBe("/apps/trueline/events");
    expect(r.headers["content-type"]).toBe("text/plain;charset=UTF-8");
    expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(60 * 1024);
  }
}

describe("Trueline pixel in a sandbox worker", () => {
  test("full journey with all consent: every event arrives valid, with identifiers and _fbc", async () => {
    const { collector, shop } = await setup(CONSENT_ALL, {}, PLATFORM_COOKIES);
    const sent: PublishedEvent[] = [];

    // 1. Landing from a Facebook ad.
    const landingStart = Date.now();
    const boot = await shop.visit(PAGES.landing, { referrer: "https://l.facebook.com/", title: "Trueline Demo" });
    expect([...boot.subscriptions].sort()).toEqual([...STANDARD_EVENT_NAMES, "all_custom_events"].sort());
    expect(boot.privacySubscriptions).toEqual(["visitorConsentCollected"]);
    const landing = await shop.publish("page_viewed", data.page_viewed);
    sent.push(landing);
    await arrived(collector, [landing]);
    const landingEnd = Date.now();

    // 2–5. Browse, add to cart, cart.
    await shop.visit(PAGES.search, { referrer: PAGES.landing });
    sent.push(await shop.publish("page_viewed", {}), await shop.publish("search_submitted", data.search_submitted));
    await arrived(collector, sent);
    await shop.visit(PAGES.collection, { referrer: PAGES.search });
    sent.push(await shop.publish("page_viewed", {}), await shop.publish("collection_viewed", data.collection_viewed));
    await arrived(collector, sent);
    await shop.visit(PAGES.product, { referrer: PAGES.collection, title: "Linen Shirt – Trueline Demo" });
    sent.push(
      await shop.publish("page_viewed", {}),
      await shop.publish("product_viewed", data.product_viewed),
      await shop.publish("product_added_to_cart", data.product_added_to_cart),
      await shop.publishCustom(SIZE_GUIDE.name, SIZE_GUIDE.customData),
    );
    await arrived(collector, sent);
    const cartInit = { id: CART_GID, attributes: [], cost: data.cart_viewed.cart.cost, lines: [], totalQuantity: 2 };
    await shop.visit(PAGES.cart, { referrer: PAGES.product, cart: cartInit });
    sent.push(
      await shop.publish("page_viewed", {}),
      await shop.publish("cart_viewed", data.cart_viewed),
      await shop.publish("product_removed_from_cart", data.product_removed_from_cart),
    );
    await arrived(collector, sent);

    // 6. Checkout (one page app: one sandbox for all steps).
    await shop.visit(PAGES.checkout, { referrer: PAGES.cart, title: "Checkout – Trueline Demo" });
    sent.push(
      await shop.publish("page_viewed", {}),
      await shop.publish("checkout_started", data.checkout_started),
      await shop.publish("alert_displayed", data.alert_displayed),
      await shop.publish("checkout_contact_info_submitted", data.checkout_contact_info_submitted),
      await shop.publish("checkout_address_info_submitted", data.checkout_address_info_submitted),
      await shop.publish("checkout_shipping_info_submitted", data.checkout_shipping_info_submitted),
      await shop.publish("payment_info_submitted", data.payment_info_submitted),
      await shop.publish("ui_extension_errored", data.ui_extension_errored),
    );
    await arrived(collector, sent);

    // 7. Thank-you page: checkout_completed is sent at once, not after the 1 s flush delay.
    await shop.visit(PAGES.thankYou, { referrer: PAGES.checkout, title: "Thank you – Trueline Demo" });
    const thanksView = await shop.publish("page_viewed", {});
    const completed = await shop.publish("checkout_completed", data.checkout_completed);
    sent.push(thanksView, completed);
    await arrived(collector, [thanksView, completed]);
    const completedPost = collector.posts().find((r) => parseBatch(r.body).events.some((e) => e.id === completed.id));
    expect((completedPost?.receivedAt ?? Infinity) - completed.publishedAt).toBeLessThan(800);

    // Nothing late, nothing duplicated, every standard event + the custom one, in order.
    await new Promise((r) => setTimeout(r, 1200));
    expect(arrivedIds(collector)).toEqual(sent.map((e) => e.id));
    expect(new Set(sent.map((e) => e.name))).toEqual(new Set([...STANDARD_EVENT_NAMES, SIZE_GUIDE.name]));
    expect(await shop.errors()).toEqual([]);
    expectSimpleTransport(collector);

    const batches = accepted(collector);
    const cookies = await shop.cookies();
    const visitorId = cookies._tl_vid;
    expect(visitorId).toMatch(UUID_V4);
    expect(await shop.localStorage("_tl_vid")).toBe(visitorId);

    // The fbclid: first seen on the landing page, persisted, and turned into _fbc.
    const fbclidAt = batches[0]?.envelope.identity.clickIds?.fbclid?.at ?? 0;
    expect(fbclidAt).toBeGreaterThanOrEqual(landingStart);
    expect(fbclidAt).toBeLessThanOrEqual(landingEnd);
    const fbc = `fb.1.${fbclidAt}.${FBCLID}`;
    expect(cookies._fbc).toBe(fbc);
    expect(JSON.parse((await shop.localStorage("_tl_clk")) ?? "null")).toEqual({ fbclid: { value: FBCLID, at: fbclidAt } });

    for (const [i, b] of batches.entries()) {
      expect(b.envelope.consent).toEqual(consentOf(CONSENT_ALL));
      expect(b.envelope.context).toEqual({ userAgent: SHOPPER_UA, language: "fr-FR", screen: { w: 390, h: 844 } });
      expect(b.envelope.identity).toEqual({
        clientId: shop.clientId,
        visitorId,
        clickIds: { fbclid: { value: FBCLID, at: fbclidAt } },
        cookies: {
          _fbp: PLATFORM_COOKIES._fbp,
          _fbc: fbc,
          _ga: PLATFORM_COOKIES._ga,
          _ga_session: PLATFORM_COOKIES._ga_TRUE1234,
          _ttp: PLATFORM_COOKIES._ttp,
          _scid: PLATFORM_COOKIES._scid,
          _epik: PLATFORM_COOKIES._epik,
        },
        // UTM comes from the page the batch was sent from: only the landing page has it.
        ...(i === 0 ? { utm: { source: "facebook", medium: "paid_social", campaign: "spring_linen" } } : {}),
      });
    }

    // One restore lookup for this new visitor (first page), none after the id was persisted.
    const lookups = collector.requests.filter((r) => r.method === "GET");
    expect(lookups.map((r) => [r.path, r.query.get("clientId")])).toEqual([["/apps/trueline/restore", shop.clientId]]);

    // Event contents.
    expect(eventById(collector, landing.id)).toEqual({
      id: landing.id,
      name: "page_viewed",
      timestamp: expect.any(String),
      url: PAGES.landing, // marketing consent: the URL keeps its fbclid
      referrer: "https://l.facebook.com/",
      title: "Trueline Demo",
    });
    const byName = (name: string) => eventById(collector, sent.find((e) => e.name === name)?.id ?? "");
    expect(byName("checkout_contact_info_submitted")).toMatchObject({ email: EMAIL, phone: PHONE, checkoutToken: CHECKOUT_TOKEN });
    expect(byName("cart_viewed").cartToken).toBe(CART_TOKEN);
    expect(byName(SIZE_GUIDE.name)).toMatchObject({ name: `custom:${SIZE_GUIDE.name}`, customData: SIZE_GUIDE.customData });
    expect(eventById(collector, completed.id)).toEqual({
      id: completed.id,
      name: "checkout_completed",
      timestamp: expect.any(String),
      url: PAGES.thankYou,
      referrer: PAGES.checkout,
      title: "Thank you – Trueline Demo",
      checkoutToken: CHECKOUT_TOKEN,
      orderId: ORDER_ID,
      customerId: "777",
      email: EMAIL,
      phone: PHONE,
      value: 84.8,
      currency: "EUR",
      products: [{ productId: "112233", variantId: "44556677", sku: "LS-BLUE-M", title: "Linen Shirt", price: 39.9, quantity: 2 }],
    });
  });

  test("consent withdrawn mid-journey: marketing off strips identifiers and deletes ours; analytics off stops everything", async () => {
    const { collector, shop } = await setup(CONSENT_ALL, {}, PLATFORM_COOKIES);
    await shop.visit(PAGES.landing, { referrer: "https://l.facebook.com/" });
    const first = await shop.publish("page_viewed", {});
    await arrived(collector, [first]);
    expect(accepted(collector)[0]?.envelope.identity.visitorId).toMatch(UUID_V4);
    expect((await shop.cookies())._tl_vid).toMatch(UUID_V4);

    // The shopper withdraws marketing (keeps analytics) on the landing page.
    await shop.setConsent(CONSENT_ANALYTICS_ONLY);
    const second = await shop.publish("search_submitted", data.search_submitted);
    await arrived(collector, [second]);
    await shop.visit(PAGES.checkout, { referrer: PAGES.landing });
    const contact = await shop.publish("checkout_contact_info_submitted", data.checkout_contact_info_submitted);
    await arrived(collector, [contact]);

    const [, afterMarketing, onCheckout] = accepted(collector);
    expect(afterMarketing?.envelope.consent).toEqual(consentOf(CONSENT_ANALYTICS_ONLY));
    expect(afterMarketing?.envelope.identity).toEqual({
      clientId: shop.clientId,
      utm: { source: "facebook", medium: "paid_social", campaign: "spring_linen" },
    });
    // The page URL no longer carries the fbclid either.
    expect(afterMarketing?.events[0]?.url).toBe(`${"https://trueline-demo.example"}/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring_linen`);
    expect(onCheckout?.envelope.identity).toEqual({ clientId: shop.clientId });
    const contactEvent = onCheckout?.events[0];
    expect(contactEvent?.checkoutToken).toBe(CHECKOUT_TOKEN);
    expect(contactEvent?.email).toBeUndefined();
    expect(contactEvent?.phone).toBeUndefined();
    // What Trueline persisted is gone.
    expect((await shop.cookies())._tl_vid).toBeUndefined();
    expect(await shop.localStorage("_tl_vid")).toBeNull();
    expect(await shop.localStorage("_tl_clk")).toBeNull();

    // Then analytics too: nothing more leaves, not even checkout_completed.
    await shop.setConsent(CONSENT_NONE);
    await shop.publish("checkout_shipping_info_submitted", data.checkout_shipping_info_submitted);
    await shop.publish("checkout_completed", data.checkout_completed);
    const postsBefore = collector.posts().length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(collector.posts()).toHaveLength(postsBefore);
    expect(postsBefore).toBe(3);
    expect(await shop.errors()).toEqual([]);
    expectSimpleTransport(collector);
  });

  test("a failed send (500) is retried after backoff and then accepted", async () => {
    const { collector, shop } = await setup(CONSENT_ANALYTICS_ONLY, { postStatus: (n) => (n === 1 ? 500 : 202) });
    await shop.visit(PAGES.product, { referrer: PAGES.landing });
    const events = [await shop.publish("page_viewed", {}), await shop.publish("product_viewed", data.product_viewed)];
    await arrived(collector, events);
    await new Promise((r) => setTimeout(r, 1500)); // nothing else may follow

    const posts = collector.posts();
    expect(posts.map((p) => p.status)).toEqual([500, 202]);
    const [failed, retried] = posts.map((p) => parseBatch(p.body));
    expect(failed?.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(retried).toEqual(failed); // the same batch again; the server dedups on event id
    // First retry waits 1 s (+ up to 250 ms jitter).
    expect((posts[1]?.receivedAt ?? 0) - (posts[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
    expect(await shop.errors()).toEqual([]);
    expectSimpleTransport(collector);
  });

  test("analytics-only visitor: clientId only; no ad identifiers, PII, restore lookup or storage", async () => {
    const { collector, shop } = await setup(CONSENT_ANALYTICS_ONLY, {}, { _fbp: PLATFORM_COOKIES._fbp, _ga: PLATFORM_COOKIES._ga });
    await shop.visit(PAGES.landing, { referrer: "https://l.facebook.com/" });
    // The first event of a landing page goes out at once, not after the 1 s flush
    // delay: the shopper may navigate on before that and the sandbox dies with the page.
    const view = await shop.publish("page_viewed", {});
    await arrived(collector, [view]);
    expect((collector.posts()[0]?.receivedAt ?? Infinity) - view.publishedAt).toBeLessThan(800);
    await shop.visit(PAGES.checkout, { referrer: PAGES.landing });
    const contact = await shop.publish("checkout_contact_info_submitted", data.checkout_contact_info_submitted);
    const completed = await shop.publish("checkout_completed", data.checkout_completed);
    await arrived(collector, [view, contact, completed]);
    expect(arrivedIds(collector)).toEqual([view.id, contact.id, completed.id]);

    expect(collector.requests.map((r) => r.method)).toEqual(["POST", "POST"]);
    const [onLanding, onCheckout] = accepted(collector);
    for (const b of [onLanding, onCheckout]) expect(b?.envelope.consent).toEqual(consentOf(CONSENT_ANALYTICS_ONLY));
    expect(onLanding?.envelope.identity).toEqual({
      clientId: shop.clientId,
      utm: { source: "facebook", medium: "paid_social", campaign: "spring_linen" },
    });
    const landingWithoutClickId = PAGES.landing.replace(`&fbclid=${FBCLID}`, "");
    expect(onLanding?.events[0]?.url).toBe(landingWithoutClickId);
    expect(onCheckout?.envelope.identity).toEqual({ clientId: shop.clientId });
    for (const e of onCheckout?.events ?? []) {
      expect(e.email).toBeUndefined();
      expect(e.phone).toBeUndefined();
      expect(e.referrer).toBe(landingWithoutClickId);
    }
    expect(eventById(collector, completed.id)).toMatchObject({ orderId: ORDER_ID, checkoutToken: CHECKOUT_TOKEN });
    // Nothing written: no visitor id, no click ids, no _fbc.
    expect(await shop.cookies()).toEqual({ _fbp: PLATFORM_COOKIES._fbp, _ga: PLATFORM_COOKIES._ga });
    expect(await shop.page.evaluate(() => window.localStorage.length)).toBe(0);
    expect(await shop.errors()).toEqual([]);
    expectSimpleTransport(collector);
  });

  test("cookie and localStorage both lost: the visitor id and click ids are restored from the server", async () => {
    const restoredClicks = { gclid: { value: "Cj0KCQjw-restored", at: 1777000000000 } };
    let asked: string | null = null;
    const { collector, shop } = await setup(CONSENT_ALL, {
      restore: (clientId) => {
        asked = clientId;
        return { body: { visitorId: "tlv-restored-0001", clickIds: restoredClicks } };
      },
    });
    await shop.visit(PAGES.product);
    const first = await shop.publish("product_viewed", data.product_viewed);
    await arrived(collector, [first]);
    expect(asked).toBe(shop.clientId);
    expect(accepted(collector)[0]?.envelope.identity).toEqual({
      clientId: shop.clientId,
      visitorId: "tlv-restored-0001",
      clickIds: restoredClicks,
    });
    expect((await shop.cookies())._tl_vid).toBe("tlv-restored-0001");
    expect(await shop.localStorage("_tl_vid")).toBe("tlv-restored-0001");
    expect(JSON.parse((await shop.localStorage("_tl_clk")) ?? "null")).toEqual(restoredClicks);

    // Next page: the id is local again, no second lookup.
    await shop.visit(PAGES.cart);
    const second = await shop.publish("cart_viewed", data.cart_viewed);
    await arrived(collector, [second]);
    expect(collector.requests.filter((r) => r.method === "GET")).toHaveLength(1);
    expect(accepted(collector)[1]?.envelope.identity.visitorId).toBe("tlv-restored-0001");
    expect(await shop.errors()).toEqual([]);
  });

  test("through an app proxy stand-in: the app's proxy route gets signed requests, no cookies (template for the real-server variant)", async () => {
    const secret = "shpss_test_secret";
    const collector = await startCollector();
    cleanups.push(() => collector.close());
    // The collector plays the app here; the lead's variant puts the real app server's /proxy there.
    const proxy = await startShopifyProxy({
      upstream: `${collector.origin.replace("localhost", "127.0.0.1")}/proxy`,
      secret,
      shop: "trueline-demo.myshopify.com",
    });
    cleanups.push(() => proxy.close());
    const shop = await Storefront.open(browser, host.origin, { storefrontUrl: proxy.origin, consent: CONSENT_ALL });
    cleanups.push(() => shop.close());
    await shop.visit(PAGES.landing, { referrer: "https://l.facebook.com/" });
    const view = await shop.publish("page_viewed", {});
    await arrived(collector, [view]);

    expect(collector.requests.map((r) => [r.method, r.path])).toEqual([
      ["GET", "/proxy/restore"],
      ["POST", "/proxy/events"],
    ]);
    expect(collector.requests[0]?.query.get("clientId")).toBe(shop.clientId);
    // Verified independently of the stand-in's signer (docs/platform/shopify.md, "Proxy signature").
    const verify = (q: URLSearchParams) => {
      const keys = [...new Set([...q.keys()].filter((k) => k !== "signature"))].sort();
      const message = keys.map((k) => `${k}=${q.getAll(k).join(",")}`).join("");
      const expected = createHmac("sha256", secret).update(message).digest("hex");
      const got = q.get("signature") ?? "";
      return got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected));
    };
    for (const r of collector.requests) {
      expect(verify(r.query)).toBe(true);
      expect(r.query.get("shop")).toBe("trueline-demo.myshopify.com");
      expect(r.query.get("path_prefix")).toBe("/apps/trueline");
      expect(r.headers.cookie).toBeUndefined();
    }
    expect(parseBatch(collector.posts()[0]?.body ?? "").events.map((e) => e.id)).toEqual([view.id]);
    expect(await shop.errors()).toEqual([]);
  });
});
