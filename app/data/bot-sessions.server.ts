import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";

type Tx = Prisma.TransactionClient | Db;

/**
 * The queries behind bot filtering in reconciliation and attribution (app/services/orders.server.ts),
 * one function per operation. A session is a bot's when the pixel marked any of its events as a
 * bot's (PixelEvent.isBot, set at ingest: app/services/ingest.server.ts looksLikeBot).
 */

/** Ids of the profile's sessions that hold an event marked as a bot's (index [shop, profileId]). */
export async function botSessionIdsOfProfile(tx: Tx, shop: string, profileId: string): Promise<string[]> {
  const rows = await tx.pixelEvent.findMany({ where: { shop, profileId, isBot: true, sessionId: { not: null } }, select: { sessionId: true } });
  return [...new Set(rows.flatMap((r) => (r.sessionId ? [r.sessionId] : [])))];
}

/** The profile's latest session that started at or before `before`, other than `except`, or null. */
export async function latestSessionOfProfileBeforeExcept(tx: Tx, shop: string, profileId: string, before: Date, except: readonly string[]) {
  return tx.visitSession.findFirst({ where: { shop, profileId, startedAt: { lte: before }, id: { notIn: [...except] } }, orderBy: { startedAt: "desc" } });
}
