import type { Db } from "~/db.server";
import { explainGap, PlatformVerdictSchema, type PlatformVerdict, type PlatformVerdictView } from "~/core/diagnostics/verdict";
export type { PlatformVerdictView, VerdictEventView } from "~/core/diagnostics/verdict";
import type { CanonicalEventName } from "~/core/conversions/conversion";
import { FORWARDED_STOREFRONT_EVENTS } from "~/core/events/storefront-conversion";
import { redactText } from "~/core/logs/redact";
import { QUALITY_FIELD_LABELS, type EventQuality } from "~/core/quality/match-quality";
import type { DestinationAdapter, DestinationKind, PlatformDiagnostics } from "~/destinations/destination";
import { destinations as registry } from "~/destinations/registry";
import { createAdminJob, findActiveAdminJob, latestAdminJob, type AdminJobView } from "~/data/admin-jobs.server";
import { getDestination } from "~/data/destinations.server";
import {
  countDeliveredSince,
  lastDiagnosticReads,
  latestPlatformDiagnostics,
  listDiagnosableDestinations,
  prunePlatformDiagnostics,
  savePlatformDiagnostic,
} from "~/data/platform-diagnostics.server";
import { sendRequest } from "~/lib/http-sender.server";
import { prepareCredentials } from "./destination-credentials.server";
import type { GoogleAppConfig } from "./google-ads-auth.server";
import type { LinkedInAppConfig } from "./linkedin-auth.server";
import type { Logger } from "~/lib/logger.server";
import { notifyWork } from "~/lib/signals.server";
import type { AdminJobHandler } from "./admin-job-handler";
import { getDataQuality, type DataQualityData } from "./reports.server";

/**
 * The platforms' own verdict (issue 14, ADR 0041): every few hours the worker reads, for each
 * destination whose platform publishes one, how the platform received our events (the
 * adapter's `diagnostics`: request described and answer parsed in the destination folder),
 * stores it, and the data-quality page shows it beside our estimates with the gap explained.
 * Reads run as admin jobs (ADR 0012): one job per shop, one destination per chunk.
 */

export const PLATFORM_DIAGNOSTICS_KIND = "platform_diagnostics";
/** How often each destination is read (the platforms' figures move over hours and days). */
export const DIAGNOSTICS_EVERY_MS = 6 * 3_600_000;
/** Reads kept per destination (the newest is always kept). */
const KEEP_MS = 30 * 86_400_000;
const DAY_MS = 86_400_000;

const adapters = registry as Record<DestinationKind, DestinationAdapter<unknown>>;

/** Kinds whose adapter describes a read-back. */
export function diagnosableKinds(): DestinationKind[] {
  return (Object.keys(adapters) as DestinationKind[]).filter((k) => adapters[k].diagnostics !== undefined);
}

export interface DiagnosticsReadDeps {
  key: Buffer;
  /** The app's Google OAuth client (ADR 0030): a Google Ads read uses the same fresh token as an upload. */
  google?: GoogleAppConfig;
  linkedin?: LinkedInAppConfig;
  baseUrls?: Partial<Record<DestinationKind, string>>;
  timeoutMs?: number;
  send?: typeof sendRequest;
}

/** Read one destination's verdict from its platform and store it (the one place that does this I/O). */
export async function readDestinationDiagnostics(
  deps: DiagnosticsReadDeps & { db: Db; now: Date; log: Logger },
  shop: string,
  destinationId: string,
): Promise<"ok" | "error" | "gone"> {
  const dest = await getDestination(deps.db, deps.key, shop, destinationId);
  const diagnostics = dest ? (adapters[dest.kind].diagnostics as PlatformDiagnostics<unknown> | undefined) : undefined;
  if (!dest || !diagnostics) return "gone";
  const save = async (status: "ok" | "error", fields: { verdict?: PlatformVerdict; error?: string; httpStatus?: number }) => {
    await savePlatformDiagnostic(deps.db, {
      shop,
      destinationId,
      kind: dest.kind,
      status,
      verdict: JSON.stringify(fields.verdict ?? {}),
      error: fields.error === undefined ? null : redactText(fields.error).slice(0, 1000),
      httpStatus: fields.httpStatus ?? 0,
      fetchedAt: deps.now,
    });
    await prunePlatformDiagnostics(deps.db, destinationId, new Date(deps.now.getTime() - KEEP_MS));
    deps.log.info("platform diagnostics read", { kind: dest.kind, destinationId, status, httpStatus: fields.httpStatus ?? 0 });
    return status;
  };
  const config = adapters[dest.kind].configSchema.safeParse(dest.config);
  if (!config.success) return save("error", { error: "The destination's settings are incomplete; save them again in Destinations." });
  // App-supplied credentials (Google Ads' OAuth access token), fetched or refreshed as for a send.
  const credentials = await prepareCredentials(
    { db: deps.db, key: deps.key, now: () => deps.now.getTime(), google: deps.google, linkedin: deps.linkedin, log: deps.log, send: deps.send, timeoutMs: deps.timeoutMs, baseUrls: deps.baseUrls },
    dest,
    config.data,
  );
  if (credentials.kind !== "ready") return save("error", { error: credentials.reason });
  const built = diagnostics.describeRequest(credentials.config, { now: deps.now.getTime(), baseUrlOverride: deps.baseUrls?.[dest.kind] });
  if (built.kind === "skip") return save("error", { error: built.reason });
  const sent = await (deps.send ?? sendRequest)(built.request, { timeoutMs: deps.timeoutMs ?? 15_000 });
  if (sent.kind === "network-error") return save("error", { error: `No answer from the platform (${sent.error}); the next read tries again.` });
  const parsed = diagnostics.parseResponse(sent.response, credentials.config);
  if (parsed.kind === "error") return save("error", { error: parsed.reason, httpStatus: sent.response.status });
  const checked = PlatformVerdictSchema.safeParse(parsed.verdict);
  if (!checked.success) return save("error", { error: "The platform's answer did not have the documented shape.", httpStatus: sent.response.status });
  return save("ok", { verdict: checked.data, httpStatus: sent.response.status });
}

/**
 * Queue a read for every shop with a destination not read for `everyMs` (no second job
 * while one runs). Called by the worker loop every few minutes; returns the jobs queued.
 */
export async function scheduleDiagnosticsReads(deps: { db: Db; now: Date }, everyMs = DIAGNOSTICS_EVERY_MS): Promise<number> {
  const kinds = diagnosableKinds();
  if (kinds.length === 0) return 0;
  const dests = await listDiagnosableDestinations(deps.db, kinds);
  const last = await lastDiagnosticReads(deps.db, dests.map((d) => d.id));
  const due = new Map<string, number>();
  for (const d of dests) {
    const at = last.get(d.id);
    if (!at || deps.now.getTime() - at.getTime() >= everyMs) due.set(d.shop, (due.get(d.shop) ?? 0) + 1);
  }
  let queued = 0;
  for (const [shop, n] of due) {
    if (await findActiveAdminJob(deps.db, shop, PLATFORM_DIAGNOSTICS_KIND)) continue;
    await createAdminJob(deps.db, { shop, kind: PLATFORM_DIAGNOSTICS_KIND, params: {}, total: n, now: deps.now });
    queued++;
  }
  if (queued > 0) void notifyWork();
  return queued;
}

export type StartDiagnosticsResult = { kind: "started" | "already-running"; job: AdminJobView } | { kind: "nothing-to-read" };

/** "Read now" from the admin: one job reading every diagnosable destination of the shop. */
export async function startDiagnosticsRead(db: Db, shop: string, now: Date): Promise<StartDiagnosticsResult> {
  const active = await findActiveAdminJob(db, shop, PLATFORM_DIAGNOSTICS_KIND);
  if (active) return { kind: "already-running", job: active };
  const dests = await listDiagnosableDestinations(db, diagnosableKinds(), { shop });
  if (dests.length === 0) return { kind: "nothing-to-read" };
  const job = await createAdminJob(db, { shop, kind: PLATFORM_DIAGNOSTICS_KIND, params: {}, total: dests.length, now });
  void notifyWork();
  return { kind: "started", job };
}

/** The job: one destination per chunk, in id order after the cursor; every one is read, due or not. */
export function platformDiagnosticsHandler(deps: DiagnosticsReadDeps): AdminJobHandler {
  return {
    kind: PLATFORM_DIAGNOSTICS_KIND,
    async runChunk({ db, job, now, log }) {
      const [next] = await listDiagnosableDestinations(db, diagnosableKinds(), { shop: job.shop, afterId: job.cursor });
      if (!next) return { handled: 0, cursor: job.cursor, finished: true };
      await readDestinationDiagnostics({ ...deps, db, now, log }, job.shop, next.id);
      return { handled: 1, cursor: next.id, finished: false };
    },
  };
}

// ---------------------------------------------------------------- the admin's view

export interface DataQualityWithVerdicts extends DataQualityData {
  verdicts: PlatformVerdictView[];
  /** Connected platforms that publish no read-back API (named on the page and in the README). */
  withoutReadBack: string[];
  readJob: { status: string; done: number; total: number } | null;
}

/** Our storefront event for a canonical event (purchase: the checkout_completed event that matches orders). */
const STOREFRONT_OF: Partial<Record<CanonicalEventName, string>> = {
  ...Object.fromEntries(Object.entries(FORWARDED_STOREFRONT_EVENTS).map(([pixel, canonical]) => [canonical, pixel])),
  purchase: "checkout_completed",
};
const humanize = (s: string) => s.replace(/_/g, " ").replace(/^\w/, (c) => c.toUpperCase());

/** The data-quality page: our estimates (reports) and, beside them, each platform's latest verdict. */
export async function getDataQualityWithVerdicts(db: Db, shop: string, params: URLSearchParams, now: Date): Promise<DataQualityWithVerdicts> {
  const quality = await getDataQuality(db, shop, params, now);
  const kinds = diagnosableKinds();
  const allKinds = Object.keys(adapters) as DestinationKind[];
  const connected = await listDiagnosableDestinations(db, allKinds, { shop });
  const readable = connected.filter((d) => kinds.includes(d.kind as DestinationKind));
  const rows = await latestPlatformDiagnostics(db, shop, readable.map((d) => d.id));
  const byEvent = new Map<string, EventQuality>(quality.events.map((e) => [e.name, e]));
  const verdicts: PlatformVerdictView[] = [];
  for (const row of rows) {
    const dest = readable.find((d) => d.id === row.destinationId);
    const adapter = adapters[row.kind as DestinationKind];
    if (!dest || !adapter?.diagnostics) continue;
    const platform = adapter.matchQuality?.label ?? adapter.displayName;
    const parsed = row.status === "ok" ? PlatformVerdictSchema.safeParse(JSON.parse(row.verdict)) : null;
    const verdict = parsed?.success ? parsed.data : null;
    const since = new Date(now.getTime() - (verdict?.windowDays ?? 7) * DAY_MS);
    const delivered = verdict?.events.some((e) => e.counts) ? await countDeliveredSince(db, shop, dest.id, since) : null;
    const events = (verdict?.events ?? []).map((event) => {
      const pixelName = event.canonical ? STOREFRONT_OF[event.canonical] : undefined;
      const ours = pixelName ? byEvent.get(pixelName) : undefined;
      const label = event.canonical ? humanize(event.canonical) : event.platformEvent;
      const estimate = ours ? (ours.scores[row.kind] ?? null) : null;
      const eventDelivered = event.counts ? delivered : null;
      const gap = explainGap({
        platform,
        event,
        ours: ours || eventDelivered !== null ? { estimate, presence: ours?.presence ?? {}, delivered: eventDelivered } : null,
        fieldLabels: QUALITY_FIELD_LABELS,
        eventLabel: label,
      });
      return { ...event, label, estimate, delivered: eventDelivered, gap };
    });
    verdicts.push({
      destinationId: dest.id,
      kind: row.kind,
      platform,
      title: adapter.diagnostics.title,
      whereToSee: adapter.diagnostics.whereToSee,
      fetchedAt: row.fetchedAt.toISOString(),
      status: verdict ? "ok" : "error",
      error: verdict ? null : (row.error ?? "The stored read could not be understood; the next read replaces it."),
      overallStatus: verdict?.overallStatus ?? null,
      windowDays: verdict?.windowDays ?? null,
      events,
    });
  }
  const withoutReadBack = [...new Set(connected.filter((d) => !kinds.includes(d.kind as DestinationKind)).map((d) => adapters[d.kind as DestinationKind]?.displayName ?? d.kind))];
  const job = await latestAdminJob(db, shop, PLATFORM_DIAGNOSTICS_KIND);
  return { ...quality, verdicts, withoutReadBack, readJob: job ? { status: job.status, done: job.done, total: job.total } : null };
}
