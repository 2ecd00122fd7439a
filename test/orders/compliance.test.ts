import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildAddress,
  buildCustomer,
  buildCustomersDataRequest,
  buildCustomersRedact,
  buildOnlineOrder,
  buildPosOrder,
  buildRefund,
  buildRefundTransaction,
  buildShopRedact,
  gid,
  type RestOrder,
} from "../factories/order-factory";
import { seedDestination, seedInstalledShop } from "../support/seed";
import { scanDatabase, tablesMentioning } from "./db-scan";
import { deliver, HOUR, OPEN_POLICY, resumeDestinations, iso, MINUTE, sendPixel, settle, startOrdersEnv, visitBatch, type OrdersEnv } from "./support";

/**
 * Privacy-law webhooks end to end (shopify.dev/docs/apps/build/privacy-law-compliance):
 * a data request produces an export of everything held on the customer; a redaction leaves
 * nothing of the person in ANY text column of ANY table (found through the database's own
 * catalogue); shop/redact deletes the shop; app/uninstalled stops processing.
 */

const SHOP = "orders-compliance.myshopify.com";
const GONE = "orders-compliance-gone.myshopify.com";
const now = Date.now();

const ROWENA = {
  id: 7501000000001n,
  email: "rowena.quill@example.com",
  phone: "+14155550199",
  first: "Rowena",
  last: "Quillfeather",
  street: "221 Quillfeather Lane",
  ip: "198.51.100.77",
};
const rowenaCustomer = buildCustomer({ id: ROWENA.id, admin_graphql_api_id: gid("Customer", ROWENA.id), email: ROWENA.email, phone: ROWENA.phone, first_name: ROWENA.first, last_name: ROWENA.last });
const rowenaAddress = buildAddress({ first_name: ROWENA.first, last_name: ROWENA.last, name: `${ROWENA.first} ${ROWENA.last}`, address1: ROWENA.street, city: "Portland", province: "Oregon", province_code: "OR", zip: "97201", phone: ROWENA.phone });
const BOB = buildCustomer({ id: 7501000000002n, admin_graphql_api_id: gid("Customer", 7501000000002n), email: "bob.keeper@example.com", first_name: "Bob", last_name: "Keeper" });

const R1 = 7500000000001n; // Rowena's web order
const R2 = 7500000000002n; // Rowena at the till
const B1 = 7500000000003n; // Bob's web order
const G1 = 7500000000004n; // an order in the shop that uninstalls

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function rowenaWebOrder(updatedAt: number, changes: Partial<RestOrder> = {}): RestOrder {
  const at = now - 100 * MINUTE;
  return buildOnlineOrder({
    id: R1,
    admin_graphql_api_id: gid("Order", R1),
    name: "#3001",
    checkout_token: "ck-r1",
    cart_token: null,
    email: ROWENA.email,
    contact_email: ROWENA.email,
    phone: ROWENA.phone,
    browser_ip: ROWENA.ip,
    client_details: { accept_language: "en-US", browser_height: null, browser_ip: ROWENA.ip, browser_width: null, session_hash: null, user_agent: "Mozilla/5.0 (Macintosh) Rowena-Laptop" },
    customer: rowenaCustomer,
    billing_address: rowenaAddress,
    shipping_address: rowenaAddress,
    note_attributes: [{ name: "gift_message", value: `Happy birthday ${ROWENA.first}!` }],
    created_at: iso(at),
    processed_at: iso(at),
    updated_at: iso(updatedAt),
    ...changes,
  });
}

describe("compliance webhooks end to end", () => {
  let env: OrdersEnv;
  const hook = (topic: string, payload: unknown, shop = SHOP) => deliver({ app: env.app, shop }, topic, payload);
  const needles = [ROWENA.email, ROWENA.phone, ROWENA.phone.slice(2), ROWENA.first, ROWENA.last, ROWENA.street, ROWENA.ip, sha256(ROWENA.email), sha256(ROWENA.phone)];

  beforeAll(async () => {
    // Destinations held until every order is in: the platforms then get them in shared
    // batches, as after any pause, so a batch stored with her rows also carries Bob's events.
    env = await startOrdersEnv({ shop: SHOP, destinations: ["meta", "ga4"], paused: true });
    await seedInstalledShop(env.db, GONE);
    const gone = await seedDestination(env.db, GONE, "meta", { ...env.standins.credentials.meta }, OPEN_POLICY);
    await env.db.destination.update({ where: { id: gone.id }, data: { pausedAt: new Date(), pausedReason: "held by the test" } });

    await sendPixel(
      env,
      visitBatch({ clientId: "c-r1", at: now - 110 * MINUTE, fbclid: "IwAR0rowena", url: "https://shop.example.com/products/quill?utm_source=facebook&utm_medium=paid_social&fbclid=IwAR0rowena", checkout: { token: "ck-r1", orderId: R1, email: ROWENA.email } }),
      ROWENA.ip,
    );
    await sendPixel(env, visitBatch({ clientId: "c-bob", at: now - 80 * MINUTE, url: "https://shop.example.com/?utm_source=google&utm_medium=cpc&gclid=Cj0Kbob", checkout: { token: "ck-bob", orderId: B1, email: BOB.email! } }), "192.0.2.10");
    await settle(env.db, SHOP, { deliveries: false });
    await hook("orders/create", rowenaWebOrder(now - 100 * MINUTE + 2_000));
    await hook("refunds/create", { ...buildRefund({ id: 9500000000101n, order_id: R1, transactions: [buildRefundTransaction({ order_id: R1, amount: "20.00", currency: "EUR" })] }), created_at: iso(now - 30 * MINUTE), processed_at: iso(now - 30 * MINUTE) });
    const posAt = now - 50 * MINUTE;
    await hook("orders/create", buildPosOrder({ id: R2, admin_graphql_api_id: gid("Order", R2), name: "#3002", email: ROWENA.email, phone: ROWENA.phone, customer: rowenaCustomer, billing_address: rowenaAddress, created_at: iso(posAt), processed_at: iso(posAt), updated_at: iso(posAt + 2_000) }));
    const bobAt = now - 70 * MINUTE;
    await hook("orders/create", buildOnlineOrder({ id: B1, admin_graphql_api_id: gid("Order", B1), name: "#3003", checkout_token: "ck-bob", cart_token: null, email: BOB.email, contact_email: BOB.email, customer: BOB, created_at: iso(bobAt), processed_at: iso(bobAt), updated_at: iso(bobAt + 2_000) }));
    await settle(env.db, SHOP, { deliveries: false });
    await resumeDestinations(env);
    await settle(env.db, SHOP);
    expect(await env.db.order.count({ where: { shop: SHOP } })).toBe(3);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("customers/data_request: an export of the customer's orders, profile, sessions, events, conversions and deliveries", async () => {
    await hook("customers/data_request", buildCustomersDataRequest({ shop_domain: SHOP, orders_requested: [R1], customer: { id: ROWENA.id, email: ROWENA.email, phone: ROWENA.phone }, data_request: { id: 4242n } }));
    await settle(env.db, SHOP);
    const requests = await env.db.privacyRequest.findMany({ where: { shop: SHOP, kind: "data_request" } });
    expect(requests.map((r) => ({ customerId: r.customerId, status: r.status, summary: r.summary }))).toEqual([
      { customerId: "7501000000001", status: "done", summary: "2 orders, 1 profiles, 1 sessions, 7 events" },
    ]);
    const exported = JSON.parse(requests[0]!.export!) as {
      shop: string;
      customerId: string;
      orders: Array<{ orderId: string; kind: string; facts: { email: string; phone: string; firstName: string; lastName: string; billingAddress: { address1: string } } }>;
      profiles: Array<{ customerId: string | null }>;
      identifiers: string[];
      sessions: Array<{ channel: string }>;
      events: Array<{ name: string }>;
      conversions: Array<{ eventId: string }>;
      deliveries: Array<{ eventId: string; status: string }>;
    };
    expect(exported.shop).toBe(SHOP);
    expect(exported.customerId).toBe("7501000000001");
    expect(exported.orders.map((o) => [o.orderId, o.kind]).sort()).toEqual([
      ["7500000000001", "online"],
      ["7500000000002", "pos"],
    ]);
    expect(exported.orders.find((o) => o.orderId === "7500000000001")!.facts).toMatchObject({ email: ROWENA.email, phone: ROWENA.phone, firstName: ROWENA.first, lastName: ROWENA.last, billingAddress: { address1: ROWENA.street } });
    expect(exported.profiles).toEqual([expect.objectContaining({ customerId: "7501000000001" })]);
    expect([...exported.identifiers].sort()).toEqual(["client:c-r1", "customer:7501000000001", `email:${sha256(ROWENA.email)}`, `phone:${sha256(ROWENA.phone)}`, "visitor:tl-c-r1"].sort());
    expect(exported.sessions.map((s) => s.channel)).toEqual(["paid_social"]);
    expect(exported.events.map((e) => e.name)).toEqual(["page_viewed", "product_viewed", "product_added_to_cart", "checkout_started", "checkout_contact_info_submitted", "payment_info_submitted", "checkout_completed"]);
    expect(exported.conversions.map((c) => c.eventId).sort()).toEqual(["purchase-7500000000001", "purchase-7500000000002", "refund-9500000000101"]);
    expect(exported.deliveries.length).toBeGreaterThan(0);
    // Nothing of Bob.
    expect(requests[0]!.export).not.toContain(BOB.email!);
    expect(requests[0]!.export).not.toContain("7500000000003");
  });

  it("customers/redact: no text column of any table still holds the customer's email, phone, name, address or IP; other customers keep theirs", async () => {
    // Before: the scan does find her (so the scan can fail).
    const before = await scanDatabase(env.db, needles);
    expect([...new Set(before.map((h) => h.table))]).toEqual(expect.arrayContaining(["Order", "Conversion", "DeliveryRequest", "PixelEvent", "Profile", "ProfileAlias", "PrivacyRequest"]));

    await hook("customers/redact", buildCustomersRedact({ shop_domain: SHOP, customer: { id: ROWENA.id, email: ROWENA.email, phone: ROWENA.phone }, orders_to_redact: [R1, R2] }));
    await settle(env.db, SHOP);
    expect(await scanDatabase(env.db, needles)).toEqual([]);
    // Revenue stays (orders, amounts, kinds), without the person.
    const orders = await env.db.order.findMany({ where: { shop: SHOP, orderId: { in: ["7500000000001", "7500000000002"] } }, orderBy: { orderId: "asc" } });
    expect(orders.map((o) => ({ kind: o.kind, total: o.totalPrice, refunded: o.refundedTotal, customerId: o.customerId, profileId: o.profileId, explanation: JSON.parse(o.explanation) as string[] }))).toEqual([
      { kind: "online", total: "127.44", refunded: "21.74", customerId: null, profileId: null, explanation: ["Personal data removed at the customer's request (customers/redact)."] },
      { kind: "pos", total: "86.60", refunded: "0", customerId: null, profileId: null, explanation: ["Personal data removed at the customer's request (customers/redact)."] },
    ]);
    expect(await env.db.privacyRequest.findMany({ where: { shop: SHOP, kind: "customer_redact" }, select: { customerId: true, summary: true } })).toEqual([
      { customerId: "7501000000001", summary: "2 orders anonymised, 1 profiles deleted" },
    ]);
    // Bob is untouched.
    const bob = await env.db.order.findUniqueOrThrow({ where: { order_identity: { shop: SHOP, orderId: "7500000000003" } } });
    expect(bob).toMatchObject({ customerId: "7501000000002", matchStatus: "matched", matchMethod: "order_id" });
    expect((await scanDatabase(env.db, [BOB.email!])).length).toBeGreaterThan(0);
    // And the logs never held her data either.
    for (const n of needles) expect(env.app.output()).not.toContain(n);
  });

  it("a later version or refund of a redacted order moves the money and stores nothing personal again", async () => {
    await hook("orders/updated", rowenaWebOrder(now - 10 * MINUTE, { fulfillment_status: "fulfilled", financial_status: "partially_refunded" }));
    await hook("refunds/create", { ...buildRefund({ id: 9500000000111n, order_id: R1, transactions: [buildRefundTransaction({ id: 9500000000112n, order_id: R1, amount: "10.00", currency: "EUR" })] }), created_at: iso(now - 5 * MINUTE), processed_at: iso(now - 5 * MINUTE) });
    await settle(env.db, SHOP);
    expect(await scanDatabase(env.db, needles)).toEqual([]);
    const o = await env.db.order.findUniqueOrThrow({ where: { order_identity: { shop: SHOP, orderId: "7500000000001" } } });
    expect(o).toMatchObject({ financialStatus: "partially_refunded", refundedTotal: "32.61", customerId: null, emailHash: null, profileId: null });
    expect(JSON.parse(o.facts)).toMatchObject({ redacted: true, email: null, customerId: null });
    expect(await env.db.conversion.count({ where: { shop: SHOP, orderId: "7500000000001", name: "refund" } })).toBe(2);
  });

  it("app/uninstalled: sessions deleted, what was queued is skipped, later webhooks are recorded as rejected and change nothing", async () => {
    const at = now - 20 * MINUTE;
    const otto = buildCustomer({ id: 7501000000009n, admin_graphql_api_id: gid("Customer", 7501000000009n), email: "otto.gone@example.com", first_name: "Otto", last_name: "Gonzaga" });
    const order = (id: bigint) => buildPosOrder({ id, admin_graphql_api_id: gid("Order", id), email: "otto.gone@example.com", customer: otto, created_at: iso(at), processed_at: iso(at), updated_at: iso(at + 2_000) });
    await hook("orders/create", order(G1), GONE);
    await settle(env.db, GONE, { deliveries: false });
    expect(await env.db.delivery.findMany({ where: { shop: GONE }, select: { eventId: true, status: true } })).toEqual([{ eventId: `purchase-${G1}`, status: "pending" }]);

    await hook("app/uninstalled", { id: 60000000009, name: "Gone", domain: GONE, myshopify_domain: GONE }, GONE);
    await settle(env.db, GONE, { deliveries: false });
    expect(await env.db.session.count({ where: { shop: GONE } })).toBe(0);
    expect((await env.db.shop.findUniqueOrThrow({ where: { domain: GONE } })).uninstalledAt).not.toBeNull();
    expect(await env.db.delivery.findMany({ where: { shop: GONE }, select: { eventId: true, status: true, lastError: true } })).toEqual([{ eventId: `purchase-${G1}`, status: "skipped", lastError: "app uninstalled" }]);

    await hook("orders/create", order(G1 + 10n), GONE);
    await hook("orders/updated", { ...order(G1), updated_at: iso(at + 60_000), financial_status: "refunded" }, GONE);
    await settle(env.db, GONE, { deliveries: false });
    const late = await env.db.webhookDelivery.findMany({ where: { shop: GONE, topic: { in: ["orders/create", "orders/updated"] } }, orderBy: { createdAt: "asc" }, select: { topic: true, status: true, error: true } });
    expect(late).toEqual([
      { topic: "orders/create", status: "processed", error: "pos order unmatched (none)" },
      { topic: "orders/create", status: "rejected", error: "the app is not installed on this shop (uninstalled or redacted)" },
      { topic: "orders/updated", status: "rejected", error: "the app is not installed on this shop (uninstalled or redacted)" },
    ]);
    expect(await env.db.order.findMany({ where: { shop: GONE }, select: { orderId: true, financialStatus: true } })).toEqual([{ orderId: G1.toString(), financialStatus: "paid" }]);
  });

  it("shop/redact: everything of the shop is deleted (only the bare delivery log and the redaction record remain); later webhooks are rejected", async () => {
    const shopOrders = await env.db.order.count({ where: { shop: SHOP } });
    await hook("shop/redact", buildShopRedact({ shop_domain: GONE }), GONE);
    await settle(env.db, GONE, { deliveries: false });
    expect(await tablesMentioning(env.db, GONE)).toEqual({ WebhookDelivery: 5, PrivacyRequest: 1 });
    expect(await env.db.webhookDelivery.count({ where: { shop: GONE, rawBody: { not: null } } })).toBe(0);
    expect(await env.db.privacyRequest.findMany({ where: { shop: GONE }, select: { kind: true, summary: true } })).toEqual([{ kind: "shop_redact", summary: "all shop data deleted" }]);
    expect(await scanDatabase(env.db, ["otto.gone@example.com", "Gonzaga"])).toEqual([]);

    // A webhook Shopify delivers late for the deleted shop recreates nothing.
    await hook("orders/create", buildPosOrder({ id: G1 + 20n, admin_graphql_api_id: gid("Order", G1 + 20n), created_at: iso(now - HOUR), processed_at: iso(now - HOUR), updated_at: iso(now - HOUR + 2_000) }), GONE);
    await settle(env.db, GONE, { deliveries: false });
    expect(await env.db.order.count({ where: { shop: GONE } })).toBe(0);
    expect(await env.db.shop.count({ where: { domain: GONE } })).toBe(0);
    expect((await env.db.webhookDelivery.findFirstOrThrow({ where: { shop: GONE }, orderBy: { createdAt: "desc" } })).status).toBe("rejected");
    // The other shop is untouched.
    expect(await env.db.order.count({ where: { shop: SHOP } })).toBe(shopOrders);
  });
});
