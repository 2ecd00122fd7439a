import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";

/** The queries of sessionising (app/services/visits.server.ts), one function per operation. */

type Tx = Db | Prisma.TransactionClient;

/**
 * When the next pixel event to sessionise (the claim's first, in [processedAt, occurredAt, id]
 * order) was received, or null when none is waiting: the ingest-pressure guard's measure of
 * how old the backlog is. Read from the claim's own index, so no index on receivedAt is kept
 * up to date on every insert and every processed event for it (issue 10).
 */
export async function oldestUnprocessedPixelEvent(db: Tx): Promise<{ receivedAt: Date } | null> {
  return db.pixelEvent.findFirst({ where: { processedAt: null }, orderBy: [{ processedAt: "asc" }, { occurredAt: "asc" }, { id: "asc" }], select: { receivedAt: true } });
}

/** PostgreSQL: one sessionising pass at a time across all workers (transaction-scoped advisory lock); false when another pass holds it. */
export async function tryLockVisitsPass(tx: Prisma.TransactionClient): Promise<boolean> {
  const [row] = await tx.$queryRaw<Array<{ ok: boolean }>>`SELECT pg_try_advisory_xact_lock(hashtext('trueline:visits')) AS ok`;
  return Boolean(row?.ok);
}

/**
 * The next pixel events to sessionise, in time order. Ordered by the [processedAt, occurredAt,
 * id] index's own columns: processedAt is NULL in every row here, and naming it lets PostgreSQL
 * walk the index in order (it does not treat IS NULL as an equality when matching sort order),
 * as SQLite does.
 */
export async function unprocessedPixelEvents(tx: Tx, limit: number) {
  return tx.pixelEvent.findMany({ where: { processedAt: null }, orderBy: [{ processedAt: "asc" }, { occurredAt: "asc" }, { id: "asc" }], take: limit });
}

/** The browser's latest storefront session in this shop. */
export async function latestVisitSession(tx: Tx, shop: string, clientId: string) {
  return tx.visitSession.findFirst({ where: { shop, clientId }, orderBy: { lastEventAt: "desc" } });
}

export async function createVisitSession(tx: Tx, data: Prisma.VisitSessionUncheckedCreateInput): Promise<{ id: string }> {
  return tx.visitSession.create({ data });
}

/** A continued session's final state after a pass: its span, events added, and its profile when known. */
export async function saveVisitSessionProgress(
  tx: Tx,
  id: string,
  u: { startedAt: number; lastEventAt: number; added: number; profileId: string | null },
): Promise<void> {
  const profileId = u.profileId;
  await tx.visitSession.update({ where: { id }, data: { lastEventAt: new Date(u.lastEventAt), startedAt: new Date(u.startedAt), eventCount: { increment: u.added }, ...(profileId ? { profileId } : {}) } });
}

/** These events are sessionised: their profile and session, and when. */
export async function markPixelEventsProcessed(tx: Tx, ids: string[], r: { profileId: string | null; sessionId: string; processedAt: Date }): Promise<void> {
  await tx.pixelEvent.updateMany({ where: { id: { in: ids } }, data: { profileId: r.profileId, sessionId: r.sessionId, processedAt: r.processedAt } });
}

/**
 * What the server remembers of a browser (by Shopify's clientId) in this shop: its profile and
 * the profile's first visitor alias. Null when the clientId is unknown.
 */
/**
 * Cookie restoration (ADR 0027): the most recent stored events of ONE browser (shop +
 * Shopify clientId), newest first, with what restoration reads of them. Never by profile.
 */
export async function recentEventsOfClient(db: Db, shop: string, clientId: string, limit: number) {
  return db.pixelEvent.findMany({
    where: { shop, clientId },
    orderBy: { occurredAt: "desc" },
    take: limit,
    select: { receivedAt: true, consent: true, visitorId: true, identity: true },
  });
}
