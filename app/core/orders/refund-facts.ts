/**
 * Refunds (refunds/create). A refund payload has no total: the money that went
 * back to the buyer is the sum of its successful refund transactions
 * (`transactions[] { kind: "refund", status: "success", amount, currency }`,
 * docs/platform/shopify.md "Refunds and transactions"; transaction kinds/statuses:
 * https://shopify.dev/docs/api/admin-rest/latest/resources/transaction).
 * Restock-only refunds have no transaction and move no money.
 *
 * Transactions are in the currency the buyer paid in (presentment). The shop
 * currency amount is not in the payload; when only one side is known it is
 * carried over at the rate implied by the order's own two totals (bigint maths,
 * no float rate) and flagged as estimated.
 */

import type { Money } from "~/core/conversions/conversion";
import { formatMinorUnits, parseMinorUnits, scaleMinorUnits } from "./decimal";
import { resolveId, type ExactIds } from "./exact-ids";
import { parseShopifyTime, type MoneyPair, type OrderFacts } from "./order-facts";
import type { MoneySet, RefundWebhook } from "./order-webhook.schema";

export interface RefundLineFacts {
  lineItemId: string | null;
  productId: string | null;
  variantId: string | null;
  sku: string | null;
  title: string | null;
  quantity: number;
  subtotal: MoneyPair | null;
}

export interface RefundFacts {
  refundId: string;
  orderId: string;
  createdAt: number | null;
  processedAt: number | null;
  note: string | null;
  /** Successful refund transactions summed per currency, sorted by currency code. */
  refunded: Money[];
  countedTransactions: number;
  /** Transactions that moved no refund money (failed, pending, non-refund kinds), with why. */
  ignoredTransactions: Array<{ id: string | null; kind: string; status: string; reason: string }>;
  lines: RefundLineFacts[];
}

export type RefundFactsResult = { kind: "facts"; facts: RefundFacts } | { kind: "invalid"; reason: string };

function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function pair(set: MoneySet | null | undefined): MoneyPair | null {
  return set
    ? {
        shop: { amount: set.shop_money.amount, currency: set.shop_money.currency_code },
        presentment: { amount: set.presentment_money.amount, currency: set.presentment_money.currency_code },
      }
    : null;
}

export function toRefundFacts(refund: RefundWebhook, exactIds: ExactIds | null): RefundFactsResult {
  const refundId = exactIds?.id ?? resolveId(null, refund.id);
  const orderId = exactIds?.orderId ?? resolveId(null, refund.order_id);
  if (refundId === null || orderId === null) {
    return { kind: "invalid", reason: "refund or order id is above 2^53 and no exact id was extracted from the raw body" };
  }
  const sums = new Map<string, bigint>();
  const ignored: RefundFacts["ignoredTransactions"] = [];
  let counted = 0;
  refund.transactions.forEach((tx, index) => {
    if (tx === null) return;
    const id = resolveId(exactIds?.byPath[`transactions.${index}.id`] ?? null, tx.id);
    const skip = (reason: string) => ignored.push({ id, kind: tx.kind, status: tx.status, reason });
    if (tx.kind !== "refund") return skip(`kind "${tx.kind}" is not a refund`);
    if (tx.status !== "success") return skip(`status "${tx.status}": no money moved`);
    if (!tx.currency) return skip("no currency");
    const minor = parseMinorUnits(tx.amount, tx.currency);
    if (minor === null || minor < 0n) return skip(`unusable amount ${JSON.stringify(tx.amount)}`);
    sums.set(tx.currency, (sums.get(tx.currency) ?? 0n) + minor);
    counted++;
  });
  const refunded = [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, minor]) => ({ amount: formatMinorUnits(minor, currency), currency }));

  const lines: RefundLineFacts[] = [];
  refund.refund_line_items.forEach((line, index) => {
    if (line === null) return;
    const at = (path: string, parsed: unknown) =>
      resolveId(exactIds?.byPath[`refund_line_items.${index}.${path}`] ?? null, parsed);
    lines.push({
      lineItemId: at("line_item_id", line.line_item_id),
      productId: at("line_item.product_id", line.line_item?.product_id),
      variantId: at("line_item.variant_id", line.line_item?.variant_id),
      sku: text(line.line_item?.sku),
      title: text(line.line_item?.title),
      quantity: line.quantity,
      subtotal: pair(line.subtotal_set),
    });
  });

  return {
    kind: "facts",
    facts: {
      refundId,
      orderId,
      createdAt: parseShopifyTime(refund.created_at),
      processedAt: parseShopifyTime(refund.processed_at),
      note: text(refund.note),
      refunded,
      countedTransactions: counted,
      ignoredTransactions: ignored,
      lines,
    },
  };
}

export type RefundValueResult =
  | {
      kind: "value";
      /** Positive amounts in the order's shop and presentment currencies. */
      value: MoneyPair;
      /** The refund exceeded what was left to refund of the order total and was capped. */
      clamped: boolean;
      /** One side was carried over at the order's implied exchange rate. */
      estimated: boolean;
      notes: string[];
    }
  | { kind: "none"; reason: string };

/**
 * The refund's value in the order's two currencies, capped at the order total
 * (minus `alreadyRefunded`, when the caller tracks earlier refunds). A refund
 * larger than that is clamped and flagged: platforms would otherwise report
 * negative revenue for the order.
 */
export function refundValue(refund: RefundFacts, order: OrderFacts, alreadyRefunded?: MoneyPair): RefundValueResult {
  if (refund.orderId !== order.orderId) {
    return { kind: "none", reason: `refund ${refund.refundId} belongs to order ${refund.orderId}, not ${order.orderId}` };
  }
  const shopCurrency = order.totals.total.shop.currency;
  const presentmentCurrency = order.totals.total.presentment.currency;
  const notes: string[] = [];
  const byCurrency = new Map<string, bigint>();
  for (const m of refund.refunded) {
    if (m.currency !== shopCurrency && m.currency !== presentmentCurrency) {
      notes.push(`Ignored ${m.amount} ${m.currency}: neither the shop (${shopCurrency}) nor the buyer's (${presentmentCurrency}) currency.`);
      continue;
    }
    byCurrency.set(m.currency, parseMinorUnits(m.amount, m.currency) ?? 0n);
  }

  const orderShop = parseMinorUnits(order.totals.total.shop.amount, shopCurrency) ?? 0n;
  const orderPresentment = parseMinorUnits(order.totals.total.presentment.amount, presentmentCurrency) ?? 0n;
  const convert = (value: bigint, from: "shop" | "presentment"): bigint => {
    const [num, den] = from === "presentment" ? [orderShop, orderPresentment] : [orderPresentment, orderShop];
    return den === 0n ? 0n : scaleMinorUnits(value, num, den);
  };

  let shop: bigint;
  let presentment: bigint;
  let estimated = false;
  if (shopCurrency === presentmentCurrency) {
    shop = presentment = byCurrency.get(shopCurrency) ?? 0n;
  } else {
    const inShop = byCurrency.get(shopCurrency);
    const inPresentment = byCurrency.get(presentmentCurrency);
    shop = (inShop ?? 0n) + (inPresentment === undefined ? 0n : convert(inPresentment, "presentment"));
    presentment = (inPresentment ?? 0n) + (inShop === undefined ? 0n : convert(inShop, "shop"));
    // Any refund money in a two-currency order needs the other side converted.
    estimated = byCurrency.size > 0;
    if (estimated) {
      notes.push(`Converted between ${presentmentCurrency} and ${shopCurrency} at the order's own rate (${order.totals.total.presentment.amount} ${presentmentCurrency} = ${order.totals.total.shop.amount} ${shopCurrency}).`);
    }
  }
  if (shop === 0n && presentment === 0n) {
    return { kind: "none", reason: refund.countedTransactions === 0 ? "no successful refund transaction (restock or adjustment only)" : "refunded amount is zero" };
  }

  const remaining = (total: bigint, currency: string, side: "shop" | "presentment"): bigint => {
    const earlier = alreadyRefunded?.[side];
    const before = earlier && earlier.currency === currency ? (parseMinorUnits(earlier.amount, currency) ?? 0n) : 0n;
    const left = total - before;
    return left > 0n ? left : 0n;
  };
  const capShop = remaining(orderShop, shopCurrency, "shop");
  const capPresentment = remaining(orderPresentment, presentmentCurrency, "presentment");
  let clamped = false;
  if (shop > capShop || presentment > capPresentment) {
    clamped = true;
    notes.push(
      `Refund of ${formatMinorUnits(presentment, presentmentCurrency)} ${presentmentCurrency} exceeds the ${formatMinorUnits(capPresentment, presentmentCurrency)} ${presentmentCurrency} left to refund on order ${order.name ?? order.orderId}; capped.`,
    );
    if (shop > capShop) shop = capShop;
    if (presentment > capPresentment) presentment = capPresentment;
  }
  return {
    kind: "value",
    value: {
      shop: { amount: formatMinorUnits(shop, shopCurrency), currency: shopCurrency },
      presentment: { amount: formatMinorUnits(presentment, presentmentCurrency), currency: presentmentCurrency },
    },
    clamped,
    estimated,
    notes,
  };
}

export interface RefundAllocation {
  refund: RefundFacts;
  result: RefundValueResult;
  /** What earlier refunds (in allocation order) had already taken back when this one was valued. */
  alreadyRefunded: MoneyPair;
  /** When the refund was capped: the sentence saying so (for the order's explanation). */
  clampNote: string | null;
}

/** Compare exact decimal ids (strings of digits) numerically without Number(). */
function compareDecimalIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Refunds in the order they are valued in (see allocateRefunds): by processed_at (else
 * created_at, else last), then by refund id; the first copy of a repeated refund id only.
 */
export function inRefundOrder<T extends Pick<RefundFacts, "refundId" | "processedAt" | "createdAt">>(refunds: readonly T[]): T[] {
  const seen = new Set<string>();
  const unique = refunds.filter((r) => (seen.has(r.refundId) ? false : (seen.add(r.refundId), true)));
  const when = (r: T) => r.processedAt ?? r.createdAt ?? Number.MAX_SAFE_INTEGER;
  return [...unique].sort((a, b) => when(a) - when(b) || compareDecimalIds(a.refundId, b.refundId));
}

/**
 * Value every refund of an order against what is left to refund, in a fixed order: by the
 * time Shopify processed it (processed_at, else created_at), then by refund id. The result
 * depends only on the set of refunds, never on the order their webhooks arrived in: a
 * refund that arrives late but happened first takes its full amount, and the later ones
 * are capped at what it left. A refund id listed twice counts once.
 */
export function allocateRefunds(refunds: readonly RefundFacts[], order: OrderFacts): RefundAllocation[] {
  const ordered = inRefundOrder(refunds);
  const shopCurrency = order.totals.total.shop.currency;
  const presentmentCurrency = order.totals.total.presentment.currency;
  let shop = 0n;
  let presentment = 0n;
  return ordered.map((refund) => {
    const alreadyRefunded: MoneyPair = {
      shop: { amount: formatMinorUnits(shop, shopCurrency), currency: shopCurrency },
      presentment: { amount: formatMinorUnits(presentment, presentmentCurrency), currency: presentmentCurrency },
    };
    const result = refundValue(refund, order, alreadyRefunded);
    if (result.kind === "value") {
      shop += parseMinorUnits(result.value.shop.amount, shopCurrency) ?? 0n;
      presentment += parseMinorUnits(result.value.presentment.amount, presentmentCurrency) ?? 0n;
    }
    // refundValue pushes the cap sentence last.
    const clampNote = result.kind === "value" && result.clamped ? (result.notes[result.notes.length - 1] ?? null) : null;
    return { refund, result, alreadyRefunded, clampNote };
  });
}
