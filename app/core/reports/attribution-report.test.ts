import { describe, expect, it } from "vitest";
import { attributionCsvRows, buildAttributionReport } from "./attribution-report";

describe("attribution report", () => {
  const third = 1 / 3;
  const credits = [
    { orderId: "1", weight: 1, revenue: "100.10", currency: "USD", channel: "paid_social", campaign: "spring" },
    { orderId: "2", weight: third, revenue: "10.01", currency: "USD", channel: "paid_social", campaign: "spring" },
    { orderId: "2", weight: third, revenue: "10.00", currency: "USD", channel: "email", campaign: null },
    { orderId: "2", weight: 1 - 2 * third, revenue: "10.00", currency: "USD", channel: "direct", campaign: null },
    { orderId: "3", weight: 1, revenue: "0.20", currency: "USD", channel: "email", campaign: "nov" },
  ];
  const sessions = [
    { channel: "paid_social", campaign: "spring", sessions: 4 },
    { channel: "paid_social", campaign: null, sessions: 1 },
    { channel: "email", campaign: null, sessions: 2 },
    { channel: "organic_search", campaign: null, sessions: 3 },
  ];

  it("sums revenue exactly, orders as credit weights, conversion rate over visits", () => {
    const r = buildAttributionReport(credits, sessions);
    expect(r.byChannel).toEqual([
      { key: "paid_social", channel: null, currency: "USD", revenue: "110.11", orders: 1.333333, sessions: 5, conversionRate: 1.333333 / 5 },
      { key: "email", channel: null, currency: "USD", revenue: "10.20", orders: 1.333333, sessions: 2, conversionRate: 1.333333 / 2 },
      { key: "direct", channel: null, currency: "USD", revenue: "10.00", orders: 0.333333, sessions: 0, conversionRate: null },
    ]);
    expect(r.totals).toEqual([{ currency: "USD", revenue: "130.31", orders: 3, sessions: 10, conversionRate: 0.3 }]);
    expect(r.byCampaign.map((c) => [c.channel, c.key, c.revenue, c.sessions])).toEqual([
      ["paid_social", "spring", "110.11", 4],
      ["direct", "(no campaign)", "10.00", 0],
      ["email", "(no campaign)", "10.00", 2],
      ["email", "nov", "0.20", 0],
    ]);
  });

  it("keeps currencies apart and writes CSV rows", () => {
    const r = buildAttributionReport([...credits.slice(0, 1), { orderId: "9", weight: 1, revenue: "1500", currency: "JPY", channel: "paid_social", campaign: null }], []);
    expect(r.byChannel.map((x) => [x.key, x.currency, x.revenue])).toEqual([
      ["paid_social", "USD", "100.10"],
      ["paid_social", "JPY", "1500"],
    ]);
    expect(attributionCsvRows(r)[1]).toEqual(["channel", "paid_social", "", "JPY", "1500", "1", "0", ""]);
  });
});

describe("subscription renewals", () => {
  it("credited renewals are reported apart and stay out of the purchase rows and totals", () => {
    const r = buildAttributionReport(
      [
        { orderId: "1", weight: 1, revenue: "30.00", currency: "USD", channel: "paid_search", campaign: "coffee" },
        { orderId: "2", weight: 1, revenue: "27.00", currency: "USD", channel: "paid_search", campaign: "coffee", renewal: true },
      ],
      [{ channel: "paid_search", campaign: "coffee", sessions: 3 }],
    );
    expect(r.byChannel.map((x) => [x.key, x.revenue, x.orders])).toEqual([["paid_search", "30.00", 1]]);
    expect(r.totals.map((t) => t.revenue)).toEqual(["30.00"]);
    expect(r.renewalsByChannel.map((x) => [x.key, x.revenue, x.orders, x.conversionRate])).toEqual([["paid_search", "27.00", 1, null]]);
  });
});
