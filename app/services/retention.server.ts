import type { Db } from "~/db.server";
import { ShopSettingsSchema } from "~/data/shops.server";
import { clearRequestBodiesOf } from "~/data/deliveries.server";
import type { Logger } from "~/lib/logger.server";

const DAY = 86_400_000;
/** Raw webhook bodies that could not be processed are kept this long for replay, then dropped. */
const WEBHOOK_BODY_DAYS = 30;

/**
 * Data retention (the merchant sets `retentionDays` in Settings; default 180):
 * - storefront events and sessions older than that are deleted;
 * - orders older than that keep their totals, kind, channel and attribution, but their
 *   personal fields (email, phone, names, addresses, IP, user agent) are removed, and so
 *   are the identity fields of their conversions and the stored request bodies;
 * - profiles not seen for that long are deleted with their aliases.
 * Runs from the worker about once an hour; idempotent.
 */
export async function runRetentionSweep(deps: { db: Db; now: () => number; log: Logger }): Promise<{ shops: number; events: number; orders: number }> {
  const shops = await deps.db.shop.findMany({ select: { domain: true, settings: true } });
  let events = 0;
  let orders = 0;
  for (const s of shops) {
    const parsed = ShopSettingsSchema.safeParse(JSON.parse(s.settings));
    const days = parsed.success ? parsed.data.retentionDays : 180;
    const cutoff = new Date(deps.now() - days * DAY);
    const shop = s.domain;
    events += (await deps.db.pixelEvent.deleteMany({ where: { shop, occurredAt: { lt: cutoff } } })).count;
    await deps.db.visitSession.deleteMany({ where: { shop, lastEventAt: { lt: cutoff } } });
    const stale = await deps.db.profile.findMany({ where: { shop, lastSeenAt: { lt: cutoff } }, select: { id: true } });
    if (stale.length) {
      const ids = stale.map((p) => p.id);
      await deps.db.profileAlias.deleteMany({ where: { shop, profileId: { in: ids } } });
      await deps.db.profile.deleteMany({ where: { shop, id: { in: ids } } });
    }
    const old = await deps.db.order.findMany({ where: { shop, shopifyCreatedAt: { lt: cutoff }, emailHash: { not: null } }, select: { id: true, orderId: true, facts: true } });
    for (const o of old) {
      const facts = JSON.parse(o.facts) as Record<string, unknown>;
      for (const f of ["email", "phone", "firstName", "lastName", "billingAddress", "shippingAddress", "browserIp", "userAgent", "acceptLanguage", "noteAttributes"]) if (f in facts) facts[f] = null;
      facts.retentionExpired = true;
      await deps.db.order.update({ where: { id: o.id }, data: { facts: JSON.stringify(facts), emailHash: null, phoneHash: null } });
      const convs = await deps.db.conversion.findMany({ where: { shop, orderId: o.orderId } });
      for (const c of convs) {
        await deps.db.conversion.update({ where: { id: c.id }, data: { payload: JSON.stringify({ ...(JSON.parse(c.payload) as object), user: {}, clickIds: {} }) } });
      }
      await clearRequestBodiesOf(deps.db, shop, convs.map((c) => c.id));
      orders++;
    }
    await deps.db.webhookDelivery.updateMany({ where: { shop, createdAt: { lt: new Date(deps.now() - WEBHOOK_BODY_DAYS * DAY) }, rawBody: { not: null } }, data: { rawBody: null } });
  }
  if (events || orders) deps.log.info("retention sweep", { shops: shops.length, events, orders });
  return { shops: shops.length, events, orders };
}
