import { describe, expect, test } from "vitest";
import { extractExactIds } from "./exact-ids";
import { toOrderFacts, type MoneyPair, type OrderFacts } from "./order-facts";
import { OrderWebhookSchema, RefundWebhookSchema } from "./order-webhook.schema";
import { allocateRefunds, inRefundOrder, refundValue, toRefundFacts, type RefundFacts, type RefundValueResult } from "./refund-facts";
import {
  asWebhook,
  buildJpyOrder,
  buildOnlineOrder,
  buildRefund,
  buildRefundTransaction,
  type RestOrder,
  type RestRefund,
} from "../../../test/factories/order-factory";

function orderFacts(payload: RestOrder): OrderFacts {
  const { rawBody, parsed } = asWebhook(payload);
  const result = toOrderFacts(OrderWebhookSchema.parse(parsed), extractExactIds(rawBody));
  if (result.kind !== "facts") throw new Error(result.reason);
  return result.facts;
}
function refundFacts(payload: RestRefund): RefundFacts {
  const { rawBody, parsed } = asWebhook(payload);
  const result = toRefundFacts(RefundWebhookSchema.parse(parsed), extractExactIds(rawBody));
  if (result.kind !== "facts") throw new Error(result.reason);
  return result.facts;
}
const pair = (shop: [string, string], presentment: [string, string]): MoneyPair => ({
  shop: { amount: shop[0], currency: shop[1] },
  presentment: { amount: presentment[0], currency: presentment[1] },
});

describe("toRefundFacts", () => {
  test("the sample refund, whole record", () => {
    expect(refundFacts(buildRefund())).toEqual({
      refundId: "9112345678901",
      orderId: "5975031431338",
      createdAt: 1742476500000,
      processedAt: 1742476500000,
      note: "Wrong size",
      refunded: [{ amount: "55.20", currency: "EUR" }],
      countedTransactions: 1,
      ignoredTransactions: [],
      lines: [
        {
          lineItemId: "14230000000001",
          productId: "8123456789012",
          variantId: "45123456789012",
          sku: "TR-RUN-42",
          title: "Trail Runner",
          quantity: 1,
          subtotal: pair(["60.00", "USD"], ["55.20", "EUR"]),
        },
      ],
    } satisfies RefundFacts);
  });

  test("only successful refund transactions count; the rest are listed with why", () => {
    const facts = refundFacts(
      buildRefund({
        transactions: [
          buildRefundTransaction({ id: 1n, amount: "0.10" }),
          buildRefundTransaction({ id: 2n, amount: "0.20" }),
          buildRefundTransaction({ id: 3n, amount: "20.00", status: "failure" }),
          buildRefundTransaction({ id: 4n, amount: "20.00", status: "pending" }),
          buildRefundTransaction({ id: 5n, amount: "20.00", kind: "sale" }),
          buildRefundTransaction({ id: 6n, amount: "5.00", currency: "USD" }),
        ],
      }),
    );
    expect([facts.refunded, facts.countedTransactions, facts.ignoredTransactions]).toEqual([
      [
        { amount: "0.30", currency: "EUR" },
        { amount: "5.00", currency: "USD" },
      ],
      3,
      [
        { id: "3", kind: "refund", status: "failure", reason: 'status "failure": no money moved' },
        { id: "4", kind: "refund", status: "pending", reason: 'status "pending": no money moved' },
        { id: "5", kind: "sale", status: "success", reason: 'kind "sale" is not a refund' },
      ],
    ]);
  });

  test("a transaction without a currency is ignored, not guessed", () => {
    const { parsed } = asWebhook(buildRefund());
    const payload = RefundWebhookSchema.parse(parsed);
    const facts = toRefundFacts({ ...payload, transactions: [{ ...payload.transactions[0]!, currency: null }] }, null);
    expect(facts.kind === "facts" && facts.facts.ignoredTransactions).toEqual([
      { id: "7012345678901", kind: "refund", status: "success", reason: "no currency" },
    ]);
  });

  test("ids above 2^53 come from the raw body", () => {
    const facts = refundFacts(
      buildRefund({ id: 9007199254741001n, admin_graphql_api_id: "gid://shopify/Refund/9007199254741001", order_id: 820982911946154508n }),
    );
    expect([facts.refundId, facts.orderId]).toEqual(["9007199254741001", "820982911946154508"]);
  });

  test("without the raw body, a big order id is refused", () => {
    const { parsed } = asWebhook(buildRefund({ order_id: 820982911946154508n }));
    expect(toRefundFacts(RefundWebhookSchema.parse(parsed), null)).toEqual({
      kind: "invalid",
      reason: "refund or order id is above 2^53 and no exact id was extracted from the raw body",
    });
  });

  test("a restock-only refund has no money", () => {
    const facts = refundFacts(buildRefund({ transactions: [] }));
    expect([facts.refunded, facts.countedTransactions]).toEqual([[], 0]);
  });
});

describe("refundValue", () => {
  const online = orderFacts(buildOnlineOrder()); // USD 127.44 / EUR 117.24
  const rateNote = "Converted between EUR and USD at the order's own rate (117.24 EUR = 127.44 USD).";

  const cases: Array<{ name: string; refund: RestRefund; order?: OrderFacts; already?: MoneyPair; expected: RefundValueResult }> = [
    {
      name: "EUR refund, USD side carried at the order's rate (55.20 × 127.44 / 117.24 = 60.0025 → 60.00)",
      refund: buildRefund(),
      expected: { kind: "value", value: pair(["60.00", "USD"], ["55.20", "EUR"]), clamped: false, estimated: true, notes: [rateNote] },
    },
    {
      name: "larger than the order: clamped to the order total and flagged",
      refund: buildRefund({ transactions: [buildRefundTransaction({ amount: "200.00" })] }),
      expected: {
        kind: "value",
        value: pair(["127.44", "USD"], ["117.24", "EUR"]),
        clamped: true,
        estimated: true,
        notes: [rateNote, "Refund of 200.00 EUR exceeds the 117.24 EUR left to refund on order #1042; capped."],
      },
    },
    {
      name: "earlier refunds lower the cap",
      refund: buildRefund(),
      already: pair(["108.70", "USD"], ["100.00", "EUR"]),
      expected: {
        kind: "value",
        value: pair(["18.74", "USD"], ["17.24", "EUR"]),
        clamped: true,
        estimated: true,
        notes: [rateNote, "Refund of 55.20 EUR exceeds the 17.24 EUR left to refund on order #1042; capped."],
      },
    },
    {
      name: "exactly the order total is not clamped",
      refund: buildRefund({ transactions: [buildRefundTransaction({ amount: "117.24" })] }),
      expected: { kind: "value", value: pair(["127.44", "USD"], ["117.24", "EUR"]), clamped: false, estimated: true, notes: [rateNote] },
    },
    {
      name: "money in both currencies: each side adds the other's converted amount (5.00 USD + 10.00 EUR)",
      refund: buildRefund({
        transactions: [buildRefundTransaction({ id: 1n, amount: "10.00" }), buildRefundTransaction({ id: 2n, amount: "5.00", currency: "USD" })],
      }),
      // USD: 500 + round(1000 × 12744 / 11724) = 500 + 1087; EUR: 1000 + round(500 × 11724 / 12744) = 1000 + 460
      expected: { kind: "value", value: pair(["15.87", "USD"], ["14.60", "EUR"]), clamped: false, estimated: true, notes: [rateNote] },
    },
    {
      name: "a third currency is ignored and said so",
      refund: buildRefund({
        transactions: [buildRefundTransaction({ id: 1n, amount: "10.00" }), buildRefundTransaction({ id: 2n, amount: "3.00", currency: "GBP" })],
      }),
      expected: {
        kind: "value",
        value: pair(["10.87", "USD"], ["10.00", "EUR"]),
        clamped: false,
        estimated: true,
        notes: ["Ignored 3.00 GBP: neither the shop (USD) nor the buyer's (EUR) currency.", rateNote],
      },
    },
    {
      name: "single-currency JPY order: no conversion, no decimals",
      refund: buildRefund({ order_id: 5975031432108n, transactions: [buildRefundTransaction({ amount: "4500", currency: "JPY" })] }),
      order: orderFacts(buildJpyOrder()),
      expected: { kind: "value", value: pair(["4500", "JPY"], ["4500", "JPY"]), clamped: false, estimated: false, notes: [] },
    },
    {
      name: "JPY refund above the order total is clamped",
      refund: buildRefund({ order_id: 5975031432108n, transactions: [buildRefundTransaction({ amount: "10000", currency: "JPY" })] }),
      order: orderFacts(buildJpyOrder()),
      expected: {
        kind: "value",
        value: pair(["9800", "JPY"], ["9800", "JPY"]),
        clamped: true,
        estimated: false,
        notes: ["Refund of 10000 JPY exceeds the 9800 JPY left to refund on order #2001; capped."],
      },
    },
    {
      name: "restock only: nothing to report",
      refund: buildRefund({ transactions: [] }),
      expected: { kind: "none", reason: "no successful refund transaction (restock or adjustment only)" },
    },
    {
      name: "a zero-amount refund transaction: nothing to report",
      refund: buildRefund({ transactions: [buildRefundTransaction({ amount: "0.00" })] }),
      expected: { kind: "none", reason: "refunded amount is zero" },
    },
    {
      name: "refund of another order",
      refund: buildRefund({ order_id: 1n }),
      expected: { kind: "none", reason: "refund 9112345678901 belongs to order 1, not 5975031431338" },
    },
  ];

  test.each(cases)("$name", ({ refund, order, already, expected }) => {
    expect(refundValue(refundFacts(refund), order ?? online, already)).toEqual(expected);
  });
});

describe("allocateRefunds / inRefundOrder", () => {
  const online = orderFacts(buildOnlineOrder()); // 127.44 USD / 117.24 EUR
  const refundAt = (id: bigint, at: string, eur: string) =>
    refundFacts(buildRefund({ id, processed_at: at, created_at: at, transactions: [buildRefundTransaction({ id: id + 1n, amount: eur, currency: "EUR" })] }));
  const first = refundAt(9100000000001n, "2025-03-20T09:00:00Z", "100.00");
  const second = refundAt(9100000000002n, "2025-03-21T09:00:00Z", "60.00");
  const restock = refundFacts(buildRefund({ id: 9100000000003n, processed_at: "2025-03-20T12:00:00Z", transactions: [] }));
  const summary = (refunds: RefundFacts[]) =>
    allocateRefunds(refunds, online).map((a) => ({
      id: a.refund.refundId,
      value: a.result.kind === "value" ? [a.result.value.presentment.amount, a.result.value.shop.amount] : a.result.reason,
      clampNote: a.clampNote,
    }));
  const expected = [
    { id: "9100000000001", value: ["100.00", "108.70"], clampNote: null },
    { id: "9100000000003", value: "no successful refund transaction (restock or adjustment only)", clampNote: null },
    { id: "9100000000002", value: ["17.24", "18.74"], clampNote: "Refund of 60.00 EUR exceeds the 17.24 EUR left to refund on order #1042; capped." },
  ];

  test("refunds past the order total: the later one is capped, whatever order they arrived in", () => {
    for (const arrival of [
      [first, second, restock],
      [second, first, restock],
      [restock, second, first],
      [second, restock, first],
    ]) {
      expect(summary(arrival)).toEqual(expected);
    }
  });

  test("the capped values add up to exactly the order total in both currencies", () => {
    const values = allocateRefunds([second, first], online).flatMap((a) => (a.result.kind === "value" ? [a.result.value] : []));
    expect(values.map((v) => v.presentment.amount)).toEqual(["100.00", "17.24"]);
    expect(values.map((v) => v.shop.amount)).toEqual(["108.70", "18.74"]); // 108.70 + 18.74 = 127.44
  });

  test("a refund id listed twice counts once; same time: by refund id, compared as numbers", () => {
    const at = "2025-03-20T09:00:00Z";
    const a = refundAt(999n, at, "10.00");
    const b = refundAt(1000n, at, "10.00");
    expect(inRefundOrder([b, a, b]).map((r) => r.refundId)).toEqual(["999", "1000"]);
    expect(allocateRefunds([b, a, a], online).map((x) => x.refund.refundId)).toEqual(["999", "1000"]);
  });

  test("a refund without a time goes last", () => {
    const untimed = { ...refundAt(5n, "2025-03-20T09:00:00Z", "5.00"), processedAt: null, createdAt: null };
    expect(inRefundOrder([untimed, second, first]).map((r) => r.refundId)).toEqual(["9100000000001", "9100000000002", "5"]);
  });
});
