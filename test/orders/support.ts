import { copyFileSync, existsSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { toWebhookBody } from "../factories/order-factory";
import type { Db } from "~/db.server";
import { startStandins, STANDIN_KINDS, type StandinKind, type Standins } from "../standins";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase, withDatabase } from "../support/databases";
import { POSTGRES_ADMIN_URL, TEST_API_SECRET, testDbKind } from "../support/env";
import { openDb, seedDestination, seedInstalledShop } from "../support/seed";
import { signedProxyUrl, webhookHmac } from "../support/shopify-signing";
import { waitFor } from "../support/wait";

/**
 * Shared harness of the order tests: a fresh database, the real server (`node server.mjs`,
 * worker inline), the ad-platform stand-ins, and helpers that send webhooks and pixel batches
 * exactly as Shopify does.
 */

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const iso = (ms: number) => new Date(ms).toISOString();

/** Every order kind on, refunds and cancellations on: the outbox shows every decision. */
export const OPEN_POLICY = {
  events: { refund: true, cancel: true },
  orderKinds: { pos: true, subscription_renewal: true, other_channel: true },
};

export interface OrdersEnv {
  app: RunningApp;
  db: Db;
  standins: Standins;
  databaseUrl: string;
  shop: string;
  destinationIds: Partial<Record<StandinKind, string>>;
  close(): Promise<void>;
}

export interface PreparedDatabase {
  url: string;
  db: Db;
  destinationIds: Partial<Record<StandinKind, string>>;
  drop(): Promise<void>;
}

/** A fresh database with an installed shop and destinations aimed at the stand-ins. */
export async function prepareDatabase(opts: { shop: string; destinations?: readonly StandinKind[]; policy?: Record<string, unknown>; paused?: boolean; credentials: Standins["credentials"] }): Promise<PreparedDatabase> {
  const database = await createTestDatabase();
  const db = await openDb(database.url);
  await seedInstalledShop(db, opts.shop);
  const destinationIds: Partial<Record<StandinKind, string>> = {};
  for (const kind of opts.destinations ?? STANDIN_KINDS) {
    const d = await seedDestination(db, opts.shop, kind, { ...opts.credentials[kind] }, opts.policy ?? OPEN_POLICY);
    destinationIds[kind] = d.id;
    if (opts.paused) await db.destination.update({ where: { id: d.id }, data: { pausedAt: new Date(), pausedReason: "held by the test" } });
  }
  return { url: database.url, db, destinationIds, drop: database.drop };
}

export function startServer(databaseUrl: string, standins: Standins): Promise<RunningApp> {
  return startApp({ databaseUrl, env: { DESTINATION_BASE_URLS: JSON.stringify(standins.urls), LOG_LEVEL: "warn" } });
}

export async function startOrdersEnv(opts: {
  shop: string;
  destinations?: readonly StandinKind[];
  policy?: Record<string, unknown>;
  /** Destinations start paused: nothing is sent until `resumeDestinations`. */
  paused?: boolean;
}): Promise<OrdersEnv> {
  const standins = await startStandins();
  const prepared = await prepareDatabase({ ...opts, credentials: standins.credentials });
  const app = await startServer(prepared.url, standins);
  return {
    app,
    db: prepared.db,
    standins,
    databaseUrl: prepared.url,
    shop: opts.shop,
    destinationIds: prepared.destinationIds,
    async close() {
      await app.stop();
      await standins.close();
      await prepared.db.$disconnect();
      await prepared.drop();
    },
  };
}

/**
 * A byte-for-byte copy of a database nobody is connected to (SQLite: the file, after the
 * last connection closed and checkpointed; PostgreSQL: CREATE DATABASE … TEMPLATE).
 */
export async function cloneDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  if (url.startsWith("file:")) {
    const from = url.slice("file:".length);
    const to = path.join(path.dirname(from), `${name}.sqlite`);
    if (existsSync(`${from}-wal`) && statSync(`${from}-wal`).size > 0) throw new Error("clone: the source still has an un-checkpointed WAL (close every connection first)");
    copyFileSync(from, to);
    return { url: `file:${to}`, drop: async () => undefined };
  }
  const source = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${source}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(POSTGRES_ADMIN_URL, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function resumeDestinations(env: OrdersEnv): Promise<void> {
  await env.db.destination.updateMany({ where: { shop: env.shop }, data: { pausedAt: null, pausedReason: null } });
  // A webhook nudges the worker awake; the idle poll (250 ms) picks the rows up anyway.
}

/** The route Shopify calls for a topic (shopify.app.toml). */
export function webhookPath(topic: string): string {
  if (topic.startsWith("orders/")) return "/webhooks/orders";
  if (topic === "refunds/create") return "/webhooks/refunds";
  if (topic.startsWith("draft_orders/")) return "/webhooks/draft_orders";
  if (topic.startsWith("subscription_")) return "/webhooks/subscriptions";
  return `/webhooks/${topic}`;
}

let seq = 0;
export interface SendOptions {
  webhookId?: string;
  shop?: string;
  secret?: string;
  /** Send this exact text instead of the payload (malformed/truncated bodies). */
  rawBody?: string;
  /** Drop these headers (missing-header tests). */
  omitHeaders?: string[];
  path?: string;
}

/** POST a webhook signed as Shopify signs it (HMAC-SHA256 of the raw bytes, base64). */
export async function sendWebhook(env: Pick<OrdersEnv, "app" | "shop">, topic: string, payload: unknown, o: SendOptions = {}): Promise<Response> {
  const body = o.rawBody ?? toWebhookBody(payload);
  seq += 1;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Hmac-Sha256": webhookHmac(body, o.secret ?? TEST_API_SECRET),
    "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": o.shop ?? env.shop,
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Webhook-Id": o.webhookId ?? `wh-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    "X-Shopify-Event-Id": `ev-${process.pid}-${seq}`,
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
  for (const h of o.omitHeaders ?? []) delete headers[h];
  return fetch(`${env.app.url}${o.path ?? webhookPath(topic)}`, { method: "POST", headers, body });
}

/** sendWebhook that must be acknowledged with 200 (what Shopify needs to stop retrying). */
export async function deliver(env: Pick<OrdersEnv, "app" | "shop">, topic: string, payload: unknown, o: SendOptions = {}): Promise<void> {
  const res = await sendWebhook(env, topic, payload, o);
  if (res.status !== 200) throw new Error(`${topic} answered ${res.status}: ${await res.text()}`);
}

/** A pixel batch through the signed app proxy. */
export async function sendPixel(env: Pick<OrdersEnv, "app" | "shop">, batch: unknown, ip = "203.0.113.7"): Promise<number> {
  const res = await fetch(signedProxyUrl(env.app.url, "/proxy/events", { shop: env.shop, secret: TEST_API_SECRET }), {
    method: "POST",
    headers: { "Content-Type": "text/plain;charset=UTF-8", "X-Forwarded-For": ip },
    body: JSON.stringify(batch),
  });
  if (res.status !== 200) throw new Error(`proxy answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { accepted: number }).accepted;
}

/**
 * Wait until the inline worker has settled everything: no pixel event unprocessed, no
 * webhook still "received" (that includes one waiting for a retry), and, unless
 * destinations are held, no outbox row pending or retrying.
 */
export async function settle(db: Db, shop: string, opts: { deliveries?: boolean; timeoutMs?: number } = {}): Promise<void> {
  try {
    await settleOrThrow(db, shop, opts);
  } catch (error) {
    // Say what is still open, so a hang is a readable failure.
    const [events, hooks, due] = await Promise.all([
      db.pixelEvent.count({ where: { shop, processedAt: null } }),
      db.webhookDelivery.findMany({ where: { shop, status: "received" }, select: { topic: true, attempts: true, error: true, lockedUntil: true } }),
      db.delivery.findMany({ where: { shop, status: { in: ["pending", "retrying"] } }, select: { eventId: true, status: true, attempts: true, lastError: true, nextAttemptAt: true, lockedUntil: true } }),
    ]);
    throw new Error(`${(error as Error).message}: ${events} pixel events, webhooks ${JSON.stringify(hooks.slice(0, 5))} (${hooks.length}), deliveries ${JSON.stringify(due.slice(0, 5))} (${due.length})`);
  }
}

async function settleOrThrow(db: Db, shop: string, opts: { deliveries?: boolean; timeoutMs?: number }): Promise<void> {
  await waitFor(
    async () => {
      const [events, hooks, due] = await Promise.all([
        db.pixelEvent.count({ where: { shop, processedAt: null } }),
        db.webhookDelivery.count({ where: { shop, status: "received" } }),
        opts.deliveries === false ? 0 : db.delivery.count({ where: { shop, status: { in: ["pending", "retrying"] } } }),
      ]);
      return events + hooks + due === 0;
    },
    { timeoutMs: opts.timeoutMs ?? 45_000, intervalMs: 100, what: `${shop} to settle` },
  );
}

/** Money in minor units (exact), for sums. */
export function minor(amount: string, decimals: number): bigint {
  const [int = "0", frac = ""] = amount.replace(/^-/, "").split(".");
  const v = BigInt(int) * 10n ** BigInt(decimals) + BigInt((frac + "0".repeat(decimals)).slice(0, decimals) || "0");
  return amount.startsWith("-") ? -v : v;
}

export const isPostgres = () => testDbKind() === "postgres";

export interface Visit {
  clientId: string;
  at: number;
  url: string;
  referrer?: string;
  /** Meta's _fbc/_fbp cookies, as Meta's tag sets them after a click with this fbclid. */
  fbclid?: string;
  pages?: number;
  /** A checkout; `abandon`: the shopper left after entering contact details (no order). */
  checkout?: { token: string; orderId?: bigint | string; email?: string; customerId?: string; value?: number; currency?: string; abandon?: boolean };
  consent?: { analytics?: boolean; marketing?: boolean; preferences?: boolean; saleOfData?: boolean };
  /** Click ids the pixel remembers (first-party storage), stamped when first seen; default: those in `url`. */
  clickIds?: Record<string, { value: string; at: number }>;
  /** Deterministic event ids (the replay test sends the same batch to two databases). */
  idPrefix?: string;
}

const URL_CLICK_IDS = ["fbclid", "gclid", "gbraid", "wbraid", "ttclid", "ScCid", "epik", "msclkid", "twclid", "rdt_cid"];

/** Click ids in a landing URL, as the pixel reads them. */
export function clickIdsIn(url: string, at: number): Record<string, { value: string; at: number }> {
  const out: Record<string, { value: string; at: number }> = {};
  for (const [k, v] of new URL(url).searchParams) if (URL_CLICK_IDS.includes(k) && v) out[k] = { value: v, at };
  return out;
}

/** One storefront visit as the pixel reports it: a landing, product views, and optionally a checkout. */
export function visitBatch(v: Visit): unknown {
  let n = 0;
  const ev = (name: string, at: number, extra: Record<string, unknown>) => {
    n += 1;
    return { id: v.idPrefix ? `${v.idPrefix}-${n}` : `sh-${v.clientId}-${at}-${n}`, name, timestamp: iso(at), ...extra };
  };
  const events = [ev("page_viewed", v.at, { url: v.url, ...(v.referrer ? { referrer: v.referrer } : {}) })];
  const product = { productId: "8123456789012", variantId: "45123456789012", price: 130, quantity: 1 };
  for (let i = 1; i < (v.pages ?? 2); i++) {
    events.push(ev("product_viewed", v.at + i * 40_000, { url: "https://shop.example.com/products/trail-runner", products: [product] }));
  }
  if (v.checkout) {
    const c = v.checkout;
    const t = v.at + 5 * MINUTE;
    const url = `https://shop.example.com/checkouts/cn/${c.token}`;
    events.push(ev("product_added_to_cart", t - MINUTE, { url: "https://shop.example.com/products/trail-runner", value: 130, currency: "USD", products: [product] }));
    events.push(ev("checkout_started", t, { url, checkoutToken: c.token, ...(c.customerId ? { customerId: c.customerId } : {}) }));
    events.push(ev("checkout_contact_info_submitted", t + 30_000, { url, checkoutToken: c.token, ...(c.email ? { email: c.email } : {}) }));
    if (c.abandon) return batchOf(v, events);
    events.push(ev("payment_info_submitted", t + 60_000, { url, checkoutToken: c.token }));
    events.push(
      ev("checkout_completed", t + 90_000, {
        url: `${url}/thank-you`,
        checkoutToken: c.token,
        orderId: `gid://shopify/OrderIdentity/${c.orderId}`,
        value: c.value ?? 127.44,
        currency: c.currency ?? "USD",
      }),
    );
  }
  return batchOf(v, events);
}

function batchOf(v: Visit, events: unknown[]): unknown {
  const fbclid = v.fbclid;
  const clickIds = v.clickIds ?? clickIdsIn(v.url, v.at);
  return {
    v: 1,
    consent: { analytics: true, marketing: true, preferences: true, saleOfData: true, ...v.consent },
    identity: {
      clientId: v.clientId,
      visitorId: `tl-${v.clientId}`,
      ...(Object.keys(clickIds).length ? { clickIds } : {}),
      ...(fbclid ? { cookies: { _fbc: `fb.1.${v.at}.${fbclid}`, _fbp: `fb.1.${v.at}.1234567890` } } : {}),
    },
    context: { userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", language: "en-US" },
    events,
  };
}
