/**
 * Cookie restoration (ADR 0027), end to end: the BUILT pixel in Chromium → the app proxy
 * stand-in (signs the query, drops Cookie and Set-Cookie as Shopify does) → the REAL server's
 * /proxy/events and /proxy/restore → stored events. The browser loses its cookie jar (and
 * its storage, as Safari's 7-day cap does), loads a page, and gets the same values back,
 * set by the pixel through browser.cookie.set; without marketing consent nothing comes back.
 * Then over plain signed HTTP: what a forged restore request can extract.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Db } from "~/db.server";
import { COOKIE_LIFETIME_S, MAX_COOKIE_AGE_S } from "~/core/identity/restore";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { pixelBatch, pixelEvent } from "../support/pixel";
import { openDb, seedInstalledShop } from "../support/seed";
import { signedProxyUrl } from "../support/shopify-signing";
import { waitFor } from "../support/wait";
import { CONSENT_ALL, CONSENT_ANALYTICS_ONLY, Storefront, buildPixel, launchChromium, startSandboxHost } from "./harness";
import { PAGES, PLATFORM_COOKIES } from "./journey";
import { startShopifyProxy } from "./shopify-proxy";

const PLATFORM = ["_fbp", "_ga", "_ttp", "_scid", "_epik"] as const;

describe("cookie restoration through the pixel and the real /proxy/restore", () => {
  let browser: Browser;
  let host: { origin: string; close(): Promise<void> };
  let app: RunningApp;
  let db: Db;
  let proxy: { origin: string; close(): Promise<void> };
  let drop: () => Promise<void>;

  beforeAll(async () => {
    buildPixel();
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, TEST_SHOP);
    app = await startApp({ databaseUrl: database.url });
    proxy = await startShopifyProxy({ upstream: `${app.url}/proxy`, secret: TEST_API_SECRET, shop: TEST_SHOP });
    host = await startSandboxHost();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await proxy?.close();
    await app?.stop();
    await db?.$disconnect();
    await drop?.();
  });

  const stored = (eventId: string) => waitFor(async () => (await db.pixelEvent.findFirst({ where: { shop: TEST_SHOP, eventId } })) ?? undefined, { what: `event ${eventId} stored` });

  /** The browser forgets everything it kept itself: cookies and localStorage (Safari's cap, or "clear site data"). */
  async function loseEverything(shop: Storefront): Promise<void> {
    await shop.page.context().clearCookies();
    await shop.page.evaluate(() => window.localStorage.clear());
    expect(await shop.cookies()).toEqual({});
  }

  test("cleared cookies come back with the same values, within each cookie's lifetime", async () => {
    const shop = await Storefront.open(browser, host.origin, { storefrontUrl: proxy.origin, consent: CONSENT_ALL, myshopifyDomain: TEST_SHOP, cookies: PLATFORM_COOKIES });
    try {
      await shop.visit(PAGES.landing, { referrer: "https://l.facebook.com/" });
      const first = await shop.publish("page_viewed", {});
      await stored(first.id);
      const before = await shop.cookies();
      expect(before._fbc).toMatch(/^fb\.1\.\d+\.IwAR/); // written by the pixel for the landing's fbclid
      expect(before._tl_vid).toBeTruthy();

      await loseEverything(shop);
      const loadedAt = Date.now();
      await shop.visit(PAGES.product);
      const second = await shop.publish("page_viewed", {});
      const row = await stored(second.id);

      const after = await shop.cookies();
      for (const name of [...PLATFORM, "_fbc", "_tl_vid"]) expect(after[name], name).toBe(before[name]);
      // The batch sent after the restore already carries them (the server sees one browser).
      expect(row.visitorId).toBe(before._tl_vid);
      expect(JSON.parse(row.identity).cookies).toMatchObject({ _fbp: before._fbp, _ga: before._ga, _ttp: before._ttp, _scid: before._scid, _epik: before._epik, _fbc: before._fbc });

      // Expiry: no later than the platform's own lifetime counted from when we last saw the cookie.
      const jar = await shop.page.context().cookies();
      for (const name of [...PLATFORM, "_fbc"] as const) {
        const c = jar.find((x) => x.name === name);
        expect(c, name).toBeDefined();
        const lifetime = Math.min(COOKIE_LIFETIME_S[name], MAX_COOKIE_AGE_S);
        expect(c!.expires, name).toBeLessThanOrEqual(loadedAt / 1000 + lifetime + 5);
        expect(c!.expires, name).toBeGreaterThan(loadedAt / 1000 + lifetime - 600);
      }
      expect(await shop.errors()).toEqual([]);
    } finally {
      await shop.close();
    }
  });

  test("without marketing consent nothing is restored", async () => {
    const shop = await Storefront.open(browser, host.origin, { storefrontUrl: proxy.origin, consent: CONSENT_ALL, myshopifyDomain: TEST_SHOP, cookies: PLATFORM_COOKIES });
    try {
      await shop.visit(PAGES.landing);
      await stored((await shop.publish("page_viewed", {})).id);
      await loseEverything(shop);
      await shop.setConsent(CONSENT_ANALYTICS_ONLY);
      await shop.visit(PAGES.product);
      const row = await stored((await shop.publish("page_viewed", {})).id);
      expect(row.consent).toBe("1001");
      // A second event on the same page, so any restore the first one might have started has long finished.
      await stored((await shop.publish("page_viewed", {})).id);
      expect(await shop.cookies()).toEqual({});
      expect(await shop.errors()).toEqual([]);
    } finally {
      await shop.close();
    }
  });

  test("a forged restore request gets nothing of another browser, even one merged into the same profile by email", async () => {
    const post = (body: unknown) =>
      fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), { method: "POST", headers: { "Content-Type": "text/plain" }, body: JSON.stringify(body) });
    const restore = async (clientId: string, shop = TEST_SHOP) => {
      const res = await fetch(signedProxyUrl(app.url, "/proxy/restore", { shop, secret: TEST_API_SECRET, extra: { clientId } }));
      expect(res.status).toBe(200);
      return (await res.json()) as { visitorId: string | null; cookies: Record<string, { value: string }>; clickIds: Record<string, unknown> };
    };
    const email = "victim.restore@example.com";
    const now = Date.now();
    // The victim: a real browser's batch with cookies and click ids, and their email at checkout.
    const victim = pixelBatch({ clientId: "victim-browser-1", fbclid: "IwAR0victim", events: [pixelEvent("checkout_contact_info_submitted", now - 60_000, { email, checkoutToken: "tok-victim" })] });
    // The attacker: their own clientId, the victim's email typed into checkout, no cookies.
    const attacker = pixelBatch({ clientId: "attacker-browser-1", events: [pixelEvent("checkout_contact_info_submitted", now - 30_000, { email, checkoutToken: "tok-attacker" })] });
    expect((await post(victim)).status).toBe(200);
    expect((await post(attacker)).status).toBe(200);
    const rows = await waitFor(async () => {
      const r = await db.pixelEvent.findMany({ where: { shop: TEST_SHOP, clientId: { in: ["victim-browser-1", "attacker-browser-1"] } } });
      return r.length === 2 && r.every((e) => e.processedAt) ? r : undefined;
    }, { what: "both browsers sessionised" });
    const profile = (await db.profile.findUniqueOrThrow({ where: { id: rows[0]!.profileId! } })).mergedIntoId ?? rows[0]!.profileId;
    const other = (await db.profile.findUniqueOrThrow({ where: { id: rows[1]!.profileId! } })).mergedIntoId ?? rows[1]!.profileId;
    expect(profile).toBe(other); // the email merged them: a restore by profile would leak

    const own = await restore("victim-browser-1");
    const victimCookies = (victim.identity as { cookies?: Record<string, string> }).cookies!;
    expect(own.cookies._fbp?.value).toBe(victimCookies._fbp);
    expect(own.cookies._fbc?.value).toBe(victimCookies._fbc);
    expect(own.visitorId).toBe("tl-victim-browser-1");

    const forged = await restore("attacker-browser-1");
    expect(forged).toEqual({ visitorId: "tl-attacker-browser-1", clickIds: {}, cookies: {} });
    expect(await restore("never-seen-browser")).toEqual({ visitorId: null, clickIds: {}, cookies: {} });
    // The same clientId signed by another installed shop's proxy: that shop holds nothing of it.
    await seedInstalledShop(db, "other-restore.myshopify.com");
    expect(await restore("victim-browser-1", "other-restore.myshopify.com")).toEqual({ visitorId: null, clickIds: {}, cookies: {} });
  });
});
