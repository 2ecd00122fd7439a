import type { Db } from "~/db.server";
import { pageOf } from "~/core/logs/cursor";
import { matchHeadline, parseExplanation, readClickIds } from "~/core/logs/explain";
import type { ParsedLogFilter } from "~/core/logs/filters";
import { redactStoredBody, redactText, redactUrl } from "~/core/logs/redact";
import { latestAdminJob } from "~/data/admin-jobs.server";
import {
  countReplayableDeliveries,
  getDeliveryDetail,
  getOrderDetail,
  listDeliveries,
  listDeliveryEventNames,
  listDestinationNames,
  listPixelEventNames,
  listPixelEvents,
} from "~/data/logs.server";
import { REPLAY_FAILED_KIND } from "./replay.server";

/** Rows per page in the logs. */
export const LOG_PAGE_SIZE = 50;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function pathOf(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(redactUrl(url));
    return `${u.pathname}${u.search}`;
  } catch {
    return redactText(url).slice(0, 200);
  }
}

export async function getEventsPage(db: Db, shop: string, parsed: ParsedLogFilter) {
  const [rows, names] = await Promise.all([
    listPixelEvents(db, { shop, since: parsed.since, name: parsed.filter.event, orderId: parsed.filter.order, cursor: parsed.cursor, limit: LOG_PAGE_SIZE }),
    listPixelEventNames(db, shop),
  ]);
  const page = pageOf(rows, LOG_PAGE_SIZE, (r) => ({ at: r.occurredAt, id: r.id }));
  return {
    filter: parsed.filter,
    errors: parsed.errors,
    eventNames: names,
    next: page.next,
    rows: page.rows.map((r) => ({
      id: r.id,
      name: r.name,
      occurredAt: r.occurredAt.toISOString(),
      path: pathOf(r.url),
      orderId: r.orderId,
      sessionId: r.sessionId,
      consent: r.consent,
      isBot: r.isBot,
      processed: r.processedAt !== null,
    })),
  };
}

export async function getDeliveriesPage(db: Db, shop: string, parsed: ParsedLogFilter) {
  const [rows, destinations, eventNames, replayable, job] = await Promise.all([
    listDeliveries(db, {
      shop,
      since: parsed.since,
      eventName: parsed.filter.event,
      destinationId: parsed.filter.destination,
      status: parsed.filter.status,
      orderId: parsed.filter.order,
      cursor: parsed.cursor,
      limit: LOG_PAGE_SIZE,
    }),
    listDestinationNames(db, shop),
    listDeliveryEventNames(db, shop),
    countReplayableDeliveries(db, shop, parsed.filter.destination),
    latestAdminJob(db, shop, REPLAY_FAILED_KIND),
  ]);
  const page = pageOf(rows, LOG_PAGE_SIZE, (r) => ({ at: r.createdAt, id: r.id }));
  const destName = new Map(destinations.map((d) => [d.id, d.label]));
  return {
    filter: parsed.filter,
    errors: parsed.errors,
    eventNames,
    destinations: destinations.map((d) => ({ id: d.id, label: d.label, kind: d.kind, paused: d.pausedAt !== null, pausedReason: d.pausedReason })),
    replayable,
    job: job ? { id: job.id, status: job.status, total: job.total, done: job.done, error: job.error, createdAt: job.createdAt.toISOString(), updatedAt: job.updatedAt.toISOString() } : null,
    next: page.next,
    rows: page.rows.map((r) => ({
      id: r.id,
      destination: destName.get(r.destinationId) ?? "(removed destination)",
      eventId: r.eventId,
      eventName: r.eventName,
      status: r.status,
      attempts: r.attempts,
      lastError: r.lastError ? redactText(r.lastError).slice(0, 200) : null,
      createdAt: r.createdAt.toISOString(),
      orderId: r.orderId,
    })),
  };
}

export async function getDeliveryPage(db: Db, shop: string, id: string) {
  const found = await getDeliveryDetail(db, shop, id);
  if (!found) return null;
  const { delivery: d, attempts, destination, orderId } = found;
  return {
    id: d.id,
    eventId: d.eventId,
    eventName: d.eventName,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError ? redactText(d.lastError) : null,
    occurredAt: d.occurredAt.toISOString(),
    firstQueuedAt: d.firstQueuedAt.toISOString(),
    nextAttemptAt: iso(d.nextAttemptAt),
    deliveredAt: iso(d.deliveredAt),
    replayable: d.status === "failed" || d.status === "expired",
    payload: redactStoredBody(d.requestBody),
    destination: destination
      ? { id: destination.id, kind: destination.kind, label: destination.label, pausedReason: destination.pausedAt ? (destination.pausedReason ?? "paused") : null }
      : null,
    orderId,
    attemptLog: attempts.map((a) => ({
      id: a.id,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      outcome: a.outcome,
      httpStatus: a.httpStatus,
      responseBody: redactStoredBody(a.responseBody)?.slice(0, 2000) ?? null,
      error: a.error ? redactText(a.error) : null,
    })),
  };
}

/** Why the order is the kind it is (order-kind.ts), as stored with its facts; null when absent. */
function kindReasonOf(factsText: string): string | null {
  try {
    const facts = JSON.parse(factsText) as { kindReason?: unknown };
    return typeof facts.kindReason === "string" ? redactText(facts.kindReason) : null;
  } catch {
    return null;
  }
}

export async function getOrderPage(db: Db, shop: string, orderId: string) {
  const found = await getOrderDetail(db, shop, orderId);
  if (!found) return null;
  const { order: o, session, profile, credits, creditSessions, conversions, deliveries } = found;
  const destinations = new Map((await listDestinationNames(db, shop)).map((d) => [d.id, d.label]));
  const conversionName = new Map(conversions.map((c) => [c.id, c.name]));
  const sessionInfo = new Map(creditSessions.map((s) => [s.id, s]));
  const models = [...new Set(credits.map((c) => c.model))];
  return {
    orderId: o.orderId,
    name: o.name,
    kind: o.kind,
    kindReason: kindReasonOf(o.facts),
    isTest: o.isTest,
    createdAt: o.shopifyCreatedAt.toISOString(),
    cancelledAt: iso(o.cancelledAt),
    financialStatus: o.financialStatus,
    currency: o.currency,
    totalPrice: o.totalPrice,
    presentmentCurrency: o.presentmentCurrency,
    presentmentTotal: o.presentmentTotal,
    refundedTotal: o.refundedTotal,
    matchStatus: o.matchStatus,
    matchMethod: o.matchMethod,
    headline: matchHeadline(o.matchStatus, o.matchMethod),
    explanation: parseExplanation(o.explanation).map(redactText),
    session: session
      ? {
          id: session.id,
          startedAt: session.startedAt.toISOString(),
          channel: session.channel,
          source: session.source,
          medium: session.medium,
          campaign: session.campaign,
          landingPath: pathOf(session.landingUrl),
          eventCount: session.eventCount,
          clickIds: readClickIds(session.clickIds),
        }
      : null,
    profile: profile
      ? { id: profile.id, firstSeenAt: profile.firstSeenAt.toISOString(), lastSeenAt: profile.lastSeenAt.toISOString(), knownCustomer: profile.customerId !== null, clickIds: readClickIds(profile.identifiers) }
      : null,
    attribution: models.map((model) => ({
      model,
      credits: credits
        .filter((c) => c.model === model)
        .map((c) => ({
          sessionId: c.sessionId,
          channel: c.channel,
          campaign: c.campaign,
          weight: c.weight,
          revenue: c.revenue,
          currency: c.currency,
          sessionStartedAt: iso(sessionInfo.get(c.sessionId)?.startedAt),
        })),
    })),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      destination: destinations.get(d.destinationId) ?? "(removed destination)",
      eventName: d.eventName,
      conversion: conversionName.get(d.conversionId) ?? d.eventName,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError ? redactText(d.lastError).slice(0, 200) : null,
      deliveredAt: iso(d.deliveredAt),
    })),
  };
}
