import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnlineOrder, gid } from "../factories/order-factory";
import { deliver, iso, MINUTE, sendPixel, settle, startOrdersEnv, visitBatch, type OrdersEnv } from "../orders/support";
import { sha256Hex } from "../standins";

/**
 * Microsoft Advertising, Reddit and X through the real server (`node server.mjs`, worker inline):
 * a shopper lands from an ad with msclkid, rdt_cid and twclid, the pixel reports the visit through
 * the signed app proxy, the order arrives as a signed orders/create webhook, and each platform's
 * stand-in (which checks requests as the platform documents them, X's OAuth 1.0a signature
 * included) receives the storefront events and the purchase once, with its click id and the
 * buyer's identity hashed by that platform's rules.
 */

const SHOP = "new-platforms.myshopify.com";
const ORDER = 5975031439001n;
const now = Date.now();
const VISIT_AT = now - 30 * MINUTE;
const ORDER_AT = VISIT_AT + 8 * MINUTE;
const CLICKS = {
  msclkid: { value: "5f1e2d3c4b5a69788796a5b4c3d2e1f0", at: VISIT_AT },
  rdt_cid: { value: "AQAAAZWuiA0DAAAAAB_Kb2VYbSMGSUx1ZXGrY2h6bUZb", at: VISIT_AT },
  twclid: { value: "23opevjt88psuo13lu8d020qkn", at: VISIT_AT },
};

describe("Microsoft, Reddit and X receive the shop's conversions through the real server", () => {
  let env: OrdersEnv;

  beforeAll(async () => {
    env = await startOrdersEnv({ shop: SHOP, destinations: ["microsoft", "reddit", "x"] });
  });
  afterAll(async () => {
    await env?.close();
  });

  it("delivers storefront events and the purchase once to each platform, with its click id", async () => {
    const url = `https://shop.example.com/?utm_source=bing&msclkid=${CLICKS.msclkid.value}&rdt_cid=${CLICKS.rdt_cid.value}&twclid=${CLICKS.twclid.value}`;
    await sendPixel(env, visitBatch({ clientId: "c-new-platforms", at: VISIT_AT, url, clickIds: CLICKS, checkout: { token: "ck-new-1", orderId: ORDER, email: "jane.doe@example.com" } }));
    const order = buildOnlineOrder({ id: ORDER, admin_graphql_api_id: gid("Order", ORDER), checkout_token: "ck-new-1" });
    await deliver(env, "orders/create", { ...order, created_at: iso(ORDER_AT), processed_at: iso(ORDER_AT), updated_at: iso(ORDER_AT + 2_000) });
    await settle(env.db, SHOP);

    const purchaseId = `purchase-${ORDER}`;
    const kindOf = new Map(Object.entries(env.destinationIds).map(([kind, id]) => [id, kind]));
    const rows = await env.db.delivery.findMany({ where: { shop: SHOP, eventId: purchaseId }, select: { destinationId: true, status: true, lastError: true } });
    expect(rows.map((r) => [kindOf.get(r.destinationId), r.status, r.lastError]).sort()).toEqual([
      ["microsoft", "delivered", null],
      ["reddit", "delivered", null],
      ["x", "delivered", null],
    ]);

    // Money is the buyer's (the default policy: presentment currency, EUR in this order).
    // Microsoft: custom event "purchase", msclkid, email without dots and "+alias", phone E.164 with "+".
    const ms = env.standins.received("microsoft").find((e) => e.eventId === purchaseId)?.body as Record<string, any>;
    expect(ms.eventName).toBe("purchase");
    expect(ms.userData.msclkid).toBe(CLICKS.msclkid.value);
    expect(ms.userData.em).toBe(sha256Hex("janedoe@example.com"));
    expect(ms.customData).toMatchObject({ value: 117.24, currency: "EUR", transactionId: String(ORDER) });

    // Reddit: PURCHASE, click_id from rdt_cid, event_at in milliseconds, conversion_id = our event id.
    const rd = env.standins.received("reddit").find((e) => e.eventId === purchaseId)?.body as Record<string, any>;
    expect(rd.type).toEqual({ tracking_type: "PURCHASE" });
    expect(rd.click_id).toBe(CLICKS.rdt_cid.value);
    expect(rd.user.email).toBe(sha256Hex("janedoe@example.com"));
    expect(rd.metadata).toMatchObject({ conversion_id: purchaseId, value: 117.24, currency: "EUR" });

    // X: the Purchase event id, twclid first, email hashed with its dots (X keeps them).
    const xr = env.standins.received("x").find((e) => e.eventId === purchaseId)?.body as Record<string, any>;
    expect(xr.event_id).toBe(env.standins.credentials.x.purchaseEventId);
    expect(xr.identifiers[0]).toEqual({ twclid: CLICKS.twclid.value });
    expect(xr.identifiers[1]).toEqual({ hashed_email: sha256Hex("jane.doe@example.com") });

    // Storefront events went too (add to cart at least, on every platform that has the event).
    for (const kind of ["microsoft", "reddit", "x"] as const) {
      const names = env.standins.received(kind).map((e) => e.eventName);
      expect(names.length, kind).toBeGreaterThan(1);
      expect(env.standins.rejected(kind), kind).toEqual([]);
      expect(env.standins.dedupedCount(kind), kind).toBe(0);
      for (const e of env.standins.received(kind)) expect(e.notes, `${kind} ${e.eventName}`).toEqual([]);
    }
    expect(env.standins.received("microsoft").map((e) => e.eventName)).toContain("add_to_cart");
    expect(env.standins.received("reddit").map((e) => e.eventName)).toContain("ADD_TO_CART");
    expect(env.standins.received("x").map((e) => e.eventName)).toContain(env.standins.credentials.x.addToCartEventId);
  });
});
