import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCustomer, buildOnlineOrder, money, moneySet, toWebhookBody } from "../factories/order-factory";
import { parseCsv } from "~/core/reports/csv";
import { addAmounts } from "~/core/orders/decimal";
import type { Db } from "~/db.server";
import { startStandins, type Standins } from "../standins";
import { mintSessionToken, openAdmin, type AdminBrowser } from "../support/admin-browser";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { pixelBatch, pixelEvent } from "../support/pixel";
import { openDb, seedDestination, seedInstalledShop } from "../support/seed";
import { signedProxyUrl, webhookHeaders } from "../support/shopify-signing";
import { waitFor } from "../support/wait";

/**
 * The report pages against the real server, seeded only through Shopify-signed HTTP
 * (pixel batches via the app proxy, orders/create webhooks), then read back in
 * Chromium. Every expected number is computed from the database, never hard-coded.
 */

const OTHER_SHOP = "trueline-other.myshopify.com";
const FRESH_SHOP = "trueline-fresh.myshopify.com";
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
/** Today and 6 days back, UTC: the pages' default range. */
const rangeStart = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate()) - 6 * 86_400_000);

interface Visit {
  shop: string;
  clientId: string;
  checkoutToken: string;
  orderId: bigint;
  landing: string;
  referrer?: string;
  email?: string;
  fbclid?: string;
  total: string;
  start: number;
}

function visitBatch(v: Visit) {
  const t0 = v.start;
  const product = { productId: "8123456789012", variantId: "45123456789012", price: 130, quantity: 1 };
  const checkoutUrl = `https://shop.example.com/checkouts/cn/${v.checkoutToken}`;
  const events = [
    pixelEvent("page_viewed", t0, { url: v.landing, ...(v.referrer ? { referrer: v.referrer } : {}) }),
    pixelEvent("product_viewed", t0 + 30_000, { url: v.landing, products: [product] }),
    pixelEvent("product_added_to_cart", t0 + 60_000, { url: v.landing, value: 130, currency: "USD", products: [product] }),
    pixelEvent("checkout_started", t0 + 120_000, { url: checkoutUrl, checkoutToken: v.checkoutToken }),
    pixelEvent("checkout_contact_info_submitted", t0 + 180_000, { url: checkoutUrl, checkoutToken: v.checkoutToken, ...(v.email ? { email: v.email } : {}) }),
    pixelEvent("checkout_completed", t0 + 300_000, { url: `${checkoutUrl}/thank-you`, checkoutToken: v.checkoutToken, orderId: `gid://shopify/OrderIdentity/${v.orderId}`, value: Number(v.total), currency: "USD" }),
  ];
  return pixelBatch({ clientId: v.clientId, events, fbclid: v.fbclid, at: t0 });
}

async function sendBatch(app: RunningApp, shop: string, batch: unknown) {
  const res = await fetch(signedProxyUrl(app.url, "/proxy/events", { shop, secret: TEST_API_SECRET }), {
    method: "POST",
    headers: { "Content-Type": "text/plain;charset=UTF-8" },
    body: JSON.stringify(batch),
  });
  expect(res.status).toBe(200);
}

async function sendOrder(app: RunningApp, shop: string, overrides: Parameters<typeof buildOnlineOrder>[0]) {
  const created = iso(now - 60_000);
  const order = buildOnlineOrder({ created_at: created, processed_at: created, updated_at: iso(now - 50_000), ...overrides });
  const body = toWebhookBody(order);
  const headers = webhookHeaders({ topic: "orders/create", shop, secret: TEST_API_SECRET, body, webhookId: `wh-${shop}-${String(overrides?.id)}` });
  const res = await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers, body });
  expect(res.status).toBe(200);
}

/** An order total in USD everywhere Shopify states it (shop and presentment the same). */
/** Each order its own buyer (the factory's default customer would merge every order into one profile). */
const buyer = (n: bigint) => {
  const email = `buyer-${n}@example.com`;
  return { email, contact_email: email, customer: buildCustomer({ id: 7300000000000n + n, email }) };
};
const totals = (total: string) => {
  const set = moneySet(money(total, "USD"), money(total, "USD"));
  return { total_price: total, current_total_price: total, total_price_set: set, current_total_price_set: set, presentment_currency: "USD" };
};

describe("report pages in Chromium", () => {
  let app: RunningApp;
  let db: Db;
  let standins: Standins;
  let drop: () => Promise<void>;
  const browsers: AdminBrowser[] = [];
  const open = async (shop: string) => {
    const admin = await openAdmin(app.url, shop);
    browsers.push(admin);
    return admin;
  };

  const visits: Visit[] = [
    { shop: TEST_SHOP, clientId: "client-meta-1", checkoutToken: "tok-meta-1", orderId: 6100000000001n, landing: "https://shop.example.com/products/trail-runner?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring&fbclid=IwAR0meta1", referrer: "https://l.facebook.com/", fbclid: "IwAR0meta1", email: "ada@example.com", total: "127.44", start: now - 40 * 60_000 },
    { shop: TEST_SHOP, clientId: "client-meta-2", checkoutToken: "tok-meta-2", orderId: 6100000000002n, landing: "https://shop.example.com/products/trail-runner?utm_source=facebook&utm_medium=paid_social&utm_campaign=autumn&fbclid=IwAR0meta2", referrer: "https://l.facebook.com/", fbclid: "IwAR0meta2", total: "60.10", start: now - 30 * 60_000 },
    { shop: TEST_SHOP, clientId: "client-mail-1", checkoutToken: "tok-mail-1", orderId: 6100000000003n, landing: "https://shop.example.com/collections/all?utm_source=newsletter&utm_medium=email&utm_campaign=black-friday", email: "grace@example.com", total: "19.99", start: now - 20 * 60_000 },
    { shop: OTHER_SHOP, clientId: "client-other-1", checkoutToken: "tok-other-1", orderId: 6200000000001n, landing: "https://other.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=other-shop-secret", total: "777.77", start: now - 25 * 60_000 },
  ];

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    for (const shop of [TEST_SHOP, OTHER_SHOP, FRESH_SHOP]) await seedInstalledShop(db, shop);
    standins = await startStandins();
    await seedDestination(db, TEST_SHOP, "meta", { ...standins.credentials.meta });
    // TikTok refuses every request (HTTP 400, its invalid-parameters code: a permanent failure; a
    // garbled 2xx would be retried, ADR 0014): its orders fail, so the overview has failures and a
    // destination below threshold.
    await seedDestination(db, TEST_SHOP, "tiktok", { ...standins.credentials.tiktok });
    standins.setFault("tiktok", { type: "status", status: 400 });
    await seedDestination(db, OTHER_SHOP, "meta", { ...standins.credentials.meta });
    app = await startApp({ databaseUrl: database.url, env: { DESTINATION_BASE_URLS: JSON.stringify(standins.urls) } });

    for (const v of visits) await sendBatch(app, v.shop, visitBatch(v));
    await waitFor(async () => (await db.pixelEvent.count({ where: { processedAt: null } })) === 0 && (await db.pixelEvent.count()) > 0, { what: "events sessionized", timeoutMs: 60_000 });
    for (const v of visits) await sendOrder(app, v.shop, { id: v.orderId, checkout_token: v.checkoutToken, ...buyer(v.orderId), ...totals(v.total) });
    // A POS order: no visit to match, and not forwarded by default policy (deliberately skipped).
    await sendOrder(app, TEST_SHOP, { id: 6100000000009n, checkout_token: null as never, source_name: "pos", ...buyer(9n), ...totals("45.00") });
    let state = "";
    await waitFor(
      async () => {
        const orders = await db.order.count({ where: { matchStatus: { not: "pending" } } });
        const busy = await db.delivery.groupBy({ by: ["status"], where: { eventName: "purchase" }, _count: { _all: true } });
        const webhooks = await db.webhookDelivery.groupBy({ by: ["status"], _count: { _all: true } });
        state = JSON.stringify({ orders, busy, webhooks });
        return orders === visits.length + 1 && !busy.some((b) => b.status === "pending" || b.status === "retrying") && !webhooks.some((w) => w.status === "received");
      },
      { what: "orders reconciled and purchases sent", timeoutMs: 90_000 },
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${state}\n${app.output().slice(-3000)}`);
    });
    // Storefront events to TikTok may still be failing; wait until nothing is in flight so the page and the DB agree.
    await waitFor(async () => (await db.delivery.count({ where: { status: { in: ["pending", "retrying"] } } })) === 0, { what: "outbox drained", timeoutMs: 90_000 });
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await app?.stop();
    await standins?.close();
    await db?.$disconnect();
    await drop?.();
  });

  it("overview shows the numbers the database holds", async () => {
    const where = { shop: TEST_SHOP };
    const events = await db.pixelEvent.count({ where: { ...where, isBot: false, occurredAt: { gte: rangeStart } } });
    const sessions = await db.visitSession.count({ where: { ...where, startedAt: { gte: rangeStart } } });
    const orders = await db.order.count({ where: { ...where, shopifyCreatedAt: { gte: rangeStart } } });
    const matched = await db.order.count({ where: { ...where, matchStatus: "matched", shopifyCreatedAt: { gte: rangeStart } } });
    const failures = await db.delivery.count({ where: { ...where, status: { in: ["failed", "expired"] }, occurredAt: { gte: rangeStart } } });
    expect(orders).toBe(4);
    expect(matched).toBeGreaterThan(0);
    expect(failures).toBeGreaterThan(0);

    const admin = await open(TEST_SHOP);
    await admin.open("/app");
    const tile = (id: string) => admin.page.getByTestId(`value-${id}`).innerText();
    expect(await tile("events")).toBe(String(events));
    expect(await tile("sessions")).toBe(String(sessions));
    expect(await tile("orders")).toBe(String(orders));
    expect(await tile("match-rate")).toBe(`${((matched / orders) * 100).toFixed(1)}%`);
    expect(await tile("retries")).toBe("0");
    expect(await tile("failures")).toBe(String(failures));

    // Meta got every order (the POS one deliberately skipped): 100%. TikTok refused them: critical.
    const meta = admin.page.getByTestId("destination-meta");
    expect(await meta.innerText()).toContain("100.0%");
    const metaRows = await db.delivery.groupBy({ by: ["status"], where: { ...where, eventName: "purchase", destinationId: (await db.destination.findFirstOrThrow({ where: { shop: TEST_SHOP, kind: "meta" } })).id }, _count: { _all: true } });
    const metaDelivered = metaRows.find((r) => r.status === "delivered")?._count._all ?? 0;
    const metaSkipped = metaRows.find((r) => r.status === "skipped")?._count._all ?? 0;
    expect(metaDelivered + metaSkipped).toBe(orders);
    expect(await meta.innerText()).toContain(`${metaDelivered} delivered · ${metaSkipped} skipped`);
    // Broken down by the channel of each order's matched visit; the POS order matched none.
    const orderRows = await db.order.findMany({ where, select: { sessionId: true } });
    const sessionChannels = await db.visitSession.findMany({ where: { ...where, id: { in: orderRows.flatMap((o) => (o.sessionId ? [o.sessionId] : [])) } }, select: { channel: true } });
    const expectedChannels = new Set([...sessionChannels.map((c) => c.channel.replace(/_/g, " ")), ...(orderRows.some((o) => !o.sessionId) ? ["unattributed"] : [])]);
    expect(expectedChannels.has("unattributed")).toBe(true);
    for (const channel of expectedChannels) expect((await meta.innerText()).toLowerCase()).toContain(channel);
    const tiktok = admin.page.getByTestId("destination-tiktok");
    expect(await tiktok.innerText()).toMatch(/below 95%/);
    expect(await admin.page.getByText("Below your 95% delivery threshold").count()).toBe(1);
    // Orders by kind and identifier coverage come from the same rows.
    const kinds = await admin.page.getByTestId("orders-by-kind").innerText();
    expect(kinds).toMatch(/Online\s+3/);
    expect(kinds).toMatch(/Pos\s+1/);
    await admin.page.getByTestId("orders-chart").locator("svg").first().waitFor();
    await admin.page.getByTestId("share-chart").locator("svg").first().waitFor();
    expect(admin.problems()).toEqual([]);
    await admin.screenshot("overview-with-data");

    // A range before any data: the same page counts nothing. A malformed range says so and falls back to the default.
    const day = new Date(rangeStart.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    await admin.open(`/app?from=${day}&to=${day}`);
    expect(await tile("orders")).toBe("0");
    expect(await tile("events")).toBe("0");
    await admin.open("/app?from=last-week");
    expect(await admin.page.getByText("That range could not be used").count()).toBe(1);
    expect(await tile("orders")).toBe(String(orders));
    expect(admin.problems()).toEqual([]);
    await admin.screenshot("overview-invalid-range");
  });

  it("attribution report shows channel rows and a CSV that parses back to the same totals", async () => {
    const credits = await db.attributionCredit.findMany({ where: { shop: TEST_SHOP, model: "last_touch" } });
    expect(credits.length).toBeGreaterThan(0);
    const channels = [...new Set(credits.map((c) => c.channel))];
    const revenue = addAmounts(credits.map((c) => c.revenue), "USD");
    const creditedOrders = new Set(credits.map((c) => c.orderId));
    // The credited revenue is exactly those orders' totals.
    const orderTotals = await db.order.findMany({ where: { shop: TEST_SHOP, orderId: { in: [...creditedOrders] } }, select: { totalPrice: true } });
    expect(revenue).toBe(addAmounts(orderTotals.map((o) => o.totalPrice), "USD"));

    const admin = await open(TEST_SHOP);
    await admin.open("/app/attribution?model=last_touch");
    const table = await admin.page.getByTestId("by-channel").innerText();
    for (const channel of channels) expect(table.toLowerCase()).toContain(channel.replace(/_/g, " "));
    expect(table).toContain(`${revenue} USD`);
    expect(table).not.toContain("777.77");
    await admin.screenshot("attribution-last-touch");

    const [download] = await Promise.all([admin.page.waitForEvent("download"), admin.page.getByRole("button", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^trueline-attribution-last_touch-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCsv(await readFile((await download.path())!, "utf8"));
    expect(rows[0]).toEqual(["breakdown", "channel", "campaign", "currency", "revenue", "orders", "sessions", "conversion_rate"]);
    const channelRows = rows.slice(1).filter((r) => r[0] === "channel");
    const campaignRows = rows.slice(1).filter((r) => r[0] === "campaign");
    expect(channelRows.map((r) => r[1]).sort()).toEqual([...channels].sort());
    expect(addAmounts(channelRows.map((r) => r[4]!), "USD")).toBe(revenue);
    expect(addAmounts(campaignRows.map((r) => r[4]!), "USD")).toBe(revenue);
    expect(channelRows.reduce((a, r) => a + Number(r[5]), 0)).toBeCloseTo(creditedOrders.size, 6);
    expect(rows.flat()).not.toContain("other-shop-secret");
    expect(await admin.page.evaluate(() => (window as unknown as { __truelineToasts: Array<{ message: string }> }).__truelineToasts.map((t) => t.message))).toContain(`Downloaded ${download.suggestedFilename()}`);

    // Another model over the same range keeps the revenue total (credit is split, never created).
    await admin.open("/app/attribution?model=linear");
    expect(await admin.page.getByTestId("by-channel").innerText()).toContain(`${revenue} USD`);
    // A malformed range is refused by the CSV route rather than exporting another range.
    const bad = await fetch(new URL("/app/attribution/csv?from=yesterday", app.url), {
      // An ordinary browser's user agent: the Shopify library answers bot-like agents with 410.
      headers: { Authorization: `Bearer ${mintSessionToken({ shop: TEST_SHOP })}`, "User-Agent": await admin.page.evaluate(() => navigator.userAgent) },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ errors: { from: expect.any(String) } });
    expect(admin.problems()).toEqual([]);
  });

  it("data quality shows presence per event name and estimated platform scores", async () => {
    const completed = await db.pixelEvent.count({ where: { shop: TEST_SHOP, name: "checkout_completed", isBot: false } });
    const admin = await open(TEST_SHOP);
    await admin.open("/app/data-quality");
    const scores = await admin.page.getByTestId("scores").innerText();
    expect(scores).toMatch(new RegExp(`Checkout completed\\s+${completed}`));
    expect(scores).toContain("Page viewed");
    // Presence rates, recomputed here from the stored rows (JSON parsed, not the page's LIKE filters).
    const rows = (await admin.page.getByTestId("presence").locator("tr").allInnerTexts()).map((r) => r.split("\t").map((c) => c.trim()));
    const header = rows[0]!;
    const cell = (label: string, eventLabel: string) => rows.find((r) => r[0]!.replace(/\s+/g, " ").startsWith(label))![header.indexOf(eventLabel)];
    const rate = (n: number, total: number) => `${((n / total) * 100).toFixed(0)}%`;
    const pageViews = await db.pixelEvent.findMany({ where: { shop: TEST_SHOP, name: "page_viewed", isBot: false } });
    const withFbc = pageViews.filter((e) => {
      const identity = JSON.parse(e.identity) as { clickIds?: Record<string, unknown>; cookies?: Record<string, unknown> };
      return Boolean(identity.clickIds?.fbclid ?? identity.cookies?._fbc);
    }).length;
    expect(withFbc).toBeGreaterThan(0);
    expect(cell("Meta click id", "Page viewed")).toBe(rate(withFbc, pageViews.length));
    const contact = await db.pixelEvent.findMany({ where: { shop: TEST_SHOP, name: "checkout_contact_info_submitted", isBot: false } });
    expect(cell("Email (hashed)", "Checkout contact info submitted")).toBe(rate(contact.filter((e) => e.emailHash).length, contact.length));
    expect(cell("Value", "Checkout completed")).toBe("100%");
    expect(await admin.page.getByText("Match scores are Trueline's estimate").count()).toBe(1);
    expect(admin.problems()).toEqual([]);
    await admin.screenshot("data-quality");
  });

  it("settings: an invalid value shows a field error and writes nothing; a valid save persists", async () => {
    const before = (await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).settings;
    const admin = await open(TEST_SHOP);
    await admin.open("/app/settings");
    await admin.page.getByLabel("Attribution lookback").fill("500");
    await admin.page.getByRole("button", { name: "Save" }).click();
    await admin.page.getByText("Enter a whole number of days from 1 to 90").waitFor();
    expect(await admin.page.getByText("Settings were not saved").count()).toBe(1);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).settings).toBe(before);
    await admin.screenshot("settings-invalid");

    await admin.page.getByLabel("Attribution lookback").fill("14");
    await admin.page.getByLabel("Delivery threshold").fill("90");
    await admin.page.getByLabel("Post-purchase upsell apps").fill("2329312, 4383523");
    await admin.page.getByRole("button", { name: "Save" }).click();
    await admin.page.getByText("Settings saved", { exact: true }).first().waitFor();
    const saved = JSON.parse((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).settings) as Record<string, unknown>;
    expect(saved).toMatchObject({ attributionLookbackDays: 14, deliveryThresholdPercent: 90, upsellAppIds: ["2329312", "4383523"] });
    expect(await admin.page.evaluate(() => (window as unknown as { __truelineToasts: Array<{ message: string }> }).__truelineToasts.map((t) => t.message))).toContain("Settings saved");
    // The other shops' settings are untouched.
    expect((await db.shop.findUniqueOrThrow({ where: { domain: OTHER_SHOP } })).settings).toBe("{}");
    expect(admin.problems()).toEqual([]);
    await admin.screenshot("settings-saved");
  });

  it("a second shop's token sees only its own numbers", async () => {
    const admin = await open(OTHER_SHOP);
    await admin.open("/app");
    const orders = await db.order.count({ where: { shop: OTHER_SHOP } });
    expect(orders).toBe(1);
    expect(await admin.page.getByTestId("value-orders").innerText()).toBe("1");
    expect(await admin.page.getByTestId("value-events").innerText()).toBe(String(await db.pixelEvent.count({ where: { shop: OTHER_SHOP, isBot: false } })));
    expect(await admin.page.getByTestId("destination-tiktok").count()).toBe(0);
    await admin.open("/app/attribution");
    const table = await admin.page.getByTestId("by-channel").innerText();
    expect(table).toContain("777.77 USD");
    expect(table).not.toContain("127.44");
    const csv = await admin.page.evaluate(async () => (await fetch("/app/attribution/csv")).text());
    expect(csv).toContain("other-shop-secret");
    expect(csv).not.toContain("spring");
    expect(csv).not.toContain("black-friday");
    expect(admin.problems()).toEqual([]);
  });

  it("a fresh shop gets an empty state on every report page", async () => {
    const admin = await open(FRESH_SHOP);
    for (const [path, heading] of [
      ["/app", "No tracking data in this range yet"],
      ["/app/attribution", "No attributed orders in this range"],
      ["/app/data-quality", "No storefront events in this range"],
    ] as const) {
      await admin.open(path);
      expect(await admin.page.getByText(heading).count()).toBe(1);
      await admin.screenshot(`${path.replace(/^\/app\/?/, "") || "overview"}-empty`);
    }
    await admin.open("/app/settings");
    expect(await admin.page.getByLabel("Attribution lookback").inputValue()).toBe("30");
    expect(await admin.page.getByLabel("Post-purchase upsell apps").inputValue()).toBe("");
    expect(await admin.page.getByLabel("Filter bot traffic").isChecked()).toBe(true);
    await admin.screenshot("settings-defaults");
    await admin.open("/app/privacy");
    expect(await admin.page.getByText("No data requests yet").count()).toBe(1);
    await admin.screenshot("privacy-empty");
    expect(admin.problems()).toEqual([]);
  });
});
