import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";

type Tx = Db | Prisma.TransactionClient;

/**
 * Links between an order and the webhooks that carry no revenue (ADR 0024): drafts, subscription
 * contracts, billing attempts. One function per operation; services/order-links.server.ts and
 * services/orders.server.ts use them.
 */

export type OrderLinkKind = "draft" | "contract" | "billing";

export interface OrderLinkRow {
  kind: string;
  linkId: string;
  orderId: string | null;
  relatedId: string | null;
  facts: string;
  version: Date | null;
}

/**
 * Stores a link, or replaces it when `version` is not older than the stored one. Returns whether
 * it was written ("older": a later version was already stored, nothing changed).
 */
export async function upsertOrderLink(
  tx: Tx,
  shop: string,
  link: { kind: OrderLinkKind; linkId: string; orderId: string | null; relatedId: string | null; facts: string; version: Date | null },
): Promise<"written" | "older"> {
  const existing = await tx.orderLink.findUnique({ where: { order_link_key: { shop, kind: link.kind, linkId: link.linkId } }, select: { id: true, version: true, orderId: true } });
  if (existing && existing.version && link.version && existing.version > link.version) return "older";
  const data = { orderId: link.orderId ?? existing?.orderId ?? null, relatedId: link.relatedId, facts: link.facts, version: link.version };
  if (existing) await tx.orderLink.update({ where: { id: existing.id }, data });
  else await tx.orderLink.create({ data: { shop, kind: link.kind, linkId: link.linkId, ...data } });
  return "written";
}

/** Every link naming this order (the draft it came from, the contract it started, the attempt that charged it). */
export async function linksOfOrder(tx: Tx, shop: string, orderId: string): Promise<OrderLinkRow[]> {
  return tx.orderLink.findMany({ where: { shop, orderId }, select: { kind: true, linkId: true, orderId: true, relatedId: true, facts: true, version: true }, orderBy: { linkId: "asc" } });
}

/** One link by its key. */
export async function findOrderLink(tx: Tx, shop: string, kind: OrderLinkKind, linkId: string): Promise<OrderLinkRow | null> {
  return tx.orderLink.findUnique({ where: { order_link_key: { shop, kind, linkId } }, select: { kind: true, linkId: true, orderId: true, relatedId: true, facts: true, version: true } });
}

/** The subscription contracts of one customer (relatedId on contract links), oldest id first. */
export async function contractsOfCustomer(tx: Tx, shop: string, customerId: string): Promise<OrderLinkRow[]> {
  return tx.orderLink.findMany({ where: { shop, kind: "contract", relatedId: customerId }, select: { kind: true, linkId: true, orderId: true, relatedId: true, facts: true, version: true }, orderBy: { linkId: "asc" } });
}

/** The orders a contract's billing attempts created (its renewals). */
export async function renewalOrderIdsOfContract(tx: Tx, shop: string, contractId: string): Promise<string[]> {
  const rows = await tx.orderLink.findMany({ where: { shop, kind: "billing", relatedId: contractId, orderId: { not: null } }, select: { orderId: true } });
  return [...new Set(rows.flatMap((r) => (r.orderId ? [r.orderId] : [])))];
}

/** Renewal orders of a customer (linked by customer when no billing attempt names them). */
export async function orderIdsOfCustomerOfKind(tx: Tx, shop: string, customerId: string, kind: string): Promise<string[]> {
  const rows = await tx.order.findMany({ where: { shop, customerId, kind }, select: { orderId: true } });
  return rows.map((r) => r.orderId);
}

/** A customer's links (customers/redact): drafts and contracts that name them. */
export async function deleteOrderLinksOfCustomer(tx: Tx, shop: string, customerId: string): Promise<void> {
  await tx.orderLink.deleteMany({ where: { shop, kind: "contract", relatedId: customerId } });
  const drafts = await tx.orderLink.findMany({ where: { shop, kind: "draft" }, select: { id: true, facts: true } });
  const mine = drafts.filter((d) => (JSON.parse(d.facts) as { customerId?: string | null }).customerId === customerId);
  if (mine.length) await tx.orderLink.deleteMany({ where: { id: { in: mine.map((d) => d.id) } } });
}
