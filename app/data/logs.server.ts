import type { Db } from "~/db.server";
import type { Cursor } from "~/core/logs/cursor";

/**
 * Reads for the admin's logs and order pages. Every query is scoped by shop: an id
 * from another shop is "not found", never another shop's row.
 */

export interface EventQuery {
  shop: string;
  since: Date | null;
  name?: string;
  orderId?: string;
  cursor: Cursor | null;
  limit: number;
}

const afterCursor = (field: "occurredAt" | "createdAt", c: Cursor | null) =>
  c === null ? {} : { OR: [{ [field]: { lt: c.at } }, { [field]: c.at, id: { lt: c.id } }] };

/** Storefront events, newest first (limit+1 rows so the caller knows if there is more). */
export async function listPixelEvents(db: Db, q: EventQuery) {
  return db.pixelEvent.findMany({
    where: {
      shop: q.shop,
      ...(q.since ? { occurredAt: { gte: q.since } } : {}),
      ...(q.name ? { name: q.name } : {}),
      ...(q.orderId ? { orderId: q.orderId } : {}),
      ...afterCursor("occurredAt", q.cursor),
    },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    // No identity columns: the list never needs them.
    select: { id: true, eventId: true, name: true, occurredAt: true, url: true, orderId: true, sessionId: true, consent: true, isBot: true, processedAt: true },
  });
}

export async function listPixelEventNames(db: Db, shop: string): Promise<string[]> {
  const rows = await db.pixelEvent.groupBy({ by: ["name"], where: { shop }, orderBy: { name: "asc" } });
  return rows.map((r) => r.name);
}

export interface DeliveryQuery {
  shop: string;
  since: Date | null;
  eventName?: string;
  destinationId?: string;
  status?: string;
  orderId?: string;
  cursor: Cursor | null;
  limit: number;
}

/** Deliveries, newest first, each with its conversion's order id. */
export async function listDeliveries(db: Db, q: DeliveryQuery) {
  let conversionIds: string[] | undefined;
  if (q.orderId) {
    const convs = await db.conversion.findMany({ where: { shop: q.shop, orderId: q.orderId }, select: { id: true } });
    conversionIds = convs.map((c) => c.id);
    if (conversionIds.length === 0) return [];
  }
  const rows = await db.delivery.findMany({
    where: {
      shop: q.shop,
      ...(q.since ? { createdAt: { gte: q.since } } : {}),
      ...(q.eventName ? { eventName: q.eventName } : {}),
      ...(q.destinationId ? { destinationId: q.destinationId } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(conversionIds ? { conversionId: { in: conversionIds } } : {}),
      ...afterCursor("createdAt", q.cursor),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    select: { id: true, destinationId: true, conversionId: true, eventId: true, eventName: true, status: true, attempts: true, lastError: true, createdAt: true, occurredAt: true, deliveredAt: true, nextAttemptAt: true },
  });
  const orders = await db.conversion.findMany({
    where: { shop: q.shop, id: { in: [...new Set(rows.map((r) => r.conversionId))] } },
    select: { id: true, orderId: true },
  });
  const orderOf = new Map(orders.map((o) => [o.id, o.orderId]));
  return rows.map((r) => ({ ...r, orderId: orderOf.get(r.conversionId) ?? null }));
}

/** Destination names for filters and rows (no config or secrets read). */
export async function listDestinationNames(db: Db, shop: string) {
  return db.destination.findMany({
    where: { shop },
    select: { id: true, kind: true, label: true, pausedAt: true, pausedReason: true, enabled: true },
    orderBy: [{ kind: "asc" }, { label: "asc" }],
  });
}

export async function listDeliveryEventNames(db: Db, shop: string): Promise<string[]> {
  const rows = await db.delivery.groupBy({ by: ["eventName"], where: { shop }, orderBy: { eventName: "asc" } });
  return rows.map((r) => r.eventName);
}

/** One delivery with its attempts (oldest first), destination and order id, or null. */
export async function getDeliveryDetail(db: Db, shop: string, id: string) {
  const row = await db.delivery.findFirst({ where: { id, shop } });
  if (!row) return null;
  // The body is stored once per request (DeliveryRequest), not on every row it carried.
  const request = row.requestId ? await db.deliveryRequest.findFirst({ where: { id: row.requestId, shop }, select: { body: true } }) : null;
  const delivery = { ...row, requestBody: request?.body ?? null };
  const [attempts, destination, conversion] = await Promise.all([
    db.deliveryAttempt.findMany({ where: { deliveryId: delivery.id }, orderBy: [{ startedAt: "asc" }, { createdAt: "asc" }] }),
    db.destination.findFirst({ where: { id: delivery.destinationId, shop }, select: { id: true, kind: true, label: true, pausedAt: true, pausedReason: true } }),
    db.conversion.findFirst({ where: { id: delivery.conversionId, shop }, select: { orderId: true, name: true } }),
  ]);
  return { delivery, attempts, destination, orderId: conversion?.orderId ?? null };
}

/** One order (by Shopify order id) with its session, profile, credits and deliveries, or null. */
export async function getOrderDetail(db: Db, shop: string, orderId: string) {
  const order = await db.order.findUnique({ where: { order_identity: { shop, orderId } } });
  if (!order) return null;
  const [session, profile, credits, conversions] = await Promise.all([
    order.sessionId ? db.visitSession.findFirst({ where: { id: order.sessionId, shop } }) : null,
    order.profileId
      ? db.profile.findFirst({ where: { id: order.profileId, shop }, select: { id: true, identifiers: true, firstSeenAt: true, lastSeenAt: true, customerId: true } })
      : null,
    db.attributionCredit.findMany({ where: { shop, orderId }, orderBy: [{ model: "asc" }, { weight: "desc" }] }),
    db.conversion.findMany({ where: { shop, orderId }, select: { id: true, name: true, eventId: true, occurredAt: true }, orderBy: { occurredAt: "asc" } }),
  ]);
  const creditSessions = await db.visitSession.findMany({
    where: { shop, id: { in: [...new Set(credits.map((c) => c.sessionId))] } },
    select: { id: true, startedAt: true, source: true, medium: true },
  });
  const deliveries = await db.delivery.findMany({
    where: { shop, conversionId: { in: conversions.map((c) => c.id) } },
    select: { id: true, destinationId: true, conversionId: true, eventId: true, eventName: true, status: true, attempts: true, lastError: true, deliveredAt: true, createdAt: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return { order, session, profile, credits, creditSessions, conversions, deliveries };
}

/** Failed and expired rows (optionally of one destination): what "Replay all failed" covers. */
const replayableWhere = (shop: string, destinationId?: string) => ({
  shop,
  status: { in: ["failed", "expired"] },
  ...(destinationId ? { destinationId } : {}),
});

export async function countReplayableDeliveries(db: Db, shop: string, destinationId?: string): Promise<number> {
  return db.delivery.count({ where: replayableWhere(shop, destinationId) });
}

/** The next chunk of replayable ids after `afterId`, in id order (a stable walk). */
export async function listReplayableDeliveryIds(db: Db, shop: string, opts: { destinationId?: string; afterId: string | null; limit: number }): Promise<string[]> {
  const rows = await db.delivery.findMany({
    where: { ...replayableWhere(shop, opts.destinationId), ...(opts.afterId ? { id: { gt: opts.afterId } } : {}) },
    orderBy: { id: "asc" },
    take: opts.limit,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

export async function destinationBelongsToShop(db: Db, shop: string, id: string): Promise<boolean> {
  return (await db.destination.count({ where: { id, shop } })) === 1;
}
