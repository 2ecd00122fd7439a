import { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";

type Tx = Prisma.TransactionClient | Db;

/**
 * The pixel events that name an order (its id, checkout token or cart token): ONE statement,
 * each branch of the OR an index ([shop, orderId], [shop, checkoutToken], [shop, cartToken]),
 * and no ORDER BY or LIMIT (Prisma would add `ORDER BY id` under a `take`, which makes SQLite
 * walk the shop's events). A checkout has a handful of events.
 */
export async function readEventsNamingOrder(tx: Tx, shop: string, order: { orderId: string; checkoutToken: string | null; cartToken: string | null }) {
  // The shop is repeated in each branch: with it outside the OR, SQLite (no statistics)
  // searches the [shop, …] index on shop alone, i.e. walks the shop's events.
  const or: Prisma.PixelEventWhereInput[] = [{ shop, orderId: order.orderId }];
  if (order.checkoutToken) or.push({ shop, checkoutToken: order.checkoutToken });
  if (order.cartToken) or.push({ shop, cartToken: order.cartToken });
  return tx.pixelEvent.findMany({ where: { OR: or } });
}

/** Who an order's shopper is, as the pixel could have seen them (ADR 0005, the arrival-order wait). */
export interface ShopperKeys {
  /** Browsers of the events that name the order (order id, checkout token, cart token). */
  clientIds: readonly string[];
  customerId: string | null;
  emailHash: string | null;
  phoneHash: string | null;
}

/**
 * Whether the shop has pixel events received at or before `receivedAt`, not sessionised yet,
 * that could change this shopper's match: from the same browsers, or carrying the same
 * customer id, email or phone match key. ONE statement, a `UNION ALL` of one branch per key,
 * each served by its own index ([shop, clientId, occurredAt], [shop, customerId],
 * [shop, emailHash], [shop, phoneHash]), so it reads one shopper's events, never the shop's
 * backlog or history. SQLite without statistics prefers the [processedAt, receivedAt] index
 * (i.e. walks every shop's backlog) whether the keys are written as an OR or as branches, so
 * the "not sessionised" test is wrapped (`COALESCE(processedAt, NULL) IS NULL`, the same
 * truth) where no index can serve it: it filters the shopper's rows instead.
 */
export async function hasUnsessionisedShopperEvents(tx: Tx, shop: string, receivedAt: Date, who: ShopperKeys): Promise<boolean> {
  const branch = (key: Prisma.Sql) =>
    Prisma.sql`SELECT 1 AS "hit" FROM "PixelEvent" WHERE "shop" = ${shop} AND ${key} AND COALESCE("processedAt", NULL) IS NULL AND "receivedAt" <= ${receivedAt}`;
  const branches: Prisma.Sql[] = [];
  if (who.clientIds.length) branches.push(branch(Prisma.sql`"clientId" IN (${Prisma.join([...who.clientIds])})`));
  if (who.customerId) branches.push(branch(Prisma.sql`"customerId" = ${who.customerId}`));
  if (who.emailHash) branches.push(branch(Prisma.sql`"emailHash" = ${who.emailHash}`));
  if (who.phoneHash) branches.push(branch(Prisma.sql`"phoneHash" = ${who.phoneHash}`));
  if (branches.length === 0) return false;
  const rows = await tx.$queryRaw<Array<{ hit: unknown }>>(Prisma.sql`${Prisma.join(branches, " UNION ALL ")} LIMIT 1`);
  return rows.length > 0;
}

/**
 * Orders that events being sessionised can change (ADR 0005): those the events name (order
 * id, checkout token, cart token), and those of the events' profiles placed at or after
 * (less `skewMs`) the earliest of their events ([shop, profileId, shopifyCreatedAt]).
 */
export async function ordersNewEvidenceCanChange(
  tx: Tx,
  shop: string,
  named: { orderIds: string[]; checkoutTokens: string[]; cartTokens: string[] },
  profiles: Map<string, number>,
  skewMs: number,
): Promise<string[]> {
  const or: Prisma.OrderWhereInput[] = [];
  // (shop in each branch: see readEventsNamingOrder)
  if (named.orderIds.length) or.push({ shop, orderId: { in: named.orderIds } });
  if (named.checkoutTokens.length) or.push({ shop, checkoutToken: { in: named.checkoutTokens } });
  if (named.cartTokens.length) or.push({ shop, cartToken: { in: named.cartTokens } });
  for (const [profileId, from] of profiles) or.push({ shop, profileId, shopifyCreatedAt: { gte: new Date(from - skewMs) } });
  if (or.length === 0) return [];
  const rows = await tx.order.findMany({ where: { OR: or }, select: { orderId: true } });
  return rows.map((r) => r.orderId);
}

/** Which profiles these identifier keys belong to ([shop, key] unique): one lookup for all of them. */
export async function profilesOfKeys(tx: Tx, shop: string, keys: string[]): Promise<{ key: string; profileId: string }[]> {
  return tx.profileAlias.findMany({ where: { shop, key: { in: keys } }, select: { key: true, profileId: true } });
}

/** The profile's latest session that started at or before `before`, or null. */
export async function latestSessionOfProfileBefore(tx: Tx, shop: string, profileId: string, before: Date) {
  return tx.visitSession.findFirst({ where: { shop, profileId, startedAt: { lte: before } }, orderBy: { startedAt: "desc" } });
}

/** A profile by id, or null. */
export async function findProfile(tx: Tx, id: string) {
  return tx.profile.findUnique({ where: { id } });
}

/** The browser (client id) a session belongs to, or null when the session is gone. */
export async function clientOfSession(tx: Tx, sessionId: string): Promise<{ clientId: string } | null> {
  return tx.visitSession.findUnique({ where: { id: sessionId }, select: { clientId: true } });
}

/** The consent bits of the browser's latest event at or before `until` (index [shop, clientId, occurredAt]), or null. */
export async function latestConsentOfClient(tx: Tx, shop: string, clientId: string, until: Date): Promise<string | null> {
  const last = await tx.pixelEvent.findFirst({
    where: { shop, clientId, occurredAt: { lte: until } },
    orderBy: { occurredAt: "desc" },
    select: { consent: true },
  });
  return last?.consent ?? null;
}
