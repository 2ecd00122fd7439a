import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { openAdmin, type AdminBrowser } from "../support/admin-browser";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../support/admin-graphql-standin";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { pixelBatch, pixelEvent } from "../support/pixel";
import { openDb, seedInstalledShop } from "../support/seed";
import { signedProxyUrl } from "../support/shopify-signing";

/**
 * Onboarding in Chromium against the real server. Shopify's Admin GraphQL API is a
 * local stand-in reached through SHOPIFY_ADMIN_API_URL (refused in production); the
 * storefront events come through the signed app proxy endpoint, as the pixel sends them.
 */
const OTHER_SHOP = "trueline-other.myshopify.com";
const OFFLINE_TOKEN = "shpat_test_offline_token_0001"; // seedInstalledShop's offline session

describe("onboarding checklist in Chromium", () => {
  let app: RunningApp;
  let db: Db;
  let drop: () => Promise<void>;
  let shopify: AdminGraphqlStandin;
  let admin: AdminBrowser;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, TEST_SHOP);
    await seedInstalledShop(db, OTHER_SHOP);
    shopify = await startAdminGraphqlStandin({ accessToken: OFFLINE_TOKEN });
    app = await startApp({ databaseUrl: database.url, env: { SHOPIFY_ADMIN_API_URL: shopify.url, WORKER_MODE: "off" } });
    admin = await openAdmin(app.url, TEST_SHOP);
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await admin?.screenshot(`onboarding-FAILED-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.stop();
    await shopify?.close();
    await db?.$disconnect();
    await drop?.();
  });

  const page = () => admin.page;

  it("starts with nothing done and explains each step", async () => {
    await admin.open("/app/onboarding");
    const p = page();
    await p.getByRole("heading", { name: "Set up Trueline" }).waitFor();
    expect(await p.getByText("0 of 3 steps done").count()).toBe(1);
    expect(await p.getByTestId("pixel-state").innerText()).toContain("Not activated yet");
    expect(await p.getByTestId("proxy-state").innerText()).toContain("No storefront event has reached Trueline yet");
    expect(await p.getByText(`https://${TEST_SHOP}/apps/trueline/events`, { exact: false }).count()).toBe(1);
    expect(await p.getByTestId("events-24h").innerText()).toContain("0 storefront events");
    // The loader asked Shopify, with the shop's offline token, for this app's pixel.
    expect(shopify.requests.at(-1)).toMatchObject({ shop: TEST_SHOP, token: OFFLINE_TOKEN });
    expect(shopify.requests.at(-1)?.query).toContain("webPixel");
    await admin.screenshot("onboarding-empty");
    expect(admin.problems()).toEqual([]);
  });

  it("shows Shopify's userErrors with how to fix them", async () => {
    shopify.mode = "user-errors";
    const p = page();
    await p.getByRole("button", { name: "Activate pixel" }).click();
    await p.getByTestId("activate-result").waitFor();
    const text = await p.getByTestId("activate-result").innerText();
    expect(text).toContain("Shopify refused to activate the pixel");
    expect(text).toContain("webPixel.settings: Settings are invalid: proxyPath is not a valid path (INVALID_SETTINGS)");
    expect(text).toContain("How to fix:");
    expect(text).toContain("/apps/trueline");
    expect(shopify.pixel).toBeNull();
    await admin.screenshot("onboarding-pixel-user-errors");
    expect(admin.problems()).toEqual([]);
  });

  it("shows a missing permission as an error with how to fix it", async () => {
    shopify.mode = "access-denied";
    const p = page();
    await p.getByRole("button", { name: "Activate pixel" }).click();
    await p.getByText("The pixel could not be activated").waitFor();
    const text = await p.getByTestId("activate-result").innerText();
    expect(text).toContain("Access denied for webPixelCreate field");
    expect(text).toContain("approve them");
    await admin.screenshot("onboarding-pixel-access-denied");
    expect(admin.problems()).toEqual([]);
  });

  it("activates the pixel with the settings the extension declares", async () => {
    shopify.mode = "normal";
    const p = page();
    await p.getByRole("button", { name: "Activate pixel" }).click();
    await p.getByText("Web pixel activated").first().waitFor();
    expect(shopify.pixel).toEqual({ id: "gid://shopify/WebPixel/4242", settings: JSON.stringify({ proxyPath: "/apps/trueline" }) });
    const create = shopify.requests.find((r) => r.query.includes("webPixelCreate") && shopify.pixel);
    expect(create?.variables).toEqual({ webPixel: { settings: '{"proxyPath":"/apps/trueline"}' } });
    await p.getByText("Active (pixel gid://shopify/WebPixel/4242).").waitFor();
    expect(await p.getByText("1 of 3 steps done").count()).toBe(1);
    const toasts = await p.evaluate(() => (window as unknown as { __truelineToasts: Array<{ message: string }> }).__truelineToasts.map((t) => t.message));
    expect(toasts).toContain("Web pixel activated");
    await admin.screenshot("onboarding-pixel-active");

    // Activating again updates the existing pixel instead of creating a second one.
    await p.getByRole("button", { name: "Update pixel settings" }).click();
    await p.getByText("Web pixel settings updated").first().waitFor();
    expect(shopify.requests.some((r) => r.query.includes("webPixelUpdate") && r.variables.id === "gid://shopify/WebPixel/4242")).toBe(true);
    expect(admin.problems()).toEqual([]);
  });

  it("shows events that came through the app proxy after a refresh", async () => {
    const now = Date.now();
    const batch = pixelBatch({ clientId: "onboarding-client-1", events: [pixelEvent("page_viewed", now - 2000, { url: `https://${TEST_SHOP}/` }), pixelEvent("product_viewed", now - 1000, { url: `https://${TEST_SHOP}/products/tee`, products: [{ productId: "1", variantId: "2", price: 10, quantity: 1 }] })] });
    const res = await fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(batch),
    });
    expect(res.status).toBe(200);
    const stored = await db.pixelEvent.count({ where: { shop: TEST_SHOP } });
    expect(stored).toBe(2);

    const p = page();
    await p.getByRole("button", { name: "Refresh" }).click();
    await p.getByText(`${stored} storefront events in the last 24 hours.`).waitFor();
    expect(await p.getByTestId("proxy-state").innerText()).toMatch(/The app proxy works: the last event \(product_viewed\) arrived \d{4}-\d\d-\d\d \d\d:\d\d UTC; 2 storefront events stored so far/);
    expect(await p.getByText("3 of 3 steps done").count()).toBe(1);
    expect(await p.getByText("Tracking is live", { exact: false }).count()).toBe(1);
    await admin.screenshot("onboarding-complete");
    expect(admin.problems()).toEqual([]);
  });

  it("says so when Shopify cannot be reached, instead of failing the page", async () => {
    shopify.mode = "http-500";
    await admin.open("/app/onboarding");
    const p = page();
    await p.getByText("Could not check the pixel").waitFor();
    expect(await p.getByText("Shopify answered HTTP 500", { exact: false }).count()).toBe(1);
    expect(await p.getByText("How to fix:", { exact: false }).count()).toBeGreaterThan(0);
    await admin.screenshot("onboarding-shopify-unreachable");
    shopify.mode = "normal";
    expect(admin.problems()).toEqual([]);
  });

  it("another shop sees only its own events", async () => {
    const other = await openAdmin(app.url, OTHER_SHOP);
    try {
      await other.open("/app/onboarding");
      expect(await other.page.getByTestId("events-24h").innerText()).toContain("0 storefront events");
      expect(await other.page.getByTestId("proxy-state").innerText()).toContain("No storefront event has reached Trueline yet");
      expect(shopify.requests.at(-1)).toMatchObject({ shop: OTHER_SHOP });
      expect(other.problems()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
