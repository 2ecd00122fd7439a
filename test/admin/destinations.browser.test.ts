import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { destinations } from "~/destinations/registry";
import { openAdmin, type AdminBrowser } from "../support/admin-browser";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP } from "../support/env";
import { openDb, seedInstalledShop } from "../support/seed";
import { META_CREDENTIALS, sha256Hex, startStandins, type Standins } from "../standins";

/**
 * Destinations in the embedded admin, in Chromium against the real server and the
 * platform stand-ins: connect Meta with a bad token, see Meta's own error on the test
 * event, fix it, see the stand-in receive the event; validation from the adapter's
 * configSchema; secrets never reach the page; pause/resume; shop isolation.
 */
const OTHER_SHOP = "trueline-other.myshopify.com";
const BAD_TOKEN = "EAAB-this-token-was-revoked-long-ago";

describe("destinations admin in Chromium", () => {
  let app: RunningApp;
  let db: Db;
  let standins: Standins;
  let drop: () => Promise<void>;
  let admin: AdminBrowser;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, TEST_SHOP);
    await seedInstalledShop(db, OTHER_SHOP);
    standins = await startStandins();
    app = await startApp({ databaseUrl: database.url, env: { DESTINATION_BASE_URLS: JSON.stringify(standins.urls), WORKER_MODE: "off" } });
    admin = await openAdmin(app.url, TEST_SHOP);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.stop();
    await standins?.close();
    await db?.$disconnect();
    await drop?.();
  });

  afterEach(async (ctx) => {
    // A failing step leaves a picture of what the merchant would have seen.
    if (ctx.task.result?.state === "fail") await admin?.screenshot(`destinations-FAILED-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`);
  });

  const page = () => admin.page;
  const metaToken = () => META_CREDENTIALS.accessToken;

  it("lists every platform, none connected yet", async () => {
    await admin.open("/app/destinations");
    const p = page();
    await p.getByRole("heading", { name: "Destinations" }).waitFor();
    const names = Object.values(destinations).map((d) => d.displayName);
    for (const name of names) {
      expect(await p.getByRole("heading", { name, exact: false }).count(), name).toBeGreaterThan(0);
    }
    expect(await p.getByText("Not connected", { exact: true }).count()).toBe(names.length);
    expect(await p.getByText("Connect your first ad platform").count()).toBe(1);
    await admin.screenshot("destinations-list-empty");
    expect(admin.problems()).toEqual([]);
  });

  it("shows the adapter's validation message for a malformed pixel id", async () => {
    const p = page();
    await p.getByRole("link", { name: "Connect Meta" }).click();
    await p.getByLabel("Pixel (dataset) id").waitFor();
    await admin.screenshot("destination-meta-new");
    await p.getByLabel("Pixel (dataset) id").fill("abcdef");
    await p.getByLabel("Conversions API access token").fill(BAD_TOKEN);
    await p.getByRole("button", { name: "Save" }).click();
    await p.getByText("Fix the highlighted fields").waitFor();
    // The message is MetaConfigSchema's own.
    expect(await p.getByText("The pixel (dataset) id is the number shown in Events Manager").count()).toBeGreaterThan(0);
    expect(await db.destination.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await p.content()).not.toContain(BAD_TOKEN);
    await admin.screenshot("destination-meta-invalid");
    expect(admin.problems()).toEqual([]);
  });

  it("connects Meta with a bad token; the test event shows Meta's error", async () => {
    const p = page();
    await p.getByLabel("Pixel (dataset) id").fill(META_CREDENTIALS.pixelId);
    await p.getByLabel("Conversions API access token").fill(BAD_TOKEN);
    await p.getByRole("button", { name: "Save" }).click();
    await p.getByText("Destination connected").first().waitFor();
    const row = await db.destination.findFirstOrThrow({ where: { shop: TEST_SHOP, kind: "meta" } });
    expect(row.secrets).not.toContain(BAD_TOKEN); // encrypted at rest
    expect(JSON.parse(row.config)).toMatchObject({ pixelId: META_CREDENTIALS.pixelId });

    const rejectedBefore = standins.rejected("meta").length;
    await p.getByRole("button", { name: "Send test event" }).click();
    await p.getByTestId("test-summary").waitFor();
    const summary = await p.getByTestId("test-summary").innerText();
    expect(summary).toContain("Meta (Facebook & Instagram) refused the settings (HTTP 400)");
    expect(await p.getByTestId("test-response").innerText()).toContain("OAuthException");
    expect(await p.getByTestId("test-request").innerText()).toContain("access_token=[secret]");
    expect(standins.rejected("meta").length).toBe(rejectedBefore + 1);
    expect(standins.received("meta")).toHaveLength(0);
    expect(await p.content()).not.toContain(BAD_TOKEN);
    await admin.screenshot("destination-meta-bad-token");
    expect(admin.problems()).toEqual([]);
  });

  it("fixes the token; the test event reaches the stand-in and the secret never reaches the page", async () => {
    const p = page();
    await admin.open("/app/destinations/meta");
    expect(await p.getByText("Saved — leave empty to keep", { exact: false }).count()).toBe(1);
    await p.getByLabel("Conversions API access token").fill(metaToken());
    await p.getByRole("button", { name: "Save" }).click();
    await p.getByText("Settings saved").first().waitFor();
    expect(await p.content()).not.toContain(metaToken());

    await p.getByRole("button", { name: "Send test event" }).click();
    await p.getByTestId("test-summary").waitFor();
    expect(await p.getByTestId("test-summary").innerText()).toContain("Meta (Facebook & Instagram) accepted the test event (HTTP 200)");
    const received = standins.received("meta");
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ eventName: "Purchase" });
    const shownRequest = await p.getByTestId("test-request").innerText();
    // Identity is shown as the hashes the adapter sent, never raw.
    expect(shownRequest).toContain(sha256Hex("test.buyer@example.com"));
    expect(shownRequest).not.toContain("test.buyer@example.com");
    expect(await p.getByTestId("test-response").innerText()).toContain("events_received");
    expect(await p.content()).not.toContain(metaToken());
    const toasts = await p.evaluate(() => (window as unknown as { __truelineToasts: Array<{ message: string }> }).__truelineToasts.map((t) => t.message));
    expect(toasts).toContain("Test event accepted");
    await admin.screenshot("destination-meta-test-ok");
    expect(admin.problems()).toEqual([]);
  });

  it("keeps the stored token when the secret input is left empty, and saves switches", async () => {
    const p = page();
    await admin.open("/app/destinations/meta");
    await p.getByLabel("Page view").check();
    await p.getByLabel("Send to the platform's test mode").check();
    await p.getByLabel("Test event code (optional)").fill("TEST4242");
    await p.getByRole("button", { name: "Save" }).click();
    await p.getByText("Settings saved").first().waitFor();
    await p.getByRole("button", { name: "Send test event" }).click();
    await p.getByTestId("test-summary").waitFor();
    expect(await p.getByTestId("test-summary").innerText()).toContain("accepted");
    expect(standins.received("meta").at(-1)).toMatchObject({ test: true, envelope: { test_event_code: "TEST4242" } });
    const row = await db.destination.findFirstOrThrow({ where: { shop: TEST_SHOP, kind: "meta" } });
    expect(JSON.parse(row.policy)).toMatchObject({ testMode: true, events: { page_view: true } });
    expect(await p.content()).not.toContain(metaToken());
    await admin.screenshot("destination-meta-test-mode");
    expect(admin.problems()).toEqual([]);
  });

  it("pauses and resumes from the list", async () => {
    const p = page();
    await admin.open("/app/destinations");
    expect(await p.getByText("Test mode", { exact: true }).count()).toBe(1);
    await p.getByRole("button", { name: "Pause Meta" }).click();
    await p.getByRole("button", { name: "Resume Meta" }).waitFor();
    expect(await p.getByText("Paused by you in Trueline", { exact: false }).count()).toBeGreaterThan(0);
    expect((await db.destination.findFirstOrThrow({ where: { shop: TEST_SHOP, kind: "meta" } })).pausedAt).not.toBeNull();
    await admin.screenshot("destinations-list-paused");
    // The form shows why it is paused and can resume too.
    await admin.open("/app/destinations/meta");
    expect(await p.getByText("Paused by you in Trueline").count()).toBe(1);
    await admin.screenshot("destination-meta-paused");
    await admin.open("/app/destinations");
    await p.getByRole("button", { name: "Resume Meta" }).click();
    await p.getByRole("button", { name: "Pause Meta" }).waitFor();
    expect((await db.destination.findFirstOrThrow({ where: { shop: TEST_SHOP, kind: "meta" } })).pausedAt).toBeNull();
    await admin.screenshot("destinations-list-active");
    // Paused again, then resumed from the form's banner.
    await p.getByRole("button", { name: "Pause Meta" }).click();
    await p.getByRole("button", { name: "Resume Meta" }).waitFor();
    await admin.open("/app/destinations/meta");
    await p.getByRole("button", { name: "Resume sending" }).click();
    await p.getByRole("button", { name: "Pause Meta" }).waitFor();
    expect((await db.destination.findFirstOrThrow({ where: { shop: TEST_SHOP, kind: "meta" } })).pausedAt).toBeNull();
    expect(admin.problems()).toEqual([]);
  });

  it("connects LinkedIn and Klaviyo from their adapters' forms; test events arrive, no secret or raw email on the page", async () => {
    const p = page();
    await admin.open("/app/destinations/linkedin");
    await p.getByLabel("Access token").fill(standins.credentials.linkedin.accessToken!);
    await p.getByLabel("Purchase conversion rule id").fill(`urn:lla:llaPartnerConversion:${standins.credentials.linkedin.purchaseRuleId}`);
    await p.getByRole("button", { name: "Save" }).click();
    await p.getByText("Destination connected").first().waitFor();
    await p.getByRole("button", { name: "Send test event" }).click();
    await p.getByTestId("test-summary").waitFor();
    expect(await p.getByTestId("test-summary").innerText()).toContain("LinkedIn accepted the test event (HTTP 200)");
    expect(await p.getByTestId("test-request").innerText()).toContain(sha256Hex("test.buyer@example.com"));
    expect(await p.content()).toContain("LinkedIn has no test mode");
    expect(await p.content()).not.toContain(standins.credentials.linkedin.accessToken!);
    expect(standins.received("linkedin").map((e) => e.eventName)).toEqual([`urn:lla:llaPartnerConversion:${standins.credentials.linkedin.purchaseRuleId}`]);
    await admin.screenshot("destination-linkedin-test-ok");

    await admin.open("/app/destinations/klaviyo");
    await p.getByLabel("Private API key").fill(standins.credentials.klaviyo.privateApiKey!);
    await p.getByRole("button", { name: "Save" }).click();
    await p.getByText("Destination connected").first().waitFor();
    await p.getByRole("button", { name: "Send test event" }).click();
    await p.getByTestId("test-summary").waitFor();
    expect(await p.getByTestId("test-summary").innerText()).toContain("Klaviyo accepted the test event (HTTP 202)");
    // Klaviyo got the profile in clear; the page shows it redacted.
    expect((standins.received("klaviyo")[0]?.body as { attributes: { profile: { data: { attributes: { email: string } } } } }).attributes.profile.data.attributes.email).toBe("test.buyer@example.com");
    expect(await p.getByTestId("test-request").innerText()).toContain("[email hidden]");
    expect(await p.content()).not.toContain("test.buyer@example.com");
    expect(await p.content()).not.toContain(standins.credentials.klaviyo.privateApiKey!);
    expect(await p.content()).toContain("Klaviyo has no test mode");
    await admin.screenshot("destination-klaviyo-test-ok");
    expect(admin.problems()).toEqual([]);
  });

  it("answers an unknown platform with a Banner, not a crash", async () => {
    await admin.open("/app/destinations/myspace");
    await page().getByText("Not found", { exact: true }).waitFor();
    expect(await page().getByText("Trueline has no destination with that name.", { exact: false }).count()).toBe(1);
    await admin.screenshot("destination-unknown-kind");
  });

  it("another shop's session can neither see nor change this shop's destination", async () => {
    const ours = await db.destination.findFirstOrThrow({ where: { shop: TEST_SHOP, kind: "meta" } });
    const other = await openAdmin(app.url, OTHER_SHOP);
    try {
      await other.open("/app/destinations");
      expect(await other.page.getByText("Not connected", { exact: true }).count()).toBe(Object.keys(destinations).length);
      await other.open("/app/destinations/meta");
      const html = await other.page.content();
      expect(html).not.toContain(META_CREDENTIALS.pixelId);
      expect(html).not.toContain("Saved — leave empty to keep");
      // Forge a pause of our destination id with the other shop's session token.
      const answer = await other.page.evaluate(async (id) => {
        const body = new FormData();
        body.set("intent", "pause");
        body.set("id", id);
        const res = await fetch("/app/destinations?index", { method: "POST", body });
        return { status: res.status, text: await res.text() };
      }, ours.id);
      expect(answer.text).toContain("That destination does not exist in this store.");
      expect((await db.destination.findUniqueOrThrow({ where: { id: ours.id } })).pausedAt).toBeNull();
      // Its "send test event" has no Meta connection to use: ours is not reachable from there.
      const receivedBefore = standins.received("meta").length;
      const test = await other.page.evaluate(async () => {
        const body = new FormData();
        body.set("intent", "test");
        const res = await fetch("/app/destinations/meta", { method: "POST", body });
        return await res.text();
      });
      expect(test).toContain("settings first");
      expect(standins.received("meta").length).toBe(receivedBefore);
      // Its own test event has nothing to use.
      expect(await other.page.getByRole("button", { name: "Send test event" }).isDisabled()).toBe(true);
      expect(await db.destination.count({ where: { shop: OTHER_SHOP } })).toBe(0);
      await other.screenshot("destination-meta-other-shop");
      expect(other.problems()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
