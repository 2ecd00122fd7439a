import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { isWellFormed, wellFormedDeep } from "~/core/text/well-formed";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET } from "../support/env";
import { pixelBatch, pixelEvent } from "../support/pixel";
import { openDb, seedInstalledShop } from "../support/seed";
import { signedProxyUrl } from "../support/shopify-signing";

/**
 * Issue 11 part 1: a storefront event whose url, id, clientId or user agent holds a NUL
 * or a lone UTF-16 surrogate must cost nobody else anything. Hostile requests from one
 * shop and good requests from two shops, all at once, over real HTTP to `node server.mjs`:
 * every good request 2xx and every good event stored; hostile requests never 5xx, and
 * whatever of them is stored is well-formed text. Run on SQLite and TEST_DATABASE=postgres.
 */

const SHOP_A = "hostile-a.myshopify.com";
const SHOP_B = "hostile-b.myshopify.com";
const GOOD_PER_SHOP = 60;
const NUL = "\u0000";
const LONE_HIGH = "\uD83D"; // the first half of an emoji, cut
const LONE_LOW = "\uDE00";

describe("hostile text at the app proxy never fails other requests (both databases)", () => {
  let app: RunningApp;
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, SHOP_A);
    await seedInstalledShop(db, SHOP_B);
    app = await startApp({ databaseUrl: database.url, env: { WORKER_MODE: "off", LOG_LEVEL: "warn" } });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await db?.$disconnect();
    await drop?.();
  });

  function post(shop: string, body: unknown, ip = "203.0.113.7") {
    const url = signedProxyUrl(app.url, "/proxy/events", { shop, secret: TEST_API_SECRET });
    // JSON.stringify keeps a lone surrogate as a \ud83d escape, exactly what a browser sends.
    return fetch(url, { method: "POST", headers: { "Content-Type": "text/plain;charset=UTF-8", "X-Forwarded-For": ip }, body: JSON.stringify(body) });
  }

  function hostileBatches(seq: number) {
    const at = Date.now();
    const ua = (s: string) => ({ ...pixelBatch({ clientId: `h-ua-${seq}`, events: [pixelEvent("page_viewed", at, { url: "https://a.example/p" })] }), context: { userAgent: `Mozilla/5.0 ${s} Safari` } });
    return [
      pixelBatch({ clientId: `h-url-${seq}`, events: [pixelEvent("page_viewed", at, { url: `https://a.example/p?q=${NUL}x` })] }),
      pixelBatch({ clientId: `h-url2-${seq}`, events: [pixelEvent("page_viewed", at, { url: `https://a.example/${LONE_HIGH}`, referrer: `https://r.example/${LONE_LOW}` })] }),
      pixelBatch({ clientId: `h-id-${seq}`, events: [{ id: `sh-${seq}-${NUL}`, name: "page_viewed", timestamp: new Date(at).toISOString() }] }),
      pixelBatch({ clientId: `h-id2-${seq}`, events: [{ id: `sh-${seq}-${LONE_HIGH}`, name: "page_viewed", timestamp: new Date(at).toISOString() }] }),
      pixelBatch({ clientId: `h-cid-${seq}${NUL}`, events: [pixelEvent("page_viewed", at)] }),
      pixelBatch({ clientId: `h-cid2-${seq}${LONE_LOW}`, events: [pixelEvent("page_viewed", at)] }),
      ua(NUL),
      ua(LONE_HIGH),
    ];
  }

  it("every good request 2xx, every good event stored, hostile ones never 5xx and stored well-formed", async () => {
    const good: Array<{ shop: string; body: ReturnType<typeof pixelBatch>; ids: string[] }> = [];
    for (let i = 0; i < GOOD_PER_SHOP; i++) {
      for (const shop of [SHOP_A, SHOP_B]) {
        const events = [pixelEvent("page_viewed", Date.now(), { url: `https://shop.example/p/${i}` }), pixelEvent("product_viewed", Date.now(), { url: `https://shop.example/p/${i}` })];
        good.push({ shop, body: pixelBatch({ clientId: `good-${shop}-${i}`, events }), ids: events.map((e) => e.id) });
      }
    }
    const hostile = Array.from({ length: 6 }, (_, s) => hostileBatches(s)).flat();

    // Interleave hostile requests among the good ones and send them all at once, so
    // they share group-commit flushes.
    const requests: Array<{ kind: "good" | "hostile"; send: () => Promise<Response> }> = [];
    let h = 0;
    good.forEach((g, i) => {
      requests.push({ kind: "good", send: () => post(g.shop, g.body, `198.51.100.${(i % 200) + 1}`) });
      if (i % 3 === 0 && h < hostile.length) {
        const b = hostile[h++]!;
        requests.push({ kind: "hostile", send: () => post(SHOP_A, b, "203.0.113.9") });
      }
    });
    while (h < hostile.length) {
      const b = hostile[h++]!;
      requests.push({ kind: "hostile", send: () => post(SHOP_A, b, "203.0.113.9") });
    }
    const answers = await Promise.all(requests.map(async (r) => ({ kind: r.kind, status: (await r.send()).status })));

    const goodStatuses = answers.filter((a) => a.kind === "good").map((a) => a.status);
    expect(goodStatuses).toHaveLength(good.length);
    expect(goodStatuses.filter((s) => s < 200 || s > 299)).toEqual([]);
    const hostileStatuses = answers.filter((a) => a.kind === "hostile").map((a) => a.status);
    expect(hostileStatuses.filter((s) => s >= 500)).toEqual([]);

    for (const shop of [SHOP_A, SHOP_B]) {
      const ids = good.filter((g) => g.shop === shop).flatMap((g) => g.ids);
      expect(await db.pixelEvent.count({ where: { shop, eventId: { in: ids } } })).toBe(ids.length);
    }

    // Nothing stored carries a NUL or a lone surrogate (SQLite would keep them as they came).
    const rows = await db.pixelEvent.findMany({ where: { shop: SHOP_A }, select: { eventId: true, clientId: true, url: true, referrer: true, userAgent: true, data: true } });
    expect(rows.length).toBeGreaterThan(good.length / 2);
    const bad = rows.filter((r) => ![r.eventId, r.clientId, r.url ?? "", r.referrer ?? "", r.userAgent ?? "", r.data].every((s) => isWellFormed(s)) || JSON.stringify(wellFormedDeep(JSON.parse(r.data))) !== r.data);
    expect(bad).toEqual([]);
    // The hostile events were kept (made well-formed), not silently dropped.
    expect(rows.filter((r) => r.clientId.startsWith("h-")).length).toBeGreaterThanOrEqual(hostile.length);
  }, 120_000);
});
