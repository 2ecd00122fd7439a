import type { Db } from "~/db.server";

export interface DestinationDeliveryStats {
  lastDeliveredAt: Date | null;
  delivered24h: number;
  failed24h: number;
}

/**
 * Per destination of one shop: the last delivery time and, since `since`, how many
 * deliveries succeeded and how many ended failed or expired. Scoped by shop.
 */
export async function deliveryStatsByDestination(db: Db, shop: string, since: Date): Promise<Map<string, DestinationDeliveryStats>> {
  const [last, delivered, failed] = await Promise.all([
    db.delivery.groupBy({ by: ["destinationId"], where: { shop, status: "delivered" }, _max: { deliveredAt: true } }),
    db.delivery.groupBy({ by: ["destinationId"], where: { shop, status: "delivered", deliveredAt: { gte: since } }, _count: { _all: true } }),
    db.delivery.groupBy({ by: ["destinationId"], where: { shop, status: { in: ["failed", "expired"] }, updatedAt: { gte: since } }, _count: { _all: true } }),
  ]);
  const out = new Map<string, DestinationDeliveryStats>();
  const get = (id: string) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = { lastDeliveredAt: null, delivered24h: 0, failed24h: 0 }));
    return s;
  };
  for (const r of last) get(r.destinationId).lastDeliveredAt = r._max.deliveredAt;
  for (const r of delivered) get(r.destinationId).delivered24h = r._count._all;
  for (const r of failed) get(r.destinationId).failed24h = r._count._all;
  return out;
}
