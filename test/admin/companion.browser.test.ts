import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { META_CREDENTIALS, PINTEREST_CREDENTIALS } from "../standins";
import { openAdmin, type AdminBrowser } from "../support/admin-browser";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP } from "../support/env";
import { openDb, seedDestination, seedInstalledShop } from "../support/seed";

/**
 * The Browser companion page (ADR 0028) in Chromium against the real server: reached from
 * onboarding's step 4, lists the platforms in the code and the ones left out with why, and the
 * copy button puts exactly the shown code on the clipboard. Another shop's page shows none of it.
 */
const OTHER_SHOP = "trueline-companion-other.myshopify.com";

describe("browser companion page in Chromium", () => {
  let app: RunningApp;
  let db: Db;
  let drop: () => Promise<void>;
  let admin: AdminBrowser;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, TEST_SHOP);
    await seedInstalledShop(db, OTHER_SHOP);
    await seedDestination(db, TEST_SHOP, "meta", { ...META_CREDENTIALS }, { events: { page_view: true } });
    await seedDestination(db, TEST_SHOP, "pinterest", { ...PINTEREST_CREDENTIALS }); // no tag id yet
    app = await startApp({ databaseUrl: database.url, env: { WORKER_MODE: "off" } });
    admin = await openAdmin(app.url, TEST_SHOP);
    await admin.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(app.url).origin });
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await admin?.screenshot(`companion-FAILED-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.stop();
    await db?.$disconnect();
    await drop?.();
  });

  it("is reached from onboarding, shows the code with the shop's tags, and copies it", async () => {
    await admin.open("/app/onboarding");
    const p = admin.page;
    await p.getByRole("heading", { name: "4. Optional: add the browser companion" }).waitFor();
    await p.getByRole("link", { name: "Open the browser companion" }).click();
    await p.getByRole("heading", { name: "Browser companion" }).waitFor();
    expect(await p.getByTestId("companion-tags").innerText()).toContain(`(${META_CREDENTIALS.pixelId}): PageView, ViewContent, AddToCart, InitiateCheckout, AddPaymentInfo, Purchase`);
    expect(await p.getByTestId("companion-skipped").innerText()).toContain("no tag id: add the Pinterest tag id");
    const shown = await p.getByTestId("companion-script").innerText();
    expect(shown).toContain(`Trueline browser companion for ${TEST_SHOP}`);
    expect(shown).not.toContain(META_CREDENTIALS.accessToken);
    await p.getByRole("button", { name: "Copy code" }).click();
    await p.getByTestId("copy-result").waitFor();
    expect(await p.getByTestId("copy-result").innerText()).toContain("Copied");
    const clipboard = await p.evaluate(() => navigator.clipboard.readText());
    expect(clipboard.trim()).toBe(shown.trim());
    await admin.screenshot("companion");
    expect(admin.problems()).toEqual([]);
  });

  it("another shop sees only its own (empty) companion", async () => {
    const other = await openAdmin(app.url, OTHER_SHOP);
    try {
      await other.open("/app/companion");
      await other.page.getByRole("heading", { name: "Browser companion" }).waitFor();
      expect(await other.page.getByText("No platform has a browser tag yet").count()).toBe(1);
      expect(await other.page.getByTestId("companion-script").innerText()).not.toContain(META_CREDENTIALS.pixelId);
    } finally {
      await other.close();
    }
  });
});
