/**
 * OrderFacts (+ what matching inherited) → CanonicalConversion for purchase,
 * refund and cancel. Amounts stay positive decimal strings for every event
 * name; each destination adapter decides whether and how its platform takes a
 * refund or a cancellation.
 *
 * action_source by kind (Meta's vocabulary, which the canonical type borrows:
 * https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/server-event#action-source):
 * | kind                                  | actionSource     | why                                             |
 * |---------------------------------------|------------------|-------------------------------------------------|
 * | online, subscription_first, upsell    | website          | bought in the online store checkout             |
 * | pos                                   | physical_store   | sold at a retail location                       |
 * | subscription_renewal                  | system_generated | charged automatically, no buyer action          |
 * | draft                                 | other            | made by staff (phone/email/B2B order)           |
 * | other_channel                         | website / other  | website only when it went through a checkout    |
 */

import type {
  ActionSource,
  CanonicalConversion,
  ConversionClickIds,
  ConversionConsent,
  ConversionContent,
  ConversionUser,
} from "~/core/conversions/conversion";
import { cancelEventId, orderEditEventId, purchaseEventId, refundEventId } from "~/core/conversions/event-id";
import type { ConversionAdjustment } from "~/core/conversions/conversion";
import { addAmounts, compareAmounts, subtractAmount } from "./decimal";
import type { OrderRestatement } from "./order-links";
import type { MoneyPair, OrderFacts, OrderLineFacts } from "./order-facts";
import { allocateRefunds, refundValue, type RefundFacts } from "./refund-facts";

export interface ConversionEnrichment {
  /** Click ids inherited from the matched session (pixel names: fbclid, gclid, ScCid, ...). */
  clickIds: Record<string, string>;
  /** Platform cookies inherited from the matched session (_fbp, _fbc, _ga, _ga_session, _ttp, _scid, _epik). */
  cookies: Record<string, string>;
  /** Consent the pixel recorded in the matched session; null when no browser was involved. */
  consent: ConversionConsent | null;
  /** Page URL for the event (e.g. the thank-you page the pixel saw); never built from landing_site, which is a path. */
  sourceUrl?: string;
  /** Trueline profile id: the external id when the order has no Shopify customer. */
  profileId?: string;
  /**
   * A subscription renewal credited to the channel that acquired the subscriber: the first
   * order's click ids, already limited to each platform's click window (renewalClickIds).
   * The order's own signals still win.
   */
  acquisitionClickIds?: ConversionClickIds;
}

export type ConversionResult =
  | { kind: "conversion"; conversion: CanonicalConversion; notes: string[] }
  | { kind: "skip"; reason: string };

const NO_ENRICHMENT: ConversionEnrichment = { clickIds: {}, cookies: {}, consent: null };

export function actionSourceFor(facts: Pick<OrderFacts, "kind" | "checkoutToken">): ActionSource {
  switch (facts.kind) {
    case "online":
    case "subscription_first":
    case "upsell":
      return "website";
    case "pos":
      return "physical_store";
    case "subscription_renewal":
      return "system_generated";
    case "draft":
      return "other";
    case "other_channel":
      return facts.checkoutToken ? "website" : "other";
  }
}

/**
 * GA4 client id from the _ga cookie: "GA1.1.1234567890.1700000000" →
 * "1234567890.1700000000" (the cookie's last two fields; the "GA1.<depth>."
 * prefix is the cookie version and domain depth). An already-bare id passes.
 */
export function gaClientIdFromCookie(value: string): string | null {
  const v = value.trim();
  const match = /^GA\d+\.\d+\.(\d+\.\d+)$/.exec(v);
  if (match) return match[1] ?? null;
  return /^\d+\.\d+$/.test(v) ? v : null;
}

/**
 * GA4 session id from the _ga_<container> cookie: "GS1.1.1700000000.5.1..."
 * (third field) or the newer "GS2.1.s1700000000$o5$g1$t..." (the "s" segment).
 */
export function gaSessionIdFromCookie(value: string): string | null {
  const v = value.trim();
  const gs2 = /^GS2\.\d+\.s(\d+)(?:\$|$)/.exec(v);
  if (gs2) return gs2[1] ?? null;
  const gs1 = /^GS1\.\d+\.(\d+)\./.exec(v);
  if (gs1) return gs1[1] ?? null;
  return /^\d+$/.test(v) ? v : null;
}

/** Pixel / URL click-id names → ConversionClickIds keys. */
export const CLICK_ID_TARGET: Record<string, keyof ConversionClickIds> = {
  fbclid: "fbclid",
  gclid: "gclid",
  gbraid: "gbraid",
  wbraid: "wbraid",
  ttclid: "ttclid",
  sccid: "sccid",
  epik: "epik",
  msclkid: "msclkid",
  twclid: "twclid",
  rdt_cid: "rdtCid",
  li_fat_id: "liFatId",
};

export function cookieTarget(name: string, value: string): [keyof ConversionClickIds, string] | null {
  switch (name) {
    case "_fbc":
      return ["fbc", value];
    case "_fbp":
      return ["fbp", value];
    case "_ttp":
      return ["ttp", value];
    case "_scid":
      return ["scid", value];
    case "_epik":
      return ["epik", value];
    case "_ga": {
      const id = gaClientIdFromCookie(value);
      return id ? ["gaClientId", id] : null;
    }
    case "_ga_session": {
      const id = gaSessionIdFromCookie(value);
      return id ? ["gaSessionId", id] : null;
    }
    default:
      return null;
  }
}

/**
 * Click ids for an order's conversions. The order's own signals describe THIS
 * checkout, so they win: landing_site click ids, then cart-attribute click ids,
 * then the matched session's. Cookies: the session's (read by the pixel), then
 * cart attributes.
 */
export function conversionClickIds(facts: OrderFacts, enrichment: ConversionEnrichment): ConversionClickIds {
  const out: ConversionClickIds = {};
  const put = (key: keyof ConversionClickIds, value: string | undefined) => {
    const v = value?.trim();
    if (v && out[key] === undefined) out[key] = v;
  };
  for (const source of [facts.landing.clickIds, facts.noteSignals.clickIds, enrichment.clickIds] as Array<Record<string, string | undefined>>) {
    for (const [name, value] of Object.entries(source)) {
      const target = CLICK_ID_TARGET[name.toLowerCase()];
      if (target) put(target, value);
    }
  }
  for (const source of [enrichment.cookies, facts.noteSignals.cookies] as Array<Record<string, string | undefined>>) {
    for (const [name, value] of Object.entries(source)) {
      if (value === undefined) continue;
      const target = cookieTarget(name, value.trim());
      if (target) put(target[0], target[1]);
    }
  }
  return out;
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== "")) as T;
}

export function conversionUser(facts: OrderFacts, enrichment: ConversionEnrichment): ConversionUser {
  const address = facts.billingAddress ?? facts.shippingAddress;
  return compact<ConversionUser>({
    email: facts.email ?? undefined,
    phone: facts.phone ?? facts.billingAddress?.phone ?? facts.shippingAddress?.phone ?? undefined,
    firstName: facts.firstName ?? undefined,
    lastName: facts.lastName ?? undefined,
    city: address?.city ?? undefined,
    state: address?.provinceCode ?? undefined,
    zip: address?.zip ?? undefined,
    country: address?.countryCode ?? undefined,
    externalId: facts.customerId ?? enrichment.profileId ?? undefined,
    ip: facts.browserIp ?? undefined,
    userAgent: facts.userAgent ?? undefined,
  });
}

function content(line: OrderLineFacts, quantity: number): ConversionContent | null {
  const id = line.productId ?? line.variantId;
  if (id === null || quantity <= 0) return null;
  return compact<ConversionContent>({
    id,
    variantId: line.variantId ?? undefined,
    sku: line.sku ?? undefined,
    title: line.title ?? undefined,
    quantity,
    price: line.unitPrice ? { shop: line.unitPrice.shop.amount, presentment: line.unitPrice.presentment.amount } : undefined,
  });
}

function orderContents(facts: OrderFacts): ConversionContent[] {
  return facts.lineItems.flatMap((line) => {
    const c = content(line, line.quantity);
    return c ? [c] : [];
  });
}

function valueOf(pair: MoneyPair): NonNullable<CanonicalConversion["value"]> {
  return { shop: { ...pair.shop }, presentment: { ...pair.presentment } };
}

function base(facts: OrderFacts, enrichment: ConversionEnrichment) {
  return {
    actionSource: actionSourceFor(facts),
    ...(enrichment.sourceUrl ? { sourceUrl: enrichment.sourceUrl } : {}),
    orderId: facts.orderId,
    ...(facts.name ? { orderName: facts.name } : {}),
    user: conversionUser(facts, enrichment),
    clickIds: { ...(enrichment.acquisitionClickIds ?? {}), ...conversionClickIds(facts, enrichment) },
    consent: enrichment.consent,
    isTest: facts.isTest,
  };
}

/**
 * The purchase. Value is total_price_set (what was paid at checkout, edits
 * included): refunds and cancellations are reported as their own events, so a
 * purchase built late (after a refund) still reports the original sale.
 */
export function purchaseConversion(facts: OrderFacts, enrichment: ConversionEnrichment): CanonicalConversion {
  return {
    eventId: purchaseEventId(facts.orderId),
    name: "purchase",
    occurredAt: facts.processedAt ?? facts.createdAt,
    ...base(facts, enrichment),
    value: valueOf(facts.totals.total),
    contents: orderContents(facts),
  };
}

/** A refund with money moved; skipped for restock-only refunds (nothing to report). */
export function refundConversion(
  refund: RefundFacts,
  order: OrderFacts,
  enrichment: ConversionEnrichment = NO_ENRICHMENT,
  alreadyRefunded?: MoneyPair,
): ConversionResult {
  const resolved = refundValue(refund, order, alreadyRefunded);
  if (resolved.kind === "none") return { kind: "skip", reason: resolved.reason };
  const refundedNow = alreadyRefunded ? addPairs(alreadyRefunded, resolved.value) : resolved.value;
  const linesById = new Map(order.lineItems.flatMap((l) => (l.lineItemId ? [[l.lineItemId, l] as const] : [])));
  const contents = refund.lines.flatMap((line) => {
    const fallback: OrderLineFacts = {
      lineItemId: line.lineItemId,
      productId: line.productId,
      variantId: line.variantId,
      sku: line.sku,
      title: line.title,
      variantTitle: null,
      quantity: line.quantity,
      currentQuantity: null,
      unitPrice: null,
      totalDiscount: null,
      sellingPlan: null,
      giftCard: false,
    };
    const orderLine = (line.lineItemId ? linesById.get(line.lineItemId) : undefined) ?? fallback;
    const c = content(orderLine, line.quantity);
    return c ? [c] : [];
  });
  return {
    kind: "conversion",
    notes: resolved.notes,
    conversion: {
      eventId: refundEventId(refund.refundId),
      name: "refund",
      occurredAt: refund.processedAt ?? refund.createdAt ?? order.updatedAt,
      ...base(order, enrichment),
      value: valueOf(resolved.value),
      contents,
      adjustment: adjustmentAfter(order, refundedNow),
    },
  };
}

/** The cancellation of a cancelled order, valued at the purchase it undoes. */
export function cancelConversion(order: OrderFacts, enrichment: ConversionEnrichment = NO_ENRICHMENT): ConversionResult {
  if (order.cancelledAt === null) return { kind: "skip", reason: "order is not cancelled" };
  return {
    kind: "conversion",
    notes: order.cancelReason ? [`Cancel reason: ${order.cancelReason}.`] : [],
    conversion: {
      eventId: cancelEventId(order.orderId),
      name: "cancel",
      occurredAt: order.cancelledAt,
      ...base(order, enrichment),
      value: valueOf(order.totals.total),
      contents: orderContents(order),
      adjustment: { type: "retraction", purchaseEventId: purchaseEventId(order.orderId), purchaseOccurredAt: order.processedAt ?? order.createdAt },
    },
  };
}

export interface OrderRefundConversion {
  refundId: string;
  result: ConversionResult;
  /** The refund was capped at what was left to refund (see allocateRefunds). */
  clampNote: string | null;
}

/**
 * Every refund of an order as a conversion, valued by allocateRefunds (a fixed order, so the
 * values do not depend on the order the refund webhooks arrived in). Identity, click ids and
 * consent follow the purchase the refunds adjust (same enrichment).
 */
export function orderRefundConversions(refunds: readonly RefundFacts[], order: OrderFacts, enrichment: ConversionEnrichment = NO_ENRICHMENT): OrderRefundConversion[] {
  return allocateRefunds(refunds, order).map((a) => ({
    refundId: a.refund.refundId,
    result: refundConversion(a.refund, order, enrichment, a.alreadyRefunded),
    clampNote: a.clampNote,
  }));
}

function addPairs(a: MoneyPair, b: MoneyPair): MoneyPair {
  const add = (x: MoneyPair["shop"], y: MoneyPair["shop"]) => (x.currency === y.currency ? { amount: addAmounts([x.amount, y.amount], x.currency), currency: x.currency } : x);
  return { shop: add(a.shop, b.shop), presentment: add(a.presentment, b.presentment) };
}

/**
 * What the purchase is worth once `refunded` has gone back (edits included in the total): a
 * restatement to that value, or a retraction when nothing is left (ADR 0026).
 */
export function adjustmentAfter(order: OrderFacts, refunded: MoneyPair | null, total: MoneyPair = order.totals.total): ConversionAdjustment {
  const purchase = { purchaseEventId: purchaseEventId(order.orderId), purchaseOccurredAt: order.processedAt ?? order.createdAt };
  const left = (t: MoneyPair["shop"], r: MoneyPair["shop"] | undefined) =>
    r && r.currency === t.currency ? { amount: subtractAmount(t.amount, r.amount, t.currency), currency: t.currency } : { ...t };
  const remaining = { shop: left(total.shop, refunded?.shop), presentment: left(total.presentment, refunded?.presentment) };
  if (compareAmounts(remaining.shop.amount, "0", remaining.shop.currency) <= 0) return { type: "retraction", ...purchase };
  return { type: "restatement", ...purchase, remaining };
}

/**
 * An order version whose total or line list changed after the purchase was reported (an edit,
 * a native post-purchase upsell): its own event, under an id fixed by its place in the order's
 * restatements (`ordinal`, from 1), carrying the
 * restated value (the edited total minus what was refunded before it).
 */
export function orderEditConversion(
  edit: OrderRestatement,
  order: OrderFacts,
  enrichment: ConversionEnrichment = NO_ENRICHMENT,
  refundedBefore: MoneyPair | null = null,
  ordinal = 1,
): CanonicalConversion {
  return {
    eventId: orderEditEventId(order.orderId, ordinal),
    name: "order_edit",
    occurredAt: edit.versionMs,
    ...base(order, enrichment),
    value: valueOf(edit.total),
    contents: orderContents(order),
    adjustment: adjustmentAfter(order, refundedBefore, edit.total),
  };
}

/** The edits of an order as conversions, each restated net of the refunds made before it. */
export function orderEditConversions(
  edits: readonly OrderRestatement[],
  order: OrderFacts,
  enrichment: ConversionEnrichment,
  refunds: readonly OrderRefundConversion[],
): CanonicalConversion[] {
  return edits.map((edit, i) => {
    let refunded: MoneyPair | null = null;
    for (const r of refunds) {
      if (r.result.kind !== "conversion" || !r.result.conversion.value || r.result.conversion.occurredAt > edit.versionMs) continue;
      refunded = refunded ? addPairs(refunded, r.result.conversion.value) : valueOf(r.result.conversion.value);
    }
    return orderEditConversion(edit, order, enrichment, refunded, i + 1);
  });
}
