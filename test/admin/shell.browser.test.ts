import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { hostParam, openAdmin, mintSessionToken, type AdminBrowser } from "../support/admin-browser";

const DESKTOP_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP } from "../support/env";
import { openDb, seedInstalledShop } from "../support/seed";

/**
 * The embedded admin opened as the Shopify admin opens it: a session token signed
 * with the app secret on the first document request, App Bridge adding it to every
 * later fetch, the offline session already in the database.
 */
describe("embedded admin shell in Chromium", () => {
  let app: RunningApp;
  let db: Db;
  let drop: () => Promise<void>;
  let admin: AdminBrowser | undefined;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, TEST_SHOP);
    app = await startApp({ databaseUrl: database.url });
  });

  afterAll(async () => {
    await admin?.close();
    await app?.stop();
    await db?.$disconnect();
    await drop?.();
  });

  it("renders the overview server-side for a valid session token", async () => {
    admin = await openAdmin(app.url, TEST_SHOP);
    await admin.open("/app");
    expect(await admin.page.getByRole("heading", { name: "Trueline overview" }).count()).toBe(1);
    expect(admin.problems()).toEqual([]);
  });

  it("refuses a token signed with another secret", async () => {
    const forged = mintSessionToken({ shop: TEST_SHOP, secret: "not-the-app-secret" });
    const u = new URL("/app", app.url);
    for (const [k, v] of Object.entries({ embedded: "1", shop: TEST_SHOP, id_token: forged })) u.searchParams.set(k, v);
    const res = await fetch(u, { redirect: "manual" });
    expect(res.status).not.toBe(200);
    expect(await res.text()).not.toContain("Trueline overview");
  });

  it("sends the frame-ancestors CSP Shopify requires on embedded documents", async () => {
    const u = new URL("/app", app.url);
    for (const [k, v] of Object.entries({ embedded: "1", shop: TEST_SHOP, host: hostParam(TEST_SHOP), id_token: mintSessionToken({ shop: TEST_SHOP }) })) u.searchParams.set(k, v);
    const res = await fetch(u, { redirect: "manual", headers: { "User-Agent": DESKTOP_CHROME } });
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors");
    expect(csp).toContain(`https://${TEST_SHOP}`);
    expect(csp).toContain("https://admin.shopify.com");
  });

  it("refuses a cross-site form post that carries no session token, and writes nothing", async () => {
    const before = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const res = await fetch(new URL(`/app/settings?shop=${TEST_SHOP}&embedded=1`, app.url), {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example", "User-Agent": DESKTOP_CHROME },
      body: "retentionDays=7&attributionLookbackDays=1&sessionTimeoutMinutes=5&proxySubpath=evil&deliveryThresholdPercent=0",
    });
    expect(res.status).not.toBe(200);
    const after = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(after.settings).toBe(before.settings);
  });
});
