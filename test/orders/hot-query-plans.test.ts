import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "@trueline/db-sqlite";
import { PrismaClient as PostgresClient } from "@trueline/db-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailMatchKey } from "~/core/identity/match-keys";
import { buildCustomer, buildOnlineOrder, buildRefund, buildRefundTransaction, gid, toWebhookBody } from "../factories/order-factory";
import { claimDueDeliveries } from "~/data/deliveries.server";
import { insertPixelEventGroups, type NewPixelEvent } from "~/data/pixel-events.server";
import { bodyDeliveredToAnotherShop, claimWebhooks, storeWebhook } from "~/data/webhooks.server";
import type { Db, DbProvider } from "~/db.server";
import { createLogger } from "~/lib/logger.server";
import { applyOrderWebhook, applyRefundWebhook } from "~/services/orders.server";
import { processPixelEventsTick } from "~/services/visits.server";
import { META_CREDENTIALS } from "../standins";
import { createTestDatabase } from "../support/databases";
import { openDb, seedDestination, seedInstalledShop, testKey } from "../support/seed";
import { iso, MINUTE, OPEN_POLICY } from "./support";

/**
 * Issue 10, "flat with history": no hot query may read a large table whole or sort rows
 * outside an index, because its cost would then grow with the store's history. The hot
 * paths run here in-process against a migrated database with Prisma's query log on:
 * sessionising (claim and pass), orders/create with a cross-device profile merge,
 * refunds/create, the webhook claim and the outbox claim. Every statement they issue is
 * EXPLAINed:
 * - SQLite: `EXPLAIN QUERY PLAN` (no ANALYZE statistics, as in production). A `SCAN` of a
 *   large table (with or without an index: a full walk either way) or a `USE TEMP B-TREE`
 *   fails.
 * - PostgreSQL: `EXPLAIN` with `enable_seqscan` and `enable_sort` off (its planner picks a
 *   sequential scan on a few rows whatever the indexes; with both off, a `Seq Scan` or a
 *   `Sort` left in the plan means no index can serve the statement).
 *
 * KNOWN lists what fails today outside this room, with the owner; when it is fixed the test
 * fails until the line is removed.
 */
const LARGE = ["PixelEvent", "Order", "Delivery", "DeliveryAttempt", "VisitSession", "WebhookDelivery", "Conversion", "AttributionCredit", "Profile", "ProfileAlias"];
const KNOWN: string[] = [];

const SHOP = "hot-plans.myshopify.com";
const provider: DbProvider = process.env.TEST_DATABASE === "postgres" ? "postgres" : "sqlite";

interface Logged {
  query: string;
  params: unknown[];
  phase: string;
}

function loggingClient(url: string, phase: { name: string }): { db: Db; queries: Logged[] } {
  const queries: Logged[] = [];
  const onQuery = (e: { query: string; params: string }) => queries.push({ query: e.query, params: JSON.parse(e.params) as unknown[], phase: phase.name });
  if (provider === "sqlite") {
    const db = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url }), log: [{ emit: "event", level: "query" }] });
    db.$on("query", onQuery);
    return { db, queries };
  }
  const db = new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }), log: [{ emit: "event", level: "query" }] });
  db.$on("query", onQuery);
  return { db: db as unknown as Db, queries };
}

/** What is wrong with one statement's plan ("" when nothing), e.g. "PixelEvent: full scan". */
async function planProblems(db: Db, q: Logged): Promise<string[]> {
  if (provider === "sqlite") {
    const plan = await db.$queryRawUnsafe<Array<{ detail: string }>>(`EXPLAIN QUERY PLAN ${q.query}`, ...q.params);
    const out: string[] = [];
    for (const { detail } of plan) {
      if (/USE TEMP B-TREE/.test(detail) && touchesLarge(q.query)) out.push("sort outside an index");
      // A search on the shop alone reads every row the shop ever had: a scan too.
      const shopOnly = /^SEARCH (?:main\.)?(\w+)(?: AS \w+)? USING (?:COVERING )?INDEX \w+ \(shop=\?\)$/.exec(detail);
      if (shopOnly && LARGE.includes(tableOfAlias(q.query, shopOnly[1]!))) out.push(`${tableOfAlias(q.query, shopOnly[1]!)}: walk of the shop's rows`);
      const scan = /^SCAN (?:main\.)?"?(\w+)"?(?: AS (\w+))?/.exec(detail);
      if (scan) {
        const table = tableOfAlias(q.query, scan[1]!);
        if (LARGE.includes(table)) out.push(`${table}: full scan`);
      }
    }
    return out;
  }
  const lines = await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
    await tx.$executeRawUnsafe("SET LOCAL enable_sort = off");
    return tx.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(`EXPLAIN ${q.query}`, ...q.params);
  });
  const out: string[] = [];
  const plan = lines.map((r) => r["QUERY PLAN"]);
  for (const [i, l] of plan.entries()) {
    if (/^\s*(->\s*)?(Incremental )?Sort\b/.test(l) && touchesLarge(q.query) && !mergesLimitedWalks(plan, i)) out.push("sort outside an index");
    const seq = /Seq Scan on "?(\w+)"?/.exec(l);
    if (seq && LARGE.includes(seq[1]!)) out.push(`${seq[1]}: full scan`);
  }
  return out;
}

/**
 * PostgreSQL: a Sort whose input is an Append of subqueries each cut by a LIMIT (the outbox
 * claim: one locking, ordered index walk per open status, which PostgreSQL refuses to run
 * under a UNION and will not Merge Append through LockRows) sorts at most the sum of those
 * limits, whatever the table's size: not a sort that grows with history.
 */
function mergesLimitedWalks(plan: string[], sortAt: number): boolean {
  const below = plan.slice(sortAt + 1).filter((l) => !/^\s*Sort Key:/.test(l));
  if (!/^\s*->\s*Append\b/.test(below[0] ?? "")) return false;
  const arms = below.flatMap((l, i) => (/^\s*->\s*Subquery Scan on/.test(l) ? [i] : []));
  return arms.length >= 2 && arms.every((i) => /^\s*->\s*Limit\b/.test(below[i + 1] ?? ""));
}

/**
 * A sort of a small table (a shop's destinations), or of rows fetched by primary key (the
 * rows a claim just took), costs nothing that grows with history.
 */
function touchesLarge(sql: string): boolean {
  if (/[`"]id[`"]\s*(?:IN\s*\(\s*(?:\?|\$\d+)|=\s*(?:\?|\$\d+))/.test(sql.slice(sql.search(/\bWHERE\b/)))) return false;
  return [...sql.matchAll(/\b(?:FROM|JOIN|UPDATE)\s+(?:[`"]main[`"]\.|[`"]?public[`"]?\.)?[`"](\w+)[`"]/gi)].some((m) => LARGE.includes(m[1]!));
}

/** SQLite names a table by its alias in the plan when the statement gives one. */
function tableOfAlias(sql: string, name: string): string {
  const m = new RegExp(`"(\\w+)"\\s+(?:AS\\s+)?${name}\\b`).exec(sql);
  return LARGE.includes(name) ? name : (m?.[1] ?? name);
}

function event(over: Partial<NewPixelEvent> & Pick<NewPixelEvent, "eventId" | "name" | "occurredAt" | "clientId">): NewPixelEvent {
  return {
    shop: SHOP,
    receivedAt: over.occurredAt,
    visitorId: null,
    url: "https://shop.example.com/",
    referrer: null,
    checkoutToken: null,
    orderId: null,
    cartToken: null,
    customerId: null,
    emailHash: null,
    phoneHash: null,
    consent: "1111",
    isBot: false,
    data: "{}",
    identity: "{}",
    userAgent: null,
    ip: null,
    ...over,
  };
}

describe("hot queries read through indexes, in index order (issue 10)", () => {
  let url: string;
  let drop: () => Promise<void>;
  const phase = { name: "setup" };
  let logged: { db: Db; queries: Logged[] };

  beforeAll(async () => {
    const database = await createTestDatabase();
    url = database.url;
    drop = database.drop;
    const seed = await openDb(url);
    await seedInstalledShop(seed, SHOP);
    await seedDestination(seed, SHOP, "meta", { ...META_CREDENTIALS }, OPEN_POLICY);
    await seed.$disconnect();
    logged = loggingClient(url, phase);
  });

  afterAll(async () => {
    await logged?.db.$disconnect();
    await drop?.();
  });

  it("sessionising, orders/create with a merge, refunds/create, the webhook claim and the outbox claim", async () => {
    const { db, queries } = logged;
    const deps = { db, provider, key: testKey(), log: createLogger({ level: "error", write: () => undefined }), now: Date.now, random: Math.random };
    const now = Date.now();
    // Two browsers of one shopper: a phone that left an email at checkout, a laptop that bought.
    const phone = now - 3 * 60 * MINUTE;
    const laptop = now - 60 * MINUTE;
    await insertPixelEventGroups(db, [
      [
        event({ eventId: "p1", name: "page_viewed", occurredAt: new Date(phone), clientId: "c-phone", url: "https://shop.example.com/?utm_source=instagram&utm_medium=social" }),
        event({ eventId: "p2", name: "checkout_contact_info_submitted", occurredAt: new Date(phone + MINUTE), clientId: "c-phone", checkoutToken: "ck-phone", cartToken: "cart-phone", emailHash: emailMatchKey("plans@example.com")! }),
      ],
      [
        event({ eventId: "l1", name: "page_viewed", occurredAt: new Date(laptop), clientId: "c-laptop", url: "https://shop.example.com/?gclid=Cj0Kplans", identity: JSON.stringify({ clickIds: { gclid: { value: "Cj0Kplans", at: laptop } } }) }),
        event({ eventId: "l2", name: "checkout_completed", occurredAt: new Date(laptop + 5 * MINUTE), clientId: "c-laptop", checkoutToken: "ck-plans", cartToken: "cart-plans", orderId: "7800000000001", customerId: "7801000000001", data: JSON.stringify({ value: 127.44, currency: "USD" }) }),
      ],
    ]);
    phase.name = "sessionising";
    expect(await processPixelEventsTick(deps)).toBe(4);

    phase.name = "orders/create";
    const at = laptop + 6 * MINUTE;
    const earlier = buildOnlineOrder({ id: 7800000000002n, admin_graphql_api_id: gid("Order", 7800000000002n), checkout_token: "ck-earlier", cart_token: "cart-earlier", customer: buildCustomer({ id: 7801000000001n, email: null }), email: null, contact_email: null, created_at: iso(laptop - 30 * MINUTE), processed_at: iso(laptop - 30 * MINUTE), updated_at: iso(laptop - 30 * MINUTE + 2_000) });
    expect((await applyOrderWebhook(deps, SHOP, toWebhookBody(earlier), new Date(), { receivedAt: new Date() })).kind).toBe("processed");
    const order = buildOnlineOrder({
      id: 7800000000001n,
      admin_graphql_api_id: gid("Order", 7800000000001n),
      checkout_token: "ck-plans",
      cart_token: "cart-plans",
      email: "plans@example.com",
      contact_email: "plans@example.com",
      customer: buildCustomer({ id: 7801000000001n, email: "plans@example.com" }),
      created_at: iso(at),
      processed_at: iso(at),
      updated_at: iso(at + 2_000),
    });
    // receivedAt: the order's wait for its shopper's unsessionised events runs (ADR 0005).
    const created = await applyOrderWebhook(deps, SHOP, toWebhookBody(order), new Date(), { receivedAt: new Date() });
    expect(created).toMatchObject({ kind: "processed", note: expect.stringMatching(/^online order matched \(order_id\)/) });

    phase.name = "refunds/create";
    const refund = { ...buildRefund({ id: 9800000000001n, order_id: 7800000000001n, transactions: [buildRefundTransaction({ order_id: 7800000000001n })] }), created_at: iso(now - MINUTE), processed_at: iso(now - MINUTE) };
    expect(await applyRefundWebhook(deps, SHOP, toWebhookBody(refund), new Date())).toEqual({ kind: "processed", note: "refund recorded" });

    phase.name = "webhook ack";
    expect(await bodyDeliveredToAnotherShop(db, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", SHOP)).toBe(false);
    phase.name = "webhook claim";
    await storeWebhook(db, { shop: SHOP, webhookId: "wh-plans-1", eventId: null, topic: "orders/create", apiVersion: null, triggeredAt: null, bodyDigest: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", rawBody: "{}" });
    expect(await claimWebhooks(db, provider, { now: new Date(), limit: 10, leaseMs: 60_000 })).toHaveLength(1);

    phase.name = "Delivery claim";
    expect((await claimDueDeliveries(db, provider, { now: new Date(Date.now() + 1_000), limit: 100, leaseMs: 60_000, workerId: "plans" })).length).toBeGreaterThan(0);

    const statements = queries.filter((q) => q.phase !== "setup" && /^\s*(SELECT|UPDATE|DELETE|WITH)\b/i.test(q.query) && !/pg_(try_)?advisory/.test(q.query));
    const phases = new Set(statements.map((q) => q.phase));
    expect([...phases].sort()).toEqual(["Delivery claim", "orders/create", "refunds/create", "sessionising", "webhook ack", "webhook claim"]);
    const problems = new Map<string, string>();
    for (const q of statements) {
      for (const p of await planProblems(db, q)) {
        const key = q.phase === "Delivery claim" || q.phase === "webhook claim" ? `${q.phase}: ${p}` : p;
        if (!problems.has(key)) problems.set(key, `${q.phase}: ${q.query.replace(/SELECT .*? FROM/, "SELECT … FROM")}`);
      }
    }
    // The order's wait for its shopper's unsessionised events (ADR 0005) reads the shopper's
    // events by their keys, never the backlog ([processedAt, receivedAt] walks every shop's
    // backlog, which the generic check above does not call a scan). SQLite only: PostgreSQL
    // without statistics picks among the [shop, …] indexes at random on a few rows.
    const wait = statements.filter((q) => q.phase === "orders/create" && /UNION ALL/.test(q.query) && /"receivedAt" <=/.test(q.query));
    expect(wait.length).toBeGreaterThan(0);
    if (provider === "sqlite") {
      for (const q of wait) {
        const plan = (await db.$queryRawUnsafe<Array<{ detail: string }>>(`EXPLAIN QUERY PLAN ${q.query}`, ...q.params)).map((r) => r.detail).filter((d) => /^(SEARCH|SCAN)/.test(d));
        expect(plan.length).toBeGreaterThanOrEqual(3); // browser, customer id, email
        for (const d of plan) expect(d).toMatch(/^SEARCH PixelEvent USING INDEX PixelEvent_shop_(clientId_occurredAt|customerId|emailHash|phoneHash)_idx \(shop=\? AND \w+=\?\)$/);
      }
    }
    const unexpected = [...problems.keys()].filter((p) => !KNOWN.includes(p));
    expect(unexpected.map((p) => `${p}  <-  ${problems.get(p)}`)).toEqual([]);
    expect([...problems.keys()].filter((p) => KNOWN.includes(p)).sort()).toEqual([...KNOWN].sort());
  });
});
