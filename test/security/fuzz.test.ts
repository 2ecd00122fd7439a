import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { buildOnlineOrder, toWebhookBody } from "../factories/order-factory";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_KEY, TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { checkoutJourney } from "../support/pixel";
import { openDb, seedInstalledShop } from "../support/seed";
import { proxySignature, webhookHmac } from "../support/shopify-signing";

/**
 * Fuzzing (issue 7 item 4) with fast-check against the real server: malformed requests at
 * the app proxy, every webhook route and the admin routes. Never a 5xx, never a crash, no
 * write from a rejected request (row deltas equal exactly what the accepted requests
 * reported), memory flat. Default 3,000 requests; DRILL_LONG=1: 100,000. FUZZ_SEED=n
 * replays a run (the seed is printed).
 */

const LONG = process.env.DRILL_LONG === "1";
const RUNS = Number(process.env.FUZZ_RUNS ?? (LONG ? 100_000 : 3_000));
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 8;

export const WEBHOOK_ROUTES: Array<{ path: string; topic: string }> = [
  { path: "/webhooks/orders", topic: "orders/create" },
  { path: "/webhooks/refunds", topic: "refunds/create" },
  { path: "/webhooks/draft_orders", topic: "draft_orders/create" },
  { path: "/webhooks/subscriptions", topic: "subscription_contracts/create" },
  { path: "/webhooks/app/uninstalled", topic: "app/uninstalled" },
  { path: "/webhooks/app/scopes_update", topic: "app/scopes_update" },
  { path: "/webhooks/customers/data_request", topic: "customers/data_request" },
  { path: "/webhooks/customers/redact", topic: "customers/redact" },
  { path: "/webhooks/shop/redact", topic: "shop/redact" },
];
const ADMIN_PATHS = ["/app", "/app/", "/app/destinations", "/app/logs", "/app/settings", "/app/attribution", "/auth/login", "/auth/callback", "/auth/session-token", "/auth/exit-iframe", "/", "/healthz", "/proxy/restore", "/nope/../app"];

/** One fuzz case: how to build the request, and what the server may answer. */
interface Case {
  kind: "proxy" | "webhook" | "admin";
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Statuses the request may get (a 5xx is never allowed). */
  allowed?: number[];
  /** Whether a 2xx means "stored" (webhook) for the write accounting. */
  webhookStore?: boolean;
}

// ---------------------------------------------------------------- generators

const deepNesting = fc.integer({ min: 50, max: 5000 }).map((depth) => "[".repeat(depth) + "]".repeat(depth));
const hugeString = fc.integer({ min: 10_000, max: 200_000 }).map((n) => JSON.stringify({ v: 1, pad: "x".repeat(n) }));
const oddJson = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 300 }),
  fc.constantFrom("", "{", "}", "null", "[]", "{}", '{"v":1', "\u0000", "\ufeff{}", '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', "1e400", '"\ud800"'),
  deepNesting,
  hugeString,
);

/** A valid batch with one part replaced by something generated. */
const mutatedBatch = fc
  .record({
    path: fc.constantFrom("v", "consent", "consent.analytics", "identity", "identity.clientId", "identity.clickIds", "events", "events.0", "events.0.name", "events.0.timestamp", "events.0.id", "events.0.products", "context", "events.0.email", "events.0.value"),
    value: fc.oneof(fc.jsonValue(), fc.string({ maxLength: 5000 }), fc.constantFrom("unknown_event", "custom:" + "a".repeat(70), "2026-13-45T99:99:99Z", -1, 1e308, null, [], {})),
    seq: fc.nat(),
  })
  .map(({ path, value, seq }) => {
    const batch = checkoutJourney({ clientId: `fuzz-${seq}`, checkoutToken: `tok${seq}`, orderId: String(seq), email: `fuzz.${seq}@example.com` }) as unknown as Record<string, unknown>;
    const keys = path.split(".");
    let target: Record<string, unknown> = batch;
    for (const k of keys.slice(0, -1)) target = (target[k] ?? {}) as Record<string, unknown>;
    target[keys.at(-1)!] = value;
    return JSON.stringify(batch);
  });

const manyEvents = fc.integer({ min: 51, max: 400 }).map((n) =>
  JSON.stringify({ ...checkoutJourney({ clientId: `many-${n}`, checkoutToken: "t", orderId: "1" }), events: Array.from({ length: n }, (_, i) => ({ id: `e${i}`, name: "page_viewed", timestamp: new Date().toISOString() })) }),
);

const contentType = fc.constantFrom("text/plain;charset=UTF-8", "application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/html", "", "application/json; charset=utf-16", "\u00ff\u00fe");

function signedQuery(extra: Array<[string, string]>, opts: { sign: "valid" | "wrong" | "none" | "stale"; drop?: string }): string {
  const params = new URLSearchParams();
  const base: Array<[string, string]> = [
    ["shop", TEST_SHOP],
    ["logged_in_customer_id", ""],
    ["path_prefix", "/apps/trueline"],
    ["timestamp", String(Math.floor(Date.now() / 1000) - (opts.sign === "stale" ? 3600 : 0))],
  ];
  for (const [k, v] of [...base, ...extra]) if (k !== opts.drop) params.append(k, v);
  if (opts.sign !== "none") params.append("signature", opts.sign === "wrong" ? "0".repeat(64) : proxySignature(params, TEST_API_SECRET));
  return params.toString();
}

const queryExtras = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom("shop", "timestamp", "signature", "clientId", "path_prefix", "x"), fc.string({ maxLength: 20 })), fc.string({ maxLength: 100 })),
  { maxLength: 4 },
);

const proxyCase: fc.Arbitrary<Case> = fc
  .record({
    method: fc.constantFrom("POST", "POST", "POST", "GET", "PUT", "OPTIONS", "DELETE"),
    path: fc.constantFrom("/proxy/events", "/proxy/events", "/proxy/restore"),
    sign: fc.constantFrom("valid", "valid", "valid", "wrong", "none", "stale") as fc.Arbitrary<"valid" | "wrong" | "none" | "stale">,
    drop: fc.option(fc.constantFrom("shop", "timestamp", "path_prefix"), { nil: undefined }),
    extra: queryExtras,
    body: fc.oneof(oddJson, mutatedBatch, mutatedBatch, manyEvents),
    contentType,
  })
  .map(({ method, path, sign, drop, extra, body, contentType: ct }) => ({
    kind: "proxy" as const,
    method,
    path: `${path}?${signedQuery(extra, { sign, drop })}`,
    headers: (ct ? { "Content-Type": ct } : {}) as Record<string, string>,
    body: method === "GET" || method === "OPTIONS" ? undefined : body,
  }));

/** Headers shopify-api's webhook validation requires before it looks at the HMAC. */
const REQUIRED_WEBHOOK_HEADERS = ["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id", "X-Shopify-API-Version"];

let webhookSeq = 0;
const webhookCase: fc.Arbitrary<Case> = fc
  .record({
    route: fc.constantFrom(...WEBHOOK_ROUTES),
    body: fc.oneof(oddJson, fc.constant(toWebhookBody(buildOnlineOrder({ id: 424242n })))),
    hmac: fc.constantFrom("valid", "valid", "wrong", "missing", "other-body", "garbage"),
    drop: fc.subarray(["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id", "X-Shopify-API-Version", "X-Shopify-Event-Id", "X-Shopify-Triggered-At", "Content-Type"], { maxLength: 2 }),
    topic: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 })),
    shop: fc.constantFrom(TEST_SHOP, TEST_SHOP, "other-shop.myshopify.com", "not a shop", ""),
    method: fc.constantFrom("POST", "POST", "POST", "POST", "GET", "PUT"),
  })
  .map(({ route, body, hmac, drop, topic, shop, method }) => {
    webhookSeq++;
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic ?? route.topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": `fuzz-wh-${process.pid}-${webhookSeq}`,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Event-Id": `fuzz-ev-${webhookSeq}`,
      "X-Shopify-Triggered-At": new Date().toISOString(),
    };
    if (hmac !== "missing") headers["X-Shopify-Hmac-Sha256"] = hmac === "valid" ? webhookHmac(body, TEST_API_SECRET) : hmac === "other-body" ? webhookHmac(`${body} `, TEST_API_SECRET) : hmac === "wrong" ? webhookHmac(body, "wrong") : "!!not-base64!!";
    for (const h of drop) delete headers[h];
    return {
      kind: "webhook" as const,
      method,
      path: route.path,
      headers,
      body: method === "GET" ? undefined : body,
      // Shopify's library checks that the body and its headers are there (400), then the HMAC (401).
      allowed:
        method !== "POST"
          ? [405]
          : hmac === "missing"
            ? [400]
            : hmac !== "valid"
              ? body === "" || REQUIRED_WEBHOOK_HEADERS.some((h) => !headers[h]) || !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)
                ? [400, 401]
                : [401]
              : undefined,
      webhookStore: true,
    };
  });

const adminCase: fc.Arbitrary<Case> = fc
  .record({
    path: fc.constantFrom(...ADMIN_PATHS),
    method: fc.constantFrom("GET", "GET", "POST", "HEAD"),
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom("shop", "host", "embedded", "id_token", "hmac", "timestamp", "session", "locale"), fc.string({ maxLength: 10 })), fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom(TEST_SHOP, "1", "eyJhbGciOiJIUzI1NiJ9.eyJ9.x", "evil.com"))), { maxLength: 5 }),
    auth: fc.option(fc.oneof(fc.string({ maxLength: 200 }).map((s) => `Bearer ${s}`), fc.constant(`Bearer ${fakeJwt()}`)), { nil: undefined }),
    body: fc.option(fc.string({ maxLength: 500 }), { nil: undefined }),
  })
  .map(({ path, method, query, auth, body }) => {
    const qs = new URLSearchParams();
    for (const [k, v] of query) qs.append(String(k), v);
    const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
    if (auth) headers.Authorization = auth;
    return { kind: "admin" as const, method, path: `${path}${qs.size ? `?${qs}` : ""}`, headers, body: method === "POST" ? body : undefined };
  });

/** A token shaped like a session token but signed with the wrong key. */
function fakeJwt(): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: `https://${TEST_SHOP}/admin`, dest: `https://${TEST_SHOP}`, aud: TEST_API_KEY, sub: "1", exp: now + 60, nbf: now - 60, iat: now, jti: "x", sid: "y" })}.${Buffer.from("nope").toString("base64url")}`;
}

// ---------------------------------------------------------------- harness

let app: RunningApp;
let db: Db;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  db = await openDb(database.url);
  await seedInstalledShop(db, TEST_SHOP);
  // Web only: nothing processes what is stored, so row counts show exactly what requests wrote.
  app = await startApp({ databaseUrl: database.url, env: { WORKER_MODE: "off", LOG_LEVEL: "warn" } });
});
afterAll(async () => {
  await app?.stop();
  await db?.$disconnect();
  await drop?.();
});

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m![1]);
}

async function tableCounts(): Promise<Record<string, number>> {
  return {
    pixelEvent: await db.pixelEvent.count(),
    webhookDelivery: await db.webhookDelivery.count(),
    session: await db.session.count(),
    shop: await db.shop.count(),
    order: await db.order.count(),
    conversion: await db.conversion.count(),
    delivery: await db.delivery.count(),
    destination: await db.destination.count(),
  };
}

/** Status 0 = no answer (connection reset or refused). */
async function send(c: Case): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(`${app.url}${c.path}`, { method: c.method, headers: c.headers, body: c.body as BodyInit | undefined, redirect: "manual" });
    return { status: res.status, body: c.method === "HEAD" ? "" : await res.text() };
  } catch (error) {
    return { status: 0, body: String((error as Error).cause ?? error) };
  }
}

describe("fuzzing the HTTP surface", () => {
  it(`${RUNS} generated requests (proxy, webhooks, admin): no 5xx, no crash, no write from a rejected request, memory flat`, async () => {
    const arb = fc.oneof({ weight: 5, arbitrary: proxyCase }, { weight: 4, arbitrary: webhookCase }, { weight: 1, arbitrary: adminCase });
    // Warm up (JIT, module caches, connection pools) before the memory baseline.
    for (const c of fc.sample(arb, { numRuns: 300, seed: SEED + 1 })) {
      const r = await send(c);
      if (r.status === 0 || r.status >= 500) console.log("WARMUP", r.status, c.method, c.path.slice(0, 60), JSON.stringify(c.headers).slice(0, 150), String(c.body).length, r.body.slice(0, 200));
    }
    const before = await tableCounts();
    const rssBefore = rssKb(app.process.pid!);

    const statuses: Record<string, number> = {};
    const failures: Array<{ c: Case; status: number; body: string }> = [];
    let pixelAccepted = 0;
    let webhooksStored = 0;
    const cases = fc.sample(arb, { numRuns: RUNS, seed: SEED });
    let next = 0;
    let finished = 0;
    // RSS at each quarter of the run: "flat" means the second half does not keep growing.
    const rssAtQuarter: number[] = [];
    const lane = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const r = await send(c);
        if (++finished % Math.ceil(cases.length / 4) === 0) rssAtQuarter.push(rssKb(app.process.pid!));
        const key = `${c.kind} ${r.status}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
        if (r.status >= 500 || r.status === 0 || (c.allowed && !c.allowed.includes(r.status))) failures.push({ c, status: r.status, body: r.body.slice(0, 300) });
        if (c.kind === "proxy" && c.path.startsWith("/proxy/events") && r.status === 200) pixelAccepted += (JSON.parse(r.body) as { accepted: number }).accepted;
        if (c.webhookStore && r.status === 200) webhooksStored++;
      }
    };
    const realStart = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const seconds = (Date.now() - realStart) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    const rssAfter = rssKb(app.process.pid!);
    const after = await tableCounts();

    console.log(
      `fuzz (seed ${SEED}): ${RUNS} requests in ${seconds.toFixed(1)} s; answers ${JSON.stringify(Object.fromEntries(Object.entries(statuses).sort()))}; ` +
        `server RSS ${(rssBefore / 1024).toFixed(0)} → ${rssAtQuarter.map((k) => (k / 1024).toFixed(0)).join(" → ")} → ${(rssAfter / 1024).toFixed(0)} MiB`,
    );
    const byKind: Record<string, number> = {};
    for (const f of failures) byKind[`${f.c.kind} ${f.status}`] = (byKind[`${f.c.kind} ${f.status}`] ?? 0) + 1;
    expect({ failures: byKind, first: [...new Map(failures.map((f) => [`${f.c.kind} ${f.status}`, f])).values()].map((f) => `${f.status} ${f.c.method} ${f.c.path.slice(0, 80)} ${JSON.stringify(f.c.headers).slice(0, 300)} body(${String(f.c.body).length})=${String(f.c.body).slice(0, 80)} → ${f.body}`) }).toEqual({ failures: {}, first: [] });
    // The server is alive and still works.
    expect(app.process.exitCode).toBeNull();
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    // Writes: exactly what the accepted requests reported; nothing from a rejected one.
    expect(after).toEqual({ ...before, pixelEvent: (before.pixelEvent ?? 0) + pixelAccepted, webhookDelivery: (before.webhookDelivery ?? 0) + webhooksStored });
    // Memory flat: no growth that scales with the number of requests.
    // (The first half may still grow while the heap finds its size and caches fill.)
    const half = rssAtQuarter[1] ?? rssBefore;
    expect(Math.max(rssAfter, ...rssAtQuarter.slice(2)) - half).toBeLessThan(64 * 1024);
  }, 3_600_000);
});
