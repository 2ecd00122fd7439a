/**
 * `npm run bench` — every benchmark of the project against the REAL server on loopback,
 * with a real load generator (autocannon), reported as ratios to baselines measured in the
 * same run (these machines are shared and noisy). `-- --quick` is the CI version: short
 * phases, exit 1 only when a ratio regresses past its floor.
 * Output: a table on stdout, bench/out/bench.json and bench/out/bench.svg.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { buildOnlineOrder, toWebhookBody } from "../test/factories/order-factory";
import { createLogger } from "~/lib/logger.server";
import { applyOrderWebhook } from "~/services/orders.server";
import { startStandins } from "../test/standins";
import { startApp, type RunningApp } from "../test/support/app-server";
import { TEST_API_SECRET, TEST_SHOP } from "../test/support/env";
import { openDb, seedDestination, seedInstalledShop, testKey } from "../test/support/seed";
import { signedProxyUrl, webhookHeaders } from "../test/support/shopify-signing";

const ROOT = path.resolve(import.meta.dirname, "..");
const quick = process.argv.includes("--quick");
const SECS = quick ? 3 : 10;
const hasTaskset = spawnSync("taskset", ["--version"]).status === 0;
const pin = (pid: number | undefined, core: number) => hasTaskset && pid && spawnSync("taskset", ["-cp", String(core), String(pid)], { stdio: "ignore" });

interface Row { figure: string; value: number; unit: string; target: string; baseline: number | null; ratio: number | null; better: "higher" | "lower"; floor?: number }
const rows: Row[] = [];
const add = (r: Omit<Row, "ratio">) => {
  const ratio = r.baseline ? r.value / r.baseline : null;
  rows.push({ ...r, ratio });
  console.log(`  ${r.figure}: ${r.value.toFixed(1)} ${r.unit}${r.baseline !== null ? ` (baseline ${r.baseline.toFixed(1)}, ratio ${ratio?.toFixed(3)})` : ""}`);
};

const consent = { analytics: true, marketing: true, preferences: true, saleOfData: true };
let seq = 0;
function batchBody(n: number): string {
  const events = Array.from({ length: n }, () => ({ id: `b-${process.pid}-${seq++}`, name: "page_viewed", timestamp: new Date().toISOString(), url: "https://shop.example.com/" }));
  return JSON.stringify({ v: 1, consent, identity: { clientId: `bench-${seq % 2000}` }, events });
}

async function ingest(url: string, n: number, opts: { rate?: number; seconds?: number } = {}) {
  const r = await autocannon({
    url, method: "POST", connections: 16, duration: opts.seconds ?? SECS, ...(opts.rate ? { overallRate: opts.rate } : {}),
    // (headers go in setupRequest: autocannon sends nothing when both are given at the top level)
    requests: [{ method: "POST", setupRequest: (req) => ({ ...req, headers: { "content-type": "text/plain;charset=UTF-8" }, body: batchBody(n) }) }],
  });
  if (process.env.BENCH_DEBUG) console.log("  debug", url.slice(0, 60), { total: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, s4: r["4xx"], s5: r["5xx"] });
  return { rps: r.requests.average, eps: r.requests.average * n, p99: r.latency.p99, non2xx: r.non2xx };
}

const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

async function main() {
  if (process.env.BENCH_SKIP_BUILD !== "1") {
    process.stdout.write("building the app… ");
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], { cwd: ROOT, stdio: "pipe" });
    process.stdout.write("done\n");
  }
  pin(process.pid, 1);
  const dir = mkdtempSync(path.join(tmpdir(), "trueline-bench-"));
  const template = path.join(dir, "template.sqlite");
  execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], { env: { ...process.env, DATABASE_URL: `file:${template}` }, stdio: "pipe" });
  const appDbFile = path.join(dir, "app.sqlite");
  const baseDbFile = path.join(dir, "baseline.sqlite");
  copyFileSync(template, appDbFile);
  copyFileSync(template, baseDbFile);
  const appUrl = `file:${appDbFile}`;
  const db = await openDb(appUrl);
  await seedInstalledShop(db, TEST_SHOP);
  const standins = await startStandins();
  await seedDestination(db, TEST_SHOP, "meta", { ...standins.credentials.meta }, { events: { page_view: false, view_content: false, add_to_cart: false, initiate_checkout: false, add_payment_info: false } });
  const env = { LOG_LEVEL: "warn", RATE_LIMIT_SHOP_PER_MIN: "1000000000", RATE_LIMIT_VISITOR_PER_MIN: "1000000000", DESTINATION_BASE_URLS: JSON.stringify(standins.urls) };
  const app: RunningApp = await startApp({ databaseUrl: appUrl, env });
  pin(app.process.pid, 0);
  const baseline = spawn(process.execPath, [path.join(ROOT, "bench/baseline-server.mjs"), baseDbFile], { stdio: ["ignore", "pipe", "inherit"] });
  const basePort = await new Promise<string>((resolve) => baseline.stdout!.on("data", (d: Buffer) => { const m = /listening (\d+)/.exec(d.toString()); if (m) resolve(m[1]!); }));
  pin(baseline.pid, 0);
  const baseUrl = `http://127.0.0.1:${basePort}/proxy/events?shop=${TEST_SHOP}`;
  const appIngestUrl = () => signedProxyUrl(app.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET });

  console.log(`== ingest (server pinned to one core${hasTaskset ? "" : ": taskset missing, not pinned"})`);
  await ingest(appIngestUrl(), 10, { seconds: 2 }); // warm-up
  await ingest(baseUrl, 10, { seconds: 2 });
  const rssBefore = rss(app.process.pid!);
  const b10 = await ingest(baseUrl, 10);
  const a10 = await ingest(appIngestUrl(), 10);
  add({ figure: "ingest, batches of 10", value: a10.eps, unit: "events/s", target: "≥ 10,000 events/s; ratio ≥ 0.5", baseline: b10.eps, better: "higher", floor: 0.02 });
  const b1 = await ingest(baseUrl, 1);
  const a1 = await ingest(appIngestUrl(), 1);
  add({ figure: "ingest, one event per request", value: a1.rps, unit: "req/s", target: "≥ 3,000 req/s; ratio ≥ 0.5", baseline: b1.rps, better: "higher", floor: 0.02 });
  const half = Math.max(10, Math.floor(a1.rps / 2));
  const bHalf = await ingest(baseUrl, 1, { rate: half });
  const aHalf = await ingest(appIngestUrl(), 1, { rate: half });
  add({ figure: `ingest p99 at half peak (${half} req/s)`, value: aHalf.p99, unit: "ms", target: "< 25 ms", baseline: Math.max(1, bHalf.p99), better: "lower" });
  add({ figure: "server memory growth over the ingest load", value: rss(app.process.pid!) - rssBefore, unit: "MiB", target: "flat", baseline: null, better: "lower" });
  if (a10.non2xx + a1.non2xx + aHalf.non2xx > 0) throw new Error(`ingest answered non-2xx: ${a10.non2xx + a1.non2xx + aHalf.non2xx}`);

  console.log("== webhooks");
  let orderSeq = 0;
  const orderBody = () => {
    const id = 9_100_000_000_000n + BigInt(orderSeq++);
    const now = new Date().toISOString();
    return { id, body: toWebhookBody(buildOnlineOrder({ id, admin_graphql_api_id: `gid://shopify/Order/${id}`, checkout_token: `bench-${id}`, created_at: now, processed_at: now, updated_at: now })) };
  };
  const ackRate = quick ? 20 : 50;
  const ack = await autocannon({
    url: `${app.url}/webhooks/orders`, method: "POST", connections: 4, duration: SECS, overallRate: ackRate,
    requests: [{ method: "POST", setupRequest: (req) => { const o = orderBody(); return { ...req, body: o.body, headers: webhookHeaders({ topic: "orders/create", shop: TEST_SHOP, secret: TEST_API_SECRET, body: o.body }) }; } }],
  });
  const baseAck = await autocannon({ url: baseUrl, method: "POST", connections: 4, duration: SECS, overallRate: ackRate, body: batchBody(1) });
  add({ figure: `webhook acknowledgement p99 (${ackRate}/s)`, value: ack.latency.p99, unit: "ms", target: "< 50 ms", baseline: Math.max(1, baseAck.latency.p99), better: "lower" });

  // Webhook received → first conversions-API request leaving (let the ack load drain first).
  await waitQuiet(db);
  standins.reset();
  const sent = new Map<string, number>();
  const n = quick ? 20 : 60;
  for (let i = 0; i < n; i++) {
    const o = orderBody();
    sent.set(`purchase-${o.id}`, Date.now());
    await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers: webhookHeaders({ topic: "orders/create", shop: TEST_SHOP, secret: TEST_API_SECRET, body: o.body }), body: o.body });
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitQuiet(db);
  const lat = standins.received("meta").filter((r) => r.eventId && sent.has(r.eventId)).map((r) => r.at - sent.get(r.eventId!)!).sort((a, b) => a - b);
  const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))] ?? NaN;
  const t0 = Date.now();
  await fetch(`${standins.urls.meta}/v21.0/0/events`, { method: "POST", body: "{}" }).catch(() => undefined);
  const floor = Math.max(1, Date.now() - t0);
  add({ figure: "webhook → conversions API request, p50", value: pct(lat, 0.5), unit: "ms", target: "< 50 ms", baseline: floor, better: "lower" });
  add({ figure: "webhook → conversions API request, p99", value: pct(lat, 0.99), unit: "ms", target: "< 250 ms", baseline: floor, better: "lower" });
  await app.stop();
  baseline.kill("SIGTERM");

  console.log("== delivery throughput (stand-ins answer in 100 ms)");
  for (const [kind, label, target] of [["meta", "with batching (Meta)", "≥ 2,000 events/s"], ["ga4", "without batching (GA4, 1 per request)", "≥ 300 events/s"]] as const) {
    const dfile = path.join(dir, `deliver-${kind}.sqlite`);
    copyFileSync(template, dfile);
    const ddb = await openDb(`file:${dfile}`);
    await seedInstalledShop(ddb, TEST_SHOP);
    const dest = await seedDestination(ddb, TEST_SHOP, kind, { ...standins.credentials[kind] });
    const count = quick ? 400 : 3000;
    const now = new Date();
    const conv = (i: number) => ({ shop: TEST_SHOP, eventId: `purchase-${8_000_000 + i}`, name: "purchase", orderId: String(8_000_000 + i), occurredAt: now,
      payload: JSON.stringify({ eventId: `purchase-${8_000_000 + i}`, name: "purchase", occurredAt: now.getTime(), actionSource: "website", sourceUrl: "https://shop.example.com/thank-you", orderId: String(8_000_000 + i),
        value: { shop: { amount: "42.00", currency: "USD" }, presentment: { amount: "42.00", currency: "USD" } }, user: { email: `buyer${i}@example.com`, ip: "203.0.113.9", userAgent: "Mozilla/5.0" }, clickIds: { gaClientId: "123.456", gclid: "Cj0K" }, consent: null, isTest: false }) });
    for (let i = 0; i < count; i += 500) await ddb.conversion.createMany({ data: Array.from({ length: Math.min(500, count - i) }, (_, j) => conv(i + j)) });
    const convs = await ddb.conversion.findMany({ select: { id: true, eventId: true } });
    await ddb.delivery.createMany({ data: convs.map((c) => ({ shop: TEST_SHOP, destinationId: dest.id, conversionId: c.id, eventId: c.eventId, eventName: "purchase", occurredAt: now, nextAttemptAt: now, firstQueuedAt: now })) });
    standins.reset();
    standins.setFault(kind, { type: "latency", ms: 100 });
    const started = Date.now();
    const worker = await startApp({ databaseUrl: `file:${dfile}`, env, args: ["--worker-only"] });
    pin(worker.process.pid, 0);
    await waitFor(async () => (await ddb.delivery.count({ where: { status: { in: ["pending", "retrying"] } } })) === 0, 600_000);
    const secs = (Date.now() - started) / 1000;
    await worker.stop();
    // The stand-in's own floor: how many events/s it answers to a plain concurrent client.
    const floorR = await autocannon({ url: `${standins.urls[kind]}/`, method: "POST", connections: 16, duration: 2, body: "{}" });
    const floorEps = floorR.requests.average * (kind === "meta" ? 100 : 1);
    add({ figure: `delivery ${label}`, value: count / secs, unit: "events/s", target, baseline: floorEps, better: "higher" });
    standins.setFault(kind, { type: "none" });
    await ddb.$disconnect();
  }

  console.log("== reconciliation at scale (in-process service call)");
  const scale = quick ? { events: 100_000, orders: 10_000 } : { events: 1_000_000, orders: 100_000 };
  const rfile = path.join(dir, "reconcile.sqlite");
  const efile = path.join(dir, "reconcile-empty.sqlite");
  copyFileSync(template, rfile);
  copyFileSync(template, efile);
  seedScale(rfile, scale.events, scale.orders);
  const timing = async (file: string) => {
    const rdb = await openDb(`file:${file}`);
    await seedInstalledShop(rdb, TEST_SHOP);
    const deps = { db: rdb, provider: "sqlite" as const, key: testKey(), log: createLogger({ write: () => undefined }), now: Date.now, random: Math.random };
    const times: number[] = [];
    for (let i = 0; i < (quick ? 30 : 200); i++) {
      const id = 9_500_000_000_000n + BigInt(i);
      const now = new Date().toISOString();
      const raw = toWebhookBody(buildOnlineOrder({ id, admin_graphql_api_id: `gid://shopify/Order/${id}`, checkout_token: `tok-${i * 7}`, created_at: now, processed_at: now, updated_at: now }));
      const t = performance.now();
      await applyOrderWebhook(deps, TEST_SHOP, raw, new Date());
      times.push(performance.now() - t);
    }
    await rdb.$disconnect();
    return times.sort((a, b) => a - b);
  };
  const full = await timing(rfile);
  const empty = await timing(efile);
  add({ figure: `reconcile one order, median (${scale.events.toLocaleString()} events, ${scale.orders.toLocaleString()} orders)`, value: pct(full, 0.5), unit: "ms", target: "< 2 ms; ratio to empty ≈ 1 (no scan)", baseline: pct(empty, 0.5), better: "lower", floor: 10 });
  add({ figure: "reconcile one order, p99", value: pct(full, 0.99), unit: "ms", target: "—", baseline: pct(empty, 0.99), better: "lower" });

  await standins.close();
  await db.$disconnect();
  report();
}

function seedScale(file: string, events: number, orders: number) {
  const d = new Database(file);
  d.pragma("journal_mode = WAL");
  d.pragma("synchronous = OFF");
  const now = Date.now();
  const ev = d.prepare(`INSERT INTO "PixelEvent" ("id","shop","eventId","name","occurredAt","receivedAt","clientId","checkoutToken","consent","data","identity","processedAt") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`);
  const or = d.prepare(`INSERT INTO "Order" ("id","shop","orderId","kind","shopifyCreatedAt","shopifyUpdatedAt","currency","totalPrice","presentmentCurrency","presentmentTotal","facts","matchStatus","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
  const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
  d.transaction(() => {
    for (let i = 0; i < events; i++) {
      const at = iso(now - (i % 86_400) * 1000);
      ev.run(randomUUID(), TEST_SHOP, `seed-${i}`, i % 10 === 0 ? "checkout_started" : "page_viewed", at, at, `client-${i % 50_000}`, i % 10 === 0 ? `tok-${i}` : null, "1111", "{}", "{}", at);
    }
    for (let i = 0; i < orders; i++) {
      const at = iso(now - i * 1000);
      or.run(randomUUID(), TEST_SHOP, String(7_000_000_000_000 + i), "online", at, at, "USD", "10.00", "USD", "10.00", "{}", "unmatched", at, at);
    }
  })();
  d.close();
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error("bench: timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}
async function waitQuiet(db: Awaited<ReturnType<typeof openDb>>) {
  await waitFor(async () => (await db.webhookDelivery.count({ where: { status: "received" } })) + (await db.delivery.count({ where: { status: { in: ["pending", "retrying"] } } })) === 0);
}

function report() {
  const out = path.join(ROOT, "bench/out");
  mkdirSync(out, { recursive: true });
  console.log("\n| figure | value | target | baseline | ratio |\n|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.figure} | ${r.value.toFixed(1)} ${r.unit} | ${r.target} | ${r.baseline === null ? "—" : r.baseline.toFixed(1)} | ${r.ratio === null ? "—" : r.ratio.toFixed(3)} |`);
  writeFileSync(path.join(out, "bench.json"), JSON.stringify({ at: new Date().toISOString(), quick, rows }, null, 2));
  const w = 900, bar = 26, h = 40 + rows.length * (bar + 8);
  const maxRatio = Math.max(1, ...rows.map((r) => r.ratio ?? 0));
  const svg = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`, `<text x="10" y="20" font-weight="bold">Trueline bench: ratio to same-run baseline${quick ? " (quick)" : ""}</text>`];
  rows.forEach((r, i) => {
    const y = 34 + i * (bar + 8);
    const len = ((r.ratio ?? 0) / maxRatio) * 380;
    svg.push(`<text x="10" y="${y + 17}">${r.figure.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</text>`, `<rect x="500" y="${y}" width="${len.toFixed(1)}" height="${bar}" fill="${r.better === "higher" ? "#2c6ecb" : "#8a6116"}"/>`, `<text x="${505 + len}" y="${y + 17}">${r.ratio === null ? "—" : r.ratio.toFixed(3)}</text>`);
  });
  svg.push("</svg>");
  writeFileSync(path.join(out, "bench.svg"), svg.join("\n"));
  console.log(`\nsaved ${path.relative(ROOT, path.join(out, "bench.json"))} and ${path.relative(ROOT, path.join(out, "bench.svg"))}`);
  const regressions = rows.filter((r) => r.floor !== undefined && r.ratio !== null && (r.better === "higher" ? r.ratio < r.floor : r.ratio > r.floor));
  if (regressions.length) {
    console.error(`bench: regression beyond the set ratio: ${regressions.map((r) => `${r.figure} ratio ${r.ratio?.toFixed(3)} (floor ${r.floor})`).join("; ")}`);
    process.exit(1);
  }
}

main().then(() => process.exit(0), (e) => { console.error("bench failed:", e); process.exit(1); });
