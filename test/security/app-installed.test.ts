import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET } from "../support/env";
import { pixelBatch, pixelEvent } from "../support/pixel";
import { openDb, seedInstalledShop } from "../support/seed";
import { signedProxyUrl } from "../support/shopify-signing";

/**
 * The app proxy answers "app not installed" by the one definition (data/shops isAppInstalled,
 * shared with webhook processing): an offline session, else a Shop row not uninstalled.
 * Each case uses its own shop (the proxy caches the answer per shop for 30 s).
 */
describe("app proxy: is the app installed on this shop", () => {
  let app: RunningApp;
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, "with-session.myshopify.com");
    await db.shop.create({ data: { domain: "row-only.myshopify.com", installedAt: new Date() } });
    await db.shop.create({ data: { domain: "uninstalled.myshopify.com", installedAt: new Date(), uninstalledAt: new Date() } });
    app = await startApp({ databaseUrl: database.url, env: { WORKER_MODE: "off", LOG_LEVEL: "warn" } });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await db?.$disconnect();
    await drop?.();
  });

  async function post(shop: string) {
    const url = signedProxyUrl(app.url, "/proxy/events", { shop, secret: TEST_API_SECRET });
    const res = await fetch(url, { method: "POST", headers: { "Content-Type": "text/plain;charset=UTF-8" }, body: JSON.stringify(pixelBatch({ clientId: `c-${shop}`, events: [pixelEvent("page_viewed", Date.now())] })) });
    return { status: res.status, body: (await res.json()) as { accepted?: number; reason?: string } };
  }

  it.each([
    ["with-session.myshopify.com", true],
    ["row-only.myshopify.com", true],
    ["uninstalled.myshopify.com", false],
    ["never-installed.myshopify.com", false],
  ])("%s → installed %s", async (shop, installed) => {
    const { status, body } = await post(shop);
    expect(status).toBe(installed ? 200 : 202);
    if (installed) expect(body.accepted).toBe(1);
    else expect(body).toEqual({ accepted: 0, reason: "app not installed for this shop" });
    expect(await db.pixelEvent.count({ where: { shop } })).toBe(installed ? 1 : 0);
  });
});
