import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnlineOrder, toWebhookBody } from "../factories/order-factory";
import type { Db } from "~/db.server";
import { startStandins, type Standins } from "../standins";
import { mintSessionToken, openAdmin, hostParam, type AdminBrowser } from "../support/admin-browser";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { checkoutJourney } from "../support/pixel";
import { openDb, seedDestination, seedInstalledShop, testKey } from "../support/seed";
import { resumeDestination, saveDestination } from "~/data/destinations.server";
import { destinations as adapters } from "~/destinations/registry";
import { DestinationPolicySchema } from "~/destinations/policy";
import { signedProxyUrl, webhookHeaders } from "../support/shopify-signing";
import { waitFor } from "../support/wait";

/**
 * The logs in Chromium against the real server: an order arrives through the signed
 * webhook while Meta refuses every event (the stand-in's clock runs 8 days ahead, so
 * Meta answers "Event Timestamp Too Old", a permanent failure), the merchant finds
 * the failures, reads the attempts and the order's explanation, the cause goes away,
 * one delivery is replayed by hand and the rest by "Replay all failed" in the
 * background; every event then reaches Meta exactly once. TikTok meanwhile has a
 * wrong token: the platform's auth error pauses it (its rows wait, they do not fail),
 * the log says so, and fixing the token through the data module and resuming sends
 * what waited, once.
 */
const OTHER_SHOP = "trueline-other.myshopify.com";
const DAY = 86_400_000;
const EMAIL = "jane.doe@example.com";
const EMAIL_HASH = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"; // printf '%s' jane.doe@example.com | sha256sum
const BROWSER_IP = "203.0.113.24"; // the order factory's browser_ip

describe("logs, delivery and order detail, replay in Chromium", () => {
  let app: RunningApp;
  let db: Db;
  let standins: Standins;
  let drop: () => Promise<void>;
  let admin: AdminBrowser;
  let metaId: string;
  let tiktokId: string;
  let clockSkew = 8 * DAY;

  const orderId = 6100200300400n;
  const checkoutToken = "c0ffee00c0ffee00c0ffee00c0ffee00";

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, TEST_SHOP);
    await seedInstalledShop(db, OTHER_SHOP);
    standins = await startStandins({ now: () => Date.now() + clockSkew });
    metaId = (await seedDestination(db, TEST_SHOP, "meta", { ...standins.credentials.meta })).id;
    tiktokId = (await seedDestination(db, TEST_SHOP, "tiktok", { pixelCode: standins.credentials.tiktok.pixelCode, accessToken: "revoked-tiktok-token-0001" })).id;
    app = await startApp({ databaseUrl: database.url, env: { DESTINATION_BASE_URLS: JSON.stringify(standins.urls) } });
    admin = await openAdmin(app.url, TEST_SHOP);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.stop();
    await standins?.close();
    await db?.$disconnect();
    await drop?.();
  });

  const metaDeliveries = () => db.delivery.findMany({ where: { shop: TEST_SHOP, destinationId: metaId } });

  it("an order through the signed webhook fails at Meta and the failures are recorded", async () => {
    const now = Date.now();
    const batch = checkoutJourney({ clientId: "client-logs-1", checkoutToken, orderId: orderId.toString(), email: EMAIL });
    const proxy = await fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(batch),
    });
    expect(proxy.status).toBe(200);
    const iso = (ms: number) => new Date(ms).toISOString();
    const body = toWebhookBody(buildOnlineOrder({ id: orderId, checkout_token: checkoutToken, created_at: iso(now - 60_000), processed_at: iso(now - 60_000), updated_at: iso(now - 50_000) }));
    const res = await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers: webhookHeaders({ topic: "orders/create", shop: TEST_SHOP, secret: TEST_API_SECRET, body, webhookId: "wh-logs-1" }), body });
    expect(res.status).toBe(200);

    const failed = await waitFor(
      async () => {
        const rows = await metaDeliveries();
        const purchase = rows.find((r) => r.eventId === `purchase-${orderId}`);
        return purchase && rows.length >= 2 && rows.every((r) => r.status === "failed" || r.status === "skipped") ? rows.filter((r) => r.status === "failed") : undefined;
      },
      { what: "Meta deliveries failed" },
    );
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(standins.received("meta")).toHaveLength(0);
    // TikTok refused the token: the destination is paused and its rows wait (retrying), not failed.
    const tiktok = await waitFor(async () => {
      const d = await db.destination.findUniqueOrThrow({ where: { id: tiktokId } });
      return d.pausedAt ? d : undefined;
    }, { what: "TikTok paused" });
    expect(tiktok.pausedReason).toMatch(/40105|token/i);
    expect(await db.delivery.count({ where: { destinationId: tiktokId, status: "failed" } })).toBe(0);
    expect(standins.received("tiktok")).toHaveLength(0);
  });

  it("filters the deliveries log by status failed through the URL", async () => {
    // The nav's "Logs" link opens on the deliveries tab.
    await admin.open("/app/logs");
    await admin.page.waitForURL(/\/app\/logs\/deliveries/);
    await admin.page.getByRole("heading", { name: "Logs" }).waitFor();
    await admin.page.getByLabel("Status").selectOption("failed");
    await admin.page.getByRole("button", { name: "Apply filters" }).click();
    await admin.page.waitForURL(/status=failed/);
    await admin.page.waitForLoadState("networkidle");
    const failedCount = await db.delivery.count({ where: { shop: TEST_SHOP, status: "failed" } });
    const rows = admin.page.locator(".Polaris-IndexTable__TableRow");
    await expect.poll(() => rows.count()).toBe(failedCount);
    const badges = await rows.locator(".Polaris-Badge").allInnerTexts();
    expect(badges.every((b) => b.includes("failed"))).toBe(true);
    expect(await admin.page.getByText(`${failedCount} failed or expired deliveries`).count()).toBe(1);
    // The paused destination is called out, with the platform's reason.
    expect(await admin.page.getByText("TikTok is paused").count()).toBe(1);
    await admin.screenshot("logs-deliveries-failed");
    expect(admin.problems()).toEqual([]);
  });

  it("opens a failed delivery: attempts with the platform's answer, payload with hashes only", async () => {
    const purchase = (await metaDeliveries()).find((r) => r.eventId === `purchase-${orderId}`)!;
    await admin.page.locator(`a[href*="/app/logs/deliveries/${purchase.id}"]`).first().click();
    await admin.page.waitForURL(new RegExp(`/app/logs/deliveries/${purchase.id}`));
    await admin.page.getByText("Payload as sent").waitFor();
    const attempts = await db.deliveryAttempt.findMany({ where: { deliveryId: purchase.id } });
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    const text = await admin.page.locator("body").innerText();
    expect(await admin.page.getByTestId("delivery-status").innerText()).toBe("failed");
    expect(text).toContain("Event Timestamp Too Old");
    expect(text).toContain("400");
    // One row per attempt in the attempts table.
    expect(await admin.page.locator(".Polaris-DataTable__TableRow").count()).toBe(attempts.length);
    const payload = await admin.page.getByTestId("payload").innerText();
    expect(payload).toContain(EMAIL_HASH);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(BROWSER_IP);
    expect(text).not.toContain(standins.credentials.meta.accessToken);
    expect(text).not.toContain(checkoutToken);
    expect(await admin.page.getByRole("button", { name: "Replay" }).count()).toBe(1);
    await admin.screenshot("logs-delivery-failed");
    expect(admin.problems()).toEqual([]);
  });

  it("opens the delivery's order: reconciliation in sentences, attribution, deliveries per destination", async () => {
    await admin.page.getByRole("link", { name: orderId.toString() }).click();
    await admin.page.waitForURL(new RegExp(`/app/orders/${orderId}`));
    await admin.page.getByText("How this order was matched").waitFor();
    const order = await db.order.findUniqueOrThrow({ where: { order_identity: { shop: TEST_SHOP, orderId: orderId.toString() } } });
    expect(order.matchStatus).toBe("matched");
    expect(await admin.page.getByTestId("match-headline").innerText()).toMatch(/^Matched to the visit that placed it/);
    const text = await admin.page.locator("body").innerText();
    for (const sentence of JSON.parse(order.explanation) as string[]) expect(text).toContain(sentence);
    expect(text).toContain("Online store");
    expect(text).toContain(`${order.totalPrice} ${order.currency}`);
    expect(text).toMatch(/Click ids inherited: .*fbclid/);
    const credits = await db.attributionCredit.findMany({ where: { shop: TEST_SHOP, orderId: orderId.toString() } });
    for (const model of new Set(credits.map((c) => c.model))) expect(text).toContain(model.replace(/_/g, " "));
    expect(text).toContain("Meta");
    expect(text).toContain("TikTok");
    expect(text).not.toContain(EMAIL);
    await admin.screenshot("order-detail");
    expect(admin.problems()).toEqual([]);
  });

  it("replays one delivery by hand once the cause is gone", async () => {
    clockSkew = 0; // Meta's clock is right again: the events are no longer "too old"
    const purchase = (await metaDeliveries()).find((r) => r.eventId === `purchase-${orderId}`)!;
    await admin.open(`/app/logs/deliveries/${purchase.id}`);
    await admin.page.getByRole("button", { name: "Replay" }).click();
    await admin.page.getByText("Delivery queued again").waitFor();
    expect(await admin.page.evaluate(() => (window as unknown as { __truelineToasts: Array<{ message: string }> }).__truelineToasts.map((t) => t.message))).toContain(
      "Delivery queued again; it will be sent in a moment.",
    );
    await waitFor(async () => (await db.delivery.findUniqueOrThrow({ where: { id: purchase.id } })).status === "delivered", { what: "purchase delivered" });
    await admin.open(`/app/logs/deliveries/${purchase.id}`);
    expect(await admin.page.getByTestId("delivery-status").innerText()).toBe("delivered");
    expect(await admin.page.getByRole("button", { name: "Replay" }).count()).toBe(0);
    await admin.screenshot("logs-delivery-replayed");
    expect(admin.problems()).toEqual([]);
  });

  it("replays all failed to Meta in the background; the progress reaches 100% and each event lands once", async () => {
    const stillFailed = (await metaDeliveries()).filter((r) => r.status === "failed");
    expect(stillFailed.length).toBeGreaterThanOrEqual(1);
    await admin.open(`/app/logs/deliveries?destination=${metaId}&status=failed`);
    await admin.page.getByRole("button", { name: "Replay all failed to Meta" }).click();
    await admin.page.getByText(`Replaying ${stillFailed.length} failed deliver`).first().waitFor();
    // The page polls while the job runs; the bar ends at 100% without a reload.
    await admin.page.getByTestId("replay-progress").getByText(/100%/).waitFor({ timeout: 30_000 });
    expect(await admin.page.getByTestId("replay-progress").innerText()).toContain(`${stillFailed.length} of ${stillFailed.length} re-queued (100%)`);
    await admin.screenshot("logs-replay-all-done");

    const job = await db.adminJob.findFirstOrThrow({ where: { shop: TEST_SHOP, kind: "replay_failed" } });
    expect(job).toMatchObject({ status: "done", done: stillFailed.length, total: stillFailed.length, lockedBy: null });

    const all = await waitFor(async () => {
      const rows = await metaDeliveries();
      return rows.every((r) => r.status === "delivered" || r.status === "skipped") ? rows : undefined;
    }, { what: "every Meta delivery delivered" });
    const delivered = all.filter((r) => r.status === "delivered");
    const received = standins.received("meta");
    const perEvent = new Map<string, number>();
    for (const r of received) perEvent.set(r.eventId ?? "", (perEvent.get(r.eventId ?? "") ?? 0) + 1);
    expect([...perEvent.keys()].sort()).toEqual(delivered.map((d) => d.eventId).sort());
    expect([...perEvent.values()].every((n) => n === 1)).toBe(true);
    expect(standins.dedupedCount("meta")).toBe(0);

    // Nothing left to replay: a second click is refused with a message, not silently.
    await admin.open(`/app/logs/deliveries?destination=${metaId}`);
    expect(await admin.page.getByRole("button", { name: "Replay all failed to Meta" }).isDisabled()).toBe(true);
    expect(admin.problems()).toEqual([]);
  });

  it("fixing TikTok's token through the data module and resuming sends what waited, once", async () => {
    const adapter = adapters.tiktok;
    await saveDestination(db, testKey(), {
      shop: TEST_SHOP,
      id: tiktokId,
      kind: "tiktok",
      label: adapter.displayName,
      config: { pixelCode: standins.credentials.tiktok.pixelCode, accessToken: standins.credentials.tiktok.accessToken },
      secretFields: adapter.secretFields,
      policy: DestinationPolicySchema.parse({}),
    });
    await resumeDestination(db, TEST_SHOP, tiktokId, new Date());
    const rows = await waitFor(async () => {
      const all = await db.delivery.findMany({ where: { destinationId: tiktokId } });
      return all.length > 0 && all.every((r) => r.status === "delivered" || r.status === "skipped") ? all : undefined;
    }, { what: "TikTok deliveries delivered after the fix" });
    const sent = standins.received("tiktok").map((r) => r.eventId).sort();
    expect(sent).toEqual(rows.filter((r) => r.status === "delivered").map((r) => r.eventId).sort());
    expect(new Set(sent).size).toBe(sent.length);
    await admin.open(`/app/logs/deliveries?destination=${tiktokId}`);
    expect(await admin.page.getByText("TikTok is paused").count()).toBe(0);
    const badges = await admin.page.locator(".Polaris-IndexTable__TableRow .Polaris-Badge").allInnerTexts();
    expect(badges.length).toBe(rows.length);
    expect(badges.every((b) => b.includes("delivered") || b.includes("skipped"))).toBe(true);
    expect(admin.problems()).toEqual([]);
  });

  it("lists storefront events newest first, filterable by order id", async () => {
    await admin.open(`/app/logs/events?order=${orderId}&range=all`);
    const rows = admin.page.locator(".Polaris-IndexTable__TableRow");
    const expected = await db.pixelEvent.count({ where: { shop: TEST_SHOP, orderId: orderId.toString() } });
    expect(expected).toBeGreaterThan(0);
    await expect.poll(() => rows.count()).toBe(expected);
    await admin.open("/app/logs/events?range=all");
    const names = await admin.page.locator(".Polaris-IndexTable__TableRow td:nth-child(2)").allInnerTexts();
    const all = await db.pixelEvent.findMany({ where: { shop: TEST_SHOP }, orderBy: [{ occurredAt: "desc" }, { id: "desc" }] });
    expect(names).toEqual(all.map((e) => e.name));
    // Checkout links carry the checkout's access token in their path: never shown.
    expect(await admin.page.locator("body").innerText()).not.toContain(checkoutToken);
    await admin.screenshot("logs-events");
    // A bad filter value is reported, not trusted.
    await admin.open("/app/logs/events?order=not-a-number");
    expect(await admin.page.getByText("Some filters were ignored").count()).toBe(1);
    expect(admin.problems()).toEqual([]);
  });

  it("another shop's session gets 404 on this shop's delivery and order pages, and sees none of its rows", async () => {
    const token = mintSessionToken({ shop: OTHER_SHOP });
    const delivery = (await metaDeliveries())[0]!;
    const get = (pathname: string, shop: string, idToken: string) => {
      const u = new URL(pathname, app.url);
      for (const [k, v] of Object.entries({ embedded: "1", shop, host: hostParam(shop), id_token: idToken })) u.searchParams.set(k, v);
      return fetch(u, { redirect: "manual", headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36" } });
    };
    const other = await get(`/app/logs/deliveries/${delivery.id}`, OTHER_SHOP, token);
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain(delivery.eventId);
    const otherOrder = await get(`/app/orders/${orderId}`, OTHER_SHOP, token);
    expect(otherOrder.status).toBe(404);
    // The same URLs answer for the shop that owns them.
    const mine = await get(`/app/logs/deliveries/${delivery.id}`, TEST_SHOP, mintSessionToken({ shop: TEST_SHOP }));
    expect(mine.status).toBe(200);
    // Replay through the other shop's session is refused too.
    const u = new URL(`/app/logs/deliveries/${delivery.id}`, app.url);
    for (const [k, v] of Object.entries({ embedded: "1", shop: OTHER_SHOP, host: hostParam(OTHER_SHOP), id_token: token })) u.searchParams.set(k, v);
    const post = await fetch(u, { method: "POST", body: new URLSearchParams({ intent: "replay" }), headers: { Authorization: `Bearer ${token}`, "User-Agent": "Mozilla/5.0 Chrome/130.0" } });
    expect(post.status).toBe(404);

    const otherAdmin = await openAdmin(app.url, OTHER_SHOP);
    try {
      await otherAdmin.open("/app/logs/deliveries?range=all");
      expect(await otherAdmin.page.getByText("No deliveries match these filters").count()).toBe(1);
      await otherAdmin.open(`/app/orders/${orderId}`);
      expect(await otherAdmin.page.getByText("Not found").count()).toBeGreaterThan(0);
      await otherAdmin.screenshot("order-not-found-other-shop");
    } finally {
      await otherAdmin.close();
    }
  });
});
