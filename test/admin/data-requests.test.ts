import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCustomer, buildCustomersDataRequest, buildCustomersRedact, buildOnlineOrder, gid } from "../factories/order-factory";
import { adminFetch } from "../support/admin-http";
import { capturedLogs } from "../support/app-server";
import { findPersonalData } from "../support/log-privacy";
import { seedInstalledShop } from "../support/seed";
import { waitFor } from "../support/wait";
import { deliver, HOUR, iso, sendPixel, settle, startOrdersEnv, visitBatch, type OrdersEnv } from "../orders/support";

/**
 * customers/data_request end to end (issue 13): Shopify's signed webhook through the real
 * server prepares the export; the merchant finds it on the admin's Privacy page and downloads
 * it as JSON (session token as App Bridge sends it). Another shop's session sees none of it
 * and gets 404 on its download.
 */

const SHOP = "privacy-requests.myshopify.com";
const OTHER = "privacy-requests-other.myshopify.com";
const ORDER = 5975031438001n;
const JANE = buildCustomer(); // 7301234567890, jane.doe@example.com
const now = Date.now();

describe("data requests in the admin", () => {
  let env: OrdersEnv;
  let requestId: string;
  const as = (shop: string) => ({ app: env.app, shop });

  beforeAll(async () => {
    env = await startOrdersEnv({ shop: SHOP, destinations: ["meta"] });
    await seedInstalledShop(env.db, OTHER);
    await sendPixel(env, visitBatch({ clientId: "c-jane", at: now - 2 * HOUR, url: "https://shop.example.com/?utm_source=google&utm_medium=cpc", checkout: { token: "ck-jane", orderId: ORDER, email: "jane.doe@example.com" } }));
    await settle(env.db, SHOP);
    const at = now - HOUR;
    await deliver(env, "orders/create", { ...buildOnlineOrder({ id: ORDER, admin_graphql_api_id: gid("Order", ORDER), checkout_token: "ck-jane", customer: JANE }), created_at: iso(at), processed_at: iso(at), updated_at: iso(at + 2000) });
    await settle(env.db, SHOP);
    await deliver(env, "customers/data_request", buildCustomersDataRequest({ shop_domain: SHOP, orders_requested: [ORDER], data_request: { id: 4242n } }));
    await deliver(as(OTHER), "customers/data_request", buildCustomersDataRequest({ shop_domain: OTHER, orders_requested: [], customer: { id: 7309990000009n, email: "someone.else@example.com", phone: null }, data_request: { id: 4343n } }));
    const row = await waitFor(() => env.db.privacyRequest.findFirst({ where: { shop: SHOP, kind: "data_request" } }), { what: "the data request's export" });
    await waitFor(() => env.db.privacyRequest.findFirst({ where: { shop: OTHER, kind: "data_request" } }), { what: "the other shop's data request" });
    requestId = row.id;
  });

  afterAll(async () => {
    await env?.close();
  });

  it("the Privacy page lists the request: when, which customer (id, never email or phone), ready, what it holds", async () => {
    const res = await adminFetch(env.app.url, SHOP, "/app/privacy");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Privacy requests");
    expect(html).toContain("Customer 7301234567890");
    expect(html).toContain("Ready");
    expect(html).toContain("1 orders, 1 profiles, 1 sessions");
    expect(html).toContain("Download JSON");
    expect(html).not.toContain("jane.doe@example.com");
    expect(html).not.toContain("5555550123");
    // The other shop's request is not on this shop's page.
    expect(html).not.toContain("Customer 7309990000009");
  });

  it("downloads the export as a JSON attachment: the customer's order and visits", async () => {
    const res = await adminFetch(env.app.url, SHOP, `/app/privacy/${requestId}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="trueline-data-request-\d{4}-\d{2}-\d{2}-customer-7301234567890\.json"$/);
    const body = (await res.json()) as { shop: string; customerId: string; dataRequestId: string; orders: Array<{ orderId: string }>; sessions: unknown[]; events: unknown[] };
    expect(body).toMatchObject({ shop: SHOP, customerId: "7301234567890", dataRequestId: "4242" });
    expect(body.orders.map((o) => o.orderId)).toEqual([ORDER.toString()]);
    expect(body.sessions.length).toBe(1);
    expect(body.events.length).toBeGreaterThan(0);
  });

  it("another shop's session: 404 on this shop's export, and its page lists only its own request", async () => {
    const res = await adminFetch(env.app.url, OTHER, `/app/privacy/${requestId}/export`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("7301234567890");
    const page = await (await adminFetch(env.app.url, OTHER, "/app/privacy")).text();
    expect(page).toContain("Customer 7309990000009");
    expect(page).not.toContain("Customer 7301234567890");
    // Unknown and malformed ids are 404 too.
    expect((await adminFetch(env.app.url, SHOP, "/app/privacy/nope/export")).status).toBe(404);
    expect((await adminFetch(env.app.url, SHOP, "/app/privacy/..%2F..%2Fx/export")).status).toBe(404);
  });

  it("an export deleted by customers/redact is listed as deleted and no longer downloads", async () => {
    await deliver(env, "customers/redact", buildCustomersRedact({ shop_domain: SHOP, orders_to_redact: [ORDER] }));
    await waitFor(async () => (await env.db.privacyRequest.findUnique({ where: { id: requestId } }))?.export === null, { what: "the export to be deleted" });
    expect((await adminFetch(env.app.url, SHOP, `/app/privacy/${requestId}/export`)).status).toBe(404);
    const html = await (await adminFetch(env.app.url, SHOP, "/app/privacy")).text();
    expect(html).toContain("Deleted (customer redacted)");
  });

  it("no raw email or phone in the server's logs", () => {
    expect(findPersonalData(capturedLogs())).toEqual([]);
  });
});
