import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";
import { identifierKey } from "~/core/sessions/profile-merge";
import { deleteShopRequests } from "~/data/deliveries.server";

/** The queries of the privacy-law handlers (app/services/privacy.server.ts), one function per operation. */

type Tx = Db | Prisma.TransactionClient;

export interface CustomerLookup {
  customerId: string | null;
  emailHash: string | undefined;
  phoneHash: string | undefined;
  orderIds: string[];
}

/** Everything that links to this customer: profiles (via aliases), orders. */
export async function findCustomerData(db: Db, shop: string, k: CustomerLookup) {
  const aliasKeys = [
    k.customerId ? identifierKey("customer", k.customerId) : null,
    k.emailHash ? identifierKey("email", k.emailHash) : null,
    k.phoneHash ? identifierKey("phone", k.phoneHash) : null,
  ].filter((x): x is string => x !== null);
  const aliases = aliasKeys.length ? await db.profileAlias.findMany({ where: { shop, key: { in: aliasKeys } } }) : [];
  const profileIds = [...new Set(aliases.map((a) => a.profileId))];
  const orFilters = [
    ...(k.customerId ? [{ customerId: k.customerId }] : []),
    ...(k.emailHash ? [{ emailHash: k.emailHash }] : []),
    ...(k.phoneHash ? [{ phoneHash: k.phoneHash }] : []),
    ...(k.orderIds.length ? [{ orderId: { in: k.orderIds } }] : []),
    ...(profileIds.length ? [{ profileId: { in: profileIds } }] : []),
  ];
  const orders = orFilters.length ? await db.order.findMany({ where: { shop, OR: orFilters } }) : [];
  return { profileIds, orders };
}

/** The profiles, their aliases, sessions and events (oldest first), and the orders' conversions: a customer's export. */
export async function customerExportRows(db: Db, shop: string, profileIds: string[], orderIds: string[]) {
  const [profiles, aliases, sessions, events, conversions] = await Promise.all([
    db.profile.findMany({ where: { shop, id: { in: profileIds } } }),
    db.profileAlias.findMany({ where: { shop, profileId: { in: profileIds } } }),
    db.visitSession.findMany({ where: { shop, profileId: { in: profileIds } } }),
    db.pixelEvent.findMany({ where: { shop, profileId: { in: profileIds } }, orderBy: { occurredAt: "asc" } }),
    db.conversion.findMany({ where: { shop, orderId: { in: orderIds } } }),
  ]);
  return { profiles, aliases, sessions, events, conversions };
}

/** The shop's deliveries of these conversions. */
export async function deliveriesOfConversions(db: Db, shop: string, conversionIds: string[]) {
  return db.delivery.findMany({ where: { shop, conversionId: { in: conversionIds } } });
}

/** Records a finished privacy request (an export, a customer redaction, a shop redaction). */
export async function recordPrivacyRequest(
  db: Tx,
  request: { shop: string; kind: "data_request" | "customer_redact" | "shop_redact"; customerId?: string | null; export?: string; summary: string; completedAt: Date },
): Promise<void> {
  const { shop, kind, customerId, export: exported, summary, completedAt } = request;
  await db.privacyRequest.create({ data: { shop, kind, customerId, status: "done", export: exported, summary, completedAt } });
}

/** Stores a redacted order: anonymised facts, no customer, hashes, tokens or profile, and why. */
export async function saveRedactedOrder(tx: Tx, id: string, factsText: string, explanationText: string): Promise<void> {
  await tx.order.update({
    where: { id },
    data: { facts: factsText, customerId: null, emailHash: null, phoneHash: null, checkoutToken: null, cartToken: null, profileId: null, explanation: explanationText },
  });
}

/** The event ids and IPs of these profiles' storefront events. */
export async function pixelEventsOfProfiles(tx: Tx, shop: string, profileIds: string[]): Promise<{ eventId: string; ip: string | null }[]> {
  return tx.pixelEvent.findMany({ where: { shop, profileId: { in: profileIds } }, select: { eventId: true, ip: true } });
}

/** Deletes these profiles' events, sessions and aliases, the profiles and the profiles merged into them. */
export async function deleteProfilesWithActivity(tx: Tx, shop: string, profileIds: string[]): Promise<void> {
  await tx.pixelEvent.deleteMany({ where: { shop, profileId: { in: profileIds } } });
  await tx.visitSession.deleteMany({ where: { shop, profileId: { in: profileIds } } });
  await tx.profileAlias.deleteMany({ where: { shop, profileId: { in: profileIds } } });
  await tx.profile.deleteMany({ where: { shop, OR: [{ id: { in: profileIds } }, { mergedIntoId: { in: profileIds } }] } });
}

/** Drops the exports of the customer's earlier data requests. */
export async function dropCustomerExports(tx: Tx, shop: string, customerId: string): Promise<void> {
  await tx.privacyRequest.updateMany({ where: { shop, customerId, kind: "data_request" }, data: { export: null, summary: "export deleted after customers/redact" } });
}

/** Unprocessed webhook bodies naming one of these orders: body dropped, delivery marked rejected. */
export async function redactPendingWebhooksOfOrders(tx: Tx, shop: string, orderIds: string[]): Promise<void> {
  const pending = await tx.webhookDelivery.findMany({ where: { shop, rawBody: { not: null } }, select: { id: true, rawBody: true } });
  const hit = pending.filter((p) => orderIds.some((id) => new RegExp(`(^|[^0-9])${id}([^0-9]|$)`).test(p.rawBody!)));
  if (hit.length) await tx.webhookDelivery.updateMany({ where: { id: { in: hit.map((h) => h.id) } }, data: { rawBody: null, status: "rejected", error: "redacted (customers/redact)" } });
}

/** Delete everything held for the shop. */
export async function deleteShopData(db: Db, shop: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const destinations = await tx.destination.findMany({ where: { shop }, select: { id: true } });
    const deliveries = await tx.delivery.findMany({ where: { shop }, select: { id: true } });
    for (let i = 0; i < deliveries.length; i += 500) {
      await tx.deliveryAttempt.deleteMany({ where: { deliveryId: { in: deliveries.slice(i, i + 500).map((d) => d.id) } } });
    }
    await tx.delivery.deleteMany({ where: { shop } });
    await deleteShopRequests(tx, shop);
    await tx.oAuthGrant.deleteMany({ where: { shop } });
    await tx.destination.deleteMany({ where: { id: { in: destinations.map((d) => d.id) } } });
    await tx.conversion.deleteMany({ where: { shop } });
    await tx.attributionCredit.deleteMany({ where: { shop } });
    await tx.orderLink.deleteMany({ where: { shop } });
    await tx.order.deleteMany({ where: { shop } });
    await tx.pixelEvent.deleteMany({ where: { shop } });
    await tx.visitSession.deleteMany({ where: { shop } });
    await tx.profileAlias.deleteMany({ where: { shop } });
    await tx.profile.deleteMany({ where: { shop } });
    await tx.adminJob.deleteMany({ where: { shop } });
    await tx.platformDiagnostic.deleteMany({ where: { shop } });
    await tx.privacyRequest.deleteMany({ where: { shop, kind: { not: "shop_redact" } } });
    await tx.session.deleteMany({ where: { shop } });
    await tx.webhookDelivery.updateMany({ where: { shop }, data: { rawBody: null } });
  });
}

/** The shop's customers/data_request records, newest first (at most `limit`), without their exports. */
export async function listDataRequests(db: Tx, shop: string, limit: number) {
  return db.privacyRequest.findMany({
    where: { shop, kind: "data_request" },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { id: true, customerId: true, status: true, summary: true, createdAt: true, completedAt: true },
  });
}

/** One customers/data_request record of this shop with its export (null when it is another shop's or not a data request). */
export async function findDataRequestExport(db: Tx, shop: string, id: string) {
  return db.privacyRequest.findFirst({ where: { id, shop, kind: "data_request" }, select: { id: true, customerId: true, export: true, createdAt: true } });
}
