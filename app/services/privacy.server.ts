import type { Db } from "~/db.server";
import {
  CustomersDataRequestWebhookSchema,
  CustomersRedactWebhookSchema,
  ShopRedactWebhookSchema,
  extractExactIds,
  exactIdList,
} from "~/core/orders/order-webhook.schema";
import { emailMatchKey, phoneMatchKey } from "~/core/identity/match-keys";
import { sha256Hex } from "~/core/identity/normalize";
import { lockShopIdentity } from "~/data/identity.server";
import { identifierKey } from "~/core/sessions/profile-merge";
import { markUninstalled } from "~/data/shops.server";
import { REDACTION_TABLES } from "~/data/erasure.server";
import { clearRequestBodiesContaining, clearRequestBodiesOf, deleteShopRequests, requestBodies } from "~/data/deliveries.server";
import type { OrderFacts } from "~/core/orders/order-facts";
import { redactOrderFacts } from "~/core/orders/redact";
import type { HandlerResult, ProcessDeps } from "./webhook-handler";

/**
 * Privacy law compliance (shopify.dev/docs/apps/build/privacy-law-compliance):
 * - customers/data_request: an export of everything held on the customer, kept as a
 *   PrivacyRequest for the merchant to download and send on.
 * - customers/redact: the customer's personal data is deleted or irreversibly
 *   anonymised; non-personal aggregates (order totals, kinds, channel credits) stay.
 * - app/uninstalled: Shopify sessions deleted, processing stops; data kept until
 *   shop/redact (48 h later) deletes everything for the shop.
 */

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

interface CustomerKeys {
  customerId: string | null;
  emailHash: string | undefined;
  phoneHash: string | undefined;
  /** SHA-256 of the phone's digits without "+" (how Meta, Pinterest and Snapchat hash it). */
  phoneDigitsHash: string | undefined;
  orderIds: string[];
}

/**
 * A batch request reduced to this customer's part: every top-level list of events keeps only
 * the entries that name one of her events or orders (the envelope, e.g. GA4's client, stays).
 */
function onlyTheseEvents(body: unknown, markers: string[]): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    out[k] = Array.isArray(v) ? v.filter((item) => markers.some((m) => JSON.stringify(item).includes(m))) : v;
  }
  return out;
}

function namesNobody(k: CustomerKeys): boolean {
  return !k.customerId && !k.emailHash && !k.phoneHash && k.orderIds.length === 0;
}

async function inChunks<T, R>(items: readonly T[], run: (chunk: T[]) => Promise<R[]>, size = 200): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await run(items.slice(i, i + size))));
  return out;
}

function customerKeys(raw: string, parsed: { customer?: { id?: unknown; email?: string | null; phone?: string | null } | null }, listKey: string): CustomerKeys {
  const ids = extractExactIds(raw);
  const customerId = ids?.customerId ?? null;
  return {
    customerId,
    emailHash: emailMatchKey(parsed.customer?.email ?? undefined),
    phoneHash: phoneMatchKey(parsed.customer?.phone ?? undefined),
    phoneDigitsHash: parsed.customer?.phone?.replace(/\D/g, "") ? sha256Hex(parsed.customer.phone.replace(/\D/g, "")) : undefined,
    orderIds: exactIdList(ids, listKey),
  };
}

/** Everything that links to this customer: profiles (via aliases), orders. */
async function findCustomerData(db: Db, shop: string, k: CustomerKeys) {
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

export async function handleCustomerDataRequest(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = CustomersDataRequestWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: "customers/data_request payload is malformed" };
  const keys = customerKeys(raw, parsed.data, "orders_requested");
  if (namesNobody(keys)) return { kind: "rejected", reason: "customers/data_request names no customer (no id, email, phone or order)" };
  const { profileIds, orders } = await findCustomerData(deps.db, shop, keys);
  const [profiles, aliases, sessions, events, conversions] = await Promise.all([
    deps.db.profile.findMany({ where: { shop, id: { in: profileIds } } }),
    deps.db.profileAlias.findMany({ where: { shop, profileId: { in: profileIds } } }),
    deps.db.visitSession.findMany({ where: { shop, profileId: { in: profileIds } } }),
    deps.db.pixelEvent.findMany({ where: { shop, profileId: { in: profileIds } }, orderBy: { occurredAt: "asc" } }),
    deps.db.conversion.findMany({ where: { shop, orderId: { in: orders.map((o) => o.orderId) } } }),
  ]);
  const deliveries = await deps.db.delivery.findMany({ where: { shop, conversionId: { in: conversions.map((c) => c.id) } } });
  const bodies = await requestBodies(deps.db, deliveries.flatMap((d) => (d.requestId ? [d.requestId] : [])));
  // A stored request is the whole batch it went out in, other shoppers' events included.
  const markers = [...conversions.map((c) => JSON.stringify(c.eventId)), ...orders.map((o) => JSON.stringify(o.orderId))];
  const exported = {
    generatedAt: at.toISOString(),
    shop,
    customerId: keys.customerId,
    note: "Everything Trueline holds on this customer: orders (with the personal fields Shopify sent), the shopper profile and its identifiers, storefront sessions and events, conversions and what was sent to each ad platform.",
    orders: orders.map((o) => ({ orderId: o.orderId, name: o.name, kind: o.kind, createdAt: o.shopifyCreatedAt, facts: JSON.parse(o.facts) as unknown, explanation: JSON.parse(o.explanation) as unknown })),
    profiles: profiles.map((p) => ({ id: p.id, customerId: p.customerId, identifiers: JSON.parse(p.identifiers) as unknown, firstSeenAt: p.firstSeenAt, lastSeenAt: p.lastSeenAt })),
    identifiers: aliases.map((a) => a.key),
    sessions: sessions.map((s) => ({ id: s.id, startedAt: s.startedAt, channel: s.channel, source: s.source, campaign: s.campaign, landingUrl: s.landingUrl, referrer: s.referrer })),
    events: events.map((e) => ({ id: e.eventId, name: e.name, at: e.occurredAt, url: e.url, data: JSON.parse(e.data) as unknown })),
    conversions: conversions.map((c) => ({ eventId: c.eventId, name: c.name, payload: JSON.parse(c.payload) as unknown })),
    deliveries: deliveries.map((d) => ({ eventId: d.eventId, destinationId: d.destinationId, status: d.status, sent: d.requestId && bodies.has(d.requestId) ? onlyTheseEvents(JSON.parse(bodies.get(d.requestId)!) as unknown, markers) : null })),
  };
  await deps.db.privacyRequest.create({
    data: {
      shop,
      kind: "data_request",
      customerId: keys.customerId,
      status: "done",
      export: JSON.stringify(exported),
      summary: `${orders.length} orders, ${profiles.length} profiles, ${sessions.length} sessions, ${events.length} events`,
      completedAt: at,
    },
  });
  return { kind: "processed", note: "export prepared" };
}

function anonymiseFacts(factsText: string): string {
  return JSON.stringify(redactOrderFacts(JSON.parse(factsText) as OrderFacts));
}

export async function handleCustomerRedact(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = CustomersRedactWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: "customers/redact payload is malformed" };
  const keys = customerKeys(raw, parsed.data, "orders_to_redact");
  if (namesNobody(keys)) return { kind: "rejected", reason: "customers/redact names no customer (no id, email, phone or order)" };
  const { profileIds, orders } = await findCustomerData(deps.db, shop, keys);
  const orderIds = orders.map((o) => o.orderId);
  const anonymous = (payload: string) => JSON.stringify({ ...(JSON.parse(payload) as Record<string, unknown>), user: {}, clickIds: {}, sourceUrl: undefined });
  await deps.db.$transaction(
    async (tx) => {
      // Orders are being reconciled under this lock too: nobody re-links her identity meanwhile.
      await lockShopIdentity(tx, deps.provider, shop);
      for (const o of orders) {
        await tx.order.update({
          where: { id: o.id },
          data: { facts: anonymiseFacts(o.facts), customerId: null, emailHash: null, phoneHash: null, checkoutToken: null, cartToken: null, profileId: null, explanation: JSON.stringify(["Personal data removed at the customer's request (customers/redact)."]) },
        });
      }
      // Her conversions: the orders' (purchase, refund, cancel) and the storefront events'
      // (server-side copies keyed by the pixel's event id, carrying IP and user agent).
      const events = await tx.pixelEvent.findMany({ where: { shop, profileId: { in: profileIds } }, select: { eventId: true, ip: true } });
      const conversions = [
        ...(orderIds.length ? await tx.conversion.findMany({ where: { shop, orderId: { in: orderIds } } }) : []),
        ...(await inChunks(events.map((e) => e.eventId), (ids) => tx.conversion.findMany({ where: { shop, eventId: { in: ids } } }))),
      ];
      for (const c of conversions) await tx.conversion.update({ where: { id: c.id }, data: { payload: anonymous(c.payload) } });
      await clearRequestBodiesOf(tx, shop, conversions.map((c) => c.id));
      const markers = [
        ...conversions.map((c) => JSON.stringify(c.eventId)),
        ...orderIds.map((id) => JSON.stringify(id)),
        ...orders.flatMap((o) => [(JSON.parse(o.facts) as OrderFacts).browserIp]),
        ...events.map((e) => e.ip),
        keys.emailHash,
        keys.phoneHash,
        keys.phoneDigitsHash,
      ].filter((m): m is string => typeof m === "string" && m.length > 3);
      await clearRequestBodiesContaining(tx, shop, [...new Set(markers)]);
      // Behavioural data tied to the person goes entirely; attribution credits (channel, revenue) stay.
      await tx.pixelEvent.deleteMany({ where: { shop, profileId: { in: profileIds } } });
      await tx.visitSession.deleteMany({ where: { shop, profileId: { in: profileIds } } });
      await tx.profileAlias.deleteMany({ where: { shop, profileId: { in: profileIds } } });
      await tx.profile.deleteMany({ where: { shop, OR: [{ id: { in: profileIds } }, { mergedIntoId: { in: profileIds } }] } });
      if (keys.customerId) {
        await tx.privacyRequest.updateMany({ where: { shop, customerId: keys.customerId, kind: "data_request" }, data: { export: null, summary: "export deleted after customers/redact" } });
      }
      // Unprocessed webhook bodies about these orders are personal data too.
      if (orderIds.length) {
        const pending = await tx.webhookDelivery.findMany({ where: { shop, rawBody: { not: null } }, select: { id: true, rawBody: true } });
        const hit = pending.filter((p) => orderIds.some((id) => new RegExp(`(^|[^0-9])${id}([^0-9]|$)`).test(p.rawBody!)));
        if (hit.length) await tx.webhookDelivery.updateMany({ where: { id: { in: hit.map((h) => h.id) } }, data: { rawBody: null, status: "rejected", error: "redacted (customers/redact)" } });
      }
      await tx.privacyRequest.create({
        data: { shop, kind: "customer_redact", customerId: keys.customerId, status: "done", summary: `${orders.length} orders anonymised, ${profileIds.length} profiles deleted`, completedAt: at },
      });
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  // SQLite: checkpointed once the delivery (whose body names her) is finished. PostgreSQL: no
  // table is vacuumed for one customer (her rows are few among many; autovacuum reclaims
  // them), a shop redact vacuums every table it emptied.
  return { kind: "processed", note: `redacted ${orders.length} orders, ${profileIds.length} profiles`, erase: [] };
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
    await tx.destination.deleteMany({ where: { id: { in: destinations.map((d) => d.id) } } });
    await tx.conversion.deleteMany({ where: { shop } });
    await tx.attributionCredit.deleteMany({ where: { shop } });
    await tx.order.deleteMany({ where: { shop } });
    await tx.pixelEvent.deleteMany({ where: { shop } });
    await tx.visitSession.deleteMany({ where: { shop } });
    await tx.profileAlias.deleteMany({ where: { shop } });
    await tx.profile.deleteMany({ where: { shop } });
    await tx.adminJob.deleteMany({ where: { shop } });
    await tx.privacyRequest.deleteMany({ where: { shop, kind: { not: "shop_redact" } } });
    await tx.session.deleteMany({ where: { shop } });
    await tx.webhookDelivery.updateMany({ where: { shop }, data: { rawBody: null } });
  });
}

export async function handleShopRedact(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = ShopRedactWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: "shop/redact payload is malformed" };
  await deleteShopData(deps.db, shop);
  await deps.db.shop.deleteMany({ where: { domain: shop } });
  await deps.db.privacyRequest.create({ data: { shop, kind: "shop_redact", status: "done", summary: "all shop data deleted", completedAt: at } });
  return { kind: "processed", note: "shop data deleted", erase: REDACTION_TABLES };
}

export async function handleAppUninstalled(deps: ProcessDeps, shop: string, at: Date): Promise<HandlerResult> {
  // The template's rule: webhooks can arrive more than once and after the app is gone.
  await deps.db.session.deleteMany({ where: { shop } });
  await markUninstalled(deps.db, shop, at);
  // Nothing more leaves for this shop: pending deliveries are skipped, visibly.
  await deps.db.delivery.updateMany({
    where: { shop, status: { in: ["pending", "retrying"] } },
    data: { status: "skipped", lastError: "app uninstalled", lockedBy: null, lockedUntil: null },
  });
  return { kind: "processed", note: "sessions deleted; data kept until shop/redact" };
}

export async function handleScopesUpdate(deps: ProcessDeps, shop: string, raw: string): Promise<HandlerResult> {
  const parsed = parseJson(raw) as { current?: unknown } | undefined;
  const current = Array.isArray(parsed?.current) ? parsed!.current.filter((s): s is string => typeof s === "string") : null;
  if (!current) return { kind: "rejected", reason: "app/scopes_update payload has no current scopes" };
  await deps.db.session.updateMany({ where: { shop }, data: { scope: current.join(",") } });
  return { kind: "processed", note: `scopes now ${current.join(",")}` };
}
