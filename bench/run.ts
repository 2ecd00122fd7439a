/**
 * `npm run bench` — the project's benchmark against the REAL server (`node server.mjs`, built
 * by `remix vite:build`) on loopback, with a real load generator (autocannon), every figure
 * beside a baseline measured in the same run (these machines are shared and noisy).
 * How it measures, and why, is ADR 0017 (docs/decisions/0017-bench-measures-what-production-sees.md):
 *
 *  - sizes: the full run seeds 1M pixel events / 100k orders (bench/seed.ts, straight into the
 *    database); `--quick` seeds 200k / 20k, and 20k / 2k for the growth figure;
 *  - ingest and webhook figures are taken while a backlog drains, as in production: a backlog
 *    is ingested over HTTP with the worker off, then the app runs as deployed (SQLite: one
 *    process, inline worker; PostgreSQL: a web process with WORKER_MODE=off + a `--worker-only`);
 *  - baselines are measured with the app idle: every app process is stopped (SIGSTOP) while a
 *    baseline runs and continued (SIGCONT) after it;
 *  - delivery is timed from the worker's "started" line (boot excluded) to the last row final;
 *  - reconcile-one-order is timed by the server's own stamps (webhook stored → processed), one
 *    order at a time on an idle app, at several history sizes; the quick run reports the
 *    ratio between two sizes (growth) and CI fails when it passes its ceiling;
 *  - `--db sqlite|postgres|both` (full run default: both; quick: sqlite), `--reconcile-10m`
 *    adds a 10M-events reconcile point (seeding time reported), `--seed-only` only seeds,
 *    `--reconcile-only` skips the load phases (reconcile figures only).
 * Exit 1 only when a ratio passes its floor/ceiling (CHECKS below), never on absolute time.
 * Output: one table on stdout, bench/out/bench.json and bench/out/bench.svg.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { buildCustomer, buildOnlineOrder, toWebhookBody } from "../test/factories/order-factory";
import { startStandins } from "../test/standins";
import { startApp, type RunningApp } from "../test/support/app-server";
import { withDatabase } from "../test/support/databases";
import { POSTGRES_ADMIN_URL, TEST_API_SECRET, TEST_SHOP } from "../test/support/env";
import { openDb, seedDestination, seedInstalledShop } from "../test/support/seed";
import { signedProxyUrl, webhookHeaders } from "../test/support/shopify-signing";
import { seedHistory, seedOutbox, settleBacklog, type DbKind, type OpenCheckout } from "./seed";
import { storefrontBatch } from "./storefront";

const ROOT = path.resolve(import.meta.dirname, "..");
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
};
const dbArg = arg("--db") ?? (quick ? "sqlite" : "both");
if (!["sqlite", "postgres", "both"].includes(dbArg)) throw new Error(`--db must be sqlite, postgres or both (got ${dbArg})`);
const KINDS: DbKind[] = dbArg === "both" ? ["sqlite", "postgres"] : [dbArg as DbKind];
const reconcile10m = argv.includes("--reconcile-10m");
/** Only seed (and time the seeding) at this run's sizes, then stop: checks the seed after a schema change. */
const seedOnly = argv.includes("--seed-only");
/** Only the reconcile-one-order figures (empty, main, and 10M with `--reconcile-10m`): the load phases are skipped. */
const reconcileOnly = argv.includes("--reconcile-only");

const SIZE = quick
  ? { main: { events: 200_000, orders: 20_000 }, small: { events: 20_000, orders: 2_000 }, backlog: 10_000, secs: 3, ackRate: 20, toCapi: 20, deliveries: 400, reconcileOrders: 30 }
  : { main: { events: 1_000_000, orders: 100_000 }, small: null, backlog: 100_000, secs: 10, ackRate: 50, toCapi: 60, deliveries: 3_000, reconcileOrders: 200 };
const SIZE_10M = { events: 10_000_000, orders: 1_000_000 };

/**
 * What CI checks (exit 1): ratios only. Growth of reconcile between two history sizes is the
 * figure the quick run exists for (goal: flat; ceiling 2× as in issue 10's "done when"); the
 * ingest ratios keep a loose floor that catches a collapse, not noise.
 */
const CHECKS: Record<string, { floor?: number; ceiling?: number }> = {
  "reconcile growth": { ceiling: 2 },
  "ingest, batches of 10": { floor: 0.02 },
  "ingest, one event per request": { floor: 0.02 },
};

const hasTaskset = spawnSync("taskset", ["--version"]).status === 0;
const pin = (pid: number | undefined, core: number) => hasTaskset && pid && spawnSync("taskset", ["-cp", String(core), String(pid)], { stdio: "ignore" });

type Goal = { ratioAtLeast: number } | { ratioAtMost: number } | { valueAtLeast: number } | { valueBelow: number } | null;
interface Row { figure: string; db: DbKind; value: number; unit: string; goal: string; baseline: number | null; baselineOf: string; ratio: number | null; meets: boolean | null; note?: string; check?: { floor?: number; ceiling?: number }; failed?: boolean }
const rows: Row[] = [];
function add(r: { figure: string; db: DbKind; value: number; unit: string; goalText: string; goal: Goal; baseline: number | null; baselineOf?: string; note?: string; checkKey?: string }) {
  const ratio = r.baseline ? r.value / r.baseline : null;
  const g = r.goal;
  const meets = g === null ? null
    : Number.isNaN(r.value) ? false
    : "ratioAtLeast" in g ? ratio !== null && ratio >= g.ratioAtLeast
    : "ratioAtMost" in g ? ratio !== null && ratio <= g.ratioAtMost
    : "valueAtLeast" in g ? r.value >= g.valueAtLeast
    : r.value < g.valueBelow;
  const check = r.checkKey ? CHECKS[r.checkKey] : undefined;
  // A ratio that could not be computed (nothing completed) fails its check too.
  const failed = check ? ratio === null || Number.isNaN(ratio) || (check.floor !== undefined && ratio < check.floor) || (check.ceiling !== undefined && ratio > check.ceiling) : undefined;
  rows.push({ figure: r.figure, db: r.db, value: r.value, unit: r.unit, goal: r.goalText, baseline: r.baseline, baselineOf: r.baselineOf ?? "", ratio, meets, note: r.note, check, failed });
  console.log(`  [${r.db}] ${r.figure}: ${fmt(r.value)} ${r.unit}${r.baseline !== null ? ` (baseline ${fmt(r.baseline)}${r.baselineOf ? ` ${r.baselineOf}` : ""}, ratio ${ratio === null ? "—" : Number.isNaN(ratio) ? "n/a" : ratio.toFixed(3)})` : ""}${r.note ? ` — ${r.note}` : ""}`);
}
const fmt = (v: number) => (Number.isNaN(v) ? "n/a" : Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(v >= 10 ? 1 : 2));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) {
      console.warn(`  (gave up waiting for ${what} after ${Math.round(timeoutMs / 1000)} s)`);
      return false;
    }
    await sleep(50);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Databases: a migrated template per kind, copied (SQLite) or cloned (PostgreSQL TEMPLATE).

interface Store { kind: DbKind; url: string; file?: string; name?: string }
const scratch = mkdtempSync(path.join(tmpdir(), "trueline-bench-"));
const pgNames: string[] = [];
async function pgAdmin<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}
async function template(kind: DbKind): Promise<Store> {
  if (kind === "sqlite") {
    const file = path.join(scratch, "template.sqlite");
    execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], { cwd: ROOT, env: { ...process.env, DATABASE_URL: `file:${file}` }, stdio: "pipe" });
    return { kind, url: `file:${file}`, file };
  }
  const name = "trueline_bench_template";
  await pgAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  pgNames.push(name);
  const url = withDatabase(POSTGRES_ADMIN_URL, name);
  execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  return { kind, url, name };
}
async function cloneOf(t: Store, label: string): Promise<Store> {
  if (t.kind === "sqlite") {
    const file = path.join(scratch, `${label}.sqlite`);
    copyFileSync(t.file!, file);
    return { kind: "sqlite", url: `file:${file}`, file };
  }
  const name = `trueline_bench_${label}`;
  await pgAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}" TEMPLATE "${t.name}"`);
  });
  pgNames.push(name);
  return { kind: "postgres", url: withDatabase(POSTGRES_ADMIN_URL, name), name };
}
async function dropStore(s: Store) {
  if (s.kind === "sqlite") {
    for (const f of [s.file!, `${s.file}-wal`, `${s.file}-shm`]) rmSync(f, { force: true });
  } else await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${s.name}" WITH (FORCE)`));
}
/** A store seeded with history; the seeding time is a reported figure. */
async function seeded(t: Store, label: string, size: { events: number; orders: number }, open: number): Promise<{ store: Store; open: OpenCheckout[] }> {
  const store = await cloneOf(t, label);
  process.stdout.write(`  seeding ${label}: ${size.events.toLocaleString("en-US")} events, ${size.orders.toLocaleString("en-US")} orders… `);
  const r = await seedHistory(store.kind, store.kind === "sqlite" ? store.file! : store.url, { ...size, bigShop: TEST_SHOP, openCheckouts: open });
  console.log(`${(r.ms / 1000).toFixed(1)} s (${Object.values(r.rows).reduce((a, b) => a + b, 0).toLocaleString("en-US")} rows)`);
  add({ figure: `seeding ${size.events.toLocaleString("en-US")} events / ${size.orders.toLocaleString("en-US")} orders`, db: store.kind, value: r.ms / 1000, unit: "s", goalText: "—", goal: null, baseline: null, note: store.kind === "sqlite" ? "prepared inserts in one transaction, indexes rebuilt after" : "5,000-row json_populate_recordset inserts, indexes rebuilt after, ANALYZE" });
  return { store, open: r.open };
}

// ---------------------------------------------------------------------------------------------
// Processes: the app as deployed, and stopping it while a baseline runs.

type Standins = Awaited<ReturnType<typeof startStandins>>;
/** Every process this run started, stopped in main's finally even when a phase throws. */
const launched: Array<{ stop(): Promise<void> }> = [];
async function launch(opts: Parameters<typeof startApp>[0]): Promise<RunningApp> {
  const app = await startApp(opts);
  launched.push(app);
  return app;
}
interface Deployed { web: RunningApp; worker: RunningApp | null; pids: number[] }
function appEnv(standins: Standins, extra: Record<string, string> = {}) {
  return { LOG_LEVEL: "warn", RATE_LIMIT_SHOP_PER_MIN: "1000000000", RATE_LIMIT_VISITOR_PER_MIN: "1000000000", DESTINATION_BASE_URLS: JSON.stringify(standins.urls), ...extra };
}
/** SQLite: one process with the inline worker (the embedded default). PostgreSQL: web (worker off) + one `--worker-only`. */
async function deploy(store: Store, standins: Standins): Promise<Deployed> {
  if (store.kind === "sqlite") {
    const web = await launch({ databaseUrl: store.url, env: appEnv(standins, { WORKER_MODE: "inline" }) });
    pin(web.process.pid, 0);
    return { web, worker: null, pids: [web.process.pid!] };
  }
  const web = await launch({ databaseUrl: store.url, env: appEnv(standins, { WORKER_MODE: "off" }) });
  const worker = await launch({ databaseUrl: store.url, env: appEnv(standins), args: ["--worker-only"] });
  pin(web.process.pid, 0);
  pin(worker.process.pid, 0);
  return { web, worker, pids: [web.process.pid!, worker.process.pid!] };
}
async function undeploy(d: Deployed) {
  await d.web.stop();
  await d.worker?.stop();
}
/** Run `f` with every app process stopped (no CPU, no I/O): the baseline sees an idle app. */
async function withAppStopped<T>(d: Deployed, f: () => Promise<T>): Promise<T> {
  for (const pid of d.pids) process.kill(pid, "SIGSTOP");
  try {
    return await f();
  } finally {
    for (const pid of d.pids) process.kill(pid, "SIGCONT");
  }
}
async function startBaseline(store: Store): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [path.join(ROOT, "bench/baseline-server.mjs"), store.kind, store.kind === "sqlite" ? store.file! : store.url], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`baseline server exited with ${code}`)));
    proc.stdout!.on("data", (d: Buffer) => {
      const m = /listening (\d+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
  });
  pin(proc.pid, 0);
  launched.push({ stop: async () => void (proc.exitCode === null && proc.kill("SIGTERM")) });
  return { url: `http://127.0.0.1:${port}/proxy/events?shop=${TEST_SHOP}`, proc };
}

async function ingest(url: string | (() => string), n: number, opts: { rate?: number; seconds?: number; connections?: number } = {}) {
  const r = await autocannon({
    url: typeof url === "string" ? url : url(), method: "POST", connections: opts.connections ?? 16, duration: opts.seconds ?? SIZE.secs, ...(opts.rate ? { overallRate: opts.rate } : {}),
    // (headers go in setupRequest: autocannon sends nothing when both are given at the top level)
    requests: [{ method: "POST", setupRequest: (req) => ({ ...req, headers: { "content-type": "text/plain;charset=UTF-8" }, body: storefrontBatch(n) }) }],
  });
  // A phase in which no request completed has no latency: NaN, never autocannon's 0 ms.
  const done = r.requests.total - r.non2xx;
  return { rps: done / r.duration, eps: (done * n) / r.duration, p99: done > 0 ? r.latency.p99 : NaN, bad: r.non2xx + r.errors - r.timeouts, timeouts: r.timeouts, total: r.requests.total, done };
}
const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

let orderSeq = 0;
function orderWebhook(o?: OpenCheckout): { id: bigint; body: string } {
  const id = 9_100_000_000_000n + BigInt(process.pid % 1000) * 1_000_000n + BigInt(orderSeq++);
  const now = new Date().toISOString();
  const email = o?.email ?? `bench-buyer-${id}@example.com`;
  const customerId = o?.customerId ? BigInt(o.customerId) : 7_800_000_000_000n + BigInt(orderSeq);
  return {
    id,
    body: toWebhookBody(buildOnlineOrder({
      id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#B${orderSeq}`, created_at: now, processed_at: now, updated_at: now,
      checkout_token: o?.checkoutToken ?? `bench-${randomUUID().replace(/-/g, "")}`, cart_token: o?.cartToken ?? `benchcart-${randomUUID().replace(/-/g, "")}`,
      email, contact_email: email, customer: buildCustomer({ id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}`, email }),
    })),
  };
}
const postWebhook = (url: string, body: string, topic = "orders/create", webhookId?: string) =>
  fetch(`${url}/webhooks/orders`, { method: "POST", headers: webhookHeaders({ topic, shop: TEST_SHOP, secret: TEST_API_SECRET, body, webhookId }), body });

// ---------------------------------------------------------------------------------------------

async function suite(kind: DbKind, standins: Standins) {
  console.log(`\n==== ${kind}${kind === "sqlite" ? " (one process, inline worker)" : " (web with WORKER_MODE=off + one --worker-only)"}`);
  const t = await template(kind);
  if (seedOnly) {
    for (const [label, size] of [["main", SIZE.main], ...(SIZE.small ? [["small", SIZE.small] as const] : []), ...(reconcile10m ? [["10m", SIZE_10M] as const] : [])] as const) {
      const { store } = await seeded(t, label, size, SIZE.reconcileOrders + 10);
      await dropStore(store);
    }
    await dropStore(t);
    return;
  }
  const main = await seeded(t, "main", SIZE.main, SIZE.reconcileOrders + 10);
  const db = await openDb(main.store.url);
  await seedInstalledShop(db, TEST_SHOP);
  const meta = await seedDestination(db, TEST_SHOP, "meta", { ...standins.credentials.meta }, { events: { page_view: false, view_content: false, add_to_cart: false, initiate_checkout: false, add_payment_info: false } });
  const backlogCount = async () => Number((await db.$queryRawUnsafe<Array<{ n: bigint | number }>>(`SELECT COUNT(*) AS n FROM "PixelEvent" WHERE "processedAt" IS NULL`))[0]!.n);

  if (!reconcileOnly) await loadPhases(kind, standins, t, main, db, meta, backlogCount);
  const mainEvents = await db.pixelEvent.count();
  await db.$disconnect();

  console.log("== reconcile one order (webhook stored → processed, server stamps), app idle, one order at a time");
  const empty = await cloneOf(t, "empty");
  const sizes: Array<{ label: string; store: Store; open: OpenCheckout[]; events: number }> = [{ label: "empty", store: empty, open: [], events: 0 }];
  if (SIZE.small) {
    const small = await seeded(t, "small", SIZE.small, SIZE.reconcileOrders + 10);
    sizes.push({ label: "small", store: small.store, open: small.open, events: SIZE.small.events });
  }
  sizes.push({ label: "main", store: main.store, open: main.open, events: mainEvents });
  if (reconcile10m) {
    const big = await seeded(t, "10m", SIZE_10M, SIZE.reconcileOrders + 10);
    sizes.push({ label: "10m", store: big.store, open: big.open, events: SIZE_10M.events });
  }
  const medians = new Map<string, { p50: number; p99: number; note: string }>();
  for (const s of sizes) {
    const { times, matched, sent } = await reconcileTimes(s.store, s.open, standins, s.label !== "main");
    const note = `${times.length} orders timed; ${matched} of ${sent} matched to storefront evidence`;
    medians.set(s.label, { p50: pct(times, 0.5), p99: pct(times, 0.99), note });
    console.log(`  ${s.label} (${s.events.toLocaleString("en-US")} events): median ${pct(times, 0.5).toFixed(1)} ms, p99 ${pct(times, 0.99).toFixed(1)} ms — ${note}`);
  }
  const e = medians.get("empty")!;
  for (const s of sizes.slice(1)) {
    const m = medians.get(s.label)!;
    // The full run has no second seeded size: there, growth is measured from the empty store.
    add({ figure: `reconcile one order, median (${s.events.toLocaleString("en-US")} events)`, db: kind, value: m.p50, unit: "ms", goalText: "ratio ≈ 1 (≤ 2× empty)", goal: { ratioAtMost: 2 }, baseline: e.p50, baselineOf: "(empty DB)", note: m.note, checkKey: quick ? undefined : "reconcile growth" });
    add({ figure: `reconcile one order, p99 (${s.events.toLocaleString("en-US")} events)`, db: kind, value: m.p99, unit: "ms", goalText: "—", goal: null, baseline: e.p99, baselineOf: "(empty DB)" });
  }
  if (SIZE.small) {
    const s = medians.get("small")!;
    const m = medians.get("main")!;
    add({ figure: `reconcile growth: median at ${mainEvents.toLocaleString("en-US")} events`, db: kind, value: m.p50, unit: "ms", goalText: "ratio ≤ 2 (flat)", goal: { ratioAtMost: 2 }, baseline: s.p50, baselineOf: `(median at ${SIZE.small.events.toLocaleString("en-US")} events)`, checkKey: "reconcile growth" });
  }
  for (const s of sizes) if (s.label !== "main") await dropStore(s.store);
  await dropStore(main.store);
  await dropStore(t);
}

/** Ingest, webhook and delivery phases on the seeded store (skipped by `--reconcile-only`). */
async function loadPhases(kind: DbKind, standins: Standins, t: Store, main: { store: Store; open: OpenCheckout[] }, db: Awaited<ReturnType<typeof openDb>>, meta: Awaited<ReturnType<typeof seedDestination>>, backlogCount: () => Promise<number>) {
  // The backlog, ingested through the app itself with the worker off (rows exactly as ingest writes them).
  console.log(`== backlog: ${SIZE.backlog.toLocaleString("en-US")} events ingested with WORKER_MODE=off`);
  {
    const filler = await launch({ databaseUrl: main.store.url, env: appEnv(standins, { WORKER_MODE: "off" }) });
    const url = signedProxyUrl(filler.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET });
    const r = await autocannon({ url, method: "POST", connections: 16, amount: SIZE.backlog / 10, requests: [{ method: "POST", setupRequest: (req) => ({ ...req, headers: { "content-type": "text/plain;charset=UTF-8" }, body: storefrontBatch(10) }) }] });
    await filler.stop();
    if (r.non2xx + r.errors > 0) throw new Error(`backlog ingest: ${r.non2xx + r.errors} requests failed`);
    console.log(`  backlog now ${(await backlogCount()).toLocaleString("en-US")} unprocessed events`);
  }

  // Baseline writer on its own empty database; the app deployed as in production on the seeded one.
  const baseStore = await cloneOf(t, "baseline");
  const base = await startBaseline(baseStore);
  const app = await deploy(main.store, standins);
  const appIngestUrl = () => signedProxyUrl(app.web.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET });
  const backlogNote = async (r?: { timeouts: number; done: number }) =>
    `backlog ${(await backlogCount()).toLocaleString("en-US")} at phase end${r && r.done === 0 ? "; no request completed within the phase" : ""}${r && r.timeouts ? `; ${r.timeouts} requests timed out (10 s)` : ""}`;

  console.log(`== ingest while the backlog drains (app pinned to one core${hasTaskset ? "" : ": taskset missing, not pinned"}; baselines with the app stopped)`);
  await ingest(appIngestUrl, 10, { seconds: 2 }); // warm-up
  await withAppStopped(app, () => ingest(base.url, 10, { seconds: 2 }));
  const rssBefore = rss(app.web.process.pid!);
  const a10 = await ingest(appIngestUrl, 10);
  const n10 = await backlogNote(a10);
  const b10 = await withAppStopped(app, () => ingest(base.url, 10));
  add({ figure: "ingest, batches of 10", db: kind, value: a10.eps, unit: "events/s", goalText: "ratio ≥ 0.5", goal: { ratioAtLeast: 0.5 }, baseline: b10.eps, baselineOf: "(bare writer)", note: n10, checkKey: "ingest, batches of 10" });
  const a1 = await ingest(appIngestUrl, 1);
  const n1 = await backlogNote(a1);
  const b1 = await withAppStopped(app, () => ingest(base.url, 1));
  add({ figure: "ingest, one event per request", db: kind, value: a1.rps, unit: "req/s", goalText: "ratio ≥ 0.5", goal: { ratioAtLeast: 0.5 }, baseline: b1.rps, baselineOf: "(bare writer)", note: n1, checkKey: "ingest, one event per request" });
  const half = Math.max(10, Math.floor(a1.rps / 2));
  const aHalf = await ingest(appIngestUrl, 1, { rate: half });
  const nHalf = await backlogNote(aHalf);
  const bHalf = await withAppStopped(app, () => ingest(base.url, 1, { rate: half }));
  add({ figure: `ingest p99 at half peak (${half} req/s)`, db: kind, value: aHalf.p99, unit: "ms", goalText: "≤ 3× baseline", goal: { ratioAtMost: 3 }, baseline: Math.max(1, bHalf.p99), baselineOf: "(bare writer)", note: nHalf });
  add({ figure: "server memory growth over the ingest load", db: kind, value: rss(app.web.process.pid!) - rssBefore, unit: "MiB", goalText: "flat", goal: null, baseline: null });
  const badIngest = a10.bad + a1.bad + aHalf.bad;
  if (badIngest > 0) throw new Error(`ingest: ${badIngest} requests failed or answered non-2xx (timeouts aside)`);

  console.log(`== webhooks while the backlog drains (from ${new Date().toISOString()})`);
  const ack = await autocannon({
    url: `${app.web.url}/webhooks/orders`, method: "POST", connections: 4, duration: SIZE.secs, overallRate: SIZE.ackRate,
    requests: [{ method: "POST", setupRequest: (req) => { const o = orderWebhook(); return { ...req, body: o.body, headers: webhookHeaders({ topic: "orders/create", shop: TEST_SHOP, secret: TEST_API_SECRET, body: o.body }) }; } }],
  });
  const nAck = await backlogNote({ timeouts: ack.timeouts, done: ack.requests.total - ack.non2xx });
  const baseAck = await withAppStopped(app, () => autocannon({ url: base.url, method: "POST", connections: 4, duration: SIZE.secs, overallRate: SIZE.ackRate, body: storefrontBatch(1) }));
  // A timeout is a (slow) figure, reported in the note; a refused or failed request is a bug.
  if (ack.non2xx + ack.errors - ack.timeouts > 0) throw new Error(`webhook ack: ${ack.non2xx + ack.errors - ack.timeouts} requests failed`);
  add({ figure: `webhook acknowledgement p99 (${SIZE.ackRate}/s)`, db: kind, value: ack.requests.total - ack.non2xx > 0 ? ack.latency.p99 : NaN, unit: "ms", goalText: "< 50 ms", goal: { valueBelow: 50 }, baseline: Math.max(1, baseAck.latency.p99), baselineOf: "(bare writer)", note: nAck });

  // Webhook received → first conversions-API request leaving, while storefront traffic keeps
  // arriving (a quarter of the single-event peak) and the backlog drains.
  standins.reset();
  const sent = new Map<string, number>();
  const traffic = ingest(appIngestUrl, 1, { rate: Math.max(10, Math.floor(a1.rps / 4)), seconds: Math.ceil((SIZE.toCapi * 100) / 1000) + 1, connections: 4 });
  for (let i = 0; i < SIZE.toCapi; i++) {
    const o = orderWebhook();
    sent.set(`purchase-${o.id}`, Date.now());
    const res = await postWebhook(app.web.url, o.body);
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    await sleep(100);
  }
  await traffic;
  const nCapi = await backlogNote();
  const arrived = () => standins.received("meta").filter((r) => r.eventId && sent.has(r.eventId));
  await waitFor(async () => arrived().length >= SIZE.toCapi, quick ? 60_000 : 180_000, "every purchase to reach the Meta stand-in");
  const lat = arrived().map((r) => r.at - sent.get(r.eventId!)!);
  const missing = SIZE.toCapi - lat.length;
  const t0 = Date.now();
  await withAppStopped(app, () => fetch(`${standins.urls.meta}/v21.0/0/events`, { method: "POST", body: "{}" }).catch(() => undefined));
  const floor = Math.max(1, Date.now() - t0);
  const capiNote = `${nCapi}${missing ? `; ${missing} of ${SIZE.toCapi} never arrived (counted as missing, not in the percentiles)` : ""}`;
  add({ figure: "webhook → conversions API request, p50", db: kind, value: pct(lat, 0.5), unit: "ms", goalText: "< 50 ms", goal: { valueBelow: 50 }, baseline: floor, baselineOf: "(stand-in round trip)", note: capiNote });
  add({ figure: "webhook → conversions API request, p99", db: kind, value: pct(lat, 0.99), unit: "ms", goalText: "< 250 ms", goal: { valueBelow: 250 }, baseline: floor, baselineOf: "(stand-in round trip)" });
  // Let the webhook backlog finish (not the pixel one) so the idle figures start idle.
  await waitFor(async () => (await db.webhookDelivery.count({ where: { status: "received" } })) === 0, quick ? 90_000 : 300_000, "stored webhooks to be processed");
  await undeploy(app);
  base.proc.kill("SIGTERM");
  await dropStore(baseStore);
  const settled = await settleBacklog(db);
  console.log(`  (${settled.toLocaleString("en-US")} events still unprocessed after the ingest phases, marked processed for the idle figures)`);

  console.log("== delivery, timed from worker-ready (stand-ins answer in 100 ms)");
  let idBase = 8_000_000;
  for (const [dest, label, goalText, goal] of [["meta", "batched (Meta)", "≥ 2,000 events/s", 2000], ["ga4", "one per request (GA4)", "≥ 300 events/s", 300]] as const) {
    const d = dest === "meta" ? meta : await seedDestination(db, TEST_SHOP, "ga4", { ...standins.credentials.ga4 });
    const deliveredBefore = await db.delivery.count({ where: { destinationId: d.id, status: "delivered" } });
    await seedOutbox(db, TEST_SHOP, d.id, SIZE.deliveries, idBase);
    idBase += SIZE.deliveries;
    standins.reset();
    standins.setFault(dest, { type: "latency", ms: 100 });
    const worker = await launch({ databaseUrl: main.store.url, env: appEnv(standins), args: ["--worker-only"] });
    const ready = Date.now();
    pin(worker.process.pid, 0);
    await waitFor(async () => (await db.delivery.count({ where: { destinationId: d.id, status: { in: ["pending", "retrying"] } } })) === 0, 900_000, `${dest} deliveries`);
    const secs = (Date.now() - ready) / 1000;
    await worker.stop();
    const delivered = (await db.delivery.count({ where: { destinationId: d.id, status: "delivered" } })) - deliveredBefore;
    // The stand-in's own floor: how many events/s it answers to a plain concurrent client.
    const floorR = await autocannon({ url: `${standins.urls[dest]}/`, method: "POST", connections: 16, duration: 2, body: "{}" });
    add({ figure: `delivery, ${label}`, db: kind, value: delivered / secs, unit: "events/s", goalText, goal: { valueAtLeast: goal }, baseline: floorR.requests.average * (dest === "meta" ? 100 : 1), baselineOf: "(stand-in floor)", note: `${delivered}/${SIZE.deliveries} delivered` });
    standins.setFault(dest, { type: "none" });
  }
}

/**
 * Orders through the real webhook, one at a time on an idle app (inline worker, woken by the
 * store), each timed by the server's own stamps: WebhookDelivery.createdAt (stored before the
 * ack) → processedAt (the worker applied and reconciled it). The next order is sent only when
 * the previous one and its outbox rows are done, so no figure waits behind another.
 */
async function reconcileTimes(store: Store, open: OpenCheckout[], standins: Standins, install: boolean): Promise<{ times: number[]; matched: number; sent: number }> {
  const db = await openDb(store.url);
  if (install) {
    await seedInstalledShop(db, TEST_SHOP);
    // The same destinations as the main store has by then (its reconcile orders enqueue to both).
    await seedDestination(db, TEST_SHOP, "meta", { ...standins.credentials.meta });
    await seedDestination(db, TEST_SHOP, "ga4", { ...standins.credentials.ga4 });
  }
  const app = await launch({ databaseUrl: store.url, env: appEnv(standins, { WORKER_MODE: "inline" }) });
  pin(app.process.pid, 0);
  const times: number[] = [];
  const orderIds: string[] = [];
  let matched = 0;
  try {
    for (let i = 0; i < SIZE.reconcileOrders + 3; i++) {
      const o = orderWebhook(open[i]);
      orderIds.push(String(o.id));
      const webhookId = `bench-reconcile-${randomUUID()}`;
      const res = await postWebhook(app.url, o.body, "orders/create", webhookId);
      if (!res.ok) throw new Error(`reconcile: webhook answered ${res.status}`);
      let r: { createdAt: Date; processedAt: Date | null; status: string } | null = null;
      await waitFor(async () => {
        r = await db.webhookDelivery.findFirst({ where: { shop: TEST_SHOP, webhookId }, select: { createdAt: true, processedAt: true, status: true } });
        return r !== null && r.status !== "received";
      }, 120_000, "an order to be processed");
      const done = r as { createdAt: Date; processedAt: Date | null; status: string } | null;
      if (done?.status !== "processed") throw new Error(`reconcile: the order webhook ended ${done?.status ?? "missing"}`);
      await waitFor(async () => (await db.delivery.count({ where: { status: { in: ["pending", "retrying"] } } })) === 0, 60_000, "the order's outbox rows");
      if (i >= 3 && done.processedAt) times.push(done.processedAt.getTime() - done.createdAt.getTime()); // the first 3 warm the app up
      await sleep(20);
    }
    // Proof the lookups had work to do: orders of seeded open checkouts should match them.
    matched = await db.order.count({ where: { shop: TEST_SHOP, orderId: { in: orderIds }, matchStatus: "matched" } });
  } finally {
    await app.stop();
    await db.$disconnect();
  }
  return { times, matched, sent: orderIds.length };
}

/** The same figure on each database, side by side: rows grouped by figure (numbers and sizes aside). */
const figureKey = (r: Row) => r.figure.replace(/\([^)]*\)/g, "").replace(/[\d,.]+/g, "#").trim();
function grouped(): Row[] {
  const order = new Map<string, number>();
  rows.forEach((r) => order.has(figureKey(r)) || order.set(figureKey(r), order.size));
  return rows.map((r, i) => ({ r, i })).sort((a, b) => order.get(figureKey(a.r))! - order.get(figureKey(b.r))! || a.i - b.i).map((x) => x.r);
}

function report() {
  const out = path.join(ROOT, "bench/out");
  mkdirSync(out, { recursive: true });
  console.log(`\n| figure | db | value | goal | same-run baseline | ratio | meets goal | CI check |\n|---|---|---|---|---|---|---|---|`);
  for (const r of grouped()) {
    const check = r.check ? `${r.check.floor !== undefined ? `≥ ${r.check.floor}` : `≤ ${r.check.ceiling}`}: ${r.failed ? "FAIL" : "ok"}` : "";
    console.log(`| ${r.figure} | ${r.db} | ${fmt(r.value)} ${r.unit} | ${r.goal} | ${r.baseline === null ? "—" : `${fmt(r.baseline)} ${r.baselineOf}`.trim()} | ${r.ratio === null ? "—" : Number.isNaN(r.ratio) ? "n/a" : r.ratio.toFixed(3)} | ${r.meets === null ? "" : r.meets ? "yes" : "no"} | ${check} |`);
  }
  const notes = rows.filter((r) => r.note);
  if (notes.length) console.log(`\nnotes:\n${notes.map((r) => `- [${r.db}] ${r.figure}: ${r.note}`).join("\n")}`);
  writeFileSync(path.join(out, "bench.json"), JSON.stringify({ at: new Date().toISOString(), quick, db: KINDS, reconcile10m, sizes: SIZE, pinned: hasTaskset, rows }, null, 2));
  const w = 960, bar = 22, h = 40 + rows.length * (bar + 6);
  const ratioRows = rows.map((r) => r.ratio ?? 0);
  const maxRatio = Math.max(1, ...ratioRows.map((x) => Math.min(x, 50)));
  const svg = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`, `<text x="10" y="20" font-weight="bold">Trueline bench: ratio to same-run baseline${quick ? " (quick)" : ""}</text>`];
  rows.forEach((r, i) => {
    const y = 34 + i * (bar + 6);
    const len = (Math.min(r.ratio ?? 0, 50) / maxRatio) * 360;
    svg.push(`<text x="10" y="${y + 15}">[${r.db}] ${r.figure.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</text>`, `<rect x="560" y="${y}" width="${len.toFixed(1)}" height="${bar}" fill="${r.meets === false ? "#b3261e" : "#2c6ecb"}"/>`, `<text x="${565 + len}" y="${y + 15}">${r.ratio === null ? "—" : r.ratio.toFixed(3)}</text>`);
  });
  svg.push("</svg>");
  writeFileSync(path.join(out, "bench.svg"), svg.join("\n"));
  console.log(`\nsaved ${path.relative(ROOT, path.join(out, "bench.json"))} and ${path.relative(ROOT, path.join(out, "bench.svg"))}`);
  const failed = rows.filter((r) => r.failed);
  if (failed.length) {
    console.error(`bench: ratio past its CI bound: ${failed.map((r) => `[${r.db}] ${r.figure} ratio ${r.ratio?.toFixed(3)} (${r.check?.floor !== undefined ? `floor ${r.check.floor}` : `ceiling ${r.check?.ceiling}`})`).join("; ")}`);
    return 1;
  }
  return 0;
}

async function main() {
  const started = Date.now();
  if (process.env.BENCH_SKIP_BUILD !== "1" && !argv.includes("--skip-build")) {
    process.stdout.write("building the app… ");
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], { cwd: ROOT, stdio: "pipe" });
    process.stdout.write("done\n");
  }
  pin(process.pid, 1);
  console.log(`bench: ${quick ? "quick" : "full"}, db ${KINDS.join(" + ")}, main ${SIZE.main.events.toLocaleString("en-US")} events / ${SIZE.main.orders.toLocaleString("en-US")} orders${reconcile10m ? ", + 10M reconcile point" : ""}`);
  const standins = await startStandins();
  const cleanup = async () => {
    for (const p of launched.splice(0)) await p.stop().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
    for (const name of pgNames.splice(0)) await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(() => undefined);
  };
  // Interrupted (Ctrl-C, CI timeout): no app process, scratch file or database left behind.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  try {
    for (const kind of KINDS) await suite(kind, standins);
  } finally {
    await cleanup();
    await standins.close();
  }
  console.log(`\nbench took ${Math.round((Date.now() - started) / 1000)} s`);
  return report();
}

main().then((code) => process.exit(code), (e) => {
  console.error("bench failed:", e);
  process.exit(1);
});
