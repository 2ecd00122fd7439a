import { readFileSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP } from "../support/env";
import { openDb, seedInstalledShop } from "../support/seed";

/**
 * Issue 11 part 3: bodies are capped per route before anything is read past the cap,
 * slow clients are cut off by the request timeout, and open sockets are bounded.
 * Memory is measured on the server process (its RSS from /proc) around a flood of
 * oversized webhook posts with a wrong HMAC.
 */

const MiB = 1024 * 1024;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m![1]) * 1024;
}

const CHUNK = Buffer.alloc(MiB, 0x61);

/**
 * POST `total` bytes (declared as Content-Length, or chunked when `chunked`) on a raw
 * socket, as fast as the server takes them; stops when the server answers or closes.
 * Returns the status the server sent (or "closed") and how many bytes were written.
 */
function upload(base: string, path: string, total: number, opts: { chunked?: boolean; headOnly?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number | "closed"; written: number }> {
  return new Promise((resolve) => {
    const u = new URL(path, base);
    const socket = net.connect(Number(u.port), u.hostname);
    let written = 0;
    let received = "";
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(received);
      resolve({ status: m ? Number(m[1]) : "closed", written });
    };
    socket.on("data", (d) => {
      received += d.toString("latin1");
      if (/\r\n\r\n/.test(received)) setTimeout(finish, 20);
    });
    socket.on("error", finish);
    socket.on("close", finish);
    const headers = { Host: u.host, "Content-Type": "application/json", ...(opts.chunked ? { "Transfer-Encoding": "chunked" } : { "Content-Length": String(total) }), ...opts.headers };
    const head = `POST ${u.pathname}${u.search} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
    const chunkHead = Buffer.from(`${CHUNK.length.toString(16)}\r\n`);
    const crlf = Buffer.from("\r\n");
    socket.once("connect", () => {
      socket.write(head);
      if (opts.headOnly) return;
      const pump = () => {
        while (!done && !socket.destroyed && written < total) {
          written += CHUNK.length;
          const ok = opts.chunked ? (socket.write(chunkHead), socket.write(CHUNK), socket.write(crlf)) : socket.write(CHUNK);
          if (!ok) return void socket.once("drain", pump);
        }
        if (!done && !socket.destroyed) socket.write(opts.chunked ? "0\r\n\r\n" : "");
      };
      pump();
    });
  });
}

const WRONG_WEBHOOK_HEADERS = {
  "X-Shopify-Hmac-Sha256": "d3JvbmcgaG1hYw==",
  "X-Shopify-Topic": "orders/create",
  "X-Shopify-Shop-Domain": TEST_SHOP,
  "X-Shopify-API-Version": "2026-10",
  "X-Shopify-Webhook-Id": "flood",
};

async function inBatches<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += concurrency) out.push(...(await Promise.all(Array.from({ length: Math.min(concurrency, n - i) }, (_, j) => task(i + j)))));
  return out;
}

describe("body caps, timeouts and connection bound (real server)", () => {
  let app: RunningApp;
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = await openDb(database.url);
    await seedInstalledShop(db, TEST_SHOP);
    app = await startApp({ databaseUrl: database.url, env: { WORKER_MODE: "off", LOG_LEVEL: "warn", HTTP_REQUEST_TIMEOUT_MS: "1500", HTTP_MAX_CONNECTIONS: "40" } });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await db?.$disconnect();
    await drop?.();
  });

  it("a flood of 64 MiB webhook posts with a wrong HMAC is refused with 413 and the server's memory stays bounded", async () => {
    const pid = app.process.pid!;
    // Warm up the routes so the baseline includes what any first request loads.
    await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers: WRONG_WEBHOOK_HEADERS, body: "{}" });
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
    try {
      const declared = await inBatches(16, 8, () => upload(app.url, "/webhooks/orders", 64 * MiB, { headers: WRONG_WEBHOOK_HEADERS }));
      // A chunked body is read up to the cap (5 MiB) before it is cut: 4 at a time.
      const chunked = await inBatches(16, 4, () => upload(app.url, "/webhooks/orders", 64 * MiB, { chunked: true, headers: WRONG_WEBHOOK_HEADERS }));
      // Declared too large: 413 at once (a client still pushing its body may see the
      // socket reset under the answer; how many do depends on the machine's load, so only
      // "some saw the 413, none saw anything else" is asserted; the head-only checks below
      // pin the 413-before-the-body answer exactly).
      for (const r of declared) expect([413, "closed"]).toContain(r.status);
      expect(declared.filter((r) => r.status === 413).length).toBeGreaterThan(0);
      // Chunked: cut at the cap (the client sees the 413, or the socket closed under it,
      // or the short request timeout of this test's server fired first).
      for (const r of chunked) {
        expect([413, 408, "closed"]).toContain(r.status);
        expect(r.written).toBeLessThan(64 * MiB);
      }
      // A declared length over the cap is answered before any of the body is sent; routes
      // other than webhooks have smaller caps.
      expect((await upload(app.url, "/webhooks/orders", 5 * MiB + 1, { headOnly: true, headers: WRONG_WEBHOOK_HEADERS })).status).toBe(413);
      expect((await upload(app.url, "/auth/login", 64 * 1024, { headOnly: true })).status).toBe(413);
      expect((await upload(app.url, "/proxy/events?shop=x", 65 * 1024, { headOnly: true })).status).toBe(413);
      expect((await upload(app.url, "/app/settings", 2 * MiB, { headOnly: true })).status).toBe(413);
    } finally {
      clearInterval(sampler);
    }
    const growth = Math.max(peak, rssBytes(pid)) - before;
    console.log(`server RSS: ${(before / MiB).toFixed(0)} MiB before, peak ${(peak / MiB).toFixed(0)} MiB during 32 × 64 MiB uploads (growth ${(growth / MiB).toFixed(0)} MiB)`);
    expect(growth).toBeLessThan(100 * MiB);
    // Still serving.
    expect((await fetch(`${app.url}/healthz`)).status).toBeLessThan(500);
  }, 120_000);

  it("a body within the cap still reaches the route (the webhook answers 401 for the wrong HMAC, not 413)", async () => {
    const body = JSON.stringify({ id: 1, pad: "x".repeat(2 * MiB) });
    const res = await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers: { ...WRONG_WEBHOOK_HEADERS, "Content-Type": "application/json" }, body });
    expect(res.status).toBe(401);
  });

  it("a client sending its body slowly is cut off by the request timeout", async () => {
    const u = new URL(app.url);
    const socket = net.connect(Number(u.port), u.hostname);
    await new Promise((r) => socket.once("connect", r));
    socket.write(`POST /webhooks/orders HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n`);
    let received = "";
    socket.on("data", (d) => (received += d.toString()));
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    // One byte every 100 ms: the whole body would take 1,000 s.
    let sent = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed) {
        socket.write("x");
        sent++;
      }
    }, 100);
    await closed;
    clearInterval(drip);
    expect(sent).toBeLessThan(10_000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  }, 60_000);

  it("open sockets are bounded: past HTTP_MAX_CONNECTIONS a new socket is closed without an answer", async () => {
    const u = new URL(app.url);
    const sockets: net.Socket[] = [];
    try {
      for (let i = 0; i < 40; i++) {
        const s = net.connect(Number(u.port), u.hostname);
        await new Promise((r) => s.once("connect", r));
        sockets.push(s);
      }
      await new Promise((r) => setTimeout(r, 100));
      const extra = net.connect(Number(u.port), u.hostname);
      sockets.push(extra);
      const outcome = await new Promise<string>((resolve) => {
        let data = "";
        extra.on("data", (d) => (data += d.toString()));
        extra.on("error", () => resolve("closed"));
        extra.on("close", () => resolve(data ? data.slice(0, 12) : "closed"));
        extra.on("connect", () => extra.write(`GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`));
      });
      expect(outcome).toBe("closed");
    } finally {
      for (const s of sockets) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${app.url}/healthz`)).status).toBeLessThan(500);
  }, 30_000);
});
