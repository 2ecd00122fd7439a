import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET } from "../support/env";
import { findPersonalData } from "../support/log-privacy";
import { pixelBatch, pixelEvent } from "../support/pixel";
import { openDb, seedInstalledShop } from "../support/seed";
import { signedProxyUrl } from "../support/shopify-signing";

/**
 * Issue 11 part 4: one error path. A database error on the Express path (the pixel's
 * ingest) and on the Remix path (a loader) is logged through the scrubbing logger with
 * a request id and answered with a generic 500 carrying that id: no stack, SQL or
 * parameters, whatever NODE_ENV is. The production run's output also goes to the run's
 * log folder, which the global teardown scans for personal data (test/global-setup.ts).
 */

const SHOP = "errors-a.myshopify.com";
const OTHER = "errors-b.myshopify.com";
const SHOPPER_IP = "81.2.69.160";
const SHOPPER_EMAIL = "jane.shopper@example.org";

for (const nodeEnv of ["production", "development"] as const) {
  describe(`the one error path (NODE_ENV=${nodeEnv})`, () => {
    let app: RunningApp;
    let db: Db;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const database = await createTestDatabase();
      drop = database.drop;
      db = await openDb(database.url);
      await seedInstalledShop(db, SHOP);
      await seedInstalledShop(db, OTHER);
      // Production-acceptable configuration: no stand-in URLs, a real (non-example) key.
      app = await startApp({ databaseUrl: database.url, env: { NODE_ENV: nodeEnv, WORKER_MODE: "off", LOG_LEVEL: "info" } });
    }, 60_000);

    afterAll(async () => {
      await app?.stop();
      await db?.$disconnect();
      await drop?.();
    });

    function expectGeneric500(res: Response, text: string) {
      expect(res.status).toBe(500);
      const id = res.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      for (const leak of ["PixelEvent", "Session", "INSERT", "SELECT", "    at ", ".ts:", ".js:", SHOPPER_IP, SHOPPER_EMAIL, "Prisma", "prisma"]) expect(text).not.toContain(leak);
      return id!;
    }

    it("a database error while storing pixel events (Express path): generic 500 with the id, logged scrubbed under that id", async () => {
      const before = app.output().length;
      await db.$executeRawUnsafe(`ALTER TABLE "PixelEvent" RENAME TO "PixelEventGone"`);
      try {
        const url = signedProxyUrl(app.url, "/proxy/events", { shop: SHOP, secret: TEST_API_SECRET });
        const body = pixelBatch({ clientId: "err-1", events: [pixelEvent("page_viewed", Date.now(), { url: `https://shop.example/?email=${SHOPPER_EMAIL}&ip=${SHOPPER_IP}` })] });
        const res = await fetch(url, { method: "POST", headers: { "Content-Type": "text/plain", "X-Forwarded-For": SHOPPER_IP }, body: JSON.stringify(body) });
        const text = await res.text();
        const id = expectGeneric500(res, text);
        expect(JSON.parse(text)).toEqual({ error: "internal error", requestId: id });
        await new Promise((r) => setTimeout(r, 200));
        const out = app.output().slice(before);
        const line = out.split("\n").find((l) => l.includes(id));
        expect(line, out).toBeDefined();
        expect(JSON.parse(line!)).toMatchObject({ level: "error", msg: "unhandled error", requestId: id, path: "/proxy/events" });
        expect(findPersonalData(out)).toEqual([]);
        expect(out).not.toContain(SHOPPER_EMAIL);
      } finally {
        await db.$executeRawUnsafe(`ALTER TABLE "PixelEventGone" RENAME TO "PixelEvent"`);
      }
    });

    it("a database error in a Remix loader: generic 500 with the id, logged under that id", async () => {
      const before = app.output().length;
      await db.$executeRawUnsafe(`ALTER TABLE "Session" RENAME TO "SessionGone"`);
      try {
        // OTHER has not been seen yet, so its "installed?" lookup reaches the database.
        const url = signedProxyUrl(app.url, "/proxy/restore", { shop: OTHER, secret: TEST_API_SECRET, extra: { clientId: "err-2" } });
        const res = await fetch(url);
        const text = await res.text();
        const id = expectGeneric500(res, text);
        await new Promise((r) => setTimeout(r, 200));
        const out = app.output().slice(before);
        const line = out.split("\n").find((l) => l.includes(id));
        expect(line, out).toBeDefined();
        expect(JSON.parse(line!)).toMatchObject({ level: "error", msg: "unhandled error", requestId: id, path: "/proxy/restore" });
        expect(findPersonalData(out)).toEqual([]);
      } finally {
        await db.$executeRawUnsafe(`ALTER TABLE "SessionGone" RENAME TO "Session"`);
      }
    });
  });
}
