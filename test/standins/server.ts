/**
 * The small HTTP server every stand-in shares: a real node:http server on 127.0.0.1 with an
 * ephemeral port, request bookkeeping, fault injection and a close() that also ends requests a
 * timeout fault left hanging. Platform files only describe how their API judges a request
 * (`PlatformStandin.handle`) and what its error bodies look like.
 *
 * Nothing here logs: request bodies carry (hashed, or in a failing test raw) personal data.
 */
import { randomBytes } from "node:crypto";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type {
  Fault,
  ReceivedEvent,
  RejectedRequest,
  StandinKind,
} from "./types";

export interface StandinRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Raw body bytes (GA4 checks the 130 kB limit on these). */
  raw: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Object/array → JSON; string → sent as-is; undefined → empty body. */
  body?: unknown;
}

export interface AcceptedEvent {
  eventId: string | null;
  eventName: string;
  test: boolean;
  body: unknown;
  envelope: unknown;
  notes: string[];
}

/** A refused request or event; recorded with the status of the reply it came with. */
export interface Refusal {
  reason: string;
  body: unknown;
}

export interface Outcome {
  reply: Reply;
  accepted?: AcceptedEvent[];
  refused?: Refusal[];
}

export interface HandlerContext {
  /** Receipt time, unix ms (the stand-in clock). */
  now: number;
  /** True when `value` is exactly the stand-in's credential `name` and no bad-token fault is active. */
  credentialMatches(name: string, value: unknown): boolean;
  /** Everything accepted so far (for platforms that refuse duplicates themselves: Google Ads). */
  received: readonly ReceivedEvent[];
}

export interface PlatformStandin {
  kind: StandinKind;
  credentials: Record<string, string>;
  /** Judge one request. null = no such route (answered 404). */
  handle(req: StandinRequest, ctx: HandlerContext): Outcome | null;
  /** The platform's answer for an injected HTTP status (5xx, 429, ...). */
  statusReply(status: number): Reply;
  /** The platform's own "slow down" answer (TikTok 200 + code 40100, Meta code 17, ...). */
  rateLimitReply(): Reply;
  /**
   * Read-back endpoints (dataset quality, upload diagnostics): answered from what was received,
   * outside the request count, faults (except bad-token, through credentialMatches) and the
   * received/rejected records, so reads never disturb what delivery tests count. null = not a read.
   */
  read?(req: StandinRequest, ctx: HandlerContext): Reply | null;
  /** Forget platform-side state besides what the server keeps (Google's OAuth grants). */
  reset?(): void;
}

export interface RunningStandin {
  url: string;
  received(): ReceivedEvent[];
  rejected(): RejectedRequest[];
  requests(): number;
  /** Read-back requests answered (PlatformStandin.read), with the status given. */
  reads(): Array<{ at: number; path: string; status: number }>;
  dedupedCount(): number;
  setFault(fault: Fault): void;
  reset(): void;
  close(): Promise<void>;
}

/** Anything bigger is refused before parsing; far above every platform's own limit. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Meta, TikTok and Snap document a 48 h dedup window; used for every platform's counter. */
const DEDUP_WINDOW_MS = 48 * 60 * 60 * 1000;
/** A success status whose body does not parse: what a broken proxy or truncated answer looks like. */
const MALFORMED_BODY = '{"status":"ok","events_rec';

export function parseJson(
  raw: Buffer
): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The request body as recorded in rejected(): parsed JSON when possible, else text. */
function bodyForRecord(raw: Buffer): unknown {
  const parsed = parseJson(raw);
  return parsed.ok ? parsed.value : raw.toString("utf8");
}

/** Random request/trace id in the style platforms put in their answers. */
export function traceId(): string {
  return randomBytes(12).toString("base64url");
}

export async function startStandinServer(
  platform: PlatformStandin,
  now: () => number
): Promise<RunningStandin> {
  let received: ReceivedEvent[] = [];
  let rejected: RejectedRequest[] = [];
  let requestCount = 0;
  const reads: Array<{ at: number; path: string; status: number }> = [];
  let fault: Fault = { type: "none" };
  let faultRemaining = Number.POSITIVE_INFINITY;
  let closed = false;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const ctxFor = (at: number): HandlerContext => ({
    now: at,
    received,
    credentialMatches: (name, value) =>
      fault.type !== "bad-token" &&
      typeof value === "string" &&
      value === platform.credentials[name],
  });

  /** The fault that applies to this request; counted faults recover after `count` requests. */
  function takeFault(): Fault {
    const current = fault;
    if (
      current.type === "none" ||
      current.type === "bad-token" ||
      current.type === "latency"
    )
      return current;
    faultRemaining -= 1;
    if (faultRemaining <= 0) {
      fault = { type: "none" };
      faultRemaining = Number.POSITIVE_INFINITY;
    }
    return current;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  function send(res: ServerResponse, reply: Reply): void {
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string> = { ...reply.headers };
    let payload: string | undefined;
    if (typeof reply.body === "string") {
      payload = reply.body;
    } else if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers["content-type"] ??= "application/json; charset=utf-8";
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(chunk);
      });
      req.on("end", () =>
        resolve(tooLarge ? "too-large" : Buffer.concat(chunks))
      );
      req.on("error", reject);
    });
  }

  function faultReply(f: Fault): Reply | "hang" | null {
    switch (f.type) {
      case "status": {
        const reply = platform.statusReply(f.status);
        if (f.retryAfterSec === undefined) return reply;
        return {
          ...reply,
          headers: { ...reply.headers, "retry-after": String(f.retryAfterSec) },
        };
      }
      case "timeout":
        return "hang";
      case "malformed":
        return {
          status: 200,
          headers: { "content-type": "application/json; charset=utf-8" },
          body: MALFORMED_BODY,
        };
      case "rate-limit-in-body":
        return platform.rateLimitReply();
      default:
        return null;
    }
  }

  async function onRequest(
    req: IncomingMessage,
    res: ServerResponse
  ): Promise<void> {
    const at = now();
    requestCount += 1;
    const body = await readBody(req);
    if (closed) return;
    if (body === "too-large") {
      const reply: Reply = {
        status: 413,
        body: { error: "stand-in: request body over 16 MiB" },
      };
      rejected.push({
        at,
        status: 413,
        reason: "request body over 16 MiB",
        body: null,
        response: reply.body,
      });
      send(res, reply);
      return;
    }
    if (platform.read) {
      const readUrl = new URL(req.url ?? "/", "http://127.0.0.1");
      const answer = platform.read(
        { method: req.method ?? "GET", pathname: readUrl.pathname, query: readUrl.searchParams, headers: req.headers, raw: body },
        ctxFor(at)
      );
      if (answer !== null) {
        requestCount -= 1;
        reads.push({ at, path: readUrl.pathname, status: answer.status });
        send(res, answer);
        return;
      }
    }
    const applied = takeFault();
    if (applied.type === "latency") {
      await sleep(applied.ms);
      if (closed) return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const sreq: StandinRequest = {
      method: req.method ?? "GET",
      pathname: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      raw: body,
    };

    const processFirst =
      applied.type === "none" ||
      applied.type === "bad-token" ||
      applied.type === "latency" ||
      ((applied.type === "status" ||
        applied.type === "timeout" ||
        applied.type === "malformed") &&
        applied.afterProcessing === true);

    let reply: Reply | "hang" | null = null;
    if (processFirst) {
      const outcome = platform.handle(sreq, ctxFor(at));
      if (outcome === null) {
        const notFound: Reply = {
          status: 404,
          body: { error: "stand-in: no such route", path: url.pathname },
        };
        rejected.push({
          at,
          status: 404,
          reason: `no route ${sreq.method} ${url.pathname}`,
          body: null,
          response: notFound.body,
        });
        reply = notFound;
      } else {
        for (const event of outcome.accepted ?? [])
          received.push({ ...event, at });
        for (const refusal of outcome.refused ?? []) {
          // Refusals decided before the body was read (auth, method) record the raw request body.
          const refusedBody =
            refusal.body === null ? bodyForRecord(body) : refusal.body;
          rejected.push({
            at,
            status: outcome.reply.status,
            reason: refusal.reason,
            body: refusedBody,
            response: outcome.reply.body,
          });
        }
        reply = outcome.reply;
      }
    }

    const injected = faultReply(applied);
    if (injected !== null) {
      const status = injected === "hang" ? 0 : injected.status;
      const what =
        applied.type === "status"
          ? `status ${status}`
          : applied.type === "timeout"
          ? "timeout (never answered)"
          : applied.type;
      rejected.push({
        at,
        status,
        reason: `fault: ${what}${processFirst ? " after processing" : ""}`,
        body: bodyForRecord(body),
        response: injected === "hang" ? null : injected.body,
      });
      reply = injected;
    }

    if (reply === "hang") return; // the socket stays open until the client aborts or close()
    if (reply !== null) send(res, reply);
  }

  const server = createServer((req, res) => {
    res.on("error", () => undefined);
    onRequest(req, res).catch(() => {
      // A client that aborted mid-body: nothing to answer.
      if (!res.destroyed) res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // Keep-alive sockets of fetch must not hold the test process open after close().
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received: () => [...received],
    rejected: () => [...rejected],
    requests: () => requestCount,
    reads: () => [...reads],
    dedupedCount: () => {
      const windowStart = new Map<string, number>();
      let duplicates = 0;
      for (const event of received) {
        if (event.test || event.eventId === null) continue;
        const key = `${event.eventName}\u0000${event.eventId}`;
        const start = windowStart.get(key);
        if (start !== undefined && event.at - start <= DEDUP_WINDOW_MS)
          duplicates += 1;
        else windowStart.set(key, event.at);
      }
      return duplicates;
    },
    setFault: (next) => {
      fault = next;
      faultRemaining =
        "count" in next && next.count !== undefined
          ? next.count
          : Number.POSITIVE_INFINITY;
      if (faultRemaining <= 0) fault = { type: "none" };
    },
    reset: () => {
      platform.reset?.();
      received = [];
      rejected = [];
      requestCount = 0;
      reads.length = 0;
      fault = { type: "none" };
      faultRemaining = Number.POSITIVE_INFINITY;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const stopped = new Promise<void>((resolve) =>
        server.close(() => resolve())
      );
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}
