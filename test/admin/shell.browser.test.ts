import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { openAdmin, mintSessionToken, type AdminBrowser } from "../support/admin-browser";
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
});
