import type { Db } from "~/db.server";
import { ShopSettingsSchema } from "~/data/shops.server";
import { clearRequestBodiesOf } from "~/data/deliveries.server";
import { conversionsOfOrder, setConversionPayload } from "~/data/conversions.server";
import {
  deletePixelEventsBefore,
  deleteProfilesNotSeenSince,
  deleteVisitSessionsBefore,
  dropWebhookBodiesBefore,
  listShopsForRetention,
  ordersWithPersonalDataBefore,
  saveRetentionExpiredOrder,
} from "~/data/retention.server";
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
  const shops = await listShopsForRetention(deps.db);
  let events = 0;
  let orders = 0;
  for (const s of shops) {
    const parsed = ShopSettingsSchema.safeParse(JSON.parse(s.settings));
    const days = parsed.success ? parsed.data.retentionDays : 180;
    const cutoff = new Date(deps.now() - days * DAY);
    const shop = s.domain;
    events += await deletePixelEventsBefore(deps.db, shop, cutoff);
    await deleteVisitSessionsBefore(deps.db, shop, cutoff);
    await deleteProfilesNotSeenSince(deps.db, shop, cutoff);
    const old = await ordersWithPersonalDataBefore(deps.db, shop, cutoff);
    for (const o of old) {
      const facts = JSON.parse(o.facts) as Record<string, unknown>;
      for (const f of ["email", "phone", "firstName", "lastName", "billingAddress", "shippingAddress", "browserIp", "userAgent", "acceptLanguage", "noteAttributes"]) if (f in facts) facts[f] = null;
      facts.retentionExpired = true;
      await saveRetentionExpiredOrder(deps.db, o.id, JSON.stringify(facts));
      const convs = await conversionsOfOrder(deps.db, shop, o.orderId);
      for (const c of convs) {
        await setConversionPayload(deps.db, c.id, JSON.stringify({ ...(JSON.parse(c.payload) as object), user: {}, clickIds: {} }));
      }
      await clearRequestBodiesOf(deps.db, shop, convs.map((c) => c.id));
      orders++;
    }
    await dropWebhookBodiesBefore(deps.db, shop, new Date(deps.now() - WEBHOOK_BODY_DAYS * DAY));
  }
  if (events || orders) deps.log.info("retention sweep", { shops: shops.length, events, orders });
  return { shops: shops.length, events, orders };
}
