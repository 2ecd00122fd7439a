import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET, TEST_ENCRYPTION_KEY } from "../support/env";
import { pixelBatch, pixelEvent } from "../support/pixel";
import { openDb, seedInstalledShop } from "../support/seed";
import { signedProxyUrl } from "../support/shopify-signing";

/** Issue 11 part 6: a per-IP limit a visitor cannot dodge by rotating clientId; a wrong ENCRYPTION_KEY never boots. */

const SHOP = "limits-a.myshopify.com";

describe("per-IP limit at the app proxy (real server)", () => {
  let app: RunningApp;
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, SHOP);
    // 12 a minute: a burst of 2, then one every 5 s.
    app = await startApp({ databaseUrl: database.url, env: { WORKER_MODE: "off", LOG_LEVEL: "warn", RATE_LIMIT_IP_PER_MIN: "12" } });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await db?.$disconnect();
    await drop?.();
  });

  const post = (clientId: string, forwardedFor: string) =>
    fetch(signedProxyUrl(app.url, "/proxy/events", { shop: SHOP, secret: TEST_API_SECRET }), {
      method: "POST",
      headers: { "Content-Type": "text/plain", "X-Forwarded-For": forwardedFor },
      body: JSON.stringify(pixelBatch({ clientId, events: [pixelEvent("page_viewed", Date.now())] })),
    });

  it("rotating clientId from one address is limited; another address is not; the proxy's own hop is ignored", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(`rotating-${i}`, "198.51.100.23, 10.1.2.3")).status);
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.slice(2)).toEqual([429, 429, 429, 429]);
    const limited = await post("rotating-x", "198.51.100.23");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: "rate limited (ip)" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // The limit is the first address's, not the proxy hop's.
    expect((await post("other-1", "198.51.100.24, 10.1.2.3")).status).toBe(200);
    // The restore route shares the limit.
    const restore = await fetch(signedProxyUrl(app.url, "/proxy/restore", { shop: SHOP, secret: TEST_API_SECRET, extra: { clientId: "rotating-9" } }), { headers: { "X-Forwarded-For": "198.51.100.23" } });
    expect(restore.status).toBe(429);
    expect(await db.pixelEvent.count({ where: { shop: SHOP } })).toBe(3);
  });
});

describe("encryption key check at boot (real server)", () => {
  let drop: () => Promise<void>;
  let url: string;
  const OTHER_KEY = "1e".repeat(32);

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    url = database.url;
  });
  afterAll(async () => drop?.());

  it("the first boot stores a key check; a boot with another key is refused with one line naming ENCRYPTION_KEY; the right key boots again", async () => {
    const first = await startApp({ databaseUrl: url, env: { WORKER_MODE: "off", ENCRYPTION_KEY: TEST_ENCRYPTION_KEY } });
    await first.stop();
    const db = await openDb(url);
    try {
      const row = await db.appSetting.findUnique({ where: { key: "encryption_key_check" } });
      expect(row?.value).toMatch(/^v1\./);
    } finally {
      await db.$disconnect();
    }

    const refused = await startApp({ databaseUrl: url, env: { WORKER_MODE: "off", ENCRYPTION_KEY: OTHER_KEY } }).then(
      async (app) => {
        await app.stop();
        return "booted";
      },
      (e: Error) => e.message,
    );
    expect(refused).toMatch(/^server exited with 1:\n/);
    const lines = refused.replace(/^server exited with 1:\n/, "").trim().split("\n");
    expect(lines).toEqual([expect.stringMatching(/^Invalid environment: ENCRYPTION_KEY does not open this database's data/)]);

    // The worker-only process checks too.
    const worker = await startApp({ databaseUrl: url, args: ["--worker-only"], env: { ENCRYPTION_KEY: OTHER_KEY } }).then(
      async (app) => {
        await app.stop();
        return "booted";
      },
      (e: Error) => e.message,
    );
    expect(worker).toContain("ENCRYPTION_KEY does not open");

    const again = await startApp({ databaseUrl: url, env: { WORKER_MODE: "off", ENCRYPTION_KEY: TEST_ENCRYPTION_KEY } });
    await again.stop();
  }, 90_000);

  it("production refuses the example key from .env.example before touching the database", async () => {
    const refused = await startApp({ databaseUrl: url, env: { NODE_ENV: "production", WORKER_MODE: "off", ENCRYPTION_KEY: "0".repeat(64) } }).then(
      async (app) => {
        await app.stop();
        return "booted";
      },
      (e: Error) => e.message,
    );
    expect(refused).toContain("Invalid environment: ENCRYPTION_KEY is the example key from .env.example");
  }, 60_000);
});
