import { buildCustomer, buildOnlineOrder, toWebhookBody, type RestOrder } from "../factories/order-factory";
import type { Db, DbProvider } from "~/db.server";
import type { DestinationKind } from "~/destinations/destination";
import { startWorker, type WorkerHandle } from "~/jobs/worker.server";
import { createLogger } from "~/lib/logger.server";
import { GOOGLE_OAUTH_CREDENTIALS, LINKEDIN_OAUTH_CREDENTIALS, startStandins, STANDIN_KINDS, type StandinKind, type Standins } from "../standins";
import type { GoogleAppConfig } from "~/services/google-ads-auth.server";
import type { LinkedInAppConfig } from "~/services/linkedin-auth.server";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_API_SECRET, TEST_SHOP, testDbKind } from "../support/env";
import { openDb, seedDestination, seedInstalledShop, testKey } from "../support/seed";
import { webhookHeaders } from "../support/shopify-signing";

/**
 * The fault rig: the REAL web server (node server.mjs, WORKER_MODE=off) takes the
 * webhooks; the REAL worker loop (startWorker) runs in this process with an injected
 * clock and random source, so a 24-hour retry horizon runs in seconds. The platform
 * stand-ins share the same clock (event-age checks, dedup window).
 */

export const FINAL_STATUSES = ["delivered", "failed", "expired", "skipped"] as const;
export const HOUR = 3_600_000;

/** A deterministic PRNG (mulberry32): the same seed replays the same jitter. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FakeClock {
  now(): number;
  set(t: number): void;
  advance(ms: number): void;
}

export function fakeClock(start: number): FakeClock {
  let t = start;
  return {
    now: () => t,
    set: (v) => {
      t = Math.max(t, v);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface RigOptions {
  kinds?: readonly StandinKind[];
  /** Destination policy per kind (default: the default policy). */
  policy?: Record<string, unknown>;
  timeoutMs?: number;
  leaseMs?: number;
  seed?: number;
  /** Clock start (default: real now; storefront rows are queued on the real clock, so never start earlier). */
  start?: number;
  /** Give the server and worker a LinkedIn OAuth app (pointed at the LinkedIn stand-in; ADR 0045). */
  linkedinOAuth?: boolean;
}

/** Where the test server's Google OAuth callback claims to live (SHOPIFY_APP_URL of startApp). */
export const RIG_GOOGLE_REDIRECT_URI = "https://trueline.test/oauth/google-ads/callback";
/** Where the test server's LinkedIn OAuth callback claims to live. */
export const RIG_LINKEDIN_REDIRECT_URI = "https://trueline.test/oauth/linkedin/callback";

export interface Rig {
  /** The Google OAuth client the worker and the web server use (pointed at the Google Ads stand-in). */
  google: GoogleAppConfig;
  /** The LinkedIn OAuth client (oauth null unless `linkedinOAuth`). */
  linkedin: LinkedInAppConfig;
  db: Db;
  provider: DbProvider;
  databaseUrl: string;
  app: RunningApp;
  standins: Standins;
  clock: FakeClock;
  worker: WorkerHandle;
  destinationIds: Record<string, string>;
  /** Every line the in-process worker logged. */
  workerLogs: string[];
  postOrder(order: RestOrder, topic?: string): Promise<number>;
  /** Run the worker until nothing is due before `until` (fake ms); jumps the clock to each next due time. */
  drain(opts?: { until?: number; maxSteps?: number; quantumMs?: number }): Promise<{ steps: number; clock: number }>;
  /** Stop the in-process worker (e.g. to queue a set of orders that must go out together). */
  stopWorker(): Promise<void>;
  /** Start it again (a new worker id). */
  startWorker(): void;
  close(): Promise<void>;
}

let orderSeq = 0;
/** A unique online order placed `ageMs` before `at`, with its own buyer email (so logs can be searched for it). */
export function uniqueOrder(at: number, ageMs = 60_000, extra: Partial<RestOrder> = {}): RestOrder {
  orderSeq += 1;
  const id = 6_100_000_000_000n + BigInt(orderSeq);
  const iso = (ms: number) => new Date(ms).toISOString();
  const email = `buyer.${id}@example.com`;
  return buildOnlineOrder({
    id,
    name: `#F${id}`,
    checkout_token: `ct${id.toString(16)}`,
    token: `tk${id.toString(16)}`,
    email,
    contact_email: email,
    customer: buildCustomer({ id: 7_200_000_000_000n + BigInt(orderSeq), email }),
    created_at: iso(at - ageMs),
    processed_at: iso(at - ageMs),
    updated_at: iso(at - ageMs + 1000),
    // A Google click as well as Meta's, so Google Ads has something to send.
    landing_site: `/products/trail-runner?utm_source=facebook&utm_medium=paid_social&fbclid=IwAR0f${id}&gclid=EAIaIQobChMI_f${id}`,
    ...extra,
  });
}

export async function startRig(opts: RigOptions = {}): Promise<Rig> {
  const database = await createTestDatabase();
  const db = await openDb(database.url);
  await seedInstalledShop(db, TEST_SHOP);
  const clock = fakeClock(opts.start ?? Date.now());
  const standins = await startStandins({ now: clock.now });
  const destinationIds: Record<string, string> = {};
  for (const kind of opts.kinds ?? STANDIN_KINDS) {
    const d = await seedDestination(db, TEST_SHOP, kind as DestinationKind, { ...standins.credentials[kind] }, opts.policy ?? {});
    destinationIds[kind] = d.id;
  }
  // Google's OAuth endpoints are served by the Google Ads stand-in (test/standins/google-oauth.ts).
  const google: GoogleAppConfig = {
    oauth: {
      clientId: GOOGLE_OAUTH_CREDENTIALS.clientId,
      clientSecret: GOOGLE_OAUTH_CREDENTIALS.clientSecret,
      redirectUri: RIG_GOOGLE_REDIRECT_URI,
      baseUrlOverride: standins.urls["google-ads"],
    },
  };
  const linkedin: LinkedInAppConfig = {
    oauth: opts.linkedinOAuth
      ? { clientId: LINKEDIN_OAUTH_CREDENTIALS.clientId, clientSecret: LINKEDIN_OAUTH_CREDENTIALS.clientSecret, redirectUri: RIG_LINKEDIN_REDIRECT_URI, baseUrlOverride: standins.urls.linkedin }
      : null,
  };
  const app = await startApp({
    databaseUrl: database.url,
    env: {
      WORKER_MODE: "off",
      DESTINATION_BASE_URLS: JSON.stringify(standins.urls),
      GOOGLE_OAUTH_CLIENT_ID: GOOGLE_OAUTH_CREDENTIALS.clientId,
      GOOGLE_OAUTH_CLIENT_SECRET: GOOGLE_OAUTH_CREDENTIALS.clientSecret,
      GOOGLE_OAUTH_BASE_URL: standins.urls["google-ads"],
      ...(linkedin.oauth
        ? { LINKEDIN_OAUTH_CLIENT_ID: linkedin.oauth.clientId, LINKEDIN_OAUTH_CLIENT_SECRET: linkedin.oauth.clientSecret, LINKEDIN_OAUTH_BASE_URL: linkedin.oauth.baseUrlOverride! }
        : {}),
    },
  });
  const provider: DbProvider = testDbKind();
  const workerLogs: string[] = [];
  const random = seededRandom(opts.seed ?? 42);
  let generation = 0;
  const makeWorker = () =>
    startWorker({
      db,
      provider,
      key: testKey(),
      log: createLogger({ level: "info", write: (l) => workerLogs.push(l) }),
      workerId: `test-worker-${process.pid}-${++generation}`,
      baseUrls: standins.urls,
      pollMs: 20,
      now: clock.now,
      random,
      timeoutMs: opts.timeoutMs ?? 400,
      leaseMs: opts.leaseMs,
      google,
      linkedin,
    });
  let worker: WorkerHandle = makeWorker();

  const rig: Rig = {
    google,
    linkedin,
    db,
    provider,
    databaseUrl: database.url,
    app,
    standins,
    clock,
    get worker() {
      return worker;
    },
    destinationIds,
    workerLogs,
    async postOrder(order, topic = "orders/create") {
      const body = toWebhookBody(order);
      const headers = webhookHeaders({ topic, shop: TEST_SHOP, secret: TEST_API_SECRET, body });
      const res = await fetch(`${app.url}/webhooks/orders`, { method: "POST", headers, body });
      await res.arrayBuffer();
      return res.status;
    },
    async drain({ until = Number.POSITIVE_INFINITY, maxSteps = 10_000, quantumMs = 0 } = {}) {
      let steps = 0;
      for (; steps < maxSteps; steps++) {
        // The first idle() may come from a pass that began before the clock moved; the second is fresh.
        await worker.idle();
        await worker.idle();
        const next = await nextDue(db);
        if (next === null || next > until) break;
        // A quantum moves time in steps of at least that much: rows due inside a step go out
        // together (late, never early), so a long simulated outage takes fewer passes.
        clock.set(Math.min(until, Math.max(next, clock.now() + quantumMs)));
      }
      if (steps >= maxSteps) throw new Error(`drain: still busy after ${maxSteps} steps`);
      return { steps, clock: clock.now() };
    },
    async stopWorker() {
      await worker.stop();
    },
    startWorker() {
      worker = makeWorker();
    },
    async close() {
      await worker?.stop();
      await app?.stop();
      await standins?.close();
      await db?.$disconnect();
      await database.drop();
    },
  };
  return rig;
}

/** The earliest moment something is due: an outbox row of an active destination, or a webhook waiting to be retried. */
export async function nextDue(db: Db): Promise<number | null> {
  const paused = (await db.destination.findMany({ where: { OR: [{ pausedAt: { not: null } }, { enabled: false }] }, select: { id: true } })).map((d) => d.id);
  const rows = await db.delivery.findMany({
    where: { status: { in: ["pending", "retrying"] }, destinationId: { notIn: paused } },
    select: { nextAttemptAt: true, lockedUntil: true },
  });
  const hooks = await db.webhookDelivery.findMany({ where: { status: "received" }, select: { lockedUntil: true, createdAt: true } });
  const times = [
    ...rows.map((r) => Math.max(r.nextAttemptAt.getTime(), r.lockedUntil ? r.lockedUntil.getTime() + 1 : 0)),
    ...hooks.map((h) => (h.lockedUntil ? h.lockedUntil.getTime() + 1 : h.createdAt.getTime())),
  ];
  return times.length === 0 ? null : Math.min(...times);
}

/** Count outbox rows by status, for one destination or all. */
export async function statusCounts(db: Db, destinationId?: string): Promise<Record<string, number>> {
  const rows = await db.delivery.groupBy({ by: ["status"], where: destinationId ? { destinationId } : {}, _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

/**
 * The id a stand-in reports for one of our event ids: Meta, TikTok, Pinterest, Snap and
 * Google Ads (order_id) carry our event id; GA4 (transaction_id) carries the order id of a
 * purchase and nothing we can map for other events (null).
 */
export function platformKey(kind: string, eventId: string): string | null {
  if (kind !== "ga4") return eventId;
  const m = /^purchase-(\d+)$/.exec(eventId);
  return m ? m[1]! : null;
}

export interface DestinationFigures {
  rows: number;
  statuses: Record<string, number>;
  /** Events the stand-in accepted for these rows (repeats included). */
  received: number;
  distinct: number;
  /** Accepted more than once under the SAME id (what the platform's dedup drops). */
  repeats: number;
  /**
   * Of `repeats`, those none of our attempts can explain: the row never had an attempt that
   * ended without an answer (a timeout or a dropped connection, after which we cannot know
   * whether the platform took it, so it is sent again under the same id). Always 0 when
   * nothing is sent twice by mistake.
   */
  unexplainedRepeats: number;
}

/**
 * The delivery invariants every fault test ends with, per destination:
 * - every row (of `only`, when given) is final, with a reason when it did not deliver;
 * - the stand-in accepted nothing under an id we never queued (nothing sent twice under
 *   different ids);
 * - each delivered row was accepted by the stand-in (unless `allowUnconfirmedDelivered`).
 */
export async function checkInvariants(
  rig: Pick<Rig, "db" | "standins" | "destinationIds">,
  opts: { only?: readonly string[]; allowUnconfirmedDelivered?: readonly StandinKind[] } = {},
): Promise<Record<string, DestinationFigures>> {
  const out: Record<string, DestinationFigures> = {};
  const only = opts.only ? new Set(opts.only) : null;
  for (const [kind, destId] of Object.entries(rig.destinationIds) as Array<[StandinKind, string]>) {
    const all = await rig.db.delivery.findMany({ where: { destinationId: destId } });
    const rows = only ? all.filter((r) => only.has(r.eventId)) : all;
    const notFinal = rows.filter((r) => !(FINAL_STATUSES as readonly string[]).includes(r.status));
    if (notFinal.length > 0) throw new Error(`${kind}: ${notFinal.length} row(s) not final: ${JSON.stringify(notFinal.slice(0, 3).map((r) => ({ eventId: r.eventId, status: r.status, lastError: r.lastError })))}`);
    const noReason = rows.filter((r) => r.status !== "delivered" && !r.lastError);
    if (noReason.length > 0) throw new Error(`${kind}: ${noReason.length} undelivered row(s) without a reason`);
    const accepted = rig.standins.received(kind).filter((e) => !e.test);
    const queued = new Set(all.map((r) => platformKey(kind, r.eventId)).filter((k) => k !== null));
    const foreign = accepted.filter((e) => e.eventId !== null && !queued.has(e.eventId));
    if (foreign.length > 0) throw new Error(`${kind}: stand-in accepted ${foreign.length} event(s) under ids we never queued: ${foreign.slice(0, 3).map((e) => e.eventId).join(", ")}`);
    const keys = new Set(rows.map((r) => platformKey(kind, r.eventId)).filter((k) => k !== null));
    const mine = accepted.filter((e) => e.eventId !== null && keys.has(e.eventId));
    const got = new Set(mine.map((e) => e.eventId));
    if (!opts.allowUnconfirmedDelivered?.includes(kind)) {
      const phantom = rows.filter((r) => {
        const k = platformKey(kind, r.eventId);
        return r.status === "delivered" && k !== null && !got.has(k);
      });
      if (phantom.length > 0) throw new Error(`${kind}: ${phantom.length} row(s) marked delivered that the platform never accepted: ${phantom.slice(0, 3).map((r) => r.eventId).join(", ")}`);
    }
    const statuses: Record<string, number> = {};
    for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const times = new Map<string, number>();
    for (const e of mine) times.set(e.eventId!, (times.get(e.eventId!) ?? 0) + 1);
    const repeated = rows.filter((r) => (times.get(platformKey(kind, r.eventId) ?? "") ?? 0) > 1);
    const noAnswer = new Set(
      (await rig.db.deliveryAttempt.findMany({ where: { deliveryId: { in: repeated.map((r) => r.id) }, outcome: "network-error" }, select: { deliveryId: true } })).map((a) => a.deliveryId),
    );
    const unexplainedRepeats = repeated.filter((r) => !noAnswer.has(r.id)).reduce((n, r) => n + (times.get(platformKey(kind, r.eventId)!)! - 1), 0);
    out[kind] = { rows: rows.length, statuses, received: mine.length, distinct: got.size, repeats: mine.length - got.size, unexplainedRepeats };
  }
  return out;
}
