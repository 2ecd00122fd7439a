/**
 * Webhook acknowledgement latency while a pixel backlog drains (the bench's ack phase, small):
 * 1. a server with the worker off takes N pixel events (batches of 10);
 * 2. a server with WORKER_MODE=inline (Meta destination on a local stand-in) drains them while
 *    orders/create webhooks arrive at RATE/s over 4 connections for SECONDS;
 * 3. prints ack p50/p99/max, and the loop stalls and GC pauses the probe saw (block-probe.mjs).
 * With PROFILE=1 the server also writes a CPU profile, and the stalls are attributed to the
 * functions that ran during them (self time, top 25).
 * Usage: npx vite-node scripts/measure/webhook-ack.ts [events] [seconds] [rate]
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { buildCustomer, buildOnlineOrder, toWebhookBody } from "../../test/factories/order-factory";
import { startStandins } from "../../test/standins";
import { startApp } from "../../test/support/app-server";
import { TEST_API_SECRET, TEST_SHOP } from "../../test/support/env";
import { openDb, seedDestination, seedInstalledShop } from "../../test/support/seed";
import { signedProxyUrl, webhookHeaders } from "../../test/support/shopify-signing";
import { freshSqlite, ROOT } from "./common";

const events = Number(process.argv[2] ?? 20_000);
const seconds = Number(process.argv[3] ?? 10);
const rate = Number(process.argv[4] ?? 50);
const url = freshSqlite("ack");
const db = await openDb(url);
await seedInstalledShop(db, TEST_SHOP);
const standins = await startStandins();
await seedDestination(db, TEST_SHOP, "meta", { ...standins.credentials.meta }, { events: { page_view: false, view_content: false, add_to_cart: false, initiate_checkout: false, add_payment_info: false } });
const consent = { analytics: true, marketing: true, preferences: true, saleOfData: true };
let seq = 0;
const body = (n: number) =>
  JSON.stringify({ v: 1, consent, identity: { clientId: `m-${seq % 500}` }, events: Array.from({ length: n }, () => ({ id: `m-${seq++}`, name: "page_viewed", timestamp: new Date().toISOString(), url: "https://shop.example.com/?utm_source=facebook" })) });
const env = { LOG_LEVEL: "warn", RATE_LIMIT_SHOP_PER_MIN: "1000000000", RATE_LIMIT_VISITOR_PER_MIN: "1000000000", DESTINATION_BASE_URLS: JSON.stringify(standins.urls) };

const off = await startApp({ databaseUrl: url, env: { ...env, WORKER_MODE: "off" } });
await Promise.all(Array.from({ length: 8 }, async () => {
  while (seq < events) {
    const r = await fetch(signedProxyUrl(off.url, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body: body(10) });
    if (!r.ok) throw new Error(`ingest ${r.status}`);
  }
}));
await off.stop();
const backlog = await db.pixelEvent.count({ where: { processedAt: null } });

const probeFile = `/tmp/ack-probe-${process.pid}.jsonl`;
const profDir = `/tmp/ack-prof-${process.pid}`;
const profile = process.env.PROFILE === "1";
if (profile) mkdirSync(profDir, { recursive: true });
process.env.TRUELINE_NODE_ARGS = [`--import`, path.join(ROOT, "scripts/measure/block-probe.mjs"), ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`, "--cpu-prof-interval=500"] : [])].join(" ");
const app = await startApp({ databaseUrl: url, env: { ...env, WORKER_MODE: "inline", BLOCK_PROBE_FILE: probeFile } });
await new Promise((r) => setTimeout(r, Number(process.env.SETTLE_MS ?? 500)));
let orderSeq = 0;
const lat: Array<{ at: number; ms: number }> = [];
const t0 = Date.now();
const interval = 1000 / rate;
let sent = 0;
await Promise.all(Array.from({ length: 4 }, async () => {
  for (;;) {
    const slot = t0 + sent * interval;
    if (slot > t0 + seconds * 1000) return;
    sent++;
    const wait = slot - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const id = 9_100_000_000_000n + BigInt(orderSeq++);
    const now = new Date().toISOString();
    const email = `ack-buyer-${id}@example.com`;
    const o = toWebhookBody(buildOnlineOrder({ id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#A${orderSeq}`, created_at: now, processed_at: now, updated_at: now, checkout_token: `ack-${randomUUID().replace(/-/g, "")}`, email, contact_email: email, customer: buildCustomer({ id: 7_800_000_000_000n + BigInt(orderSeq), email }) }));
    const start = performance.now();
    const at = Date.now();
    const r = await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers: webhookHeaders({ topic: "orders/create", shop: TEST_SHOP, secret: TEST_API_SECRET, body: o }), body: o });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`webhook ${r.status}`);
    lat.push({ at, ms: performance.now() - start });
  }
}));
const left = await db.pixelEvent.count({ where: { processedAt: null } });
await app.stop();
const sorted = lat.map((l) => l.ms).sort((a, b) => a - b);
const pct = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN) * 10) / 10;
const probe = existsSync(probeFile) ? readFileSync(probeFile, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { kind: string; at: number; ms: number }) : [];
const stalls = probe.filter((p) => p.kind === "stall");
const gcs = probe.filter((p) => p.kind === "gc");
if (process.env.TIMELINE === "1") {
  for (const s of stalls) console.log(`stall at ${((s.at - t0) / 1000).toFixed(2)} s: ${s.ms} ms`);
  for (const l of lat.filter((x) => x.ms > 30)) console.log(`ack at ${((l.at - t0) / 1000).toFixed(2)} s: ${l.ms.toFixed(0)} ms`);
}
console.log(JSON.stringify({ backlog, left, acks: lat.length, ackP50: pct(0.5), ackP99: pct(0.99), ackMax: pct(1), slowAcks: lat.filter((l) => l.ms > 50).length, stalls: stalls.length, stallMsTop: stalls.map((s) => s.ms).sort((a, b) => b - a).slice(0, 12), gcOver5ms: gcs.length, gcMsTop: gcs.map((g) => g.ms).sort((a, b) => b - a).slice(0, 8) }));

if (profile) {
  const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  if (file) {
    type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
    const p = JSON.parse(readFileSync(path.join(profDir, file), "utf8")) as { nodes: Node[]; startTime: number; samples: number[]; timeDeltas: number[] };
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    // Sample times (µs, the profile's clock) → stall windows (probe's clock is wall ms; align by the first sample ≈ process start is unreliable, so use long non-idle runs instead).
    let t = p.startTime;
    const times = p.timeDeltas.map((d) => (t += d));
    const isIdle = (id: number) => ["(idle)", "(program)", "(garbage collector)"].includes(byId.get(id)!.callFrame.functionName) && byId.get(id)!.callFrame.functionName === "(idle)";
    const self = new Map<string, number>();
    const incl = new Map<string, number>();
    let runStart = -1;
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < p.samples.length; i++) {
      if (!isIdle(p.samples[i]!)) { if (runStart < 0) runStart = i; }
      else if (runStart >= 0) { if (times[i]! - times[runStart]! > 30_000) runs.push([runStart, i]); runStart = -1; }
    }
    const label = (n: Node) => `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.replace(/^.*\/(node_modules\/)?/, "")}:${n.callFrame.lineNumber}`;
    let total = 0;
    for (const [a, b] of runs) for (let i = a; i < b; i++) {
      const dt = (times[i + 1] ?? times[i]!) - times[i]!;
      total += dt;
      const n = byId.get(p.samples[i]!)!;
      self.set(label(n), (self.get(label(n)) ?? 0) + dt);
      const seen = new Set<string>();
      for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) { const l = label(byId.get(id)!); if (!seen.has(l)) { seen.add(l); incl.set(l, (incl.get(l) ?? 0) + dt); } }
    }
    const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(6)} ms ${(100 * v / total).toFixed(1).padStart(5)}% ${k}`);
    console.log(`busy runs > 30 ms: ${runs.length}, ${(total / 1000).toFixed(0)} ms in them; longest ${Math.max(0, ...runs.map(([a, b]) => (times[b]! - times[a]!) / 1000)).toFixed(0)} ms`);
    console.log("-- self time in those runs\n" + top(self).join("\n"));
    // The longest run alone: what one stall was made of.
    const [la, lb] = runs.reduce((m, r) => (times[r[1]]! - times[r[0]]! > times[m[1]]! - times[m[0]]! ? r : m), runs[0] ?? [0, 0]);
    const longest = new Map<string, number>();
    for (let i = la; i < lb; i++) {
      const dt = (times[i + 1] ?? times[i]!) - times[i]!;
      const seen = new Set<string>();
      for (let id: number | undefined = p.samples[i]!; id !== undefined; id = parent.get(id)) { const l = label(byId.get(id)!); if (!seen.has(l)) { seen.add(l); longest.set(l, (longest.get(l) ?? 0) + dt); } }
    }
    console.log("-- inclusive time in the longest run\n" + [...longest].sort((a, b) => b[1] - a[1]).slice(0, 45).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(6)} ms ${k}`).join("\n"));
    console.log("-- inclusive time in those runs\n" + top(incl).join("\n"));
  }
  rmSync(profDir, { recursive: true, force: true });
}
await standins.close?.();
await db.$disconnect();
process.exit(0);
