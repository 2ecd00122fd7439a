import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "@trueline/db-sqlite";
import { PrismaClient as PostgresClient } from "@trueline/db-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCustomer, buildOnlineOrder, buildRefund, buildRefundTransaction, gid, toWebhookBody } from "../factories/order-factory";
import type { Db, DbProvider } from "~/db.server";
import { createLogger } from "~/lib/logger.server";
import { applyOrderWebhook, applyRefundWebhook } from "~/services/orders.server";
import { startStandins, type Standins } from "../standins";
import { testKey } from "../support/seed";
import { deliver, iso, MINUTE, prepareDatabase, sendPixel, settle, startServer, visitBatch, type PreparedDatabase } from "./support";

/**
 * Reconciliation must not scan: every query the order and refund handlers run (evidence
 * lookups, identity, attribution, conversions, outbox) must find its rows through an index
 * on the columns it filters by equality. The handlers run here in-process against a
 * database the real server filled, with Prisma's query log on. SQLite: each logged
 * statement is EXPLAINed (EXPLAIN QUERY PLAN, no ANALYZE statistics, as in production) and
 * the index it uses must constrain every equality column. PostgreSQL: the catalogue must
 * hold an index leading with those columns (its planner's choice on a few rows means nothing).
 *
 * KNOWN_MISSING lists what prisma/schema.base.prisma lacks (empty since issue 10 added
 * [shop, cartToken] and [shop, profileId] on PixelEvent, [shop, profileId, shopifyCreatedAt]
 * on Order); test/orders/hot-query-plans.test.ts also fails on scans and sorts.
 */
const KNOWN_MISSING: string[] = [];
/** Narrowed well enough by the index it uses (said why). */
const ACCEPTED = [
  // releaseWaitingRefunds: (status, lockedUntil) reads only deliveries still waiting ("received"), a handful.
  "WebhookDelivery: shop not in the index used",
  "WebhookDelivery: topic not in the index used",
  // botSessionIdsOfProfile (bot filtering on): [shop, profileId] narrows to one shopper's events;
  // isBot is checked on those rows (an index with isBot would only pay for profiles with long histories).
  "PixelEvent: isBot not in the index used",
];

const SHOP = "orders-indexes.myshopify.com";
const now = Date.now();
const provider: DbProvider = process.env.TEST_DATABASE === "postgres" ? "postgres" : "sqlite";

interface Logged {
  query: string;
  params: unknown[];
}

function loggingClient(url: string): { db: Db; queries: Logged[] } {
  const queries: Logged[] = [];
  const onQuery = (e: { query: string; params: string }) => queries.push({ query: e.query, params: JSON.parse(e.params) as unknown[] });
  if (provider === "sqlite") {
    const db = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url }), log: [{ emit: "event", level: "query" }] });
    db.$on("query", onQuery);
    return { db, queries };
  }
  const db = new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }), log: [{ emit: "event", level: "query" }] });
  db.$on("query", onQuery);
  return { db: db as unknown as Db, queries };
}

/** `"Table"."column" = ?` and `"Table"."column" IN (...)` pairs of a statement's WHERE. */
function equalityColumns(sql: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  // Negated conditions (NOT (x = ?)) do not narrow anything.
  const where = sql.slice(sql.search(/\bWHERE\b/) >= 0 ? sql.search(/\bWHERE\b/) : sql.length).replace(/NOT\s*\(?[^()]*\)/g, "");
  for (const m of where.matchAll(/[`"](\w+)[`"]\.[`"](\w+)[`"]\s*(?:=\s*(?:\?|\$\d+)|IN\s*\()/g)) {
    const [, table, column] = m as unknown as [string, string, string];
    if (!out.has(table)) out.set(table, new Set());
    out.get(table)!.add(column);
  }
  return out;
}

async function problemsOf(db: Db, q: Logged): Promise<string[]> {
  const wanted = equalityColumns(q.query);
  if (wanted.size === 0) return [];
  const problems: string[] = [];
  if (provider === "sqlite") {
    const plan = await db.$queryRawUnsafe<Array<{ detail: string }>>(`EXPLAIN QUERY PLAN ${q.query}`, ...q.params);
    // A statement whose WHERE is an OR of lookups is planned as a MULTI-INDEX OR: one SEARCH
    // per branch, each on its own index; a column is served when some SEARCH of its table
    // constrains it.
    for (const [table, cols] of wanted) {
      const served = new Set<string>();
      let byKey = false;
      let searched = false;
      for (const { detail } of plan) {
        const m = /^(SCAN|SEARCH) (?:main\.)?(\w+)(?: AS \w+)?(?: USING (?:COVERING )?(?:INDEX (\w+)|INTEGER PRIMARY KEY|PRIMARY KEY))?(?: \((.*)\))?/.exec(detail);
        if (!m || m[2] !== table) continue;
        if (m[1] === "SCAN") {
          problems.push(`${table}: scanned (${detail})`);
          continue;
        }
        searched = true;
        const constrained = new Set((m[4] ?? "").split(" AND ").map((c) => c.replace(/[=<>].*$/, "").trim()));
        if (constrained.has("id") || /autoindex|_pkey/.test(m[3] ?? "")) byKey = true;
        for (const c of constrained) served.add(c);
      }
      if (!searched || byKey) continue;
      for (const c of cols) if (!served.has(c)) problems.push(`${table}: ${c} not in the index used`);
    }
    return problems;
  }
  // PostgreSQL plans a table of a few rows however it likes (any index with a matching
  // prefix costs the same), so the catalogue is checked instead: some index must lead with
  // the statement's equality columns (the planner picks it once the table has real data).
  const indexes = await pgIndexes(db);
  // A WHERE that is an OR of lookups, each with its own equality columns (one index each).
  const branches = / OR /.test(q.query) ? q.query.slice(q.query.search(/\bWHERE\b/)).split(/\)\s+OR\s+\(/).map((part) => equalityColumns(`WHERE ${part}`)) : [wanted];
  for (const branch of branches) {
    for (const [table, cols] of branch) {
      if (cols.has("id")) continue;
      const best = (indexes.get(table) ?? []).map((ix) => {
        const prefix: string[] = [];
        for (const c of ix.columns) {
          if (!cols.has(c)) break;
          prefix.push(c);
        }
        return new Set(prefix);
      });
      const covered = best.reduce<Set<string>>((a, b) => (b.size > a.size ? b : a), new Set());
      for (const c of cols) if (!covered.has(c)) problems.push(`${table}: ${c} not in the index used`);
    }
  }
  return problems;
}

let pgIndexCache: Map<string, Array<{ name: string; columns: string[] }>> | null = null;
async function pgIndexes(db: Db): Promise<Map<string, Array<{ name: string; columns: string[] }>>> {
  if (pgIndexCache) return pgIndexCache;
  const rows = await db.$queryRawUnsafe<Array<{ tablename: string; indexname: string; indexdef: string }>>(
    `SELECT tablename::text AS tablename, indexname::text AS indexname, indexdef::text AS indexdef FROM pg_indexes WHERE schemaname = current_schema()`,
  );
  const out = new Map<string, Array<{ name: string; columns: string[] }>>();
  for (const r of rows) {
    const list = /\(([^)]*)\)\s*$/.exec(r.indexdef)?.[1] ?? "";
    const columns = list.split(",").map((c) => c.trim().replace(/"/g, "").split(" ")[0]!);
    out.set(r.tablename, [...(out.get(r.tablename) ?? []), { name: r.indexname, columns }]);
  }
  pgIndexCache = out;
  return out;
}

describe("reconciliation queries use indexes", () => {
  let prepared: PreparedDatabase;
  let standins: Standins;

  beforeAll(async () => {
    standins = await startStandins();
    prepared = await prepareDatabase({ shop: SHOP, destinations: ["meta"], credentials: standins.credentials, paused: true });
    const app = await startServer(prepared.url, standins);
    // Two browsers of one shopper: a phone that left an email at checkout, a laptop logged in.
    await sendPixel({ app, shop: SHOP }, visitBatch({ clientId: "c-phone", at: now - 3 * 60 * MINUTE, url: "https://shop.example.com/?utm_source=instagram&utm_medium=social", checkout: { token: "ck-phone", email: "idx@example.com", abandon: true } }));
    await sendPixel({ app, shop: SHOP }, visitBatch({ clientId: "c-laptop", at: now - 60 * MINUTE, url: "https://shop.example.com/?utm_source=google&utm_medium=cpc&gclid=Cj0Kidx", checkout: { token: "ck-idx", orderId: 7700000000001n, customerId: "7701000000001" } }));
    await deliver({ app, shop: SHOP }, "orders/create", buildOnlineOrder({ id: 7700000000002n, admin_graphql_api_id: gid("Order", 7700000000002n), checkout_token: "ck-earlier", customer: buildCustomer({ id: 7701000000001n, email: null }), email: null, contact_email: null, created_at: iso(now - 50 * MINUTE), processed_at: iso(now - 50 * MINUTE), updated_at: iso(now - 50 * MINUTE + 2_000) }));
    await settle(prepared.db, SHOP, { deliveries: false });
    await app.stop();
  });

  afterAll(async () => {
    await prepared?.db.$disconnect();
    await standins?.close();
    await prepared?.drop();
  });

  it("orders/create (with a cross-device merge) and refunds/create find every row through an index", async () => {
    const { db, queries } = loggingClient(prepared.url);
    const deps = { db, provider, key: testKey(), log: createLogger({ level: "error", write: () => undefined }), now: Date.now, random: Math.random };
    const at = now - 40 * MINUTE;
    const order = buildOnlineOrder({
      id: 7700000000001n,
      admin_graphql_api_id: gid("Order", 7700000000001n),
      checkout_token: "ck-idx",
      cart_token: "cart-idx",
      email: "idx@example.com",
      contact_email: "idx@example.com",
      customer: buildCustomer({ id: 7701000000001n, email: "idx@example.com" }),
      created_at: iso(at),
      processed_at: iso(at),
      updated_at: iso(at + 2_000),
    });
    const result = await applyOrderWebhook(deps, SHOP, toWebhookBody(order), new Date());
    expect(result).toEqual({ kind: "processed", note: "online order matched (order_id); 1 other order(s) of the same shopper reconciled again" });
    const refund = { ...buildRefund({ id: 9700000000001n, order_id: 7700000000001n, transactions: [buildRefundTransaction({ order_id: 7700000000001n })] }), created_at: iso(now - MINUTE), processed_at: iso(now - MINUTE) };
    expect(await applyRefundWebhook(deps, SHOP, toWebhookBody(refund), new Date())).toEqual({ kind: "processed", note: "refund recorded" });

    const statements = queries.filter((q) => /^\s*(SELECT|UPDATE|DELETE)\b/i.test(q.query) && !/pg_advisory/.test(q.query));
    expect(statements.length).toBeGreaterThan(20);
    const problems = new Set<string>();
    for (const q of statements) for (const p of await problemsOf(db, q)) problems.add(p);
    await db.$disconnect();
    expect([...problems].filter((p) => !ACCEPTED.includes(p)).sort()).toEqual([...KNOWN_MISSING].sort());
  });
});
