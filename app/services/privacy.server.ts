import { z } from "zod";
import { deleteOrderLinksOfCustomer } from "~/data/order-links.server";
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
import { deleteShopRow, deleteShopSessions, markUninstalled, setShopSessionScopes } from "~/data/shops.server";
import { REDACTION_TABLES } from "~/data/erasure.server";
import { clearRequestBodiesContaining, clearRequestBodiesOf, requestBodies, skipQueuedDeliveries } from "~/data/deliveries.server";
import { customerCreatedEventId } from "~/core/conversions/customer-created";
import { conversionsOfEvents, conversionsOfOrders, setConversionPayload } from "~/data/conversions.server";
import {
  customerExportRows,
  deleteProfilesWithActivity,
  deleteShopData,
  deliveriesOfConversions,
  dropCustomerExports,
  findCustomerData,
  findDataRequestExport,
  listDataRequests,
  pixelEventsOfProfiles,
  recordPrivacyRequest,
  redactPendingWebhooksOfOrders,
  saveRedactedOrder,
} from "~/data/privacy.server";
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

export async function handleCustomerDataRequest(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = CustomersDataRequestWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: "customers/data_request payload is malformed" };
  const keys = customerKeys(raw, parsed.data, "orders_requested");
  if (namesNobody(keys)) return { kind: "rejected", reason: "customers/data_request names no customer (no id, email, phone or order)" };
  const { profileIds, orders } = await findCustomerData(deps.db, shop, keys);
  const rows = await customerExportRows(deps.db, shop, profileIds, orders.map((o) => o.orderId));
  const { profiles, aliases, sessions, events } = rows;
  // The new-account goal (customers/create, ADR 0039) is keyed by the customer id, not an order.
  const conversions = [...rows.conversions, ...(keys.customerId ? await conversionsOfEvents(deps.db, shop, [customerCreatedEventId(keys.customerId)]) : [])];
  const deliveries = await deliveriesOfConversions(deps.db, shop, conversions.map((c) => c.id));
  const bodies = await requestBodies(deps.db, deliveries.flatMap((d) => (d.requestId ? [d.requestId] : [])));
  // A stored request is the whole batch it went out in, other shoppers' events included.
  const markers = [...conversions.map((c) => JSON.stringify(c.eventId)), ...orders.map((o) => JSON.stringify(o.orderId))];
  const exported = {
    generatedAt: at.toISOString(),
    shop,
    customerId: keys.customerId,
    dataRequestId: parsed.data.data_request?.id != null ? String(parsed.data.data_request.id) : null,
    note: "Everything Trueline holds on this customer: orders (with the personal fields Shopify sent), the shopper profile and its identifiers, storefront sessions and events, conversions and what was sent to each ad platform.",
    orders: orders.map((o) => ({ orderId: o.orderId, name: o.name, kind: o.kind, createdAt: o.shopifyCreatedAt, facts: JSON.parse(o.facts) as unknown, explanation: JSON.parse(o.explanation) as unknown })),
    profiles: profiles.map((p) => ({ id: p.id, customerId: p.customerId, identifiers: JSON.parse(p.identifiers) as unknown, firstSeenAt: p.firstSeenAt, lastSeenAt: p.lastSeenAt })),
    identifiers: aliases.map((a) => a.key),
    sessions: sessions.map((s) => ({ id: s.id, startedAt: s.startedAt, channel: s.channel, source: s.source, campaign: s.campaign, landingUrl: s.landingUrl, referrer: s.referrer })),
    events: events.map((e) => ({ id: e.eventId, name: e.name, at: e.occurredAt, url: e.url, data: JSON.parse(e.data) as unknown })),
    conversions: conversions.map((c) => ({ eventId: c.eventId, name: c.name, payload: JSON.parse(c.payload) as unknown })),
    deliveries: deliveries.map((d) => ({ eventId: d.eventId, destinationId: d.destinationId, status: d.status, sent: d.requestId && bodies.has(d.requestId) ? onlyTheseEvents(JSON.parse(bodies.get(d.requestId)!) as unknown, markers) : null })),
  };
  await recordPrivacyRequest(deps.db, {
    shop,
    kind: "data_request",
    customerId: keys.customerId,
    export: JSON.stringify(exported),
    summary: `${orders.length} orders, ${profiles.length} profiles, ${sessions.length} sessions, ${events.length} events`,
    completedAt: at,
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
        await saveRedactedOrder(tx, o.id, anonymiseFacts(o.facts), JSON.stringify(["Personal data removed at the customer's request (customers/redact)."]));
      }
      // Her conversions: the orders' (purchase, refund, cancel) and the storefront events'
      // (server-side copies keyed by the pixel's event id, carrying IP and user agent).
      const events = await pixelEventsOfProfiles(tx, shop, profileIds);
      const conversions = [
        ...(orderIds.length ? await conversionsOfOrders(tx, shop, orderIds) : []),
        ...(await inChunks(events.map((e) => e.eventId), (ids) => conversionsOfEvents(tx, shop, ids))),
        // Her new-account goal (customers/create), keyed by her customer id.
        ...(keys.customerId ? await conversionsOfEvents(tx, shop, [customerCreatedEventId(keys.customerId)]) : []),
      ];
      for (const c of conversions) await setConversionPayload(tx, c.id, anonymous(c.payload));
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
      await deleteProfilesWithActivity(tx, shop, profileIds);
      if (keys.customerId) {
        await dropCustomerExports(tx, shop, keys.customerId);
        // Her drafts' and subscription contracts' links (UTMs, staff, customer id) go too.
        await deleteOrderLinksOfCustomer(tx, shop, keys.customerId);
      }
      // Unprocessed webhook bodies about these orders are personal data too.
      if (orderIds.length) await redactPendingWebhooksOfOrders(tx, shop, orderIds);
      await recordPrivacyRequest(tx, { shop, kind: "customer_redact", customerId: keys.customerId, summary: `${orders.length} orders anonymised, ${profileIds.length} profiles deleted`, completedAt: at });
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  // SQLite: checkpointed once the delivery (whose body names her) is finished. PostgreSQL: no
  // table is vacuumed for one customer (her rows are few among many; autovacuum reclaims
  // them), a shop redact vacuums every table it emptied.
  return { kind: "processed", note: `redacted ${orders.length} orders, ${profileIds.length} profiles`, erase: [] };
}

export async function handleShopRedact(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = ShopRedactWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: "shop/redact payload is malformed" };
  await deleteShopData(deps.db, shop);
  await deleteShopRow(deps.db, shop);
  await recordPrivacyRequest(deps.db, { shop, kind: "shop_redact", summary: "all shop data deleted", completedAt: at });
  return { kind: "processed", note: "shop data deleted", erase: REDACTION_TABLES };
}

export async function handleAppUninstalled(deps: ProcessDeps, shop: string, at: Date): Promise<HandlerResult> {
  // The template's rule: webhooks can arrive more than once and after the app is gone.
  await deleteShopSessions(deps.db, shop);
  await markUninstalled(deps.db, shop, at);
  // Nothing more leaves for this shop: pending deliveries are skipped, visibly.
  await skipQueuedDeliveries(deps.db, shop, "app uninstalled");
  return { kind: "processed", note: "sessions deleted; data kept until shop/redact" };
}

export async function handleScopesUpdate(deps: ProcessDeps, shop: string, raw: string): Promise<HandlerResult> {
  const parsed = parseJson(raw) as { current?: unknown } | undefined;
  const current = Array.isArray(parsed?.current) ? parsed!.current.filter((s): s is string => typeof s === "string") : null;
  if (!current) return { kind: "rejected", reason: "app/scopes_update payload has no current scopes" };
  await setShopSessionScopes(deps.db, shop, current.join(","));
  return { kind: "processed", note: `scopes now ${current.join(",")}` };
}

/** How many data requests the Privacy page lists (newest first). */
export const DATA_REQUESTS_SHOWN = 200;

export interface DataRequestRow {
  id: string;
  receivedAt: string;
  /** Who asked, as Shopify names the customer (the customer id; never an email or phone). */
  customer: string;
  status: "ready" | "deleted";
  summary: string;
}

/**
 * The Privacy page: the shop's customers/data_request exports, for the merchant to send to
 * the customer (Shopify forwards the request; the merchant answers it). An export whose
 * customer was later redacted (customers/redact) is listed as deleted.
 */
export async function getDataRequestsPage(db: Db, shop: string): Promise<{ rows: DataRequestRow[]; limit: number }> {
  const rows = await listDataRequests(db, shop, DATA_REQUESTS_SHOWN);
  return {
    limit: DATA_REQUESTS_SHOWN,
    rows: rows.map((r) => ({
      id: r.id,
      receivedAt: r.createdAt.toISOString(),
      customer: r.customerId ? `Customer ${r.customerId}` : "No customer id (named by email, phone or orders)",
      status: r.summary.startsWith("export deleted") ? "deleted" : "ready",
      summary: r.summary,
    })),
  };
}

const DataRequestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** One data request's export as a JSON download, or null (unknown id, another shop's, or deleted). */
export async function getDataRequestExport(db: Db, shop: string, id: unknown): Promise<{ filename: string; json: string } | null> {
  const parsed = DataRequestIdSchema.safeParse(id);
  if (!parsed.success) return null;
  const row = await findDataRequestExport(db, shop, parsed.data);
  if (!row || row.export === null) return null;
  const who = row.customerId ? `customer-${row.customerId}` : row.id;
  return { filename: `trueline-data-request-${row.createdAt.toISOString().slice(0, 10)}-${who}.json`, json: row.export };
}
