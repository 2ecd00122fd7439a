import type { Db } from "~/db.server";

/** Headline counts for one shop (every query is scoped by shop). */
export async function getOverview(db: Db, shop: string) {
  const [events, orders, matched, byStatus] = await Promise.all([
    db.pixelEvent.count({ where: { shop } }),
    db.order.count({ where: { shop } }),
    db.order.count({ where: { shop, matchStatus: "matched" } }),
    db.delivery.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
  ]);
  const deliveries: Record<string, number> = {};
  for (const row of byStatus) deliveries[row.status] = row._count._all;
  return { events, orders, matched, deliveries };
}
