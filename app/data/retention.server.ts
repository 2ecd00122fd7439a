import type { Db } from "~/db.server";

/** The queries of the retention sweep (app/services/retention.server.ts), one function per operation. */

/** Every shop with its raw settings text (the sweep reads retentionDays from it). */
export async function listShopsForRetention(db: Db): Promise<{ domain: string; settings: string }[]> {
  return db.shop.findMany({ select: { domain: true, settings: true } });
}

/** Deletes the shop's storefront events older than `cutoff`; returns how many. */
export async function deletePixelEventsBefore(db: Db, shop: string, cutoff: Date): Promise<number> {
  return (await db.pixelEvent.deleteMany({ where: { shop, occurredAt: { lt: cutoff } } })).count;
}

/** Deletes the shop's storefront sessions whose last event is older than `cutoff`. */
export async function deleteVisitSessionsBefore(db: Db, shop: string, cutoff: Date): Promise<void> {
  await db.visitSession.deleteMany({ where: { shop, lastEventAt: { lt: cutoff } } });
}

/** Deletes the shop's profiles not seen since `cutoff`, with their aliases. */
export async function deleteProfilesNotSeenSince(db: Db, shop: string, cutoff: Date): Promise<void> {
  const stale = await db.profile.findMany({ where: { shop, lastSeenAt: { lt: cutoff } }, select: { id: true } });
  if (stale.length) {
    const ids = stale.map((p) => p.id);
    await db.profileAlias.deleteMany({ where: { shop, profileId: { in: ids } } });
    await db.profile.deleteMany({ where: { shop, id: { in: ids } } });
  }
}

/** The shop's orders created before `cutoff` that still hold personal data (an email hash). */
export async function ordersWithPersonalDataBefore(db: Db, shop: string, cutoff: Date): Promise<{ id: string; orderId: string; facts: string }[]> {
  return db.order.findMany({ where: { shop, shopifyCreatedAt: { lt: cutoff }, emailHash: { not: null } }, select: { id: true, orderId: true, facts: true } });
}

/** Stores an order's facts with the personal fields removed, and drops its match hashes. */
export async function saveRetentionExpiredOrder(db: Db, id: string, factsText: string): Promise<void> {
  await db.order.update({ where: { id }, data: { facts: factsText, emailHash: null, phoneHash: null } });
}

/** Drops the raw bodies of the shop's webhooks received before `before`. */
export async function dropWebhookBodiesBefore(db: Db, shop: string, before: Date): Promise<void> {
  await db.webhookDelivery.updateMany({ where: { shop, createdAt: { lt: before }, rawBody: { not: null } }, data: { rawBody: null } });
}
