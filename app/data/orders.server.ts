import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";
import { asBool, asDate, asDateOrNull, asStringOrNull, newId, runnerOf, statement, type Row } from "./sql.server";

type Tx = Prisma.TransactionClient | Db;

/**
 * The queries on Order rows of the order webhooks (app/services/orders.server.ts), one function
 * per operation. The per-webhook ones (find, insert, update) are prepared statements on the
 * driver (app/data/sql.server.ts, ADR 0021).
 */

export interface OrderRecord {
  id: string;
  shop: string;
  orderId: string;
  name: string | null;
  kind: string;
  isTest: boolean;
  sourceName: string | null;
  shopifyCreatedAt: Date;
  shopifyUpdatedAt: Date;
  cancelledAt: Date | null;
  financialStatus: string | null;
  currency: string;
  totalPrice: string;
  presentmentCurrency: string;
  presentmentTotal: string;
  refundedTotal: string;
  customerId: string | null;
  emailHash: string | null;
  phoneHash: string | null;
  checkoutToken: string | null;
  cartToken: string | null;
  facts: string;
  matchStatus: string;
  matchMethod: string | null;
  profileId: string | null;
  sessionId: string | null;
  explanation: string;
  createdAt: Date;
  updatedAt: Date;
}

const ORDER_COLUMNS = [
  "id", "shop", "orderId", "name", "kind", "isTest", "sourceName", "shopifyCreatedAt", "shopifyUpdatedAt", "cancelledAt", "financialStatus",
  "currency", "totalPrice", "presentmentCurrency", "presentmentTotal", "refundedTotal", "customerId", "emailHash", "phoneHash", "checkoutToken",
  "cartToken", "facts", "matchStatus", "matchMethod", "profileId", "sessionId", "explanation", "createdAt", "updatedAt",
] as const;
const SELECT_ORDER = ORDER_COLUMNS.map((c) => `"${c}"`).join(", ");

function toOrder(r: Row): OrderRecord {
  const s = (k: string) => String(r[k]);
  const n = (k: string) => asStringOrNull(r[k]);
  return {
    id: s("id"), shop: s("shop"), orderId: s("orderId"), name: n("name"), kind: s("kind"), isTest: asBool(r.isTest), sourceName: n("sourceName"),
    shopifyCreatedAt: asDate(r.shopifyCreatedAt), shopifyUpdatedAt: asDate(r.shopifyUpdatedAt), cancelledAt: asDateOrNull(r.cancelledAt),
    financialStatus: n("financialStatus"), currency: s("currency"), totalPrice: s("totalPrice"), presentmentCurrency: s("presentmentCurrency"),
    presentmentTotal: s("presentmentTotal"), refundedTotal: s("refundedTotal"), customerId: n("customerId"), emailHash: n("emailHash"),
    phoneHash: n("phoneHash"), checkoutToken: n("checkoutToken"), cartToken: n("cartToken"), facts: s("facts"), matchStatus: s("matchStatus"),
    matchMethod: n("matchMethod"), profileId: n("profileId"), sessionId: n("sessionId"), explanation: s("explanation"),
    createdAt: asDate(r.createdAt), updatedAt: asDate(r.updatedAt),
  };
}

const FIND_ORDER = statement("order.find", `SELECT ${SELECT_ORDER} FROM "Order" WHERE "Order"."shop" = ? AND "Order"."orderId" = ?`);

/** The shop's order with this Shopify id ([shop, orderId] unique), or null. */
export async function findOrder(tx: Tx, shop: string, orderId: string): Promise<OrderRecord | null> {
  const [row] = await runnerOf(tx).all(FIND_ORDER, [shop, orderId]);
  return row ? toOrder(row) : null;
}

/** The shop's orders with these Shopify ids (each id once; no order guaranteed). */
export async function ordersByIds(tx: Tx, shop: string, orderIds: readonly string[]): Promise<OrderRecord[]> {
  return tx.order.findMany({ where: { shop, orderId: { in: [...new Set(orderIds)] } } });
}

/** Writes of an order's columns other than its identity (shop, Shopify id). */
export type OrderColumns = Omit<Prisma.OrderUncheckedCreateInput, "id" | "shop" | "orderId">;

type Writable = Exclude<(typeof ORDER_COLUMNS)[number], "id" | "shop" | "orderId" | "createdAt" | "updatedAt">;
const DEFAULTS: Partial<Record<Writable, unknown>> = { isTest: false, refundedTotal: "0", matchStatus: "pending", explanation: "[]" };
const INSERT_COLUMNS = ORDER_COLUMNS.filter((c) => c !== "id" && c !== "shop" && c !== "orderId" && c !== "createdAt" && c !== "updatedAt") as Writable[];
const INSERT_ORDER = statement(
  "order.insert",
  `INSERT INTO "Order" ("id", "shop", "orderId", ${INSERT_COLUMNS.map((c) => `"${c}"`).join(", ")}, "createdAt", "updatedAt") VALUES (${Array.from({ length: INSERT_COLUMNS.length + 5 }, () => "?").join(", ")})`,
);

/** Stores an order seen for the first time. */
export async function insertOrder(tx: Tx, shop: string, orderId: string, data: OrderColumns): Promise<void> {
  const now = new Date();
  const values = INSERT_COLUMNS.map((c) => (data as Record<string, unknown>)[c] ?? DEFAULTS[c] ?? null);
  await runnerOf(tx).run(INSERT_ORDER, [newId(), shop, orderId, ...values, data.createdAt ?? now, data.updatedAt ?? now]);
}

const updates = new Map<string, ReturnType<typeof statement>>();

/** Replaces columns of a stored order (by row id): one prepared statement per set of columns written. */
export async function updateOrder(tx: Tx, id: string, data: Partial<OrderColumns>): Promise<void> {
  const cols = (Object.keys(data) as Writable[]).filter((c) => INSERT_COLUMNS.includes(c) && (data as Record<string, unknown>)[c] !== undefined);
  const key = cols.join(",");
  let st = updates.get(key);
  if (!st) {
    st = statement(`order.update.${updates.size}`, `UPDATE "Order" SET ${[...cols, "updatedAt"].map((c) => `"${c}" = ?`).join(", ")} WHERE "id" = ?`);
    updates.set(key, st);
  }
  await runnerOf(tx).run(st, [...cols.map((c) => (data as Record<string, unknown>)[c]), new Date(), id]);
}
