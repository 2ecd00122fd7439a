#!/usr/bin/env node
// The process entry: `node server.mjs` serves the Remix app (and, with
// WORKER_MODE=inline, runs the background worker in the same process);
// `node server.mjs --worker-only` runs only the worker (scale mode).
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import express from "express";
import { existsSync } from "node:fs";
import { Readable } from "node:stream";
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

if (!workerOnly) {
  const web = express();
  web.disable("x-powered-by");
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
  // The pixel's ingest endpoint is the one hot path: mounted before the static files, it
  // skips Remix's router and calls the
  // same handler the Remix route (app/routes/proxy.events.tsx) calls (ADR 0010).
  web.post("/proxy/events", (req, res, next) => {
    const url = new URL(req.originalUrl, `http://${req.headers.host ?? "localhost"}`);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(url, { method: "POST", headers, body: Readable.toWeb(req), duplex: "half" });
    build.entry.module
      .handleProxyIngest(request)
      .then(async (response) => {
        res.status(response.status);
        response.headers.forEach((v, k) => res.setHeader(k, v));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(next);
  });
  web.use("/assets", express.static(path.join(root, "build/client/assets"), { immutable: true, maxAge: "1y" }));
  web.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));
  web.all("*", createRequestHandler({ build }));
  server = web.listen(app.port, app.host, () => {
    const addr = server.address();
    console.log(JSON.stringify({ t: new Date().toISOString(), level: "info", msg: "trueline listening", port: addr.port, db: app.provider, worker: worker ? "inline" : "off" }));
  });
  server.keepAliveTimeout = 65_000;
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
