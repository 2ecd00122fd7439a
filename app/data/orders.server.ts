import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";

type Tx = Prisma.TransactionClient | Db;

/** The queries on Order rows of the order webhooks (app/services/orders.server.ts), one function per operation. */

/** The shop's order with this Shopify id ([shop, orderId] unique), or null. */
export async function findOrder(tx: Tx, shop: string, orderId: string) {
  return tx.order.findUnique({ where: { order_identity: { shop, orderId } } });
}

export type OrderRecord = NonNullable<Awaited<ReturnType<typeof findOrder>>>;

/** The shop's orders with these Shopify ids (each id once; no order guaranteed). */
export async function ordersByIds(tx: Tx, shop: string, orderIds: readonly string[]): Promise<OrderRecord[]> {
  return tx.order.findMany({ where: { shop, orderId: { in: [...new Set(orderIds)] } } });
}

/** Writes of an order's columns other than its identity (shop, Shopify id). */
export type OrderColumns = Omit<Prisma.OrderUncheckedCreateInput, "id" | "shop" | "orderId">;

/** Stores an order seen for the first time. */
export async function insertOrder(tx: Tx, shop: string, orderId: string, data: OrderColumns): Promise<void> {
  await tx.order.create({ data: { shop, orderId, ...data } });
}

/** Replaces columns of a stored order (by row id). */
export async function updateOrder(tx: Tx, id: string, data: Partial<OrderColumns>): Promise<void> {
  await tx.order.update({ where: { id }, data });
}
