import { existsSync, readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAddress, buildCustomer, buildCustomersRedact, buildOnlineOrder, buildPosOrder, buildShopRedact, gid } from "../factories/order-factory";
import { REDACTION_TABLES } from "~/data/erasure.server";
import { deliver, isPostgres, MINUTE, OPEN_POLICY, sendPixel, settle, startOrdersEnv, visitBatch, type OrdersEnv } from "../orders/support";
import { seedDestination, seedInstalledShop } from "../support/seed";
import { waitFor } from "../support/wait";

/**
 * Issue 11 part 5: after customers/redact and shop/redact, SQL finds nothing of the person, and
 * neither do the database's files. SQLite: the bytes of the database file and its WAL are
 * scanned (not queried) for the email, phone, name, street and IP. PostgreSQL: every table a
 * shop redact emptied has been vacuumed (README "Security" says what that does and does not do).
 */

const SHOP = "bytes-redact.myshopify.com";
const GONE = "bytes-redact-gone.myshopify.com";
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

const IVY = { id: 7801000000001n, email: "ivy.thornquist@example.com", phone: "+14155550143", first: "Ivybelle", last: "Thornquist", street: "17 Thornquist Crescent", ip: "198.51.100.143" };
const OTTO = { id: 7801000000009n, email: "otto.brightwater@example.com", first: "Ottokar", last: "Brightwater", street: "9 Brightwater Row" };
const ivyNeedles = [IVY.email, IVY.phone, IVY.phone.slice(2), IVY.first, IVY.last, IVY.street, IVY.ip];
const ottoNeedles = [OTTO.email, OTTO.first, OTTO.last, OTTO.street];

/** Which needles the SQLite database file or its WAL still hold, byte for byte. */
function sqliteBytesHolding(url: string, needles: readonly string[]): string[] {
  const file = url.slice("file:".length);
  const files = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f));
  return needles.filter((n) => files.some((bytes) => bytes.includes(Buffer.from(n, "utf8"))));
}

describe("redacted personal data leaves the database files (issue 11 part 5)", () => {
  let env: OrdersEnv;

  beforeAll(async () => {
    env = await startOrdersEnv({ shop: SHOP, destinations: ["meta", "ga4"] });
    await seedInstalledShop(env.db, GONE);
    await seedDestination(env.db, GONE, "meta", { ...env.standins.credentials.meta }, OPEN_POLICY);
    const address = buildAddress({ first_name: IVY.first, last_name: IVY.last, name: `${IVY.first} ${IVY.last}`, address1: IVY.street, phone: IVY.phone });
    const customer = buildCustomer({ id: IVY.id, admin_graphql_api_id: gid("Customer", IVY.id), email: IVY.email, phone: IVY.phone, first_name: IVY.first, last_name: IVY.last });
    await sendPixel(env, visitBatch({ clientId: "c-ivy", at: now - 60 * MINUTE, url: "https://shop.example.com/?utm_source=facebook&fbclid=IwAR0ivy", fbclid: "IwAR0ivy", checkout: { token: "ck-ivy", orderId: 7800000000001n, email: IVY.email } }), IVY.ip);
    await settle(env.db, SHOP, { deliveries: false });
    const at = now - 50 * MINUTE;
    await deliver(env, "orders/create", buildOnlineOrder({ id: 7800000000001n, admin_graphql_api_id: gid("Order", 7800000000001n), checkout_token: "ck-ivy", email: IVY.email, contact_email: IVY.email, phone: IVY.phone, browser_ip: IVY.ip, customer, billing_address: address, shipping_address: address, created_at: iso(at), processed_at: iso(at), updated_at: iso(at + 2_000) }));
    const otto = buildCustomer({ id: OTTO.id, admin_graphql_api_id: gid("Customer", OTTO.id), email: OTTO.email, first_name: OTTO.first, last_name: OTTO.last });
    const ottoAddress = buildAddress({ first_name: OTTO.first, last_name: OTTO.last, name: `${OTTO.first} ${OTTO.last}`, address1: OTTO.street });
    await deliver({ app: env.app, shop: GONE }, "orders/create", buildPosOrder({ id: 7800000000009n, admin_graphql_api_id: gid("Order", 7800000000009n), email: OTTO.email, customer: otto, billing_address: ottoAddress, created_at: iso(at), processed_at: iso(at), updated_at: iso(at + 2_000) }));
    await settle(env.db, SHOP);
    await settle(env.db, GONE);
  });
  afterAll(async () => {
    await env?.close();
  });

  it.skipIf(isPostgres())("SQLite: after customers/redact no byte of the database file or its WAL holds her email, phone, name, street or IP", async () => {
    // The scan can fail: before the redaction the bytes are there.
    expect(sqliteBytesHolding(env.databaseUrl, ivyNeedles)).toEqual(ivyNeedles);
    await deliver(env, "customers/redact", buildCustomersRedact({ shop_domain: SHOP, customer: { id: IVY.id, email: IVY.email, phone: IVY.phone }, orders_to_redact: [7800000000001n] }));
    await settle(env.db, SHOP);
    await waitFor(async () => sqliteBytesHolding(env.databaseUrl, ivyNeedles).length === 0, { timeoutMs: 10_000, intervalMs: 200, what: "her bytes to leave the files" }).catch(() => undefined);
    expect(sqliteBytesHolding(env.databaseUrl, ivyNeedles)).toEqual([]);
    // Other shoppers keep theirs.
    expect(sqliteBytesHolding(env.databaseUrl, [OTTO.email])).toEqual([OTTO.email]);
  });

  it.skipIf(isPostgres())("SQLite: after shop/redact no byte of the files holds the shop's customers", async () => {
    expect(sqliteBytesHolding(env.databaseUrl, ottoNeedles)).toEqual(ottoNeedles);
    await deliver({ app: env.app, shop: GONE }, "shop/redact", buildShopRedact({ shop_domain: GONE }));
    await settle(env.db, GONE, { deliveries: false });
    await waitFor(async () => sqliteBytesHolding(env.databaseUrl, ottoNeedles).length === 0, { timeoutMs: 10_000, intervalMs: 200, what: "the shop's bytes to leave the files" }).catch(() => undefined);
    expect(sqliteBytesHolding(env.databaseUrl, ottoNeedles)).toEqual([]);
  });

  it.runIf(isPostgres())("PostgreSQL: shop/redact vacuums every table it emptied", async () => {
    const client = new pg.Client({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      const counts = async () => {
        const { rows } = await client.query<{ relname: string; n: string }>(`SELECT relname, vacuum_count::text AS n FROM pg_stat_user_tables WHERE relname = ANY($1)`, [REDACTION_TABLES]);
        return Object.fromEntries(rows.map((r) => [r.relname, Number(r.n)]));
      };
      const before = await counts();
      expect(Object.keys(before).sort()).toEqual([...REDACTION_TABLES].sort());
      await deliver({ app: env.app, shop: GONE }, "shop/redact", buildShopRedact({ shop_domain: GONE }));
      await settle(env.db, GONE, { deliveries: false });
      await waitFor(async () => Object.entries(await counts()).every(([t, n]) => n > before[t]!), { timeoutMs: 15_000, intervalMs: 250, what: "every redaction table vacuumed" }).catch(() => undefined);
      const after = await counts();
      expect(Object.fromEntries(REDACTION_TABLES.map((t) => [t, after[t]! > before[t]!]))).toEqual(Object.fromEntries(REDACTION_TABLES.map((t) => [t, true])));
    } finally {
      await client.end();
    }
  });
});
