import type { Db } from "~/db.server";
import { daysOf, isoDayOf, resolveRange, type DateRange } from "~/core/reports/date-range";
import { coverageOf, deliveryShares, identifiersOf, type CoverageKey, type DestinationShare } from "~/core/reports/delivery-share";
import {
  channelsOfSessions,
  countEvents,
  countOrdersBy,
  countSessions,
  deliveriesOfConversions,
  deliveryStatusCounts,
  listDestinationSummaries,
  listOrdersInWindow,
  purchaseConversionsOf,
} from "~/data/reports.server";
import { readShopSettings } from "~/data/shops.server";

export interface OverviewData {
  range: DateRange;
  rangeErrors: Partial<Record<"from" | "to", string>> | null;
  thresholdPercent: number;
  events: number;
  bots: number;
  sessions: number;
  orders: number;
  ordersByKind: Record<string, number>;
  matchStatus: Record<string, number>;
  /** matched / orders, null without orders */
  matchRate: number | null;
  ordersPerDay: Array<{ day: string; orders: number }>;
  destinations: Array<DestinationShare & { paused: boolean; retriesPending: number; failures: number }>;
  coverage: { total: number; present: Record<CoverageKey, number> };
  retriesPending: number;
  failures: number;
}

/** The overview for one shop and one date range (query: ?from=YYYY-MM-DD&to=YYYY-MM-DD). */
export async function getOverview(db: Db, shop: string, query: { from?: string | null; to?: string | null }, now: Date): Promise<OverviewData> {
  const resolved = resolveRange({ from: query.from ?? undefined, to: query.to ?? undefined }, now.getTime());
  const range = resolved.kind === "ok" ? resolved.range : resolved.fallback;
  const w = { start: new Date(range.startMs), end: new Date(range.endMs) };

  const [settings, ev, sessions, ordersByKind, matchStatus, orders, destinations, inRange, queued] = await Promise.all([
    readShopSettings(db, shop),
    countEvents(db, shop, w),
    countSessions(db, shop, w),
    countOrdersBy(db, shop, w, "kind"),
    countOrdersBy(db, shop, w, "matchStatus"),
    listOrdersInWindow(db, shop, w),
    listDestinationSummaries(db, shop),
    deliveryStatusCounts(db, shop, w),
    deliveryStatusCounts(db, shop),
  ]);

  const channelOf = await channelsOfSessions(db, shop, orders.flatMap((o) => (o.sessionId ? [o.sessionId] : [])));
  const conversions = await purchaseConversionsOf(db, shop, orders.map((o) => o.orderId));
  const orderOfConversion = new Map(conversions.map((c) => [c.id, c.orderId ?? ""]));
  const rows = (await deliveriesOfConversions(db, shop, conversions.map((c) => c.id))).map((d) => ({
    destinationId: d.destinationId,
    orderId: orderOfConversion.get(d.conversionId) ?? "",
    status: d.status,
  }));
  // Identity is reduced to presence flags here; the payload itself goes no further.
  const coverage = coverageOf(conversions.map((c) => identifiersOf(safeJson(c.payload))));

  const shares = deliveryShares({
    destinations: destinations.map((d) => ({ id: d.id, label: d.label, kind: d.kind, enabled: d.enabled && !d.pausedAt, createdAt: d.createdAt.getTime() })),
    orders: orders.map((o) => ({ orderId: o.orderId, receivedAt: o.receivedAt.getTime(), channel: o.sessionId ? channelOf.get(o.sessionId) ?? null : null })),
    rows,
    thresholdPercent: settings.deliveryThresholdPercent,
  });
  const pendingOf = (id: string) => queued.filter((q) => q.destinationId === id).reduce((a, q) => a + q.count, 0);
  const failuresOf = (id: string) => inRange.filter((q) => q.destinationId === id && (q.status === "failed" || q.status === "expired")).reduce((a, q) => a + q.count, 0);

  const perDay = new Map(daysOf(range).map((d) => [d, 0]));
  for (const o of orders) {
    const day = isoDayOf(o.shopifyCreatedAt.getTime());
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }

  const destRows = shares.map((s) => {
    const d = destinations.find((x) => x.id === s.destinationId);
    return { ...s, paused: Boolean(d?.pausedAt), retriesPending: pendingOf(s.destinationId), failures: failuresOf(s.destinationId) };
  });
  return {
    range,
    rangeErrors: resolved.kind === "invalid" ? resolved.errors : null,
    thresholdPercent: settings.deliveryThresholdPercent,
    events: ev.events,
    bots: ev.bots,
    sessions,
    orders: orders.length,
    ordersByKind,
    matchStatus,
    matchRate: orders.length ? (matchStatus.matched ?? 0) / orders.length : null,
    ordersPerDay: [...perDay.entries()].map(([day, n]) => ({ day, orders: n })),
    destinations: destRows,
    coverage,
    retriesPending: queued.reduce((a, q) => a + q.count, 0),
    failures: inRange.filter((q) => q.status === "failed" || q.status === "expired").reduce((a, q) => a + q.count, 0),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
