#!/usr/bin/env node
// The process entry: `node server.mjs` serves the Remix app (and, with
// WORKER_MODE=inline, runs the background worker in the same process);
// `node server.mjs --worker-only` runs only the worker (scale mode).
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import express from "express";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

installGlobals({ nativeFetch: true });
const root = path.dirname(fileURLToPath(import.meta.url));
const buildFile = path.join(root, "build", "server", "index.js");
if (!existsSync(buildFile)) {
  console.error("trueline: no build found (build/server/index.js); run `npm run build` first");
  process.exit(1);
}
const build = await import(pathToFileURL(buildFile).href);
const workerOnly = process.argv.includes("--worker-only");

let app;
try {
  app = await build.entry.module.boot();
} catch (error) {
  // EnvError: one clear line naming the variable.
  console.error(error && error.name === "EnvError" ? error.message : `trueline: boot failed: ${error?.stack ?? error}`);
  process.exit(1);
}

let worker = null;
let server = null;
if (workerOnly || app.workerMode === "inline") worker = app.startWorker();

/**
 * Body caps by path (ADR 0013), checked before anything reads the body: a declared
 * Content-Length over the cap is answered 413 at once (nothing read), and a body
 * without one (chunked) is counted as it streams and cut at the cap. Webhooks carry
 * Shopify's largest payloads (an order with hundreds of line items is a few hundred
 * KiB; 5 MiB leaves a wide margin); the pixel's batch is capped at 64 KiB by browsers.
 */
const MiB = 1024 * 1024;
function bodyCap(pathname) {
  if (pathname.startsWith("/webhooks/")) return 5 * MiB;
  if (pathname.startsWith("/proxy/")) return 64 * 1024;
  if (pathname === "/auth" || pathname.startsWith("/auth/")) return 16 * 1024;
  return 1 * MiB;
}

/**
 * 413 with Connection: close. Node closes the socket once the answer is written; a body
 * already streaming past the cap (`cutOff`) is no longer read, and its socket is
 * destroyed shortly after the answer left.
 */
function tooLarge(req, res, cap, cutOff = false) {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  res.statusCode = 413;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Connection", "close");
  res.end(JSON.stringify({ error: `body exceeds ${cap} bytes` }), () => {
    if (cutOff) setTimeout(() => req.socket.destroy(), 50).unref();
  });
}

/** A node:http body as UTF-8, stopping (and pausing the socket) past `limit` bytes. */
function readNodeBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve({ kind: "too-large", limit });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ kind: "ok", text: Buffer.concat(chunks).toString("utf8") });
    };
    const onError = (error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/**
 * The pixel's ingest endpoint, the one hot path, as a plain node:http handler ahead of
 * Express and Remix (ADR 0010, 0013): no WHATWG Request, no router. It keeps the process
 * edge's rules: a request id, the /proxy body cap (413 before reading past it), the one
 * error path. The Remix route (app/routes/proxy.events.tsx) calls the same controller.
 */
function handleIngestPlain(req, res) {
  const requestId = randomUUID();
  res.setHeader("X-Request-Id", requestId);
  const cap = bodyCap("/proxy/events");
  const declared = req.headers["content-length"];
  if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > cap)) return tooLarge(req, res, cap);
  const header = (name) => {
    const v = req.headers[name];
    return typeof v === "string" ? v : Array.isArray(v) ? v.join(", ") : null;
  };
  build.entry.module
    .ingestProxyRequest({ method: "POST", url: `http://${req.headers.host ?? "localhost"}${req.url}`, header, readBody: (limit) => readNodeBody(req, limit) })
    .then((answer) => {
      if (!req.complete) answer.headers.Connection = "close";
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? undefined, () => {
        if (!req.complete) setTimeout(() => req.socket.destroy(), 50).unref();
      });
    })
    .catch((error) => {
      build.entry.module.reportError(error, { requestId, method: req.method, path: "/proxy/events" });
      if (res.headersSent) return void req.socket.destroy();
      res.writeHead(500, { "Content-Type": "application/json", "Cache-Control": "no-store", ...(req.complete ? {} : { Connection: "close" }) });
      res.end(JSON.stringify(build.entry.module.genericErrorBody(requestId)));
    });
}

/** A node:http body as bytes, stopping (and pausing the socket) past `limit` bytes. */
function readNodeBytes(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/**
 * Shopify's webhook POSTs, the other hot path, as a plain node:http handler ahead of Express
 * and Remix (ADR 0013): the raw bytes read under the webhook cap (413 before reading past it),
 * then the controller's checks (node:crypto HMAC, topic, shop, trigger time) and one stored
 * row. Other methods and unknown paths go on to Express (405 / 404 from the Remix routes).
 */
function handleWebhookPlain(req, res, route) {
  const requestId = randomUUID();
  res.setHeader("X-Request-Id", requestId);
  const cap = bodyCap("/webhooks/");
  const declared = req.headers["content-length"];
  if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > cap)) return tooLarge(req, res, cap);
  const header = (name) => {
    const v = req.headers[name];
    return typeof v === "string" ? v : Array.isArray(v) ? v.join(", ") : undefined;
  };
  readNodeBytes(req, cap)
    .then((bytes) => {
      if (bytes === null) return tooLarge(req, res, cap, true);
      return build.entry.module.acceptWebhookBytes({ header, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) }, route).then((answer) => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body ?? undefined);
      });
    })
    .catch((error) => {
      build.entry.module.reportError(error, { requestId, method: req.method, path: route });
      if (res.headersSent) return void req.socket.destroy();
      res.writeHead(500, { "Content-Type": "application/json", "Cache-Control": "no-store", ...(req.complete ? {} : { Connection: "close" }) });
      res.end(JSON.stringify(build.entry.module.genericErrorBody(requestId)));
    });
}

if (!workerOnly) {
  const web = express();
  web.disable("x-powered-by");
  // Every request gets an id (never the client's: it is unsigned), sent back in
  // X-Request-Id and written beside any error logged for it (ADR 0013).
  web.use((req, res, next) => {
    const id = randomUUID();
    req.headers["x-request-id"] = id;
    res.locals.requestId = id;
    res.setHeader("X-Request-Id", id);
    next();
  });
  web.use((req, res, next) => {
    const cap = bodyCap(req.path);
    const declared = req.headers["content-length"];
    if (declared !== undefined) {
      if (!/^\d+$/.test(declared) || Number(declared) > cap) return tooLarge(req, res, cap);
      return next(); // Node's parser never delivers more than the declared length
    }
    if (req.headers["transfer-encoding"] === undefined) return next(); // no body
    let seen = 0;
    // Counting does not consume: the route's reader attaches in this same turn.
    const count = (chunk) => {
      seen += chunk.length;
      if (seen > cap) {
        req.off("data", count);
        req.pause();
        tooLarge(req, res, cap, true);
      }
    };
    req.on("data", count);
    next();
  });
  // An answer sent before the request body was read (413 on Content-Length, 401 before
  // the body, 405) closes the connection, so the client never reuses a socket whose
  // unread upload would reset it under the next request.
  web.use((req, res, next) => {
    const writeHead = res.writeHead;
    res.writeHead = function (...args) {
      if (!req.complete && !res.headersSent) res.setHeader("Connection", "close");
      return writeHead.apply(this, args);
    };
    next();
  });
  web.use("/assets", express.static(path.join(root, "build/client/assets"), { immutable: true, maxAge: "1y" }));
  web.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));
  // mode "production" always: Remix never serializes an error's message or stack into a
  // response, in development either; errors are logged by handleError (entry.server.tsx).
  web.all("*", createRequestHandler({ build, mode: "production" }));
  // The one error path for everything Express sees: logged through the scrubbing logger
  // with the request id; a generic 500 carrying the id (no stack, SQL or parameters).
  web.use((error, req, res, _next) => {
    const requestId = res.locals.requestId ?? null;
    build.entry.module.reportError(error, { requestId, method: req.method, path: req.path });
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    res.status(500);
    res.setHeader("Content-Type", "application/json");
    res.setHeader("Cache-Control", "no-store");
    res.end(JSON.stringify(build.entry.module.genericErrorBody(requestId)));
  });
  // Timeouts (ADR 0013): a whole request (headers and body) must arrive within
  // HTTP_REQUEST_TIMEOUT_MS (408 and the socket closed otherwise), its headers within
  // 10 s; idle kept-alive sockets close after 65 s (longer than the usual load balancer's
  // 60 s, so the balancer closes first); at most HTTP_MAX_CONNECTIONS sockets at once.
  const requestTimeout = app.http.requestTimeoutMs;
  server = http.createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(10_000, requestTimeout),
      keepAliveTimeout: 65_000,
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(requestTimeout / 4))),
    },
    (req, res) => {
      if (req.method === "POST" && (req.url === "/proxy/events" || req.url.startsWith("/proxy/events?"))) return handleIngestPlain(req, res);
      if (req.method === "POST" && req.url.startsWith("/webhooks/")) {
        const q = req.url.indexOf("?");
        const route = build.entry.module.webhookRouteOf(q < 0 ? req.url : req.url.slice(0, q));
        if (route) return handleWebhookPlain(req, res, route);
      }
      web(req, res);
    },
  );
  server.maxConnections = app.http.maxConnections;
  server.listen(app.port, app.host, () => {
    const addr = server.address();
    console.log(JSON.stringify({ t: new Date().toISOString(), level: "info", msg: "trueline listening", port: addr.port, db: app.provider, worker: worker ? "inline" : "off" }));
  });
} else {
  console.log(JSON.stringify({ t: new Date().toISOString(), level: "info", msg: "trueline worker started", db: app.provider }));
}

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ t: new Date().toISOString(), level: "info", msg: "shutting down", signal }));
  const closing = server ? new Promise((r) => server.close(r)) : Promise.resolve();
  server?.closeIdleConnections?.();
  await Promise.race([Promise.all([closing, worker?.stop()]), new Promise((r) => setTimeout(r, 10_000))]);
  await app.disconnect().catch(() => undefined);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
