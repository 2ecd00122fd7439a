import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";

type Tx = Prisma.TransactionClient | Db;

/** The queries behind an order's attribution credits (app/services/orders.server.ts), one function per operation. */

export type NewAttributionCredit = Prisma.AttributionCreditCreateManyInput;

/** Removes every credit of one order (before they are computed again). */
export async function deleteOrderAttribution(tx: Tx, shop: string, orderId: string): Promise<void> {
  await tx.attributionCredit.deleteMany({ where: { shop, orderId } });
}

/** The profile's sessions that started in [from, to], earliest first (the attribution window). */
export async function sessionsOfProfileBetween(tx: Tx, shop: string, profileId: string, from: Date, to: Date) {
  return tx.visitSession.findMany({
    where: { shop, profileId, startedAt: { gte: from, lte: to } },
    orderBy: { startedAt: "asc" },
  });
}

/** Stores an order's credits (all models at once). */
export async function insertAttributionCredits(tx: Tx, rows: NewAttributionCredit[]): Promise<void> {
  await tx.attributionCredit.createMany({ data: rows });
}

/** One order's credits (a renewal credited to the channel that acquired the subscriber copies its first order's). */
export async function creditsOfOrder(tx: Tx, shop: string, orderId: string) {
  return tx.attributionCredit.findMany({ where: { shop, orderId }, orderBy: [{ model: "asc" }, { sessionId: "asc" }] });
}
