/**
 * The bench's ONE seeding module: a store's history written straight into the database
 * (SQLite through better-sqlite3 prepared inserts in one transaction; PostgreSQL through
 * 5,000-row INSERT … SELECT FROM json_populate_recordset), with the tables' secondary indexes dropped during the
 * load and rebuilt after it (read from the catalog, so indexes other branches add are
 * rebuilt too). The columns written here follow prisma/schema.base.prisma as it is on this
 * branch: when the schema changes, this is the file to adjust.
 *
 * What it writes (deterministic for a given size):
 *  - one large shop (the one the bench measures, ~80% of the rows) and 50 small ones;
 *  - storefront visits: a client id per shopper (new or returning), a session per visit,
 *    page/product/collection views, searches, add-to-cart (cart token), checkouts
 *    (checkout token) and completed checkouts (order id), timestamps over 90 days;
 *  - what the worker would have derived from them: every event processed, with its
 *    profile (aliases client:/customer:/email:) and visit session;
 *  - orders: ~70% from completed checkouts (matched, with the checkout's tokens and the
 *    buyer's customer id / email), the rest without storefront evidence (unmatched);
 *  - a purchase conversion per order and, for the large shop, its delivered outbox row.
 * A few checkouts of the large shop are left open (started, never ordered): the reconcile
 * figure sends their orders through the webhook, so each lookup finds real evidence.
 *
 * The unprocessed backlog is NOT seeded here: the bench ingests it over HTTP, so its rows
 * are exactly what the app's own ingest writes.
 */
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { emailMatchKey } from "~/core/identity/match-keys";
import { toOrderFacts } from "~/core/orders/order-facts";
import { OrderWebhookSchema, extractExactIds } from "~/core/orders/order-webhook.schema";
import { buildOnlineOrder, toWebhookBody } from "../test/factories/order-factory";
import { identifierKey } from "~/core/sessions/profile-merge";

export type DbKind = "sqlite" | "postgres";
export interface SeedSpec {
  events: number;
  orders: number;
  /** The shop that gets most of the history (the one the app has a session for). */
  bigShop: string;
  /** Open checkouts of the big shop to keep for the reconcile figure. */
  openCheckouts?: number;
}
export interface OpenCheckout {
  clientId: string;
  checkoutToken: string;
  cartToken: string;
  customerId: string | null;
  email: string | null;
  at: number;
}
export interface SeedResult {
  ms: number;
  rows: Record<string, number>;
  open: OpenCheckout[];
}

/** A small deterministic PRNG (mulberry32): the same size always seeds the same store. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sink {
  table(name: string, columns: readonly string[]): (row: unknown[]) => void | Promise<void>;
  done(): Promise<void>;
}

const iso = (kind: DbKind, ms: number) => (kind === "sqlite" ? new Date(ms).toISOString().replace("Z", "+00:00") : new Date(ms).toISOString());

/** SQLite: one prepared INSERT per table, all in one transaction; indexes rebuilt at the end. */
function sqliteSink(file: string, tables: string[]): Sink {
  const d = new Database(file);
  // A scratch file: no rollback journal while loading (WAL again at the end, as the app runs it).
  d.pragma("journal_mode = OFF");
  d.pragma("synchronous = OFF");
  d.pragma("cache_size = -262144");
  const indexes = d
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => "?").join(",")})`)
    .all(...tables) as Array<{ name: string; sql: string }>;
  for (const i of indexes) d.exec(`DROP INDEX "${i.name}"`);
  d.exec("BEGIN");
  return {
    table(name, columns) {
      const st = d.prepare(`INSERT INTO "${name}" (${columns.map((c) => `"${c}"`).join(",")}) VALUES (${columns.map(() => "?").join(",")})`);
      return (row) => {
        st.run(...row.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v)));
      };
    },
    async done() {
      d.exec("COMMIT");
      for (const i of indexes) d.exec(i.sql);
      d.pragma("journal_mode = WAL");
      d.close();
    },
  };
}

/**
 * PostgreSQL: 5,000 rows per statement as ONE JSON parameter expanded by
 * `json_populate_recordset` (the server parses one text value instead of binding ~100k
 * parameters; COPY would need another package). Indexes rebuilt, then ANALYZE (autovacuum would).
 */
async function postgresSink(url: string, tables: string[]): Promise<Sink> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows: indexes } = await c.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`,
    [tables],
  );
  for (const i of indexes) await c.query(`DROP INDEX "${i.indexname}"`);
  const flushes: Array<() => Promise<void>> = [];
  return {
    table(name, columns) {
      let buf: string[] = [];
      const cols = columns.map((x) => `"${x}"`).join(",");
      const flush = async () => {
        if (buf.length === 0) return;
        const json = `[${buf.join(",")}]`;
        buf = [];
        await c.query(`INSERT INTO "${name}" (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::"${name}", $1::json)`, [json]);
      };
      flushes.push(flush);
      return (row) => {
        const o: Record<string, unknown> = {};
        columns.forEach((col, i) => (o[col] = row[i]));
        buf.push(JSON.stringify(o));
        if (buf.length >= 5000) return flush();
      };
    },
    async done() {
      for (const f of flushes) await f();
      const t0 = performance.now();
      for (const i of indexes) await c.query(i.indexdef);
      const t1 = performance.now();
      await c.query("ANALYZE");
      if (process.env.BENCH_SEED_DEBUG) console.log(`  (indexes ${(t1 - t0).toFixed(0)} ms, analyze ${(performance.now() - t1).toFixed(0)} ms)`);
      await c.end();
    },
  };
}

const TABLES = ["Shop", "PixelEvent", "Profile", "ProfileAlias", "VisitSession", "Order", "Conversion", "Delivery"];

/** Seed a migrated, empty database (file path for SQLite, URL for PostgreSQL). */
export async function seedHistory(kind: DbKind, target: string, spec: SeedSpec): Promise<SeedResult> {
  const t0 = performance.now();
  const rand = prng(spec.events ^ 0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const sink = kind === "sqlite" ? sqliteSink(target, TABLES) : await postgresSink(target, TABLES);
  const t = (ms: number) => iso(kind, ms);
  const counts: Record<string, number> = {};
  const wrap = (name: string, cols: readonly string[]) => {
    const w = sink.table(name, cols);
    counts[name] = 0;
    return (row: unknown[]) => {
      counts[name]!++;
      return w(row);
    };
  };
  const shopRow = wrap("Shop", ["domain", "installedAt", "settings", "createdAt", "updatedAt"]);
  const eventRow = wrap("PixelEvent", ["id", "shop", "eventId", "name", "occurredAt", "receivedAt", "clientId", "visitorId", "profileId", "sessionId", "url", "referrer", "checkoutToken", "orderId", "cartToken", "customerId", "emailHash", "consent", "isBot", "data", "identity", "userAgent", "processedAt"]);
  const profileRow = wrap("Profile", ["id", "shop", "customerId", "emailHash", "identifiers", "firstSeenAt", "lastSeenAt", "createdAt", "updatedAt"]);
  const aliasRow = wrap("ProfileAlias", ["id", "shop", "key", "profileId", "createdAt"]);
  const sessionRow = wrap("VisitSession", ["id", "shop", "profileId", "clientId", "startedAt", "lastEventAt", "eventCount", "channel", "source", "medium", "campaign", "landingUrl", "referrer", "clickIds", "createdAt", "updatedAt"]);
  const orderRow = wrap("Order", ["id", "shop", "orderId", "name", "kind", "sourceName", "shopifyCreatedAt", "shopifyUpdatedAt", "financialStatus", "currency", "totalPrice", "presentmentCurrency", "presentmentTotal", "customerId", "emailHash", "checkoutToken", "cartToken", "facts", "matchStatus", "matchMethod", "profileId", "sessionId", "explanation", "createdAt", "updatedAt"]);
  const conversionRow = wrap("Conversion", ["id", "shop", "eventId", "name", "orderId", "occurredAt", "payload", "createdAt", "updatedAt"]);
  const deliveryRow = wrap("Delivery", ["id", "shop", "destinationId", "conversionId", "eventId", "eventName", "status", "attempts", "nextAttemptAt", "firstQueuedAt", "occurredAt", "deliveredAt", "createdAt", "updatedAt"]);

  const end = Date.now() - 10 * 60_000;
  const start = end - 90 * 86_400_000;
  const smallShops = Array.from({ length: 50 }, (_, i) => `bench-small-${i}.myshopify.com`);
  for (const s of smallShops) await shopRow([s, t(start), "{}", t(start), t(start)]);

  // One parsed order as the template of every seeded order's facts (varied per order below).
  const templateRaw = toWebhookBody(buildOnlineOrder());
  const parsed = OrderWebhookSchema.parse(JSON.parse(templateRaw));
  const template = toOrderFacts(parsed, extractExactIds(templateRaw));
  if (template.kind !== "facts") throw new Error(`seed: template order rejected: ${template.reason}`);

  interface Client { id: string; shop: string; profileId: string; customerId: string | null; email: string | null; emailHash: string | null; firstSeen: number; cart: string | null }
  const clients = new Map<string, Client[]>();
  const newClient = async (shop: string, at: number): Promise<Client> => {
    const n = (counts.Profile ?? 0) + 1;
    const known = rand() < 0.45;
    const c: Client = { id: `c${n}.${Math.floor(rand() * 1e9)}`, shop, profileId: randomUUID(), customerId: known ? String(7_100_000_000_000 + n) : null, email: known ? `shopper${n}@example.com` : null, emailHash: null, firstSeen: at, cart: null };
    c.emailHash = c.email ? emailMatchKey(c.email) ?? null : null;
    const ids = JSON.stringify({ clickIds: rand() < 0.3 ? { fbclid: { value: `fb.${n}`, at } } : {}, cookies: { _fbp: `fb.1.${at}.${n}`, _ga: `GA1.1.${n}.${Math.floor(at / 1000)}` } });
    await profileRow([c.profileId, shop, c.customerId, c.emailHash, ids, t(at), t(at), t(at), t(at)]);
    await aliasRow([randomUUID(), shop, identifierKey("client", c.id), c.profileId, t(at)]);
    if (c.customerId) await aliasRow([randomUUID(), shop, identifierKey("customer", c.customerId), c.profileId, t(at)]);
    if (c.emailHash) await aliasRow([randomUUID(), shop, identifierKey("email", c.emailHash), c.profileId, t(at)]);
    const list = clients.get(shop) ?? [];
    list.push(c);
    clients.set(shop, list);
    return c;
  };

  const orders: Array<{ shop: string; at: number; client: Client | null; checkoutToken: string | null; cartToken: string | null; sessionId: string | null }> = [];
  const open: OpenCheckout[] = [];
  const keepOpen = spec.openCheckouts ?? 0;
  const avgVisit = 9;
  const pCheckout = Math.min(0.6, (0.7 * spec.orders) / Math.max(1, spec.events / avgVisit));
  const estVisits = Math.max(1, Math.round(spec.events / avgVisit));
  const channels = [
    { channel: "paid_social", source: "facebook", medium: "paid", url: "?utm_source=facebook&utm_medium=paid&utm_campaign=bfcm&fbclid=IwAR" },
    { channel: "paid_search", source: "google", medium: "cpc", url: "?utm_source=google&utm_medium=cpc&gclid=Cj0K" },
    { channel: "organic_search", source: "google", medium: "organic", url: "" },
    { channel: "direct", source: null, medium: null, url: "" },
    { channel: "email", source: "klaviyo", medium: "email", url: "?utm_source=klaviyo&utm_medium=email" },
  ] as const;
  const consent = "1111";
  const ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
  let written = 0;
  let visit = 0;
  while (written < spec.events) {
    const shop = rand() < 0.8 ? spec.bigShop : pick(smallShops);
    const at0 = start + ((end - start) * visit) / estVisits;
    visit++;
    const known = clients.get(shop);
    const client = known && known.length > 20 && rand() < 0.35 ? known[known.length - 1 - Math.floor(rand() * Math.min(known.length, 5000))]! : await newClient(shop, at0);
    const ch = pick(channels);
    const sessionId = randomUUID();
    const landing = `https://${shop.replace(".myshopify.com", ".example.com")}/${ch.url}`;
    const events: Array<{ name: string; url: string; checkoutToken?: string; cartToken?: string; orderId?: string }> = [{ name: "page_viewed", url: landing }];
    const browse = 2 + Math.floor(-Math.log(1 - rand()) * 4);
    for (let i = 0; i < browse; i++) {
      const r = rand();
      events.push(r < 0.45 ? { name: "product_viewed", url: `https://shop.example.com/products/p-${Math.floor(rand() * 400)}` } : r < 0.75 ? { name: "page_viewed", url: "https://shop.example.com/collections/all" } : r < 0.9 ? { name: "collection_viewed", url: "https://shop.example.com/collections/new" } : { name: "search_submitted", url: "https://shop.example.com/search?q=shirt" });
    }
    const checkout = rand() < pCheckout;
    if (checkout || rand() < 0.15) {
      client.cart ??= `cart-${randomUUID().replace(/-/g, "")}`;
      events.push({ name: "product_added_to_cart", url: "https://shop.example.com/products/p-1", cartToken: client.cart }, { name: "cart_viewed", url: "https://shop.example.com/cart", cartToken: client.cart });
    }
    let checkoutToken: string | null = null;
    let completed = false;
    if (checkout) {
      checkoutToken = randomUUID().replace(/-/g, "");
      completed = !(shop === spec.bigShop && open.length < keepOpen && written > spec.events * 0.5) && rand() < 0.9;
      const base = { url: `https://shop.example.com/checkouts/cn/${checkoutToken}`, checkoutToken, cartToken: client.cart! };
      events.push({ name: "checkout_started", ...base }, { name: "checkout_contact_info_submitted", ...base }, { name: "payment_info_submitted", ...base });
      if (completed) events.push({ name: "checkout_completed", ...base, orderId: String(6_000_000_000_000 + orders.length) });
      else if (shop === spec.bigShop && open.length < keepOpen) open.push({ clientId: client.id, checkoutToken, cartToken: client.cart!, customerId: client.customerId, email: client.email, at: at0 });
    }
    let at = at0;
    for (const [i, e] of events.entries()) {
      at += 5_000 + Math.floor(rand() * 40_000);
      const n = written++;
      const data = JSON.stringify({ id: `sh-${n}`, name: e.name, timestamp: new Date(at).toISOString(), url: e.url, ...(e.checkoutToken ? { checkoutToken: e.checkoutToken } : {}), ...(e.cartToken ? { cartToken: e.cartToken } : {}), ...(e.orderId ? { orderId: e.orderId } : {}) });
      const identity = JSON.stringify({ clickIds: ch.channel === "paid_social" ? { fbclid: { value: `IwAR${n}`, at: at0 } } : ch.channel === "paid_search" ? { gclid: { value: `Cj0K${n}`, at: at0 } } : {}, cookies: { _fbp: `fb.1.${client.firstSeen}.1`, _ga: `GA1.1.${client.firstSeen}` }, utm: ch.source ? { source: ch.source, medium: ch.medium } : {} });
      await eventRow([randomUUID(), shop, `sh-${n}`, e.name, t(at), t(at + 150), client.id, null, client.profileId, sessionId, e.url, i === 0 ? "https://www.google.com/" : null,
        e.checkoutToken ?? null, e.orderId ?? null, e.cartToken ?? null, e.checkoutToken ? client.customerId : null, e.checkoutToken ? client.emailHash : null, consent, false, data, identity, ua, t(at + 1_000)]);
      if (written >= spec.events) break;
    }
    await sessionRow([sessionId, shop, client.profileId, client.id, t(at0), t(at), events.length, ch.channel, ch.source, ch.medium, ch.source ? "bfcm" : null, landing, "https://www.google.com/", "{}", t(at0), t(at)]);
    if (completed && orders.length < spec.orders * 0.7) {
      orders.push({ shop, at, client, checkoutToken, cartToken: client.cart, sessionId });
      client.cart = null;
    }
  }
  // Orders without storefront evidence (consent declined, other channels): the rest.
  while (orders.length < spec.orders) {
    const at = start + rand() * (end - start);
    orders.push({ shop: rand() < 0.8 ? spec.bigShop : pick(smallShops), at, client: null, checkoutToken: randomUUID().replace(/-/g, ""), cartToken: null, sessionId: null });
  }
  orders.sort((a, b) => a.at - b.at);
  let n = 0;
  for (const o of orders) {
    const orderId = String(6_000_000_000_000 + n);
    const name = `#${1001 + n}`;
    n++;
    const customerId = o.client?.customerId ?? (rand() < 0.6 ? String(7_900_000_000_000 + n) : null);
    const email = o.client?.email ?? (customerId ? `buyer${n}@example.com` : null);
    const emailHash = email ? emailMatchKey(email) ?? null : null;
    const amount = (10 + Math.floor(rand() * 19000) / 100).toFixed(2);
    const facts = JSON.stringify({ ...template.facts, orderId, adminGraphqlApiId: `gid://shopify/Order/${orderId}`, name, createdAt: o.at, updatedAt: o.at, processedAt: o.at, customerId, email, checkoutToken: o.checkoutToken, cartToken: o.cartToken, totals: { ...template.facts.totals, total: { shop: { amount, currency: "USD" }, presentment: { amount, currency: "USD" } }, currentTotal: { shop: { amount, currency: "USD" }, presentment: { amount, currency: "USD" } } } });
    const matched = o.client !== null;
    const id = randomUUID();
    await orderRow([id, o.shop, orderId, name, "online", "web", t(o.at), t(o.at), "paid", "USD", amount, "USD", amount, customerId, emailHash, o.checkoutToken, o.cartToken, facts,
      matched ? "matched" : "unmatched", matched ? "checkout_token" : null, o.client?.profileId ?? null, o.sessionId, JSON.stringify(matched ? ["Matched by the checkout token."] : ["No storefront evidence."]), t(o.at), t(o.at)]);
    const conversionId = randomUUID();
    const eventId = `purchase-${orderId}`;
    await conversionRow([conversionId, o.shop, eventId, "purchase", orderId, t(o.at), JSON.stringify({ eventId, name: "purchase", occurredAt: o.at, actionSource: "website", orderId, value: { shop: { amount, currency: "USD" }, presentment: { amount, currency: "USD" } }, user: { email }, clickIds: {}, consent: null, isTest: false }), t(o.at), t(o.at)]);
    if (o.shop === spec.bigShop) await deliveryRow([randomUUID(), o.shop, "bench-history-destination", conversionId, eventId, "purchase", "delivered", 1, t(o.at), t(o.at), t(o.at), t(o.at + 900), t(o.at), t(o.at + 900)]);
  }
  await sink.done();
  return { ms: performance.now() - t0, rows: counts, open };
}

type PrismaDb = Awaited<ReturnType<typeof import("../test/support/seed").openDb>>;

/**
 * The outbox a delivery figure drains: `count` purchase conversions of the big shop with one
 * pending row each for `destinationId` (what the webhook processing would have enqueued).
 */
export async function seedOutbox(db: PrismaDb, shop: string, destinationId: string, count: number, idBase: number): Promise<void> {
  const now = new Date();
  const conv = (i: number) => {
    const orderId = String(idBase + i);
    return {
      shop, eventId: `purchase-${orderId}`, name: "purchase", orderId, occurredAt: now,
      payload: JSON.stringify({ eventId: `purchase-${orderId}`, name: "purchase", occurredAt: now.getTime(), actionSource: "website", sourceUrl: "https://shop.example.com/thank-you", orderId,
        value: { shop: { amount: "42.00", currency: "USD" }, presentment: { amount: "42.00", currency: "USD" } }, user: { email: `buyer${i}@example.com`, ip: "203.0.113.9", userAgent: "Mozilla/5.0" }, clickIds: { gaClientId: "123.456", gclid: "Cj0K", fbp: "fb.1.1700000000000.1" }, consent: null, isTest: false }),
    };
  };
  for (let i = 0; i < count; i += 500) await db.conversion.createMany({ data: Array.from({ length: Math.min(500, count - i) }, (_, j) => conv(i + j)) });
  for (let i = 0; i < count; i += 500) {
    const ids = Array.from({ length: Math.min(500, count - i) }, (_, j) => `purchase-${idBase + i + j}`);
    const convs = await db.conversion.findMany({ where: { shop, eventId: { in: ids } }, select: { id: true, eventId: true } });
    await db.delivery.createMany({ data: convs.map((c) => ({ shop, destinationId, conversionId: c.id, eventId: c.eventId, eventName: "purchase", occurredAt: now, nextAttemptAt: now, firstQueuedAt: now })) });
  }
}

/**
 * Mark whatever the ingest phases left unprocessed as processed, so the figures measured
 * with the app idle (delivery, reconcile) are not sharing the worker with a backlog.
 */
export async function settleBacklog(db: PrismaDb): Promise<number> {
  return db.$executeRawUnsafe(`UPDATE "PixelEvent" SET "processedAt" = "receivedAt" WHERE "processedAt" IS NULL`);
}
