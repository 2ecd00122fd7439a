import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCustomer, buildOnlineOrder, gid } from "../factories/order-factory";
import type { Db } from "~/db.server";
import { startStandins, STANDIN_KINDS, type Standins } from "../standins";
import type { RunningApp } from "../support/app-server";
import { snapshotState, type StateSnapshot } from "./snapshot";
import { deliver, HOUR, iso, MINUTE, prepareDatabase, resumeDestinations, sendPixel, settle, startServer, visitBatch, type Visit } from "./support";

/**
 * Issue 11 part 8, ADR 0005 "arrival order": the same storefront events and the same order
 * webhooks, fed over real HTTP in different interleavings, end in one final state: each
 * order's match status, method, explanation and profile, its attribution credits, its
 * conversions, and what every platform stand-in received once the destinations are released.
 *
 * The shopper: a phone visit from Instagram that left an email at an abandoned checkout, then
 * a laptop visit from a Google ad that bought (order A, named by the pixel at checkout), and a
 * second order B placed by the same customer without the pixel seeing its checkout (joined by
 * customer id and email only). Interleavings:
 * - "events sessionised, then orders": the pixel first, processed, then the webhooks;
 * - "orders first, then events": the webhooks first (processed with no storefront history),
 *   then the pixel's batches;
 * - "together": each order's webhook right after the batches, before they are sessionised.
 * Destinations are held while everything is fed (as a slow pixel or a paused destination
 * would), then released; on the old code the "orders first" run stays unmatched.
 */

const SHOP = "arrival-order.myshopify.com";
const now = Date.now();
const CUSTOMER = 7901000000001n;
const ORDER_A = 7900000000001n;
const ORDER_B = 7900000000002n;

const visits: Visit[] = [
  { clientId: "c-ao-phone", idPrefix: "ao-phone", at: now - 3 * HOUR, url: "https://shop.example.com/?utm_source=instagram&utm_medium=social&utm_campaign=winter", checkout: { token: "ck-ao-phone", email: "arrival@example.com", abandon: true } },
  { clientId: "c-ao-laptop", idPrefix: "ao-laptop", at: now - HOUR, url: "https://shop.example.com/?utm_source=google&utm_medium=cpc&gclid=Cj0KarrivalOrder", checkout: { token: "ck-ao-laptop", orderId: ORDER_A, customerId: String(CUSTOMER) } },
];
const aAt = now - HOUR + 5 * MINUTE + 90_000;
const bAt = now - 20 * MINUTE;
const customer = buildCustomer({ id: CUSTOMER, email: "arrival@example.com" });
const orders = [
  {
    id: "wh-ao-a",
    payload: buildOnlineOrder({ id: ORDER_A, admin_graphql_api_id: gid("Order", ORDER_A), name: "#4101", checkout_token: "ck-ao-laptop", cart_token: null, email: "arrival@example.com", contact_email: "arrival@example.com", customer, landing_site: "/", referring_site: null, created_at: iso(aAt), processed_at: iso(aAt), updated_at: iso(aAt + 2_000) }),
  },
  {
    id: "wh-ao-b",
    payload: buildOnlineOrder({ id: ORDER_B, admin_graphql_api_id: gid("Order", ORDER_B), name: "#4102", checkout_token: "ck-ao-unseen", cart_token: null, email: "arrival@example.com", contact_email: "arrival@example.com", customer, landing_site: "/", referring_site: null, created_at: iso(bAt), processed_at: iso(bAt), updated_at: iso(bAt + 2_000) }),
  },
];

type Feed = (app: RunningApp, db: Db) => Promise<void>;
const sendEvents = async (app: RunningApp) => {
  for (const v of visits) await sendPixel({ app, shop: SHOP }, visitBatch(v));
};
const sendOrders = async (app: RunningApp) => {
  for (const o of orders) await deliver({ app, shop: SHOP }, "orders/create", o.payload, { webhookId: o.id });
};
const FEEDS: Record<string, Feed> = {
  "events sessionised, then orders": async (app, db) => {
    await sendEvents(app);
    await settle(db, SHOP, { deliveries: false });
    await sendOrders(app);
  },
  "orders first, then events": async (app, db) => {
    await sendOrders(app);
    await settle(db, SHOP, { deliveries: false });
    await sendEvents(app);
  },
  together: async (app) => {
    await Promise.all([sendEvents(app), sendOrders(app)]);
  },
};

const PLATFORMS = STANDIN_KINDS;

describe("the final state does not depend on arrival order (issue 11 part 8)", () => {
  const final = new Map<string, StateSnapshot>();
  const cleanup: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    for (const [name, feed] of Object.entries(FEEDS)) {
      const standins: Standins = await startStandins();
      const prepared = await prepareDatabase({ shop: SHOP, paused: true, destinations: PLATFORMS, credentials: standins.credentials });
      const app = await startServer(prepared.url, standins);
      cleanup.push(async () => {
        await app.stop();
        await standins.close();
        await prepared.db.$disconnect();
        await prepared.drop();
      });
      await feed(app, prepared.db);
      // Up to two bounded waits of the order (5 s, then 10 s) fit in the settle.
      await settle(prepared.db, SHOP, { deliveries: false, timeoutMs: 90_000 });
      await resumeDestinations({ db: prepared.db, shop: SHOP } as never);
      await settle(prepared.db, SHOP, { timeoutMs: 90_000 });
      // The orders' conversions (purchase, refund, cancel). The storefront events' server copies
      // are left out: GA4's derived client id hashes the profile id current when the event was
      // sessionised (a random row id, and which one depends on what existed then), so it cannot
      // be compared across runs; reported in the session's notes.
      const storefront = new Set(visits.map((v) => `${v.idPrefix}-`));
      const received = PLATFORMS.flatMap((platform) =>
        standins
          .received(platform)
          .filter((e) => ![...storefront].some((p) => (e.eventId ?? "").startsWith(p)))
          // GA4's client id, when no _ga cookie was seen, is derived from the profile's row id
          // (random per database): the same shopper, a different number in each run.
          .map((e) => ({ platform, eventId: e.eventId, eventName: e.eventName, body: e.body, envelope: platform === "ga4" && e.envelope && typeof e.envelope === "object" ? { ...(e.envelope as Record<string, unknown>), client_id: "(derived from the profile)" } : e.envelope })),
      );
      final.set(name, await snapshotState(prepared.db, SHOP, received));
    }
  }, 600_000);

  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  it("every interleaving ends with the same orders (match, explanation, attribution) and the same requests at every platform", () => {
    const [first, ...rest] = [...final.entries()];
    const [, reference] = first!;
    // The reference itself is the expected answer: A matched at checkout, B joined by identity.
    const byOrder = new Map(reference.orders.map((o) => [String((o as { orderId: string }).orderId), o as { matchStatus: string; matchMethod: string | null }]));
    expect(byOrder.get(String(ORDER_A))).toMatchObject({ matchStatus: "matched", matchMethod: "order_id" });
    expect(byOrder.get(String(ORDER_B))).toMatchObject({ matchStatus: "profile_only", matchMethod: "customer_id" });
    expect(reference.credits.length).toBeGreaterThan(0);
    expect(reference.received.length).toBeGreaterThan(0);
    for (const [name, state] of rest) {
      expect({ run: name, orders: state.orders }).toEqual({ run: name, orders: reference.orders });
      expect({ run: name, credits: state.credits }).toEqual({ run: name, credits: reference.credits });
      expect({ run: name, conversions: state.conversions }).toEqual({ run: name, conversions: reference.conversions });
      expect({ run: name, received: state.received }).toEqual({ run: name, received: reference.received });
    }
  });
});
