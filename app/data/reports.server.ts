import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";
import type { QualityField } from "~/core/quality/match-quality";

/**
 * Read-only aggregations for the admin reports. Every query is scoped by `shop`.
 * Only Prisma count/groupBy/findMany (no raw SQL), so the same code runs on SQLite
 * and PostgreSQL; joins across tables are done by id lists in chunks (SQLite caps
 * bound variables) and summed in app/core/reports.
 */

export interface Window {
  start: Date;
  /** exclusive */
  end: Date;
}

const CHUNK = 500;

async function inChunks<T, R>(items: readonly T[], fetch: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(...(await fetch(items.slice(i, i + CHUNK))));
  return out;
}

const between = (w: Window) => ({ gte: w.start, lt: w.end });

export async function countEvents(db: Db, shop: string, w: Window): Promise<{ events: number; bots: number }> {
  const rows = await db.pixelEvent.groupBy({ by: ["isBot"], where: { shop, occurredAt: between(w) }, _count: { _all: true } });
  let events = 0;
  let bots = 0;
  for (const r of rows) (r.isBot ? (bots += r._count._all) : (events += r._count._all));
  return { events, bots };
}

export async function countSessions(db: Db, shop: string, w: Window): Promise<number> {
  return db.visitSession.count({ where: { shop, startedAt: between(w) } });
}

export async function countOrdersBy(db: Db, shop: string, w: Window, field: "kind" | "matchStatus"): Promise<Record<string, number>> {
  const rows = await db.order.groupBy({ by: [field], where: { shop, shopifyCreatedAt: between(w) }, _count: { _all: true } });
  const out: Record<string, number> = {};
  for (const r of rows) out[(r as Record<string, unknown>)[field] as string] = r._count._all;
  return out;
}

export interface OrderRef {
  orderId: string;
  receivedAt: Date;
  shopifyCreatedAt: Date;
  sessionId: string | null;
}

export async function listOrdersInWindow(db: Db, shop: string, w: Window): Promise<OrderRef[]> {
  const rows = await db.order.findMany({
    where: { shop, shopifyCreatedAt: between(w) },
    select: { orderId: true, createdAt: true, shopifyCreatedAt: true, sessionId: true },
  });
  return rows.map((r) => ({ orderId: r.orderId, receivedAt: r.createdAt, shopifyCreatedAt: r.shopifyCreatedAt, sessionId: r.sessionId }));
}

/** Channel of each visit id (only this shop's visits). */
export async function channelsOfSessions(db: Db, shop: string, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await inChunks([...new Set(ids)], (chunk) =>
    db.visitSession.findMany({ where: { shop, id: { in: chunk } }, select: { id: true, channel: true } }),
  );
  return new Map(rows.map((r) => [r.id, r.channel]));
}

/** Purchase conversions of these orders. The payload holds personal data: callers reduce it to booleans at once. */
export async function purchaseConversionsOf(db: Db, shop: string, orderIds: readonly string[]) {
  return inChunks(orderIds, (chunk) =>
    db.conversion.findMany({ where: { shop, name: "purchase", orderId: { in: chunk } }, select: { id: true, orderId: true, payload: true } }),
  );
}

export async function deliveriesOfConversions(db: Db, shop: string, conversionIds: readonly string[]) {
  return inChunks(conversionIds, (chunk) =>
    db.delivery.findMany({ where: { shop, conversionId: { in: chunk } }, select: { destinationId: true, conversionId: true, status: true } }),
  );
}

/** Destinations without any secret or config (reports need names and state only). */
export async function listDestinationSummaries(db: Db, shop: string) {
  return db.destination.findMany({
    where: { shop },
    select: { id: true, kind: true, label: true, enabled: true, pausedAt: true, createdAt: true },
    orderBy: { createdAt: "asc" },
  });
}

/** Outbox rows by destination and status: `w` limits by event time; without it, every row (current queue state). */
export async function deliveryStatusCounts(db: Db, shop: string, w?: Window): Promise<Array<{ destinationId: string; status: string; count: number }>> {
  const rows = await db.delivery.groupBy({
    by: ["destinationId", "status"],
    where: { shop, ...(w ? { occurredAt: between(w) } : { status: { in: ["pending", "retrying"] } }) },
    _count: { _all: true },
  });
  return rows.map((r) => ({ destinationId: r.destinationId, status: r.status, count: r._count._all }));
}

export async function listAttributionCredits(db: Db, shop: string, model: string, w: Window) {
  return db.attributionCredit.findMany({
    where: { shop, model, orderAt: between(w) },
    select: { orderId: true, weight: true, revenue: true, currency: true, channel: true, campaign: true, renewal: true },
  });
}

export async function countSessionsByCampaign(db: Db, shop: string, w: Window): Promise<Array<{ channel: string; campaign: string | null; sessions: number }>> {
  const rows = await db.visitSession.groupBy({ by: ["channel", "campaign"], where: { shop, startedAt: between(w) }, _count: { _all: true } });
  return rows.map((r) => ({ channel: r.channel, campaign: r.campaign, sessions: r._count._all }));
}

/**
 * How to tell, in the database, that an event carries a field. Identity and data are
 * JSON text; a key is found as `"key":` (a string value cannot contain an unescaped
 * quote, so this never matches inside a value). `contains` is LIKE on both providers.
 */
const has = (column: "identity" | "data", key: string): Prisma.PixelEventWhereInput => ({ [column]: { contains: `"${key}":` } });
const anyOf = (...c: Prisma.PixelEventWhereInput[]): Prisma.PixelEventWhereInput => ({ OR: c });

export const PRESENCE_FILTERS: Record<QualityField, Prisma.PixelEventWhereInput> = {
  emailHash: { emailHash: { not: null } },
  phoneHash: { phoneHash: { not: null } },
  clientId: { clientId: { not: "" } },
  externalId: anyOf({ customerId: { not: null } }, { profileId: { not: null } }),
  fbp: has("identity", "_fbp"),
  fbc: anyOf(has("identity", "_fbc"), has("identity", "fbclid")),
  ttp: has("identity", "_ttp"),
  ttclid: has("identity", "ttclid"),
  googleClickId: anyOf(has("identity", "gclid"), has("identity", "gbraid"), has("identity", "wbraid")),
  scClickId: has("identity", "ScCid"),
  scCookie: has("identity", "_scid"),
  epik: anyOf(has("identity", "epik"), has("identity", "_epik")),
  otherClickId: anyOf(has("identity", "msclkid"), has("identity", "twclid"), has("identity", "li_fat_id"), has("identity", "rdt_cid")),
  ip: { ip: { not: null } },
  userAgent: { userAgent: { not: null } },
  value: has("data", "value"),
  currency: has("data", "currency"),
  contentIds: anyOf(has("data", "productId"), has("data", "variantId")),
};

/** Per event name: total (bots excluded) and how many events carry each field. */
export async function eventFieldPresence(db: Db, shop: string, w: Window): Promise<Array<{ name: string; total: number; counts: Partial<Record<QualityField, number>> }>> {
  const base: Prisma.PixelEventWhereInput = { shop, isBot: false, occurredAt: between(w) };
  const totals = await db.pixelEvent.groupBy({ by: ["name"], where: base, _count: { _all: true } });
  const byName = new Map(totals.map((t) => [t.name, { name: t.name, total: t._count._all, counts: {} as Partial<Record<QualityField, number>> }]));
  for (const [field, filter] of Object.entries(PRESENCE_FILTERS) as Array<[QualityField, Prisma.PixelEventWhereInput]>) {
    const rows = await db.pixelEvent.groupBy({ by: ["name"], where: { AND: [base, filter] }, _count: { _all: true } });
    for (const r of rows) {
      const entry = byName.get(r.name);
      if (entry) entry.counts[field] = r._count._all;
    }
  }
  return [...byName.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
}
