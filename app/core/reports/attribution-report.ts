import { formatMinorUnits, parseMinorUnits } from "~/core/orders/decimal";

/**
 * The attribution report: AttributionCredit rows (one per order × model × credited
 * visit, revenue already split exactly in minor units by splitRevenue) summed by
 * channel or by campaign.
 * - revenue: exact decimal sum (bigint minor units), one row per currency;
 * - orders: sum of credit weights (a linear-model order split over 3 visits adds
 *   1/3 to each channel), so the orders column sums to the number of credited orders;
 * - conversion rate: credited orders / visits (sessions) started in the same range
 *   on that channel or campaign; null when there were no visits.
 */

export const NO_CAMPAIGN = "(no campaign)";

export interface CreditInput {
  orderId: string;
  weight: number;
  revenue: string;
  currency: string;
  channel: string;
  campaign: string | null;
  /** A subscription renewal credited to the acquiring channel (shop setting): reported apart. */
  renewal?: boolean;
}

export interface SessionCount {
  channel: string;
  campaign: string | null;
  sessions: number;
}

export interface ReportRow {
  /** channel name, or campaign name for the campaign breakdown */
  key: string;
  /** the campaign's channel (campaign breakdown only) */
  channel: string | null;
  currency: string;
  revenue: string;
  /** sum of weights, rounded to 6 decimals (exact for single-touch models) */
  orders: number;
  sessions: number;
  /** orders / sessions, null when sessions is 0 */
  conversionRate: number | null;
}

export interface AttributionReport {
  byChannel: ReportRow[];
  byCampaign: ReportRow[];
  totals: Array<{ currency: string; revenue: string; orders: number; sessions: number; conversionRate: number | null }>;
  /**
   * Subscription renewals credited to the channel that acquired the subscriber, by channel, kept
   * out of the rows and totals above (they are repeat charges, not new purchases from visits;
   * ADR 0025). Sessions and conversion rate do not apply (0 and null).
   */
  renewalsByChannel: ReportRow[];
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function build(
  credits: readonly CreditInput[],
  sessions: ReadonlyMap<string, number>,
  keyOf: (c: { channel: string; campaign: string | null }) => { key: string; channel: string | null; sessionKey: string },
): ReportRow[] {
  const acc = new Map<string, { key: string; channel: string | null; currency: string; minor: bigint; orders: number; sessionKey: string }>();
  for (const c of credits) {
    const k = keyOf(c);
    const id = `${k.sessionKey}\u0000${c.currency}`;
    let a = acc.get(id);
    if (!a) acc.set(id, (a = { key: k.key, channel: k.channel, currency: c.currency, minor: 0n, orders: 0, sessionKey: k.sessionKey }));
    a.minor += parseMinorUnits(c.revenue, c.currency) ?? 0n;
    a.orders += c.weight;
  }
  return [...acc.values()]
    .map((a) => {
      const s = sessions.get(a.sessionKey) ?? 0;
      const orders = round6(a.orders);
      return { key: a.key, channel: a.channel, currency: a.currency, revenue: formatMinorUnits(a.minor, a.currency), orders, sessions: s, conversionRate: s > 0 ? orders / s : null, minor: a.minor };
    })
    .sort((x, y) => (y.minor > x.minor ? 1 : y.minor < x.minor ? -1 : x.key.localeCompare(y.key) || (x.channel ?? "").localeCompare(y.channel ?? "") || x.currency.localeCompare(y.currency)))
    .map(({ minor: _minor, ...row }) => row);
}

export function buildAttributionReport(all: readonly CreditInput[], sessionCounts: readonly SessionCount[]): AttributionReport {
  const credits = all.filter((c) => !c.renewal);
  const renewalsByChannel = build(
    all.filter((c) => c.renewal),
    new Map(),
    (c) => ({ key: c.channel, channel: null, sessionKey: c.channel }),
  );
  const byChannelSessions = new Map<string, number>();
  const byCampaignSessions = new Map<string, number>();
  let totalSessions = 0;
  for (const s of sessionCounts) {
    totalSessions += s.sessions;
    byChannelSessions.set(s.channel, (byChannelSessions.get(s.channel) ?? 0) + s.sessions);
    const ck = `${s.channel}\u0000${s.campaign ?? NO_CAMPAIGN}`;
    byCampaignSessions.set(ck, (byCampaignSessions.get(ck) ?? 0) + s.sessions);
  }
  const byChannel = build(credits, byChannelSessions, (c) => ({ key: c.channel, channel: null, sessionKey: c.channel }));
  const byCampaign = build(credits, byCampaignSessions, (c) => {
    const campaign = c.campaign ?? NO_CAMPAIGN;
    return { key: campaign, channel: c.channel, sessionKey: `${c.channel}\u0000${campaign}` };
  });
  const totalsAcc = new Map<string, { minor: bigint; orders: number }>();
  for (const c of credits) {
    const t = totalsAcc.get(c.currency) ?? { minor: 0n, orders: 0 };
    t.minor += parseMinorUnits(c.revenue, c.currency) ?? 0n;
    t.orders += c.weight;
    totalsAcc.set(c.currency, t);
  }
  const totals = [...totalsAcc.entries()].map(([currency, t]) => {
    const orders = round6(t.orders);
    return { currency, revenue: formatMinorUnits(t.minor, currency), orders, sessions: totalSessions, conversionRate: totalSessions > 0 ? orders / totalSessions : null };
  });
  return { byChannel, byCampaign, totals, renewalsByChannel };
}

export const ATTRIBUTION_CSV_HEADER = ["breakdown", "channel", "campaign", "currency", "revenue", "orders", "sessions", "conversion_rate"] as const;

/** CSV records for the report: channel rows then campaign rows; numbers as plain decimal strings. */
export function attributionCsvRows(report: AttributionReport): Array<Array<string | number>> {
  const rate = (r: number | null) => (r === null ? "" : String(round6(r)));
  return [
    ...report.byChannel.map((r) => ["channel", r.key, "", r.currency, r.revenue, String(r.orders), String(r.sessions), rate(r.conversionRate)]),
    ...report.byCampaign.map((r) => ["campaign", r.channel ?? "", r.key, r.currency, r.revenue, String(r.orders), String(r.sessions), rate(r.conversionRate)]),
    ...report.renewalsByChannel.map((r) => ["renewals", r.key, "", r.currency, r.revenue, String(r.orders), "", ""]),
  ];
}
