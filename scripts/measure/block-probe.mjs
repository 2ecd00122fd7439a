// Preload (node --import) for measurements: records every stall of the event loop longer
// than BLOCK_PROBE_MS (default 20) and every GC pause, one JSON line each, to the file named
// by BLOCK_PROBE_FILE, so a driver can line them up with request latencies and a CPU profile.
import { appendFileSync } from "node:fs";
import { PerformanceObserver, performance } from "node:perf_hooks";
const file = process.env.BLOCK_PROBE_FILE;
const limit = Number(process.env.BLOCK_PROBE_MS ?? 20);
if (file) {
  const write = (o) => appendFileSync(file, `${JSON.stringify({ pid: process.pid, ...o })}\n`);
  let last = performance.now();
  setInterval(() => {
    const t = performance.now();
    const stall = t - last - 5;
    if (stall > limit) write({ kind: "stall", at: performance.timeOrigin + last, ms: Math.round(stall) });
    last = t;
  }, 5).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration > 5) write({ kind: "gc", at: performance.timeOrigin + e.startTime, ms: Math.round(e.duration), gcKind: e.detail?.kind });
  }).observe({ entryTypes: ["gc"] });
}
// Server-side request time (arrival of the headers → the answer finished), for requests slower
// than the limit: tells a slow server from a slow client harness.
if (file) {
  const { subscribe } = await import("node:diagnostics_channel");
  const started = new WeakMap();
  subscribe("http.server.request.start", ({ request }) => started.set(request, performance.now()));
  subscribe("http.server.response.finish", ({ request }) => {
    const t = started.get(request);
    if (t === undefined) return;
    const ms = performance.now() - t;
    if (ms > limit) appendFileSync(file, `${JSON.stringify({ pid: process.pid, kind: "request", at: performance.timeOrigin + t, ms: Math.round(ms), url: request.url.split("?")[0] })}\n`);
  });
}
