import type { Db } from "~/db.server";

/** Platform read-backs (ADR 0041): one row per read of one destination. */

export interface DiagnosticRow {
  id: string;
  shop: string;
  destinationId: string;
  kind: string;
  status: string;
  verdict: string;
  error: string | null;
  httpStatus: number;
  fetchedAt: Date;
}

export async function savePlatformDiagnostic(db: Db, row: Omit<DiagnosticRow, "id">): Promise<void> {
  await db.platformDiagnostic.create({ data: row });
}

/** The newest read of each of the shop's destinations. */
export async function latestPlatformDiagnostics(db: Db, shop: string, destinationIds: readonly string[]): Promise<DiagnosticRow[]> {
  const rows = await Promise.all(
    destinationIds.map((destinationId) => db.platformDiagnostic.findFirst({ where: { shop, destinationId }, orderBy: [{ fetchedAt: "desc" }, { id: "desc" }] })),
  );
  return rows.filter((r): r is DiagnosticRow => r !== null);
}

/** When each destination was last read (destinations never read are absent). */
export async function lastDiagnosticReads(db: Db, destinationIds: readonly string[]): Promise<Map<string, Date>> {
  if (destinationIds.length === 0) return new Map();
  const rows = await db.platformDiagnostic.groupBy({ by: ["destinationId"], where: { destinationId: { in: [...destinationIds] } }, _max: { fetchedAt: true } });
  return new Map(rows.flatMap((r) => (r._max.fetchedAt ? [[r.destinationId, r._max.fetchedAt] as const] : [])));
}

/** Drop a destination's reads older than `before` (the newest is kept whatever its age). */
export async function prunePlatformDiagnostics(db: Db, destinationId: string, before: Date): Promise<number> {
  const newest = await db.platformDiagnostic.findFirst({ where: { destinationId }, orderBy: { fetchedAt: "desc" }, select: { id: true } });
  const r = await db.platformDiagnostic.deleteMany({ where: { destinationId, fetchedAt: { lt: before }, id: { not: newest?.id ?? "" } } });
  return r.count;
}

export interface DiagnosableDestination {
  id: string;
  shop: string;
  kind: string;
  label: string;
}

/** Enabled, unpaused destinations of these kinds (all shops, or one), ordered by id. */
export async function listDiagnosableDestinations(db: Db, kinds: readonly string[], opts: { shop?: string; afterId?: string | null } = {}): Promise<DiagnosableDestination[]> {
  return db.destination.findMany({
    where: {
      kind: { in: [...kinds] },
      enabled: true,
      pausedAt: null,
      ...(opts.shop ? { shop: opts.shop } : {}),
      ...(opts.afterId ? { id: { gt: opts.afterId } } : {}),
    },
    orderBy: { id: "asc" },
    select: { id: true, shop: true, kind: true, label: true },
  });
}

/** Deliveries of one destination the platform accepted since `since` (test-mode sends excluded when flagged). */
export async function countDeliveredSince(db: Db, shop: string, destinationId: string, since: Date): Promise<number> {
  return db.delivery.count({ where: { shop, destinationId, status: "delivered", deliveredAt: { gte: since } } });
}
