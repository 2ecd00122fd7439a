import {
  buildBillingAttempt,
  buildCustomer,
  buildDraftCompletedOrder,
  buildDraftOrder,
  buildOnlineOrder,
  buildPosOrder,
  buildRefund,
  buildRefundTransaction,
  buildSubscriptionContract,
  buildSubscriptionFirstOrder,
  buildSubscriptionRenewalOrder,
  buildTestOrder,
  buildUpsellAppOrder,
  buildUpsellLineItem,
  gid,
  money,
  moneySet,
  SAMPLE_BIG_ORDER_ID,
  type RestOrder,
} from "../factories/order-factory";
import { HOUR, iso, MINUTE, type Visit } from "./support";

/**
 * A realistic day of one shop, as Shopify would deliver it: storefront visits (sent before the
 * webhooks), then every webhook of every order in the order it happened: creates, payments,
 * fulfilment updates with increasing updated_at, a post-purchase edit, cancellations,
 * refunds (one order refunded past its total), Shopify's retries (same webhook id) and the
 * orders/paid + orders/updated pairs that describe the same version. Deterministic for a
 * given `now` (every id and timestamp derives from it).
 */

export interface DayWebhook {
  topic: string;
  payload: unknown;
  webhookId: string;
  /** When Shopify sent it: the natural order. */
  at: number;
}

export interface Day {
  visits: Visit[];
  webhooks: DayWebhook[];
  /** Order ids (exact decimal strings) the day creates. */
  orderIds: string[];
}

const usd = (a: string) => money(a, "USD");
const eur = (a: string) => money(a, "EUR");

function customer(id: bigint, email: string, first: string) {
  return buildCustomer({ id, admin_graphql_api_id: gid("Customer", id), email, first_name: first, last_name: "Day", created_at: "2025-01-02T09:00:00Z", updated_at: "2025-01-02T09:00:00Z" });
}

/** A version of an order: same order, its own updated_at and changes. */
function version(o: RestOrder, updatedAt: number, changes: Partial<RestOrder> = {}): RestOrder {
  return { ...o, ...changes, updated_at: iso(updatedAt) };
}

function refundOf(orderId: bigint, refundId: bigint, at: number, amountEur: string, note = "Return"): unknown {
  return {
    ...buildRefund({
      id: refundId,
      admin_graphql_api_id: gid("Refund", refundId),
      order_id: orderId,
      note,
      transactions: [buildRefundTransaction({ id: refundId + 1n, admin_graphql_api_id: gid("OrderTransaction", refundId + 1n), order_id: orderId, amount: amountEur, currency: "EUR", created_at: iso(at), processed_at: iso(at) })],
    }),
    created_at: iso(at),
    processed_at: iso(at),
  };
}

export function buildDay(now: number): Day {
  const visits: Visit[] = [];
  const webhooks: DayWebhook[] = [];
  const orderIds: string[] = [];
  let n = 0;
  const hook = (topic: string, payload: unknown, at: number, webhookId?: string) => {
    n += 1;
    webhooks.push({ topic, payload, at, webhookId: webhookId ?? `day-${n}-${topic.replace("/", "-")}` });
  };
  const base = now - 9 * HOUR;

  // ---------------------------------------------------------------- ten web checkouts
  for (let i = 0; i < 10; i++) {
    const t = base + i * 25 * MINUTE;
    const id = i === 3 ? SAMPLE_BIG_ORDER_ID : 7200000000000n + BigInt(i);
    orderIds.push(id.toString());
    const email = `buyer.${i}@example.com`;
    const cust = customer(7400000000000n + BigInt(i), email, `Buyer${i}`);
    const token = `ck-day-${i}`;
    const landing =
      i % 3 === 0
        ? { url: `https://shop.example.com/products/trail-runner?utm_source=facebook&utm_medium=paid_social&utm_campaign=day&fbclid=IwAR0day${i}`, referrer: "https://l.facebook.com/", fbclid: `IwAR0day${i}`, site: `/products/trail-runner?utm_source=facebook&utm_medium=paid_social&utm_campaign=day&fbclid=IwAR0day${i}` }
        : i % 3 === 1
          ? { url: `https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0Kday${i}`, referrer: "https://www.google.com/", site: `/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0Kday${i}` }
          : { url: "https://shop.example.com/collections/all?utm_source=klaviyo&utm_medium=email&utm_campaign=weekly", site: "/collections/all?utm_source=klaviyo&utm_medium=email&utm_campaign=weekly" };
    // Buyer 7 blocks the pixel: the store only learns of them through the order.
    if (i !== 7) {
      if (i % 3 === 1) visits.push({ clientId: `c-day-${i}`, at: t - 20 * HOUR, url: "https://shop.example.com/blogs/news/trail-guide", referrer: "https://www.bing.com/", idPrefix: `day-${i}-early` });
      visits.push({ clientId: `c-day-${i}`, at: t - 12 * MINUTE, url: landing.url, referrer: landing.referrer, fbclid: landing.fbclid, idPrefix: `day-${i}`, checkout: { token, orderId: id, email } });
    }
    const v1 = buildOnlineOrder({
      id,
      admin_graphql_api_id: gid("Order", id),
      name: `#${2000 + i}`,
      order_number: 2000 + i,
      number: 1000 + i,
      checkout_token: token,
      cart_token: null,
      email,
      contact_email: email,
      customer: cust,
      landing_site: landing.site,
      created_at: iso(t),
      processed_at: iso(t),
      updated_at: iso(t + 2_000),
    });
    hook("orders/create", v1, t + 3_000);
    if (i === 0) hook("orders/create", v1, t + 8_000, webhooks[webhooks.length - 1]!.webhookId); // Shopify's retry
    hook("orders/paid", v1, t + 3_500);
    let current = v1;
    if (i === 2) {
      // Post-purchase upsell accepted: the same order, more lines, higher totals.
      current = version(v1, t + 45_000, {
        line_items: [...v1.line_items, buildUpsellLineItem()],
        current_subtotal_price: "136.00",
        current_subtotal_price_set: moneySet(usd("136.00"), eur("125.12")),
        current_total_price: "145.44",
        current_total_price_set: moneySet(usd("145.44"), eur("133.80")),
        subtotal_price: "136.00",
        subtotal_price_set: moneySet(usd("136.00"), eur("125.12")),
        total_line_items_price: "148.00",
        total_price: "145.44",
        total_price_set: moneySet(usd("145.44"), eur("133.80")),
      });
      hook("orders/updated", current, t + 46_000);
    }
    const fulfilled = version(current, t + HOUR, { fulfillment_status: "fulfilled" });
    hook("orders/updated", fulfilled, t + HOUR + 1_000);
    current = fulfilled;
    if (i === 1 || i === 6) {
      // Cancelled and refunded in full: orders/cancelled, refunds/create, orders/updated.
      const cancelled = version(current, t + 90 * MINUTE, { cancelled_at: iso(t + 90 * MINUTE), cancel_reason: "customer", financial_status: "refunded", current_total_price: "0.00", current_total_price_set: moneySet(usd("0.00"), eur("0.00")) });
      hook("orders/cancelled", cancelled, t + 90 * MINUTE + 1_000);
      hook("refunds/create", refundOf(id, 9300000000000n + BigInt(i) * 10n, t + 90 * MINUTE, "117.24", "Cancelled"), t + 90 * MINUTE + 1_500);
      hook("orders/updated", cancelled, t + 90 * MINUTE + 2_000);
    }
    if (i % 3 === 0 && i !== 6) {
      // One pair returned: a partial refund, then the order's new version.
      hook("refunds/create", refundOf(id, 9400000000000n + BigInt(i) * 10n, t + 2 * HOUR, "55.20"), t + 2 * HOUR + 500);
      hook("orders/updated", version(current, t + 2 * HOUR, { financial_status: "partially_refunded" }), t + 2 * HOUR + 1_000);
    }
    if (i === 5) {
      // Refunded past its total (117.24 EUR): 100.00 then 60.00; what is left is capped.
      hook("refunds/create", refundOf(id, 9500000000010n, t + 2 * HOUR, "100.00"), t + 2 * HOUR + 500);
      hook("refunds/create", refundOf(id, 9500000000020n, t + 3 * HOUR, "60.00", "Goodwill"), t + 3 * HOUR + 500);
      hook("orders/updated", version(current, t + 3 * HOUR, { financial_status: "refunded" }), t + 3 * HOUR + 1_000);
    }
  }

  // ---------------------------------------------------------------- a subscription: first order, contract, renewal
  const subscriber = customer(7400000000100n, "subscriber@example.com", "Sub");
  const subAt = base + 30 * MINUTE;
  const subId = 7200000000100n;
  const renewalId = 7200000000101n;
  orderIds.push(subId.toString(), renewalId.toString());
  visits.push({
    clientId: "c-day-sub",
    at: subAt - 10 * MINUTE,
    url: "https://shop.example.com/products/coffee-beans?utm_source=google&utm_medium=cpc&utm_campaign=coffee_sub&gclid=Cj0Ksub",
    referrer: "https://www.google.com/",
    idPrefix: "day-sub",
    checkout: { token: "ck-day-sub", orderId: subId, email: "subscriber@example.com", customerId: "7400000000100", value: 27 },
  });
  const first = buildSubscriptionFirstOrder({ id: subId, admin_graphql_api_id: gid("Order", subId), checkout_token: "ck-day-sub", email: "subscriber@example.com", contact_email: "subscriber@example.com", customer: subscriber, created_at: iso(subAt), processed_at: iso(subAt), updated_at: iso(subAt + 2_000) });
  hook("orders/create", first, subAt + 3_000);
  hook("subscription_contracts/create", buildSubscriptionContract({ id: 9998000001n, admin_graphql_api_id: gid("SubscriptionContract", 9998000001n), origin_order_id: subId, admin_graphql_api_origin_order_id: gid("Order", subId), customer_id: 7400000000100n }), subAt + 10_000);
  const renewalAt = now - 40 * MINUTE;
  const renewal = buildSubscriptionRenewalOrder({ id: renewalId, admin_graphql_api_id: gid("Order", renewalId), source_identifier: "9998000001", email: "subscriber@example.com", contact_email: "subscriber@example.com", customer: subscriber, created_at: iso(renewalAt), processed_at: iso(renewalAt), updated_at: iso(renewalAt + 2_000) });
  hook("subscription_billing_attempts/success", buildBillingAttempt({ order_id: renewalId, subscription_contract_id: 9998000001n, admin_graphql_api_subscription_contract_id: gid("SubscriptionContract", 9998000001n) }), renewalAt + 1_000);
  hook("orders/create", renewal, renewalAt + 3_000);
  hook("orders/paid", renewal, renewalAt + 3_500);

  // ---------------------------------------------------------------- a separate upsell order by an app, right after buyer 3's checkout
  const upsellId = 7200000000200n;
  orderIds.push(upsellId.toString());
  const upsellAt = base + 3 * 25 * MINUTE + 3 * MINUTE;
  hook("orders/create", buildUpsellAppOrder({ id: upsellId, admin_graphql_api_id: gid("Order", upsellId), name: "#2100", email: "buyer.3@example.com", contact_email: "buyer.3@example.com", customer: customer(7400000000003n, "buyer.3@example.com", "Buyer3"), created_at: iso(upsellAt), processed_at: iso(upsellAt), updated_at: iso(upsellAt + 2_000) }), upsellAt + 3_000);

  // ---------------------------------------------------------------- cross-device: phone browses with an email, laptop buys logged in
  const crossId = 7200000000300n;
  orderIds.push(crossId.toString());
  const crossAt = base + 3 * HOUR;
  visits.push({ clientId: "c-day-phone", at: crossAt - 2 * HOUR, url: "https://shop.example.com/?utm_source=instagram&utm_medium=social&utm_campaign=reels", referrer: "https://www.instagram.com/", idPrefix: "day-phone", checkout: { token: "ck-day-phone-abandoned", email: "cross@example.com", abandon: true } });
  visits.push({ clientId: "c-day-laptop", at: crossAt - 10 * MINUTE, url: "https://shop.example.com/", idPrefix: "day-laptop", checkout: { token: "ck-day-cross", orderId: crossId, customerId: "7400000000300" } });
  const crossBuyer = customer(7400000000300n, "cross@example.com", "Cross");
  const cross = buildOnlineOrder({ id: crossId, admin_graphql_api_id: gid("Order", crossId), name: "#2300", checkout_token: "ck-day-cross", cart_token: null, email: "cross@example.com", contact_email: "cross@example.com", customer: crossBuyer, landing_site: "/", referring_site: null, created_at: iso(crossAt), processed_at: iso(crossAt), updated_at: iso(crossAt + 2_000) });
  hook("orders/create", cross, crossAt + 3_000);
  hook("orders/updated", version(cross, crossAt + HOUR, { fulfillment_status: "fulfilled" }), crossAt + HOUR + 1_000);

  // ---------------------------------------------------------------- returning customers in the shop (POS), a phone order (draft), a test order, a guest at the till
  const posId = 7200000000400n;
  const pos2Id = 7200000000401n;
  const guestId = 7200000000402n;
  const draftId = 7200000000500n;
  const testId = 7200000000600n;
  orderIds.push(posId.toString(), pos2Id.toString(), guestId.toString(), draftId.toString(), testId.toString());
  const posAt = base + 5 * HOUR;
  hook("orders/create", buildPosOrder({ id: posId, admin_graphql_api_id: gid("Order", posId), name: "#2400", email: "buyer.0@example.com", customer: customer(7400000000000n, "buyer.0@example.com", "Buyer0"), created_at: iso(posAt), processed_at: iso(posAt), updated_at: iso(posAt + 2_000) }), posAt + 3_000);
  const pos2At = base + 7 * HOUR;
  hook("orders/create", buildPosOrder({ id: pos2Id, admin_graphql_api_id: gid("Order", pos2Id), name: "#2401", email: "cross@example.com", customer: crossBuyer, created_at: iso(pos2At), processed_at: iso(pos2At), updated_at: iso(pos2At + 2_000) }), pos2At + 3_000);
  const guestAt = base + 7 * HOUR + 30 * MINUTE;
  hook("orders/create", buildPosOrder({ id: guestId, admin_graphql_api_id: gid("Order", guestId), name: "#2402", created_at: iso(guestAt), processed_at: iso(guestAt), updated_at: iso(guestAt + 2_000) }), guestAt + 3_000);
  const draftAt = base + 6 * HOUR;
  hook("draft_orders/update", buildDraftOrder({ id: 1122330000001n, admin_graphql_api_id: gid("DraftOrder", 1122330000001n), order_id: draftId, email: "buyer.1@example.com", customer: customer(7400000000001n, "buyer.1@example.com", "Buyer1"), updated_at: iso(draftAt), completed_at: iso(draftAt) }), draftAt + 1_000);
  const draft = buildDraftCompletedOrder({ id: draftId, admin_graphql_api_id: gid("Order", draftId), name: "#2500", email: "buyer.1@example.com", contact_email: "buyer.1@example.com", customer: customer(7400000000001n, "buyer.1@example.com", "Buyer1"), created_at: iso(draftAt), processed_at: iso(draftAt), updated_at: iso(draftAt + 2_000), financial_status: "pending" });
  hook("orders/create", draft, draftAt + 3_000);
  hook("orders/paid", version(draft, draftAt + 30 * MINUTE, { financial_status: "paid" }), draftAt + 30 * MINUTE + 1_000);
  hook("orders/updated", version(draft, draftAt + 30 * MINUTE, { financial_status: "paid" }), draftAt + 30 * MINUTE + 1_500);
  const testAt = base + 4 * HOUR;
  hook("orders/create", buildTestOrder({ id: testId, admin_graphql_api_id: gid("Order", testId), name: "#2600", checkout_token: "ck-day-test", email: "buyer.8@example.com", contact_email: "buyer.8@example.com", customer: customer(7400000000008n, "buyer.8@example.com", "Buyer8"), created_at: iso(testAt), processed_at: iso(testAt), updated_at: iso(testAt + 2_000) }), testAt + 3_000);

  webhooks.sort((a, b) => a.at - b.at);
  return { visits, webhooks, orderIds };
}
