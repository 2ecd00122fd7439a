import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCustomer, buildOnlineOrder, buildUpsellAppOrder, gid, type RestOrder } from "../factories/order-factory";
import type { CanonicalConversion } from "~/core/conversions/conversion";
import { adminFetch, saveSettingsOverHttp } from "../support/admin-http";
import { seedDestination, seedInstalledShop } from "../support/seed";
import { deliver, HOUR, iso, MINUTE, sendPixel, settle, startOrdersEnv, visitBatch, type OrdersEnv } from "./support";

/**
 * Two shop settings that used to be saved and never read (issue 13), each saved through the
 * Settings page's action over HTTP and exercised through the signed webhook and app proxy
 * routes of the real server:
 * - "Post-purchase upsell apps": a separate order made by a listed app is an upsell (and is
 *   forwarded as upsells are: a website purchase); without the setting it is another app's
 *   order (not forwarded by default).
 * - "Filter bot traffic": on, a crawler that went through the checkout (the pixel marks its
 *   events as a bot's) is no evidence for the order, earns no attribution credit and none of
 *   its storefront events is forwarded; off, it is treated like any shopper.
 * One database, two shops: ON has both settings, OFF has neither.
 */

const ON = "orders-settings-on.myshopify.com";
const OFF = "orders-settings-off.myshopify.com";
const UPSELL_APP = "2329312"; // the factory's upsell app (app_id and source_name)
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

const now = Date.now();
const HUMAN_AT = now - 3 * HOUR;
const BOT_AT = now - 40 * MINUTE;
const ORDER_AT = now - 30 * MINUTE;
const UPSELL_AT = now - 20 * MINUTE;
const ORDER = 5975031439001n;
const UPSELL = 5975031439002n;
const JANE = buildCustomer();

/** Each shop's copy differs by a second of updated_at: a signed body is accepted for one shop only. */
function timed(o: RestOrder, at: number, shop: string): RestOrder {
  return { ...o, created_at: iso(at), processed_at: iso(at), updated_at: iso(at + (shop === ON ? 2_000 : 3_000)) };
}

describe("shop settings read by orders: upsell app ids and bot filtering", () => {
  let env: OrdersEnv;
  const as = (shop: string) => ({ app: env.app, shop });
  const order = (shop: string, id: bigint) => env.db.order.findUniqueOrThrow({ where: { order_identity: { shop, orderId: id.toString() } } });
  const sessionOf = async (shop: string, clientId: string) => (await env.db.visitSession.findFirstOrThrow({ where: { shop, clientId } })).id;
  const eventIdsOf = async (shop: string, clientId: string) => (await env.db.pixelEvent.findMany({ where: { shop, clientId }, select: { eventId: true } })).map((e) => e.eventId);
  const forwarded = async (shop: string, eventIds: string[]) => env.db.delivery.count({ where: { shop, eventId: { in: eventIds } } });

  beforeAll(async () => {
    env = await startOrdersEnv({ shop: ON, destinations: ["meta"], policy: {} });
    await seedInstalledShop(env.db, OFF);
    await seedDestination(env.db, OFF, "meta", { ...env.standins.credentials.meta }, {});
    // The merchant's Settings page (its action, as App Bridge posts it).
    expect((await saveSettingsOverHttp(env.app.url, ON, { botFiltering: "on", upsellAppIds: `${UPSELL_APP}, 4383523` })).saved).toBe(true);
    expect((await saveSettingsOverHttp(env.app.url, OFF, { upsellAppIds: "" })).saved).toBe(true);
    // A name instead of an id is refused and changes nothing.
    const refused = await saveSettingsOverHttp(env.app.url, ON, { upsellAppIds: "ReConvert" });
    expect(refused.saved).toBe(false);
    expect(refused.html).toContain("Enter app ids as whole numbers");

    for (const shop of [ON, OFF]) {
      // Jane: a Google ad three hours ago, leaves at the contact step (her email is known).
      await sendPixel(
        as(shop),
        visitBatch({
          clientId: "c-human",
          at: HUMAN_AT,
          url: "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0Khuman",
          referrer: "https://www.google.com/",
          checkout: { token: "ck-human", email: "jane.doe@example.com", abandon: true },
        }),
      );
      // A crawler replays the checkout that becomes Jane's order (its events name the order).
      const bot = visitBatch({ clientId: "c-bot", at: BOT_AT, url: "https://shop.example.com/products/trail-runner", checkout: { token: "ck-bot", orderId: ORDER } }) as { context: { userAgent: string } };
      bot.context.userAgent = GOOGLEBOT;
      await sendPixel(as(shop), bot);
    }
    await settle(env.db, ON);
    await settle(env.db, OFF);
    for (const shop of [ON, OFF]) {
      await deliver(as(shop), "orders/create", timed(buildOnlineOrder({ id: ORDER, admin_graphql_api_id: gid("Order", ORDER), checkout_token: "ck-bot", cart_token: null, customer: JANE }), ORDER_AT, shop));
      await deliver(as(shop), "orders/create", timed(buildUpsellAppOrder({ id: UPSELL, admin_graphql_api_id: gid("Order", UPSELL), tags: "", customer: JANE }), UPSELL_AT, shop));
    }
    await settle(env.db, ON);
    await settle(env.db, OFF);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("the pixel marked the crawler's events as a bot's in both shops (the setting decides what follows, not the marking)", async () => {
    for (const shop of [ON, OFF]) {
      expect(await env.db.pixelEvent.count({ where: { shop, clientId: "c-bot", isBot: false } })).toBe(0);
      expect(await env.db.pixelEvent.count({ where: { shop, clientId: "c-bot", isBot: true } })).toBeGreaterThan(0);
      expect(await env.db.pixelEvent.count({ where: { shop, clientId: "c-human", isBot: true } })).toBe(0);
    }
  });

  it("bot filtering on: the order is not matched to the bot's session, the bot earns no credit, its storefront events are not forwarded", async () => {
    const [bot, human] = [await sessionOf(ON, "c-bot"), await sessionOf(ON, "c-human")];
    const o = await order(ON, ORDER);
    expect(o.sessionId).not.toBe(bot);
    expect(o.matchMethod).not.toBe("order_id");
    // Jane's own visit (she is known by her customer id and email) is what the order is matched to and credited to.
    expect(o.sessionId).toBe(human);
    expect(["customer_id", "email_hash"]).toContain(o.matchMethod);
    const credits = await env.db.attributionCredit.findMany({ where: { shop: ON, orderId: ORDER.toString() } });
    expect(credits.length).toBeGreaterThan(0);
    expect(credits.filter((c) => c.sessionId === bot)).toEqual([]);
    expect(new Set(credits.map((c) => c.sessionId))).toEqual(new Set([human]));
    expect(await forwarded(ON, await eventIdsOf(ON, "c-bot"))).toBe(0);
    // The shopper's own storefront events are forwarded as before.
    expect(await forwarded(ON, await eventIdsOf(ON, "c-human"))).toBeGreaterThan(0);
  });

  it("bot filtering off: the bot is treated like any visit (matched by the order id it reported, credited, forwarded)", async () => {
    const bot = await sessionOf(OFF, "c-bot");
    const o = await order(OFF, ORDER);
    expect(o).toMatchObject({ matchStatus: "matched", matchMethod: "order_id", sessionId: bot });
    const credits = await env.db.attributionCredit.findMany({ where: { shop: OFF, orderId: ORDER.toString() } });
    expect(credits.some((c) => c.sessionId === bot)).toBe(true);
    expect(await forwarded(OFF, await eventIdsOf(OFF, "c-bot"))).toBeGreaterThan(0);
  });

  it("an order made by an app the shop listed is an upsell, says why, and is forwarded as a website purchase", async () => {
    const o = await order(ON, UPSELL);
    expect(o.kind).toBe("upsell");
    expect((JSON.parse(o.facts) as { kindReason: string }).kindReason).toBe(`created by app ${UPSELL_APP}, which the shop's settings list as a post-purchase upsell app`);
    const sent = await env.db.delivery.findMany({ where: { shop: ON, eventId: `purchase-${UPSELL}` } });
    expect(sent.map((d) => d.status)).toEqual(["delivered"]);
    const conversion = JSON.parse((await env.db.conversion.findUniqueOrThrow({ where: { conversion_event_id: { shop: ON, eventId: `purchase-${UPSELL}` } } })).payload) as CanonicalConversion;
    expect(conversion).toMatchObject({ name: "purchase", orderId: UPSELL.toString(), actionSource: "website" });
    // The merchant reads the reason on the order's page.
    const page = await adminFetch(env.app.url, ON, `/app/orders/${UPSELL}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("settings list as a post-purchase upsell app");
  });

  it("without the setting the same order is another app's order, and is not forwarded (other channels are off by default)", async () => {
    const o = await order(OFF, UPSELL);
    expect(o.kind).toBe("other_channel");
    const sent = await env.db.delivery.findMany({ where: { shop: OFF, eventId: `purchase-${UPSELL}`, status: "delivered" } });
    expect(sent).toEqual([]);
  });
});
