import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCustomer, buildOnlineOrder, gid } from "../factories/order-factory";
import { sha256Hex } from "../standins";
import { deliver, iso, MINUTE, OPEN_POLICY, sendPixel, settle, startOrdersEnv, visitBatch, type OrdersEnv } from "../orders/support";

/**
 * LinkedIn and Klaviyo end to end through the real server (node server.mjs): a storefront
 * visit from a LinkedIn ad (li_fat_id on the landing URL, as the pixel reports it), an order
 * webhook signed as Shopify signs it, the inline worker, and the two stand-ins that check
 * every request as the platforms document them.
 */
const SHOP = "plat-linkedin-klaviyo.myshopify.com";
const ORDER = 5975031439901n;
const LI_FAT_ID = "9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
const now = Date.now();
const VISIT_AT = now - 40 * MINUTE;
const ORDER_AT = VISIT_AT + 8 * MINUTE;
const JANE = buildCustomer(); // jane.doe@example.com

describe("LinkedIn and Klaviyo through the real server", () => {
  let env: OrdersEnv;

  beforeAll(async () => {
    env = await startOrdersEnv({ shop: SHOP, destinations: ["linkedin", "klaviyo"], policy: OPEN_POLICY });
    await sendPixel(
      env,
      visitBatch({
        clientId: "c-li",
        at: VISIT_AT,
        url: `https://shop.example.com/products/trail-runner?utm_source=linkedin&utm_medium=paid_social&li_fat_id=${LI_FAT_ID}`,
        clickIds: { li_fat_id: { value: LI_FAT_ID, at: VISIT_AT } },
        checkout: { token: "ck-li-1", orderId: ORDER, email: "jane.doe@example.com", customerId: JANE.id.toString() },
      }),
    );
    const order = buildOnlineOrder({ id: ORDER, admin_graphql_api_id: gid("Order", ORDER), checkout_token: "ck-li-1", customer: JANE });
    await deliver(env, "orders/create", { ...order, created_at: iso(ORDER_AT), processed_at: iso(ORDER_AT), updated_at: iso(ORDER_AT + 2_000) });
    await settle(env.db, SHOP);
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  it("LinkedIn gets the purchase on the PURCHASE rule with the hashed email and the li_fat_id, once", async () => {
    expect(env.standins.rejected("linkedin")).toEqual([]);
    const purchase = env.standins.received("linkedin").find((e) => e.eventId === `purchase-${ORDER}`);
    expect(purchase?.eventName).toBe(`urn:lla:llaPartnerConversion:${env.standins.credentials.linkedin.purchaseRuleId}`);
    expect(purchase?.body).toMatchObject({
      conversionValue: { currencyCode: expect.stringMatching(/^[A-Z]{3}$/), amount: expect.stringMatching(/^\d+(\.\d+)?$/) },
      user: {
        userIds: [
          { idType: "SHA256_EMAIL", idValue: sha256Hex("jane.doe@example.com") },
          { idType: "LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID", idValue: LI_FAT_ID },
        ],
      },
    });
    // Storefront events went to their own rules too (add to cart, checkout, payment info, product views).
    const names = new Set(env.standins.received("linkedin").map((e) => e.eventName));
    expect(names.size).toBeGreaterThan(1);
    expect(env.standins.dedupedCount("linkedin")).toBe(0);
  });

  it("Klaviyo gets Placed Order on Jane's profile (email in clear), with unique_id and value, once", async () => {
    expect(env.standins.rejected("klaviyo")).toEqual([]);
    const placed = env.standins.received("klaviyo").find((e) => e.eventId === `purchase-${ORDER}`);
    expect(placed?.eventName).toBe("Placed Order");
    expect(placed?.test).toBe(false);
    expect(placed?.body).toMatchObject({
      attributes: {
        value: expect.any(Number),
        value_currency: expect.stringMatching(/^[A-Z]{3}$/),
        properties: { OrderId: ORDER.toString() },
        profile: { data: { type: "profile", attributes: { email: "jane.doe@example.com" } } },
      },
    });
    expect(env.standins.dedupedCount("klaviyo")).toBe(0);
  });

  it("every outbox row for both platforms ended delivered or skipped with a reason; none failed", async () => {
    const rows = await env.db.delivery.findMany({ where: { shop: SHOP } });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(["delivered", "skipped"]).toContain(row.status);
      if (row.status === "skipped") expect(row.lastError ?? "").not.toBe("");
    }
    expect(rows.filter((r) => r.status === "delivered").length).toBeGreaterThanOrEqual(2);
  });

  it("the attempt log the admin reads holds no raw email for LinkedIn", async () => {
    const linkedin = env.destinationIds.linkedin!;
    const requests = await env.db.deliveryRequest.findMany({ where: { shop: SHOP, destinationId: linkedin } });
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) expect(r.body).not.toContain("jane.doe@example.com");
  });
});
