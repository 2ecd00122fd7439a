/**
 * Custom goals end to end (issue 13, ADR 0039), from a real browser: a theme's
 * `Shopify.analytics.publish(name, customData)` caught by the BUILT pixel in Chromium's
 * sandbox worker → the app proxy stand-in that signs the query as Shopify does → the REAL
 * app server (node server.mjs, worker inline) → stored and sessionised → each destination's
 * goal mapping names the platform event → the worker sends it → the platform stand-ins.
 *
 * Three destinations, each with its own mapping:
 *   meta:   quote_request → lead (Lead), newsletter_signup → subscribe (Subscribe)
 *   tiktok: quote_request → lead (Lead); newsletter_signup not mapped here
 *   ga4:    quote_request → lead (generate_lead), newsletter_signup → sign_up (sign_up)
 * and a custom event nobody mapped (wishlist_added): stored, never queued.
 *
 * Two shoppers: one who allowed everything, one who allowed analytics but not marketing.
 * Meta and TikTok are marketing uses, GA4 an analytics one (core/consent/consent.ts, default
 * policy: declined → don't send), so the second shopper's goals reach GA4 only.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Db } from "~/db.server";
import { startStandins, type ReceivedEvent, type Standins } from "../standins";
import { prepareDatabase, settle, startServer } from "../orders/support";
import type { RunningApp } from "../support/app-server";
import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { seedDestination } from "../support/seed";
import { waitFor } from "../support/wait";
import { CONSENT_ALL, CONSENT_ANALYTICS_ONLY, Storefront, buildPixel, launchChromium, startSandboxHost, type Privacy, type PublishedEvent } from "./harness";
import { FBCLID, PAGES, STORE, data } from "./journey";
import { startShopifyProxy } from "./shopify-proxy";

const KINDS = ["meta", "tiktok", "ga4"] as const;
type Kind = (typeof KINDS)[number];

/** Each destination's goal mapping (policy.goals), as the admin form stores it. */
const GOALS: Record<Kind, Record<string, string>> = {
  meta: { quote_request: "lead", newsletter_signup: "subscribe" },
  tiktok: { quote_request: "lead" },
  ga4: { quote_request: "lead", newsletter_signup: "sign_up" },
};

/** The platform's own name for each goal the mappings above use. */
const PLATFORM_NAME: Record<Kind, Record<string, string>> = {
  meta: { lead: "Lead", subscribe: "Subscribe" },
  tiktok: { lead: "Lead" },
  ga4: { lead: "generate_lead", sign_up: "sign_up" },
};

const QUOTE = { value: 25, currency: "EUR", form: "contact-page" };
const NEWSLETTER = { list: "weekly" };

interface Journey {
  quote: PublishedEvent;
  newsletter: PublishedEvent;
  unmapped: PublishedEvent;
  view: PublishedEvent;
}

/** The id the stand-in read from the request (GA4 carries it as a custom param, not a dedup key). */
function idOf(kind: Kind, r: ReceivedEvent): string | null {
  return kind === "ga4" ? String((r.body as { params?: { event_id?: string } }).params?.event_id ?? "") : r.eventId;
}

/** value/currency as each platform carries them. */
function moneyOf(kind: Kind, r: ReceivedEvent): { value: unknown; currency: unknown } {
  const b = r.body as Record<string, Record<string, unknown> | undefined>;
  const from = kind === "meta" ? b.custom_data : kind === "tiktok" ? b.properties : b.params;
  return { value: from?.value, currency: from?.currency };
}

describe("custom goal published in Chromium → signed app proxy → real server → platforms", () => {
  let browser: Browser;
  let host: { origin: string; close(): Promise<void> };
  let proxy: { origin: string; close(): Promise<void> };
  let app: RunningApp;
  let standins: Standins;
  let db: Db;
  let drop: () => Promise<void>;
  const destinationIds: Partial<Record<Kind, string>> = {};
  const journeys: { granted?: Journey; noMarketing?: Journey } = {};

  beforeAll(async () => {
    buildPixel();
    standins = await startStandins();
    const prepared = await prepareDatabase({ shop: TEST_SHOP, destinations: [], credentials: standins.credentials });
    db = prepared.db;
    drop = prepared.drop;
    for (const kind of KINDS) destinationIds[kind] = (await seedDestination(db, TEST_SHOP, kind, { ...standins.credentials[kind] }, { goals: GOALS[kind] })).id;
    app = await startServer(prepared.url, standins);
    proxy = await startShopifyProxy({ upstream: `${app.url}/proxy`, secret: TEST_API_SECRET, shop: TEST_SHOP });
    host = await startSandboxHost();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await proxy?.close();
    await app?.stop();
    await standins?.close();
    await db?.$disconnect();
    await drop?.();
  });

  /** One shopper: lands from a Facebook ad, reads the page, then the theme publishes three custom events. */
  async function shopperJourney(consent: Privacy): Promise<Journey> {
    const shop = await Storefront.open(browser, host.origin, { storefrontUrl: proxy.origin, consent, myshopifyDomain: TEST_SHOP });
    try {
      await shop.visit(PAGES.landing, { referrer: "https://l.facebook.com/" });
      const view = await shop.publish("page_viewed", data.page_viewed);
      // The shopper reads the page for a moment (events queued in the last second before a
      // navigation die with the sandbox, as on a real page load).
      await waitFor(async () => (await db.pixelEvent.count({ where: { eventId: view.id } })) === 1, { what: "the landing page view" });
      await shop.visit(`${STORE}/pages/quote`, { referrer: PAGES.landing });
      const quote = await shop.publishCustom("quote_request", QUOTE);
      const newsletter = await shop.publishCustom("newsletter_signup", NEWSLETTER);
      const unmapped = await shop.publishCustom("wishlist_added", { product: "linen-shirt" });
      const ids = [view.id, quote.id, newsletter.id, unmapped.id];
      await waitFor(async () => (await db.pixelEvent.count({ where: { shop: TEST_SHOP, eventId: { in: ids }, processedAt: { not: null } } })) === ids.length, {
        what: "the shopper's events stored and processed",
      }).catch(async (e: Error) => {
        const got = await db.pixelEvent.findMany({ where: { shop: TEST_SHOP }, select: { name: true, processedAt: true } });
        throw new Error(`${e.message}; stored: ${JSON.stringify(got)}; sandbox errors: ${JSON.stringify(await shop.errors())}`);
      });
      expect(await shop.errors()).toEqual([]);
      return { view, quote, newsletter, unmapped };
    } finally {
      await shop.close();
    }
  }

  test("both shoppers' custom events are stored as custom events, sessionised, with what the theme published", async () => {
    journeys.granted = await shopperJourney(CONSENT_ALL);
    journeys.noMarketing = await shopperJourney(CONSENT_ANALYTICS_ONLY);
    await settle(db, TEST_SHOP);

    for (const [who, j] of Object.entries(journeys) as Array<[string, Journey]>) {
      const rows = await db.pixelEvent.findMany({ where: { shop: TEST_SHOP, eventId: { in: [j.view.id, j.quote.id, j.newsletter.id, j.unmapped.id] } } });
      const byId = new Map(rows.map((r) => [r.eventId, r]));
      expect(byId.get(j.quote.id)?.name, who).toBe("custom:quote_request");
      expect(byId.get(j.newsletter.id)?.name, who).toBe("custom:newsletter_signup");
      expect(byId.get(j.unmapped.id)?.name, who).toBe("custom:wishlist_added");
      expect(JSON.parse(byId.get(j.quote.id)!.data).customData, who).toEqual(QUOTE);
      expect(JSON.parse(byId.get(j.newsletter.id)!.data).customData, who).toEqual(NEWSLETTER);
      // One session for the shopper's visit: the landing page view and the custom events on the next page.
      expect(new Set(rows.map((r) => r.sessionId)).size, who).toBe(1);
      expect(rows.every((r) => r.sessionId !== null), who).toBe(true);
      expect(byId.get(j.quote.id)!.consent, who).toBe(who === "granted" ? "1111" : "1001");
    }
  });

  test("each platform received exactly the goals its mapping names, under the event id the server derived", async () => {
    const g = journeys.granted!;
    const n = journeys.noMarketing!;
    const expected: Record<Kind, string[]> = {
      meta: [`Lead:${g.quote.id}`, `Subscribe:${g.newsletter.id}`],
      tiktok: [`Lead:${g.quote.id}`],
      // GA4 is an analytics use: the shopper who declined marketing is counted there too.
      ga4: [`generate_lead:${g.quote.id}`, `sign_up:${g.newsletter.id}`, `generate_lead:${n.quote.id}`, `sign_up:${n.newsletter.id}`],
    };
    for (const kind of KINDS) {
      expect(standins.rejected(kind), `${kind} refused requests`).toEqual([]);
      const got = standins.received(kind).map((r) => `${r.eventName}:${idOf(kind, r)}`);
      expect(got.sort(), kind).toEqual([...expected[kind]].sort());
    }
    // The id each platform got is the one the server stored the conversion and its deliveries under
    // (Shopify's customer event id, ADR 0004), and the delivery row names the platform-neutral goal.
    for (const kind of KINDS) {
      const rows = await db.delivery.findMany({ where: { shop: TEST_SHOP, destinationId: destinationIds[kind], status: "delivered" } });
      const delivered = rows.map((d) => `${PLATFORM_NAME[kind][d.eventName] ?? d.eventName}:${d.eventId}`);
      expect(delivered.sort(), kind).toEqual([...expected[kind]].sort());
    }
    const conversions = await db.conversion.findMany({ where: { shop: TEST_SHOP, eventId: { in: [g.quote.id, g.newsletter.id, n.quote.id, n.newsletter.id] } } });
    expect(conversions.map((c) => `${c.name}:${c.eventId}`).sort()).toEqual(
      [`goal:quote_request:${g.quote.id}`, `goal:newsletter_signup:${g.newsletter.id}`, `goal:quote_request:${n.quote.id}`, `goal:newsletter_signup:${n.newsletter.id}`].sort(),
    );
  });

  test("a goal carries the value the theme published, and the ad click the pixel captured", async () => {
    const g = journeys.granted!;
    for (const kind of KINDS) {
      const quote = standins.received(kind).find((r) => idOf(kind, r) === g.quote.id)!;
      expect(moneyOf(kind, quote), kind).toEqual({ value: 25, currency: "EUR" });
    }
    // The newsletter signup published no value: none is invented.
    const subscribe = standins.received("meta").find((r) => r.eventName === "Subscribe")!.body as { custom_data?: Record<string, unknown> };
    expect(subscribe.custom_data?.value).toBeUndefined();
    // The fbclid on the landing page, kept with marketing consent, matches the goal to the ad click.
    const lead = standins.received("meta").find((r) => r.eventName === "Lead")!.body as { user_data: Record<string, unknown>; action_source: string; event_source_url?: string };
    expect(lead.user_data.fbc).toMatch(new RegExp(`^fb\\.1\\.\\d+\\.${FBCLID}$`));
    expect(lead.action_source).toBe("website");
    expect(lead.event_source_url).toBe(`${STORE}/pages/quote`);
  });

  test("without marketing consent nothing goes to Meta or TikTok: the mapped goals are kept as skipped, with the reason", async () => {
    const n = journeys.noMarketing!;
    for (const kind of ["meta", "tiktok"] as const) {
      expect(standins.received(kind).filter((r) => [n.quote.id, n.newsletter.id].includes(idOf(kind, r) ?? "")), kind).toEqual([]);
      const rows = await db.delivery.findMany({ where: { shop: TEST_SHOP, destinationId: destinationIds[kind], eventId: { in: [n.quote.id, n.newsletter.id] } } });
      // Only what this destination mapped has a row (TikTok did not map the newsletter signup).
      expect(rows.map((d) => [d.eventId, d.eventName, d.status]).sort(), kind).toEqual(
        (kind === "meta" ? [[n.quote.id, "lead", "skipped"], [n.newsletter.id, "subscribe", "skipped"]] : [[n.quote.id, "lead", "skipped"]]).sort(),
      );
      for (const d of rows) expect(d.lastError ?? "", kind).toMatch(/did not consent to marketing/);
    }
  });

  test("a custom event nobody mapped is stored but never queued, and no page view is forwarded (switched off by default)", async () => {
    for (const j of [journeys.granted!, journeys.noMarketing!]) {
      expect(await db.pixelEvent.count({ where: { shop: TEST_SHOP, eventId: j.unmapped.id } })).toBe(1);
      expect(await db.conversion.count({ where: { shop: TEST_SHOP, eventId: j.unmapped.id } })).toBe(0);
      expect(await db.delivery.count({ where: { shop: TEST_SHOP, eventId: { in: [j.unmapped.id, j.view.id] } } })).toBe(0);
    }
    // TikTok did not map the newsletter signup: no row there for either shopper.
    expect(await db.delivery.count({ where: { shop: TEST_SHOP, destinationId: destinationIds.tiktok, eventId: { in: [journeys.granted!.newsletter.id, journeys.noMarketing!.newsletter.id] } } })).toBe(0);
  });
});
