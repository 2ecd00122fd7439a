import { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";
import { asBool, asDate, asDateOrNull, asStringOrNull, runnerOf, statement, type Row, type Statement } from "./sql.server";

type Tx = Prisma.TransactionClient | Db;

/** An event as the order path reads it. */
export interface OrderEventRow {
  id: string;
  shop: string;
  eventId: string;
  name: string;
  occurredAt: Date;
  receivedAt: Date;
  clientId: string;
  visitorId: string | null;
  profileId: string | null;
  sessionId: string | null;
  url: string | null;
  checkoutToken: string | null;
  orderId: string | null;
  cartToken: string | null;
  consent: string;
  isBot: boolean;
  identity: string;
  processedAt: Date | null;
}

const EVENT_COLUMNS = `"id", "shop", "eventId", "name", "occurredAt", "receivedAt", "clientId", "visitorId", "profileId", "sessionId", "url", "checkoutToken", "orderId", "cartToken", "consent", "isBot", "identity", "processedAt"`;

function toEvent(r: Row): OrderEventRow {
  return {
    id: String(r.id), shop: String(r.shop), eventId: String(r.eventId), name: String(r.name), occurredAt: asDate(r.occurredAt), receivedAt: asDate(r.receivedAt),
    clientId: String(r.clientId), visitorId: asStringOrNull(r.visitorId), profileId: asStringOrNull(r.profileId), sessionId: asStringOrNull(r.sessionId),
    url: asStringOrNull(r.url), checkoutToken: asStringOrNull(r.checkoutToken), orderId: asStringOrNull(r.orderId), cartToken: asStringOrNull(r.cartToken),
    consent: String(r.consent), isBot: asBool(r.isBot), identity: String(r.identity), processedAt: asDateOrNull(r.processedAt),
  };
}

// The shop is repeated in each branch: with it outside the OR, SQLite (no statistics)
// searches the [shop, …] index on shop alone, i.e. walks the shop's events. A null token
// matches nothing (`= NULL`), so one text serves every order.
const EVENTS_NAMING_ORDER = statement(
  "order-evidence.events-naming-order",
  `SELECT ${EVENT_COLUMNS} FROM "PixelEvent" WHERE (("PixelEvent"."shop" = ? AND "PixelEvent"."orderId" = ?) OR ("PixelEvent"."shop" = ? AND "PixelEvent"."checkoutToken" = ?) OR ("PixelEvent"."shop" = ? AND "PixelEvent"."cartToken" = ?))`,
);

/**
 * The pixel events that name an order (its id, checkout token or cart token): ONE prepared
 * statement, each branch of the OR an index ([shop, orderId], [shop, checkoutToken],
 * [shop, cartToken]), and no ORDER BY or LIMIT (with one, SQLite walks the shop's events).
 * A checkout has a handful of events.
 */
export async function readEventsNamingOrder(tx: Tx, shop: string, order: { orderId: string; checkoutToken: string | null; cartToken: string | null }): Promise<OrderEventRow[]> {
  const rows = await runnerOf(tx).all(EVENTS_NAMING_ORDER, [shop, order.orderId, shop, order.checkoutToken, shop, order.cartToken]);
  return rows.map(toEvent);
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
const unsessionised = new Map<string, Statement>();

export async function hasUnsessionisedShopperEvents(tx: Tx, shop: string, receivedAt: Date, who: ShopperKeys): Promise<boolean> {
  const branch = (key: string) =>
    `SELECT 1 AS "hit" FROM "PixelEvent" WHERE "PixelEvent"."shop" = ? AND ${key} AND COALESCE("PixelEvent"."processedAt", NULL) IS NULL AND "PixelEvent"."receivedAt" <= ?`;
  const branches: string[] = [];
  const params: unknown[] = [];
  if (who.clientIds.length) {
    branches.push(branch(`"PixelEvent"."clientId" IN (${who.clientIds.map(() => "?").join(", ")})`));
    params.push(shop, ...who.clientIds, receivedAt);
  }
  for (const [column, value] of [["customerId", who.customerId], ["emailHash", who.emailHash], ["phoneHash", who.phoneHash]] as const) {
    if (!value) continue;
    branches.push(branch(`"PixelEvent"."${column}" = ?`));
    params.push(shop, value, receivedAt);
  }
  if (branches.length === 0) return false;
  const sql = `${branches.join(" UNION ALL ")} LIMIT 1`;
  let st = unsessionised.get(sql);
  if (!st) unsessionised.set(sql, (st = statement(`order-evidence.unsessionised.${unsessionised.size}`, sql)));
  const rows = await runnerOf(tx).all(st, params);
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

const aliasLookups = new Map<number, Statement>();

/** Which profiles these identifier keys belong to ([shop, key] unique): one lookup for all of them. */
export async function profilesOfKeys(tx: Tx, shop: string, keys: string[]): Promise<{ key: string; profileId: string }[]> {
  if (keys.length === 0) return [];
  let st = aliasLookups.get(keys.length);
  if (!st) {
    st = statement(`order-evidence.aliases.${keys.length}`, `SELECT "key", "profileId" FROM "ProfileAlias" WHERE "ProfileAlias"."shop" = ? AND "ProfileAlias"."key" IN (${keys.map(() => "?").join(", ")})`);
    aliasLookups.set(keys.length, st);
  }
  const rows = await runnerOf(tx).all(st, [shop, ...keys]);
  return rows.map((r) => ({ key: String(r.key), profileId: String(r.profileId) }));
}

/** A session as the order path reads it. */
export interface OrderSessionRow {
  id: string;
  profileId: string;
  clientId: string;
  startedAt: Date;
  channel: string;
  campaign: string | null;
}

export function toSession(r: Row): OrderSessionRow {
  return { id: String(r.id), profileId: String(r.profileId), clientId: String(r.clientId), startedAt: asDate(r.startedAt), channel: String(r.channel), campaign: asStringOrNull(r.campaign) };
}

export const SESSION_COLUMNS = `"id", "profileId", "clientId", "startedAt", "channel", "campaign"`;

const LATEST_SESSION_BEFORE = statement(
  "order-evidence.latest-session-before",
  `SELECT ${SESSION_COLUMNS} FROM "VisitSession" WHERE "VisitSession"."shop" = ? AND "VisitSession"."profileId" = ? AND "VisitSession"."startedAt" <= ? ORDER BY "VisitSession"."startedAt" DESC LIMIT 1`,
);

/** The profile's latest session that started at or before `before`, or null. */
export async function latestSessionOfProfileBefore(tx: Tx, shop: string, profileId: string, before: Date): Promise<OrderSessionRow | null> {
  const [row] = await runnerOf(tx).all(LATEST_SESSION_BEFORE, [shop, profileId, before]);
  return row ? toSession(row) : null;
}

const FIND_PROFILE = statement("order-evidence.profile", `SELECT "id", "identifiers" FROM "Profile" WHERE "Profile"."id" = ?`);

/** A profile by id (its id and identifiers), or null. */
export async function findProfile(tx: Tx, id: string): Promise<{ id: string; identifiers: string } | null> {
  const [row] = await runnerOf(tx).all(FIND_PROFILE, [id]);
  return row ? { id: String(row.id), identifiers: String(row.identifiers) } : null;
}

const CLIENT_OF_SESSION = statement("order-evidence.client-of-session", `SELECT "clientId" FROM "VisitSession" WHERE "VisitSession"."id" = ?`);

/** The browser (client id) a session belongs to, or null when the session is gone. */
export async function clientOfSession(tx: Tx, sessionId: string): Promise<{ clientId: string } | null> {
  const [row] = await runnerOf(tx).all(CLIENT_OF_SESSION, [sessionId]);
  return row ? { clientId: String(row.clientId) } : null;
}

const LATEST_CONSENT = statement(
  "order-evidence.latest-consent",
  `SELECT "consent" FROM "PixelEvent" WHERE "PixelEvent"."shop" = ? AND "PixelEvent"."clientId" = ? AND "PixelEvent"."occurredAt" <= ? ORDER BY "PixelEvent"."occurredAt" DESC LIMIT 1`,
);

/** The consent bits of the browser's latest event at or before `until` (index [shop, clientId, occurredAt]), or null. */
export async function latestConsentOfClient(tx: Tx, shop: string, clientId: string, until: Date): Promise<string | null> {
  const [row] = await runnerOf(tx).all(LATEST_CONSENT, [shop, clientId, until]);
  return row ? String(row.consent) : null;
}
