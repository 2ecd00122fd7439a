import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnlineOrder } from "../factories/order-factory";
import { deliver, iso, MINUTE, prepareDatabase, sendPixel, settle, startServer, visitBatch, type OrdersEnv } from "../orders/support";
import { startStandins, type ReceivedEvent, type StandinKind } from "../standins";
/**
 * The six platforms whose per-case verdicts this file spells out; the five added by issue 14
 * have their own end-to-end tests (microsoft-reddit-x.delivery, linkedin-klaviyo-delivery).
 */
const KINDS = ["meta", "tiktok", "ga4", "google-ads", "pinterest", "snapchat"] as const;
type Kind = (typeof KINDS)[number];

import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { seedDestination } from "../support/seed";
import { signedProxyUrl } from "../support/shopify-signing";

/**
 * Consent over HTTP (issue 13, ADR 0006). Storefront batches go through the app proxy signed
 * as Shopify signs it, orders come as signed webhooks; then each platform's stand-in is read:
 * granted → everything, with identity; declined → nothing, or what the destination's policy
 * says; absent (an order no browser saw) → what the destination's policy says; no analytics
 * consent or no consent object at all → nothing stored, nothing sent.
 *
 * Per-destination policies (consent.declined / consent.noConsentInfo):
 *   meta: declined → send without identity (which Meta cannot take), no consent info → don't send
 *   pinterest: no consent info → send without identity (which Pinterest cannot take)
 *   everyone else: the defaults (declined → don't send, no consent info → send)
 */

const POLICIES: Record<Kind, Record<string, unknown>> = {
  meta: { consent: { declined: "anonymous", noConsentInfo: "skip" } },
  tiktok: {},
  ga4: {},
  "google-ads": {},
  pinterest: { consent: { noConsentInfo: "anonymous" } },
  snapchat: {},
};

type Case = "granted" | "declined" | "saleOptOut" | "absent";

/** Events the default policy forwards from a visit (page views are off by default). */
const FORWARDED = new Set(["product_viewed", "product_added_to_cart", "checkout_started", "payment_info_submitted"]);

/** What each platform should have received for each case: "full", "anonymous" or nothing. */
const EXPECTED: Record<Kind, Record<Case, { storefront: "full" | "anonymous" | null; purchase: "full" | "anonymous" | null }>> = {
  // Meta refuses events with nothing to match on: "send without identifiers" cannot go there,
  // so it is skipped with that reason (last test) rather than refused by Meta.
  meta: { granted: { storefront: "full", purchase: "full" }, declined: { storefront: null, purchase: null }, saleOptOut: { storefront: null, purchase: null }, absent: { storefront: null, purchase: null } },
  tiktok: { granted: { storefront: "full", purchase: "full" }, declined: { storefront: null, purchase: null }, saleOptOut: { storefront: "anonymous", purchase: "anonymous" }, absent: { storefront: null, purchase: "full" } },
  // GA4 is an analytics use: a shopper who declined marketing but allowed analytics is counted, without ad data.
  ga4: { granted: { storefront: "full", purchase: "full" }, declined: { storefront: "full", purchase: "anonymous" }, saleOptOut: { storefront: "full", purchase: "anonymous" }, absent: { storefront: null, purchase: "full" } },
  // Google Ads takes purchases only, and only with a click id: without identity there is none to send.
  "google-ads": { granted: { storefront: null, purchase: "full" }, declined: { storefront: null, purchase: null }, saleOptOut: { storefront: null, purchase: null }, absent: { storefront: null, purchase: "full" } },
  // Pinterest, like Meta, refuses events with nothing to match on (skipped with the reason).
  pinterest: { granted: { storefront: "full", purchase: "full" }, declined: { storefront: null, purchase: null }, saleOptOut: { storefront: null, purchase: null }, absent: { storefront: null, purchase: null } },
  // Snap too ("Insufficient PII").
  snapchat: { granted: { storefront: "full", purchase: "full" }, declined: { storefront: null, purchase: null }, saleOptOut: { storefront: null, purchase: null }, absent: { storefront: null, purchase: "full" } },
};

const CONSENT: Record<Exclude<Case, "absent">, { analytics: boolean; marketing: boolean; saleOfData: boolean }> = {
  granted: { analytics: true, marketing: true, saleOfData: true },
  declined: { analytics: true, marketing: false, saleOfData: true },
  saleOptOut: { analytics: true, marketing: true, saleOfData: false },
};

const ORDER_IDS: Record<Case, bigint> = { granted: 7100000000001n, declined: 7100000000002n, saleOptOut: 7100000000003n, absent: 7100000000004n };
const email = (c: Case) => `${c}.shopper@example.com`;
const IP = "198.51.100.23";

/**
 * Whether a received event carries anything that identifies the shopper, as each platform
 * names it: hashed email, IP address, click ids or platform cookies (GA4: user_data in the
 * envelope; its consent flags are checked apart).
 */
function identified(kind: Kind, r: ReceivedEvent): boolean {
  const b = r.body as Record<string, Record<string, unknown> | undefined>;
  switch (kind) {
    case "meta":
    case "pinterest":
    case "snapchat":
      return ["em", "client_ip_address", "fbc", "fbp", "click_id", "sc_click_id", "external_id"].some((k) => b.user_data?.[k] !== undefined);
    case "tiktok":
      return ["email", "ip", "ttclid", "ttp", "external_id"].some((k) => b.user?.[k] !== undefined);
    case "ga4":
      // GA4 is analytics: what matters for ads is user_data (hashed email/phone/address).
      return (r.envelope as Record<string, unknown>).user_data !== undefined;
    case "google-ads":
      return true; // a click id is the identity: it is sent only with one
  }
}

describe("consent over HTTP: what each platform receives for granted, declined and absent consent", () => {
  let env: OrdersEnv;
  const storefrontIds: Record<Case, string[]> = { granted: [], declined: [], saleOptOut: [], absent: [] };

  beforeAll(async () => {
    const standins = await startStandins();
    const prepared = await prepareDatabase({ shop: TEST_SHOP, destinations: [], credentials: standins.credentials });
    for (const kind of KINDS) await seedDestination(prepared.db, TEST_SHOP, kind, { ...standins.credentials[kind] }, POLICIES[kind]);
    const app = await startServer(prepared.url, standins);
    env = {
      app,
      db: prepared.db,
      standins,
      databaseUrl: prepared.url,
      shop: TEST_SHOP,
      destinationIds: {},
      async close() {
        await app.stop();
        await standins.close();
        await prepared.db.$disconnect();
        await prepared.drop();
      },
    };
  });
  afterAll(async () => {
    await env?.close();
  });

  const t0 = Date.now() - 30 * MINUTE;
  const visit = (c: Exclude<Case, "absent">, i: number) =>
    visitBatch({
      clientId: `client-consent-${c}`,
      at: t0 + i * MINUTE,
      // Click ids arrive even where the pixel should have left them out: the server must drop them.
      url: `https://shop.example.com/?utm_source=facebook&fbclid=IwAR0consent${i}&gclid=Cj0consent${i}&ttclid=tt${i}&ScCid=sc${i}&epik=ep${i}`,
      fbclid: `IwAR0consent${i}`,
      checkout: { token: `tok-consent-${c}`, orderId: ORDER_IDS[c], email: email(c) },
      consent: CONSENT[c],
    });

  it("stores storefront events with analytics consent and nothing without it", async () => {
    (["granted", "declined", "saleOptOut"] as const).forEach((c, i) => {
      const batch = visit(c, i) as { events: Array<{ id: string; name: string }> };
      storefrontIds[c] = batch.events.filter((e) => FORWARDED.has(e.name)).map((e) => e.id);
    });
    for (const [i, c] of (["granted", "declined", "saleOptOut"] as const).entries()) {
      expect(await sendPixel(env, visit(c, i), IP)).toBeGreaterThan(4);
    }
    const post = (body: unknown) =>
      fetch(signedProxyUrl(env.app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), {
        method: "POST",
        headers: { "Content-Type": "text/plain;charset=UTF-8", "X-Forwarded-For": IP },
        body: JSON.stringify(body),
      });
    // Everything declined (analytics too): acknowledged, nothing kept.
    const none = visitBatch({ clientId: "client-consent-none", at: t0, url: "https://shop.example.com/?fbclid=IwAR0none", checkout: { token: "tok-consent-none", orderId: 7100000000009n, email: "none.shopper@example.com" }, consent: { analytics: false, marketing: false, preferences: false, saleOfData: false } });
    const noneRes = await post(none);
    expect(noneRes.status).toBe(202);
    expect(await noneRes.json()).toMatchObject({ accepted: 0 });
    // No consent object at all: refused.
    const { consent: _dropped, ...absent } = visitBatch({ clientId: "client-consent-absent", at: t0, url: "https://shop.example.com/", consent: {} }) as Record<string, unknown>;
    expect((await post(absent)).status).toBe(400);
    expect(await env.db.pixelEvent.count({ where: { shop: TEST_SHOP, clientId: { in: ["client-consent-none", "client-consent-absent"] } } })).toBe(0);
    // Without marketing consent, no click id, cookie, IP or email hash is kept.
    const declined = await env.db.pixelEvent.findMany({ where: { shop: TEST_SHOP, clientId: "client-consent-declined" } });
    expect(declined.every((e) => e.ip === null && e.emailHash === null && !/IwAR0|Cj0|fb\.1\./.test(e.identity))).toBe(true);
  });

  it("takes the orders as signed webhooks: three from those visits, one no browser saw", async () => {
    const now = Date.now();
    for (const c of ["granted", "declined", "saleOptOut", "absent"] as const) {
      const base = buildOnlineOrder({ id: ORDER_IDS[c] });
      const order = buildOnlineOrder({
        id: ORDER_IDS[c],
        email: email(c),
        contact_email: email(c),
        customer: base.customer ? { ...base.customer, id: 9100000000000n + ORDER_IDS[c] % 10n, email: email(c) } : null,
        // The walk-in's browser was never seen: another address than the visits'.
        ...(c === "absent" ? { browser_ip: "192.0.2.77", client_details: { ...base.client_details!, browser_ip: "192.0.2.77" } } : {}),
        checkout_token: c === "absent" ? "tok-never-seen-by-a-browser" : `tok-consent-${c}`,
        // The order's own landing page carries a Google click id: consent still decides.
        landing_site: `/?gclid=Cj0order${c}`,
        created_at: iso(now - 5 * MINUTE),
        processed_at: iso(now - 5 * MINUTE),
        updated_at: iso(now - 4 * MINUTE),
      });
      await deliver(env, "orders/create", order);
    }
    await settle(env.db, TEST_SHOP);
    const orders = await env.db.order.findMany({ where: { shop: TEST_SHOP }, select: { orderId: true, matchStatus: true } });
    expect(Object.fromEntries(orders.map((o) => [o.orderId, o.matchStatus]))).toMatchObject({ [ORDER_IDS.granted.toString()]: "matched", [ORDER_IDS.declined.toString()]: "matched", [ORDER_IDS.saleOptOut.toString()]: "matched" });
  });

  it("each platform received everything, nothing, or what its policy says — with identity only where allowed", async () => {
    const report: Record<string, unknown> = {};
    const expectedReport: Record<string, unknown> = {};
    for (const kind of KINDS) {
      expect(env.standins.rejected(kind), `${kind} refused requests`).toEqual([]);
      const received = env.standins.received(kind);
      const byId = new Map<string, ReceivedEvent>();
      for (const r of received) {
        const id = kind === "ga4" ? String((r.body as { params: { event_id: string } }).params.event_id) : String(r.eventId);
        byId.set(id, r);
      }
      for (const c of ["granted", "declined", "saleOptOut", "absent"] as const) {
        const want = EXPECTED[kind][c];
        const purchase = byId.get(`purchase-${ORDER_IDS[c]}`);
        const store = storefrontIds[c].map((id) => byId.get(id));
        report[`${kind}/${c}`] = {
          purchase: purchase ? (identified(kind, purchase) ? "full" : "anonymous") : null,
          storefront: store.every((s) => s === undefined) ? null : store.some((s) => s === undefined) ? "partial" : store.every((s) => identified(kind, s!)) ? "full" : store.every((s) => !identified(kind, s!)) ? "anonymous" : "mixed",
        };
        // GA4 storefront hits never carry user_data (the pixel's events hold no email).
        expectedReport[`${kind}/${c}`] = kind === "ga4" ? { ...want, storefront: want.storefront === null ? null : "anonymous" } : want;
      }
    }
    expect(report).toEqual(expectedReport);
  });

  it("GA4 carries each shopper's consent signals (Consent Mode v2)", () => {
    const purchases = new Map(env.standins.received("ga4").filter((r) => r.eventName === "purchase").map((r) => [String(r.eventId), r.envelope as { consent?: unknown }]));
    expect(purchases.get(ORDER_IDS.granted.toString())?.consent).toEqual({ ad_user_data: "GRANTED", ad_personalization: "GRANTED" });
    expect(purchases.get(ORDER_IDS.declined.toString())?.consent).toEqual({ ad_user_data: "DENIED", ad_personalization: "DENIED" });
    expect(purchases.get(ORDER_IDS.saleOptOut.toString())?.consent).toEqual({ ad_user_data: "GRANTED", ad_personalization: "DENIED" });
    // No browser, no consent signal: GA applies what the client's own hits said.
    expect(purchases.get(ORDER_IDS.absent.toString())?.consent).toBeUndefined();
  });

  it("every conversion a destination did not receive is accounted for in its outbox with the reason", async () => {
    const skipped = await env.db.delivery.findMany({ where: { shop: TEST_SHOP, eventId: { startsWith: "purchase-" }, status: "skipped" }, select: { eventId: true, lastError: true } });
    const reasons = skipped.map((s) => `${s.eventId}: ${s.lastError}`).join("\n");
    expect(reasons).toContain(`purchase-${ORDER_IDS.declined}: shopper did not consent to marketing`);
    expect(reasons).toContain(`purchase-${ORDER_IDS.absent}: no consent information (order placed without a storefront session); merchant policy: skip`);
    expect(reasons).toContain(`purchase-${ORDER_IDS.declined}: shopper did not consent to marketing; merchant policy: send without identity; Meta refuses events with no customer information`);
    expect(reasons).toContain(`purchase-${ORDER_IDS.saleOptOut}: shopper opted out of the sale of data: sent without identity; Meta refuses events`);
    expect(reasons).toContain(`purchase-${ORDER_IDS.absent}: no consent information (order placed without a storefront session); merchant policy: send without identity; Pinterest refuses events`);
  });
});
