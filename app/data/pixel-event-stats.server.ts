import type { Db } from "~/db.server";

export interface PixelEventArrival {
  total: number;
  since: number;
  /** When the newest stored event reached us through the app proxy. */
  lastReceivedAt: Date | null;
  lastEventName: string | null;
}

/** How many storefront events this shop has, in total and since `since`, and the newest one. Scoped by shop. */
export async function pixelEventArrival(db: Db, shop: string, since: Date): Promise<PixelEventArrival> {
  const [total, recent, last] = await Promise.all([
    db.pixelEvent.count({ where: { shop } }),
    db.pixelEvent.count({ where: { shop, receivedAt: { gte: since } } }),
    db.pixelEvent.findFirst({ where: { shop }, orderBy: [{ receivedAt: "desc" }, { occurredAt: "desc" }], select: { receivedAt: true, name: true } }),
  ]);
  return { total, since: recent, lastReceivedAt: last?.receivedAt ?? null, lastEventName: last?.name ?? null };
}
