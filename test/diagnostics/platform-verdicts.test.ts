import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { PlatformVerdictSchema } from "~/core/diagnostics/verdict";
import { buildOnlineOrder, toWebhookBody } from "../factories/order-factory";
import { startStandins, type Standins } from "../standins";
import { adminFetch } from "../support/admin-http";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { checkoutJourney } from "../support/pixel";
import { openDb, seedDestination, seedInstalledShop } from "../support/seed";
import { signedProxyUrl, webhookHeaders } from "../support/shopify-signing";
import { waitFor } from "../support/wait";

/**
 * The platforms' own verdict over real HTTP (issue 14, ADR 0041): the real server's worker
 * reads Meta's dataset quality, Google Ads' upload summary and Pinterest's Event Quality
 * Score from stand-ins that answer from what they received (checking auth and parameters
 * as documented), stores each read, and the data-quality page shows it beside Trueline's
 * estimate with the gap in words. TikTok and issue 14's five new platforms, connected too, are
 * named as having no read-back (and are never read).
 */
const OTHER_SHOP = "trueline-verdict-other.myshopify.com";
/** Issue 14's five new platforms: none publishes a read-back usable with their credentials (README). */
const NO_READ_BACK = ["microsoft", "reddit", "x", "linkedin", "klaviyo"] as const;
const NEW_PLATFORMS_SHOP = "trueline-verdict-new.myshopify.com";
const page = async (app: RunningApp, shop = TEST_SHOP) => {
  const res = await adminFetch(app.url, shop, "/app/data-quality");
  expect(res.status).toBe(200);
  return (await res.text()).replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
};
const readNow = async (app: RunningApp, shop = TEST_SHOP) => {
  const res = await adminFetch(app.url, shop, "/app/data-quality", { method: "POST", body: new URLSearchParams({ intent: "read-platforms" }) });
  expect(res.status).toBe(200);
  return (await res.text()).replace(/&#x27;|&#39;/g, "'");
};

describe("platform read-back: scheduled read, stored verdict, shown beside our estimate", () => {
  let app: RunningApp;
  let db: Db;
  let standins: Standins;
  let drop: () => Promise<void>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, TEST_SHOP);
    await seedInstalledShop(db, OTHER_SHOP);
    standins = await startStandins();
    for (const kind of ["meta", "google-ads", "pinterest", "tiktok"] as const) ids[kind] = (await seedDestination(db, TEST_SHOP, kind, { ...standins.credentials[kind] })).id;
    app = await startApp({ databaseUrl: database.url, env: { DESTINATION_BASE_URLS: JSON.stringify(standins.urls) } });
  });

  afterAll(async () => {
    await app?.stop();
    await standins?.close();
    await db?.$disconnect();
    await drop?.();
  });

  it("reads every platform with a read-back once at start, on the schedule, and stores the verdicts", async () => {
    // Nothing was ever read: the worker's first pass queues one job for the shop.
    const rows = await waitFor(async () => {
      const r = await db.platformDiagnostic.findMany({ where: { shop: TEST_SHOP } });
      return r.length >= 3 ? r : undefined;
    }, { what: "three stored reads" });
    expect(rows.map((r) => r.kind).sort()).toEqual(["google-ads", "meta", "pinterest"]);
    expect(rows.every((r) => r.status === "ok" && r.httpStatus === 200)).toBe(true);
    expect(await db.adminJob.count({ where: { shop: TEST_SHOP, kind: "platform_diagnostics" } })).toBe(1);
    // Each stand-in answered the read (and counted it apart from deliveries).
    for (const kind of ["meta", "google-ads", "pinterest"] as const) expect(standins.reads(kind).map((r) => r.status)).toEqual([200]);
    for (const kind of ["tiktok", ...NO_READ_BACK] as const) expect(standins.reads(kind)).toEqual([]);
    expect(standins.requests("meta")).toBe(0);
    // No credential is ever stored with a read.
    const stored = JSON.stringify(rows);
    for (const kind of ["meta", "google-ads", "pinterest"] as const) expect(stored).not.toContain(standins.credentials[kind].accessToken);
  });

  it("after real deliveries, 'Read now' reads again and the page shows each verdict with the gap explained", async () => {
    for (const [i, extra] of [
      ["1", { email: "jane.doe@example.com" }],
      ["2", { landing: "https://shop.example.com/products/trail-runner?gclid=EAIaIQobChMIverdict2" }],
    ] as const) {
      const orderId = 5975031431300n + BigInt(i);
      const checkoutToken = `c0ffee${i.padStart(26, "0")}`;
      const batch = checkoutJourney({ clientId: `client-verdict-${i}`, checkoutToken, orderId: orderId.toString(), ...extra });
      // The pixel remembers the Google click id of the landing (first-party storage), as it does fbclid.
      if ("landing" in extra) {
        const identity = batch.identity as { clickIds?: Record<string, { value: string; at: number }> };
        identity.clickIds = { ...identity.clickIds, gclid: { value: "EAIaIQobChMIverdict2", at: Date.now() - 10 * 60_000 } };
      }
      const res = await fetch(signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), { method: "POST", headers: { "Content-Type": "text/plain;charset=UTF-8" }, body: JSON.stringify(batch) });
      expect(res.status).toBe(200);
      const at = new Date(Date.now() - 60_000).toISOString();
      const body = toWebhookBody(buildOnlineOrder({ id: orderId, checkout_token: checkoutToken, created_at: at, processed_at: at, updated_at: at }));
      const wh = await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers: webhookHeaders({ topic: "orders/create", shop: TEST_SHOP, secret: TEST_API_SECRET, body, webhookId: `wh-verdict-${i}` }), body });
      expect(wh.status).toBe(200);
    }
    await waitFor(async () => standins.received("meta").filter((e) => e.eventName === "Purchase").length === 2 && standins.received("pinterest").some((e) => e.eventName === "checkout"), {
      what: "purchases at Meta and Pinterest",
    });
    const googleUploads = await waitFor(async () => {
      const n = await db.delivery.count({ where: { shop: TEST_SHOP, destinationId: ids["google-ads"], status: { in: ["delivered", "skipped"] } } });
      return n >= 2 ? n : undefined;
    }, { what: "Google Ads deliveries settled" }).then(() => standins.received("google-ads").length);
    // The shopper with the Google click id was uploaded (both orders share the factory's customer,
    // so the merged profile can carry the click to the other order too).
    expect(googleUploads).toBeGreaterThanOrEqual(1);

    expect(await readNow(app)).toContain("Reading 3 platforms in the background.");
    await waitFor(async () => (await db.platformDiagnostic.count({ where: { shop: TEST_SHOP } })) >= 6, { what: "three more reads" });

    // The stored Meta verdict is what the stand-in's dataset quality endpoint answers, parsed.
    const metaRow = await db.platformDiagnostic.findFirstOrThrow({ where: { destinationId: ids.meta }, orderBy: { fetchedAt: "desc" } });
    const verdict = PlatformVerdictSchema.parse(JSON.parse(metaRow.verdict));
    const q = new URLSearchParams({ dataset_id: standins.credentials.meta.pixelId!, access_token: standins.credentials.meta.accessToken!, fields: "web{event_name,event_match_quality{composite_score,match_key_feedback}}" });
    const direct = (await (await fetch(`${standins.urls.meta}/v24.0/dataset_quality?${q}`)).json()) as { web: Array<{ event_name: string; event_match_quality: { composite_score: number } }> };
    const purchase = verdict.events.find((e) => e.platformEvent === "Purchase")!;
    expect(purchase.canonical).toBe("purchase");
    expect(purchase.score).toBe(direct.web.find((w) => w.event_name === "Purchase")!.event_match_quality.composite_score);
    expect(purchase.matchKeys.find((k) => k.key === "email")).toEqual({ key: "email", field: "emailHash", coveragePct: 100 });

    const html = await page(app);
    // Meta: the score beside our estimate, and why they differ, in words.
    expect(html).toContain("Event Match Quality (Meta's dataset quality)");
    expect(html).toContain(`${purchase.score!.toFixed(1)} / 10`);
    expect(html).toMatch(/estimate \d+\.\d/);
    expect(html).toContain("Purchase: why the figures differ");
    expect(html).toMatch(/Meta scores Purchase \d+\.\d/);
    expect(html).toContain("Update your IPv4 IP addresses to IPv6 IP addresses");
    // Google Ads: the upload summary's counts beside what we delivered.
    expect(html).toContain("Offline conversion upload diagnostics (Google Ads)");
    expect(html).toContain(`received ${googleUploads}, accepted ${googleUploads}, refused 0`);
    expect(html).toContain("excellent");
    // Pinterest: its overall status and coverage.
    expect(html).toContain("Event Quality Score (Pinterest)");
    expect(html).toMatch(/good|fair|needs improvement/);
    // TikTok is connected and has no read-back: named, not silently missing.
    expect(html).toContain("TikTok publishes no API that reports how events were received");
  });

  it("a refused read is stored and shown in the merchant's words, and another shop sees none of it", async () => {
    standins.setFault("meta", { type: "bad-token" });
    const before = await db.platformDiagnostic.count({ where: { shop: TEST_SHOP } });
    await readNow(app);
    await waitFor(async () => (await db.platformDiagnostic.count({ where: { shop: TEST_SHOP } })) >= before + 3, { what: "three more reads" });
    standins.setFault("meta", { type: "none" });
    const metaRow = await db.platformDiagnostic.findFirstOrThrow({ where: { destinationId: ids.meta }, orderBy: { fetchedAt: "desc" } });
    expect(metaRow).toMatchObject({ status: "error", httpStatus: 400 });
    const html = await page(app);
    expect(html).toContain("Meta did not give its verdict");
    expect(html).toContain("Meta refused the access token (expired or revoked).");
    // The other platforms' verdicts stay as they were read.
    expect(html).toContain("Offline conversion upload diagnostics (Google Ads)");

    const other = await page(app, OTHER_SHOP);
    expect(other).toContain("No platform has been read yet.");
    expect(other).not.toContain("Event Match Quality (Meta");
  });

  it("issue 14's five new platforms have no read-back: connected, never read, each named on the page", async () => {
    // Their own shop, seeded last, so they add no deliveries to the tests above.
    await seedInstalledShop(db, NEW_PLATFORMS_SHOP);
    for (const kind of NO_READ_BACK) await seedDestination(db, NEW_PLATFORMS_SHOP, kind, { ...standins.credentials[kind] });
    const without = /([^>]*) publish no API that reports how events were received/.exec(await page(app, NEW_PLATFORMS_SHOP))?.[1] ?? "";
    expect(without.split(", ").sort()).toEqual(["Klaviyo", "LinkedIn", "Microsoft Advertising", "Reddit", "X (Twitter)"]);
    expect(await readNow(app, NEW_PLATFORMS_SHOP), "'Read now' has nothing to read").toContain("No connected platform publishes a read-back");
    for (const kind of NO_READ_BACK) expect(standins.reads(kind)).toEqual([]);
    expect(await db.platformDiagnostic.count({ where: { shop: NEW_PLATFORMS_SHOP } })).toBe(0);
  });
});
