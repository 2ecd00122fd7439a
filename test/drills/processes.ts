import { buildCustomer, buildOnlineOrder, toWebhookBody, type RestOrder } from "../factories/order-factory";
import type { Db } from "~/db.server";
import type { DestinationKind } from "~/destinations/destination";
import { STANDIN_KINDS, type StandinKind, type Standins } from "../standins";
import { FINAL_STATUSES, platformKey } from "../faults/rig";
import { startApp, type RunningApp } from "../support/app-server";
import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { seedDestination } from "../support/seed";
import { webhookHeaders } from "../support/shopify-signing";
import { waitFor } from "../support/wait";

/** Shared helpers of the drills that run the REAL server and worker processes. */

export async function seedAllDestinations(db: Db, standins: Standins): Promise<Record<StandinKind, string>> {
  const ids: Partial<Record<StandinKind, string>> = {};
  for (const kind of STANDIN_KINDS) ids[kind] = (await seedDestination(db, TEST_SHOP, kind as DestinationKind, { ...standins.credentials[kind] })).id;
  return ids as Record<StandinKind, string>;
}

/**
 * startApp, waiting out a build being rewritten: other people build in this checkout while
 * drills restart servers many times, and `remix vite:build` empties build/ first.
 */
export async function startAppRetrying(opts: Parameters<typeof startApp>[0]): Promise<RunningApp> {
  for (let i = 0; ; i++) {
    try {
      return await startApp(opts);
    } catch (error) {
      if (i >= 30 || !String(error).includes("no build found")) throw error;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

export function startWeb(databaseUrl: string, standins: Standins, env: Record<string, string> = {}): Promise<RunningApp> {
  return startAppRetrying({ databaseUrl, env: { WORKER_MODE: "off", DESTINATION_BASE_URLS: JSON.stringify(standins.urls), ...env } });
}

export function startWorkerProcess(databaseUrl: string, standins: Standins, env: Record<string, string> = {}): Promise<RunningApp> {
  return startAppRetrying({ databaseUrl, args: ["--worker-only"], env: { DESTINATION_BASE_URLS: JSON.stringify(standins.urls), ...env } });
}

/** The worker id prefix a process uses (app/jobs/boot.server.ts: `w-<pid>-…`). */
export function workerPrefix(p: RunningApp): string {
  return `w-${p.process.pid}-`;
}

let seq = 0;
/** A unique, recent online order (its own id, checkout token, buyer email and Google/Meta clicks). */
export function drillOrder(salt: number): RestOrder {
  seq += 1;
  const id = 6_200_000_000_000n + BigInt(salt) * 100_000n + BigInt(seq);
  const at = new Date(Date.now() - 60_000).toISOString();
  const email = `drill.${id}@example.com`;
  return buildOnlineOrder({
    id,
    name: `#D${id}`,
    checkout_token: `dc${id.toString(16)}`,
    token: `dt${id.toString(16)}`,
    email,
    contact_email: email,
    customer: buildCustomer({ id: 7_300_000_000_000n + BigInt(seq), email }),
    created_at: at,
    processed_at: at,
    updated_at: at,
    landing_site: `/products/trail-runner?utm_source=facebook&fbclid=IwAR0d${id}&gclid=EAIaIQobChMI_d${id}`,
  });
}

export async function postOrder(baseUrl: string, order: RestOrder, webhookId?: string): Promise<number> {
  const body = toWebhookBody(order);
  const headers = webhookHeaders({ topic: "orders/create", shop: TEST_SHOP, secret: TEST_API_SECRET, body, webhookId });
  try {
    const res = await fetch(`${baseUrl}/webhooks/orders`, { method: "POST", headers, body });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Wait until every stored webhook is processed and every outbox row is final. */
export async function waitAllFinal(db: Db, opts: { timeoutMs?: number; expectRows?: number } = {}): Promise<void> {
  const state = async () => ({
    webhooksOpen: await db.webhookDelivery.count({ where: { status: "received" } }),
    eventsUnprocessed: await db.pixelEvent.count({ where: { processedAt: null } }),
    deliveriesNotFinal: await db.delivery.count({ where: { status: { notIn: [...FINAL_STATUSES] } } }),
    deliveries: await db.delivery.count(),
  });
  try {
    await waitFor(
      async () => {
        const s = await state();
        return s.webhooksOpen === 0 && s.eventsUnprocessed === 0 && s.deliveriesNotFinal === 0 && (opts.expectRows === undefined || s.deliveries >= opts.expectRows);
      },
      { timeoutMs: opts.timeoutMs ?? 120_000, intervalMs: 200, what: "every webhook processed and every delivery final" },
    );
  } catch (err) {
    // Say what was left, so a timeout tells slow from stuck.
    const s = await state();
    const byStatus = await db.delivery.groupBy({ by: ["status"], _count: { _all: true } });
    const hooks = await db.webhookDelivery.findMany({ where: { status: "received" }, select: { topic: true, attempts: true, error: true, lockedUntil: true }, take: 5 });
    throw new Error(`${(err as Error).message}; left: ${JSON.stringify(s)}; deliveries by status ${JSON.stringify(byStatus.map((b) => [b.status, b._count._all]))}; open webhooks (first 5) ${JSON.stringify(hooks)}`);
  }
}

export interface ExactlyOnce {
  kind: StandinKind;
  delivered: number;
  distinctAccepted: number;
  repeats: number;
  skipped: number;
}

/**
 * Exactly-once by event id, per destination: the stand-in accepted only ids we queued, every
 * delivered row's id at least once, and (with `maxRepeats`) at most that many repeats.
 */
export async function exactlyOnce(db: Db, standins: Standins, destIds: Record<StandinKind, string>): Promise<ExactlyOnce[]> {
  const out: ExactlyOnce[] = [];
  for (const kind of STANDIN_KINDS) {
    const rows = await db.delivery.findMany({ where: { destinationId: destIds[kind] }, select: { eventId: true, status: true } });
    const keys = new Map(rows.map((r) => [platformKey(kind, r.eventId), r]));
    const accepted = standins.received(kind).filter((e) => !e.test && e.eventId !== null);
    const foreign = accepted.filter((e) => !keys.has(e.eventId));
    if (foreign.length > 0) throw new Error(`${kind}: accepted ids we never queued: ${foreign.slice(0, 3).map((e) => e.eventId).join(", ")}`);
    const got = new Set(accepted.map((e) => e.eventId));
    const missing = rows.filter((r) => r.status === "delivered" && platformKey(kind, r.eventId) !== null && !got.has(platformKey(kind, r.eventId)));
    if (missing.length > 0) throw new Error(`${kind}: ${missing.length} delivered row(s) the platform never accepted`);
    const undelivered = rows.filter((r) => r.status !== "delivered" && r.status !== "skipped");
    if (undelivered.length > 0) throw new Error(`${kind}: ${undelivered.length} row(s) ${undelivered[0]!.status}`);
    out.push({
      kind,
      delivered: rows.filter((r) => r.status === "delivered").length,
      distinctAccepted: got.size,
      repeats: accepted.length - got.size,
      skipped: rows.filter((r) => r.status === "skipped").length,
    });
  }
  return out;
}
