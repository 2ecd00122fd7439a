/**
 * The BUILT pixel in Chromium's sandbox worker → an app proxy stand-in that signs the
 * query exactly as Shopify does and drops cookies → the REAL app server's /proxy routes
 * (node server.mjs) → rows in the database. The end-to-end variant of pixel.browser.test.ts.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Db } from "~/db.server";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { openDb, seedInstalledShop } from "../support/seed";
import { waitFor } from "../support/wait";
import { CONSENT_ALL, Storefront, buildPixel, launchChromium, startSandboxHost } from "./harness";
import { CHECKOUT_TOKEN, PAGES, data } from "./journey";
import { startShopifyProxy } from "./shopify-proxy";

describe("pixel → signed app proxy → real server", () => {
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

  test("a shopper journey is stored, sessionised and linked to one profile", async () => {
    const shop = await Storefront.open(browser, host.origin, { storefrontUrl: proxy.origin, consent: CONSENT_ALL, myshopifyDomain: TEST_SHOP });
    try {
      await shop.visit(PAGES.landing, { referrer: "https://l.facebook.com/" });
      const view = await shop.publish("page_viewed", data.page_viewed);
      // A shopper reads the page for a moment (events queued in the last second before a
      // navigation are lost: the sandbox dies with the page).
      await waitFor(async () => (await db.pixelEvent.count({ where: { eventId: view.id } })) === 1, { what: "the landing page view" });
      await shop.visit(PAGES.thankYou, { referrer: PAGES.landing });
      const done = await shop.publish("checkout_completed", data.checkout_completed);
      const ids = [view.id, done.id];
      const rows = await waitFor(async () => {
        const r = await db.pixelEvent.findMany({ where: { shop: TEST_SHOP, eventId: { in: ids } } });
        return r.length === 2 && r.every((e) => e.processedAt) ? r : undefined;
      }, { what: "both events stored and processed" });
      const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
      expect(byName.checkout_completed?.checkoutToken).toBe(CHECKOUT_TOKEN);
      expect(byName.page_viewed?.consent).toBe("1111");
      expect(new Set(rows.map((r) => r.profileId)).size).toBe(1);
      const session = await db.visitSession.findUniqueOrThrow({ where: { id: byName.page_viewed!.sessionId! } });
      expect(session).toMatchObject({ channel: "paid_social", source: "facebook", campaign: "spring_linen" });
      expect(await shop.errors()).toEqual([]);
    } finally {
      await shop.close();
    }
  });
});
