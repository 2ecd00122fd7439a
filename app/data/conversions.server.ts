import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";

type Tx = Db | Prisma.TransactionClient;

/** Queries on stored conversions used by retention and privacy, one function per operation. */

/** The shop's conversions of one order. */
export async function conversionsOfOrder(db: Tx, shop: string, orderId: string) {
  return db.conversion.findMany({ where: { shop, orderId } });
}

/** The shop's conversions of these orders. */
export async function conversionsOfOrders(db: Tx, shop: string, orderIds: string[]) {
  return db.conversion.findMany({ where: { shop, orderId: { in: orderIds } } });
}

/** The shop's conversions keyed by these event ids. */
export async function conversionsOfEvents(db: Tx, shop: string, eventIds: string[]) {
  return db.conversion.findMany({ where: { shop, eventId: { in: eventIds } } });
}

/** Replaces a conversion's stored payload (used to strip identity fields). */
export async function setConversionPayload(db: Tx, id: string, payload: string): Promise<void> {
  await db.conversion.update({ where: { id }, data: { payload } });
}

/** Stores a server-side copy of a storefront event once (keyed by the shop and the pixel's event id); an existing row is kept as is. */
export async function upsertStorefrontConversion(tx: Tx, c: { shop: string; eventId: string; name: string; occurredAt: Date; payload: string }): Promise<{ id: string }> {
  return tx.conversion.upsert({
    where: { conversion_event_id: { shop: c.shop, eventId: c.eventId } },
    create: { shop: c.shop, eventId: c.eventId, name: c.name, occurredAt: c.occurredAt, payload: c.payload },
    update: {},
  });
}
