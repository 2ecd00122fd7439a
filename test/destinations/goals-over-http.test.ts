import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReceivedEvent, StandinKind } from "../standins";
/**
 * The six platforms whose per-case verdicts this file spells out; the five added by issue 14
 * have their own end-to-end tests (microsoft-reddit-x.delivery, linkedin-klaviyo-delivery).
 */
const KINDS = ["meta", "tiktok", "ga4", "google-ads", "pinterest", "snapchat"] as const;
type Kind = (typeof KINDS)[number];

import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { pixelBatch, pixelEvent } from "../support/pixel";
import { seedDestination } from "../support/seed";
import { deliver, prepareDatabase, sendPixel, sendWebhook, settle, startServer, type OrdersEnv } from "../orders/support";
import { startStandins } from "../standins";
import { webhookHmac } from "../support/shopify-signing";

/**
 * Issue 13, over real signed HTTP against `node server.mjs` and the six platform stand-ins:
 * - the storefront steps added in issue 13 (collection viewed, cart viewed, removed from cart,
 *   shipping info submitted) and search reach each platform under its own name, and only the
 *   platforms that have one;
 * - custom events published on the storefront (the pixel sends them as "custom:<name>") and
 *   customers/create webhooks become the standard event each destination's goal mapping names.
 */

const STEPS = { events: { search: true, view_item_list: true, view_cart: true, remove_from_cart: true, add_shipping_info: true } };

/** Each destination's goal mapping (policy.goals), as the admin form stores it. */
const GOALS: Record<Kind, Record<string, string>> = {
  meta: { newsletter_signup: "subscribe", quote_request: "lead", "customers/create": "sign_up" },
  tiktok: { newsletter_signup: "subscribe", quote_request: "contact", "customers/create": "sign_up" },
  ga4: { newsletter_signup: "sign_up", quote_request: "lead", "customers/create": "sign_up" },
  // Google Ads has no conversion action for a lead in these settings: queued as skipped, with the reason.
  "google-ads": { quote_request: "lead" },
  pinterest: { newsletter_signup: "contact", quote_request: "lead", "customers/create": "sign_up" },
  // Snap has no lead event; the merchant maps only what Snap has.
  snapchat: { newsletter_signup: "subscribe", "customers/create": "sign_up" },
};

const CUSTOMER_ID = "820982911946154508"; // above 2^53: must stay exact

function idOf(kind: Kind, r: ReceivedEvent): string | null {
  // GA4 has no dedup key but for purchases; the event id travels as a custom param.
  return kind === "ga4" ? String((r.body as { params?: { event_id?: string } }).params?.event_id ?? "") : r.eventId;
}

describe("issue 13: more storefront steps and custom goals, over signed HTTP", () => {
  let env: OrdersEnv;
  const ids: Record<string, string> = {};
  const destinationIds: Partial<Record<Kind, string>> = {};

  beforeAll(async () => {
    const standins = await startStandins();
    const prepared = await prepareDatabase({ shop: TEST_SHOP, destinations: [], credentials: standins.credentials });
    for (const kind of KINDS) destinationIds[kind] = (await seedDestination(prepared.db, TEST_SHOP, kind, { ...standins.credentials[kind] }, { ...STEPS, goals: GOALS[kind] })).id;
    const app = await startServer(prepared.url, standins);
    env = {
      app,
      db: prepared.db,
      standins,
      databaseUrl: prepared.url,
      shop: TEST_SHOP,
      destinationIds,
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

  it("sends the storefront steps and the custom events through the signed app proxy", async () => {
    const t0 = Date.now() - 5 * 60_000;
    const product = { productId: "8123456789012", variantId: "45123456789012", price: 130, quantity: 1 };
    const events = [
      pixelEvent("collection_viewed", t0, { url: "https://shop.example.com/collections/shoes", products: [product] }),
      pixelEvent("search_submitted", t0 + 1_000, { url: "https://shop.example.com/search?q=trail", searchQuery: "trail runner" }),
      pixelEvent("cart_viewed", t0 + 2_000, { url: "https://shop.example.com/cart", value: 130, currency: "USD", products: [product] }),
      pixelEvent("product_removed_from_cart", t0 + 3_000, { url: "https://shop.example.com/cart", value: 130, currency: "USD", products: [product] }),
      pixelEvent("checkout_shipping_info_submitted", t0 + 4_000, { url: "https://shop.example.com/checkouts/cn/abc", checkoutToken: "abc", value: 130, currency: "USD", products: [product] }),
      pixelEvent("custom:newsletter_signup", t0 + 5_000, { url: "https://shop.example.com/", customData: { list: "weekly" } }),
      pixelEvent("custom:quote_request", t0 + 6_000, { url: "https://shop.example.com/pages/quote", customData: { value: 25, currency: "USD" } }),
      pixelEvent("custom:not_mapped_anywhere", t0 + 7_000, { url: "https://shop.example.com/" }),
    ];
    for (const e of events) ids[e.name] = e.id;
    expect(await sendPixel(env, pixelBatch({ clientId: "client-goals-1", events, fbclid: "IwAR0goals", at: t0 }))).toBe(events.length);
  });

  it("accepts customers/create only signed and on its own route, once per customer", async () => {
    const customer = `{"id":${CUSTOMER_ID},"email":"Bob.Norman@Example.com","first_name":"Bob","last_name":"Norman","phone":"+16135550135","created_at":"${new Date(Date.now() - 60_000).toISOString()}","default_address":{"city":"Ottawa","province_code":"ON","zip":"K2P 1L4","country_code":"CA"},"state":"disabled","tags":""}`;
    expect((await sendWebhook(env, "customers/create", null, { rawBody: customer, secret: "not-the-secret" })).status).toBe(401);
    expect((await sendWebhook(env, "orders/create", null, { rawBody: customer, path: "/webhooks/customers/create" })).status).toBe(400);
    expect((await sendWebhook(env, "customers/create", null, { rawBody: customer, path: "/webhooks/orders" })).status).toBe(400);
    expect(await env.db.webhookDelivery.count({ where: { shop: TEST_SHOP, topic: "customers/create" } })).toBe(0);
    await deliver(env, "customers/create", null, { rawBody: customer, webhookId: "wh-customer-1" });
    await deliver(env, "customers/create", null, { rawBody: customer, webhookId: "wh-customer-1" }); // Shopify's retry
    await deliver(env, "customers/create", null, { rawBody: customer, webhookId: "wh-customer-2" }); // the same customer again
    // A body that is not a customer is refused after it is stored (and answered 200, as Shopify needs).
    const bad = '{"email":"no-id@example.com"}';
    const res = await fetch(`${env.app.url}/webhooks/customers/create`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": webhookHmac(bad, TEST_API_SECRET), "X-Shopify-Topic": "customers/create", "X-Shopify-Shop-Domain": TEST_SHOP, "X-Shopify-Webhook-Id": "wh-customer-bad", "X-Shopify-Triggered-At": new Date().toISOString(), "X-Shopify-API-Version": "2026-10" },
      body: bad,
    });
    expect(res.status).toBe(200);
    await settle(env.db, TEST_SHOP);
    const hooks = await env.db.webhookDelivery.findMany({ where: { shop: TEST_SHOP, topic: "customers/create" }, orderBy: { webhookId: "asc" } });
    expect(hooks.map((h) => [h.webhookId, h.status])).toEqual([
      ["wh-customer-1", "processed"],
      ["wh-customer-2", "processed"],
      ["wh-customer-bad", "rejected"],
    ]);
    // The raw body (personal data) is gone once handled.
    expect(hooks.every((h) => h.rawBody === null)).toBe(true);
  });

  it("each platform received exactly the events it has a name for, under that name", async () => {
    const customerEvent = `customer-created-${CUSTOMER_ID}`;
    const expected: Record<Kind, string[]> = {
      meta: [`Search:${ids.search_submitted}`, `Subscribe:${ids["custom:newsletter_signup"]}`, `Lead:${ids["custom:quote_request"]}`, `CompleteRegistration:${customerEvent}`],
      tiktok: [`Search:${ids.search_submitted}`, `Subscribe:${ids["custom:newsletter_signup"]}`, `Contact:${ids["custom:quote_request"]}`, `CompleteRegistration:${customerEvent}`],
      ga4: [
        `view_item_list:${ids.collection_viewed}`,
        `search:${ids.search_submitted}`,
        `view_cart:${ids.cart_viewed}`,
        `remove_from_cart:${ids.product_removed_from_cart}`,
        `add_shipping_info:${ids.checkout_shipping_info_submitted}`,
        `sign_up:${ids["custom:newsletter_signup"]}`,
        `generate_lead:${ids["custom:quote_request"]}`,
        `sign_up:${customerEvent}`,
      ],
      "google-ads": [],
      pinterest: [`view_category:${ids.collection_viewed}`, `search:${ids.search_submitted}`, `contact:${ids["custom:newsletter_signup"]}`, `lead:${ids["custom:quote_request"]}`, `signup:${customerEvent}`],
      snapchat: [`LIST_VIEW:${ids.collection_viewed}`, `SEARCH:${ids.search_submitted}`, `SUBSCRIBE:${ids["custom:newsletter_signup"]}`, `SIGN_UP:${customerEvent}`],
    };
    for (const kind of KINDS) {
      expect(env.standins.rejected(kind), `${kind} refused requests`).toEqual([]);
      const got = env.standins.received(kind).map((r) => `${r.eventName}:${idOf(kind, r)}`);
      expect(got.sort(), kind).toEqual([...expected[kind]].sort());
    }
  });

  it("a goal carries what the merchant published and the new customer's hashed identity, never the raw one", async () => {
    const lead = env.standins.received("meta").find((r) => r.eventName === "Lead")!.body as { custom_data?: Record<string, unknown>; user_data: Record<string, unknown> };
    expect(lead.custom_data).toEqual({ value: 25, currency: "USD" });
    expect(lead.user_data.fbc).toMatch(/^fb\.1\.\d+\.IwAR0goals$/);
    const signUp = env.standins.received("meta").find((r) => r.eventName === "CompleteRegistration")!.body as { user_data: Record<string, unknown>; action_source: string };
    // sha256("bob.norman@example.com") and sha256("16135550135"), computed with sha256sum.
    expect(signUp.user_data.em).toEqual(["b38d018cfc05a3d2e00ef0155b1ae1027a6718174dc7138ccc5c1b8246f42c30"]);
    expect(signUp.user_data.ph).toEqual(["5b85841048eb027b78a28f49acb77bc7d98e60b9b71516da874ffa6c62def032"]);
    expect(signUp.user_data.external_id).toHaveLength(1);
    expect(signUp.action_source).toBe("other");
    const requests = await env.db.deliveryRequest.findMany({});
    const all = requests.map((r) => r.body).join("\n");
    expect(all).not.toContain("Bob.Norman@Example.com");
    expect(all).not.toContain("bob.norman@example.com");
    expect(all).not.toContain("6135550135");
  });

  it("explains every goal a destination mapped but could not send, and queues nothing for unmapped ones", async () => {
    const gads = await env.db.delivery.findMany({ where: { shop: TEST_SHOP, destinationId: destinationIds["google-ads"] } });
    expect(gads.map((d) => [d.eventId, d.eventName, d.status])).toEqual([[ids["custom:quote_request"], "lead", "skipped"]]);
    expect(gads[0]!.lastError ?? "").toMatch(/Google Ads has no conversion action for lead/);
    // Nobody mapped it: no conversion, no row.
    expect(await env.db.delivery.count({ where: { shop: TEST_SHOP, eventId: ids["custom:not_mapped_anywhere"] } })).toBe(0);
    // One conversion for the new customer, whatever Shopify retried.
    expect(await env.db.conversion.count({ where: { shop: TEST_SHOP, eventId: `customer-created-${CUSTOMER_ID}` } })).toBe(1);
  });
});
