/**
 * The browser companion (ADR 0028), end to end: the custom pixel code as the REAL admin page
 * shows it (/app/companion, session token as Shopify mints it) runs in Chromium behind a
 * stand-in of Shopify's custom pixel API (`analytics.subscribe`, `init`, `customerPrivacy`),
 * with the platforms' globals (fbq, ttq, gtag, pintrk, snaptr) replaced by recorders. The same
 * Shopify events reach the REAL server (pixel batch through the signed app proxy, then the
 * orders/create webhook), which forwards them to the platform stand-ins. For one page view and
 * one purchase, each platform must get the same event id from the browser and from the server.
 */
import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Db } from "~/db.server";
import { buildOnlineOrder, toWebhookBody } from "../factories/order-factory";
import { startStandins, type Standins } from "../standins";
import { adminFetch } from "../support/admin-http";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { pixelBatch } from "../support/pixel";
import { openDb, seedDestination, seedInstalledShop } from "../support/seed";
import { signedProxyUrl, webhookHeaders } from "../support/shopify-signing";
import { waitFor } from "../support/wait";
import { launchChromium } from "./harness";

const PINTEREST_TAG_ID = "2612345678901";
const KINDS = ["meta", "tiktok", "ga4", "pinterest", "snapchat"] as const;
type Kind = (typeof KINDS)[number];

function unescapeHtml(s: string): string {
  return s.replace(/&(lt|gt|quot|amp|#x27|#39);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', amp: "&", "#x27": "'", "#39": "'" })[e]!);
}

/** The custom pixel API and platform globals, recording every tag call in window.__calls. */
function installStandIn(): void {
  const w = window as unknown as Record<string, unknown> & { __calls: Array<{ tag: string; args: unknown[] }>; __subs: Record<string, Array<(e: unknown) => void>> };
  w.__calls = [];
  w.__subs = {};
  const rec = (tag: string) => (...args: unknown[]) => void w.__calls.push({ tag, args: JSON.parse(JSON.stringify(args)) as unknown[] });
  w.fbq = rec("fbq");
  w.gtag = rec("gtag");
  w.pintrk = rec("pintrk");
  w.snaptr = rec("snaptr");
  w.ttq = { load: rec("ttq.load"), instance: (id: string) => ({ track: (...a: unknown[]) => rec(`ttq.instance(${id}).track`)(...a) }) };
  w.analytics = { subscribe: (name: string, cb: (e: unknown) => void) => void (w.__subs[name] ??= []).push(cb) };
  w.customerPrivacy = { subscribe: () => undefined };
  w.init = { customerPrivacy: { analyticsProcessingAllowed: true, marketingAllowed: true, preferencesProcessingAllowed: true, saleOfDataAllowed: true } };
}

describe("browser companion: browser and server events carry equal ids per platform", () => {
  let browser: Browser;
  let app: RunningApp;
  let db: Db;
  let standins: Standins;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, TEST_SHOP);
    standins = await startStandins();
    const policy = { events: { page_view: true, purchase: true } };
    await seedDestination(db, TEST_SHOP, "meta", { ...standins.credentials.meta }, policy);
    await seedDestination(db, TEST_SHOP, "tiktok", { ...standins.credentials.tiktok }, policy);
    await seedDestination(db, TEST_SHOP, "ga4", { ...standins.credentials.ga4 }, policy);
    await seedDestination(db, TEST_SHOP, "pinterest", { ...standins.credentials.pinterest, tagId: PINTEREST_TAG_ID }, policy);
    await seedDestination(db, TEST_SHOP, "snapchat", { ...standins.credentials.snapchat }, policy);
    app = await startApp({ databaseUrl: database.url, env: { DESTINATION_BASE_URLS: JSON.stringify(standins.urls) } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await standins?.close();
    await db?.$disconnect();
    await drop?.();
  });

  test("one page view and one purchase", { timeout: 90_000 }, async () => {
    // The script exactly as the merchant copies it from the admin page.
    const res = await adminFetch(app.url, TEST_SHOP, "/app/companion");
    expect(res.status).toBe(200);
    const html = await res.text();
    const script = unescapeHtml(/<pre data-testid="companion-script"[^>]*>([\s\S]*?)<\/pre>/.exec(html)?.[1] ?? "");
    expect(script).toContain("Trueline browser companion");
    for (const id of [standins.credentials.meta.pixelId, standins.credentials.tiktok.pixelCode, standins.credentials.ga4.measurementId, PINTEREST_TAG_ID, standins.credentials.snapchat.pixelId]) {
      expect(script).toContain(id);
    }

    // The Shopify customer events, as Shopify hands them to pixels.
    const orderId = 5975031431399n;
    const checkoutToken = "c0ffee00c0ffee00c0ffee00c0ffee00";
    const clientId = `companion-${randomUUID()}`;
    const now = Date.now();
    const href = "https://trueline-demo.example/products/linen-shirt";
    const context = { document: { location: { href }, referrer: "", title: "Linen shirt" } };
    const pageView = { id: `sh-${randomUUID()}`, name: "page_viewed", type: "standard", clientId, timestamp: new Date(now - 120_000).toISOString(), context, data: {} };
    const variant = { id: "44556677", price: { amount: 65, currencyCode: "USD" }, product: { id: "8123456789012", title: "Linen shirt" }, sku: "LIN-1" };
    const purchase = {
      id: `sh-${randomUUID()}`,
      name: "checkout_completed",
      type: "standard",
      clientId,
      timestamp: new Date(now - 60_000).toISOString(),
      context: { document: { location: { href: `https://trueline-demo.example/checkouts/cn/${checkoutToken}/thank-you` }, referrer: "", title: "Thank you" } },
      data: {
        checkout: {
          token: checkoutToken,
          currencyCode: "USD",
          totalPrice: { amount: 130, currencyCode: "USD" },
          lineItems: [{ quantity: 2, variant, title: "Linen shirt" }],
          order: { id: `gid://shopify/Order/${orderId}` },
        },
      },
    };

    // Browser side.
    const page = await browser.newPage();
    try {
      await page.setContent("<!doctype html><html><head></head><body></body></html>");
      await page.evaluate(installStandIn);
      await page.addScriptTag({ content: script });
      expect(await page.evaluate(() => Object.keys((window as unknown as { __subs: object }).__subs))).toEqual(["all_standard_events"]);
      for (const event of [pageView, purchase]) {
        await page.evaluate((e) => {
          for (const cb of (window as unknown as { __subs: Record<string, Array<(e: unknown) => void>> }).__subs.all_standard_events ?? []) cb(e);
        }, event);
      }
      const calls = await page.evaluate(() => (window as unknown as { __calls: Array<{ tag: string; args: unknown[] }> }).__calls);
      const arg = (a: unknown[], i: number) => (a[i] ?? {}) as Record<string, unknown>;
      const browserIds: Record<Kind, string[]> = {
        meta: calls.filter((c) => c.tag === "fbq" && c.args[0] === "trackSingle").map((c) => String(arg(c.args, 4).eventID)),
        tiktok: calls.filter((c) => c.tag.endsWith(".track")).map((c) => String(arg(c.args, 2).event_id)),
        ga4: calls.filter((c) => c.tag === "gtag" && c.args[0] === "event").map((c) => String(arg(c.args, 2).event_id)),
        pinterest: calls.filter((c) => c.tag === "pintrk" && c.args[0] === "track").map((c) => String(arg(c.args, 2).event_id)),
        snapchat: calls.filter((c) => c.tag === "snaptr" && c.args[0] === "track").map((c) => String(arg(c.args, 2).client_dedup_id)),
      };
      // Each tag was loaded once with its own id, under the shopper's consent.
      const loads = calls
        .filter((c) => (c.tag === "fbq" && c.args[0] === "init") || c.tag === "ttq.load" || (c.tag === "gtag" && c.args[0] === "config") || (c.tag === "pintrk" && c.args[0] === "load") || (c.tag === "snaptr" && c.args[0] === "init"))
        .map((c) => [c.tag, ...c.args.slice(0, 2)]);
      expect(loads).toEqual([
        ["fbq", "init", standins.credentials.meta.pixelId],
        ["ttq.load", standins.credentials.tiktok.pixelCode],
        ["gtag", "config", standins.credentials.ga4.measurementId],
        ["pintrk", "load", PINTEREST_TAG_ID],
        ["snaptr", "init", standins.credentials.snapchat.pixelId],
      ]);
      const ga4Purchase = calls.find((c) => c.tag === "gtag" && c.args[1] === "purchase");
      expect(arg(ga4Purchase!.args, 2)).toMatchObject({ transaction_id: orderId.toString(), value: 130, currency: "USD", send_to: standins.credentials.ga4.measurementId });

      // Server side: the Trueline pixel's batch for the same events, then the order's webhook.
      const batch = pixelBatch({
        clientId,
        events: [
          { id: pageView.id, name: "page_viewed", timestamp: pageView.timestamp, url: href },
          { id: purchase.id, name: "checkout_completed", timestamp: purchase.timestamp, url: purchase.context.document.location.href, checkoutToken, orderId: `gid://shopify/OrderIdentity/${orderId}`, value: 130, currency: "USD" },
        ],
      });
      const posted = await fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), {
        method: "POST",
        // Shopify's proxy forwards the shopper's address (Pinterest and Snap need it with the user agent).
        headers: { "Content-Type": "text/plain;charset=UTF-8", "X-Forwarded-For": "203.0.113.7" },
        body: JSON.stringify(batch),
      });
      expect(posted.status).toBe(200);
      const iso = (ms: number) => new Date(ms).toISOString();
      const body = toWebhookBody(buildOnlineOrder({ id: orderId, checkout_token: checkoutToken, created_at: iso(now - 60_000), processed_at: iso(now - 60_000), updated_at: iso(now - 50_000) }));
      const hook = await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers: webhookHeaders({ topic: "orders/create", shop: TEST_SHOP, secret: TEST_API_SECRET, body, webhookId: `wh-${randomUUID()}` }), body });
      expect(hook.status).toBe(200);

      const serverId = (kind: Kind, e: { eventId: string | null; body: unknown }) => (kind === "ga4" ? String((e.body as { params?: { event_id?: string } }).params?.event_id) : String(e.eventId));
      let got = {} as Record<Kind, string[]>;
      const serverIds = await waitFor(async () => {
        got = Object.fromEntries(KINDS.map((k) => [k, standins.received(k).map((e) => serverId(k, e))])) as Record<Kind, string[]>;
        return KINDS.every((k) => got[k].length >= 2) ? got : undefined;
      }, { what: "a page view and a purchase at each of the five stand-ins", timeoutMs: 40_000 }).catch(async (e: Error) => {
        const deliveries = await db.delivery.findMany({ where: { shop: TEST_SHOP }, select: { eventId: true, status: true, lastError: true } });
        throw new Error(`${e.message}: stand-ins got ${JSON.stringify(got)}; deliveries ${JSON.stringify(deliveries)}; rejected ${JSON.stringify(KINDS.map((k) => standins.rejected(k)))}`);
      });

      const expected = [pageView.id, `purchase-${orderId}`];
      for (const kind of KINDS) {
        expect(browserIds[kind], `${kind} (browser)`).toEqual(expected);
        expect([...serverIds[kind]].sort(), `${kind} (server)`).toEqual([...expected].sort());
      }
      // Same event names where the platform dedups on (name, id): Meta, TikTok, Snapchat.
      const names = (k: Kind) => standins.received(k).map((e) => e.eventName).sort();
      expect(names("meta")).toEqual(["PageView", "Purchase"]);
      expect(calls.filter((c) => c.tag === "fbq" && c.args[0] === "trackSingle").map((c) => c.args[2]).sort()).toEqual(["PageView", "Purchase"]);
      expect(names("tiktok")).toEqual(calls.filter((c) => c.tag.endsWith(".track")).map((c) => String(c.args[0])).sort());
      expect(names("snapchat")).toEqual(calls.filter((c) => c.tag === "snaptr" && c.args[0] === "track").map((c) => String(c.args[1])).sort());
      // GA4 keeps one purchase per transaction id: the server sends the browser's.
      const serverGa4Purchase = standins.received("ga4").find((e) => e.eventName === "purchase");
      expect(serverGa4Purchase?.eventId).toBe(orderId.toString());
    } finally {
      await page.close();
    }
  });
});
