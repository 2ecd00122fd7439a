import { describe, expect, test } from "vitest";
import { classifyOrderKind, ORDER_KINDS, parseTags, type OrderKindHints, type OrderKindResult } from "./order-kind";
import { OrderWebhookSchema, type OrderWebhook } from "./order-webhook.schema";
import {
  asWebhook,
  buildDraftCompletedOrder,
  buildJpyOrder,
  buildOnlineOrder,
  buildOtherChannelOrder,
  buildPosOrder,
  buildPostPurchaseEditedOrder,
  buildSubscriptionFirstOrder,
  buildSubscriptionRenewalOrder,
  buildTestOrder,
  buildUpsellAppOrder,
  type RestOrder,
} from "../../../test/factories/order-factory";

const order = (payload: RestOrder): OrderWebhook => OrderWebhookSchema.parse(asWebhook(payload).parsed);
const noPlan = (o: RestOrder): RestOrder => ({ ...o, line_items: o.line_items.map((i) => ({ ...i, selling_plan_allocation: null })) });

interface Case {
  name: string;
  payload: RestOrder;
  hints?: OrderKindHints;
  expected: OrderKindResult;
}

const cases: Case[] = [
  {
    name: "online store checkout",
    payload: buildOnlineOrder(),
    expected: { kind: "online", isTest: false, reason: 'source_name "web": online store checkout' },
  },
  {
    name: "JPY online order",
    payload: buildJpyOrder(),
    expected: { kind: "online", isTest: false, reason: 'source_name "web": online store checkout' },
  },
  {
    name: "test order keeps its kind and is flagged",
    payload: buildTestOrder(),
    expected: { kind: "online", isTest: true, reason: 'source_name "web": online store checkout (test order)' },
  },
  {
    name: "draft completed by staff",
    payload: buildDraftCompletedOrder(),
    expected: { kind: "draft", isTest: false, reason: 'source_name "shopify_draft_order": a draft order was completed' },
  },
  {
    name: "draft hint when source_name was filtered out",
    payload: buildDraftCompletedOrder({ source_name: "" }),
    hints: { completedDraftOrderId: "1122334455667" },
    expected: { kind: "draft", isTest: false, reason: "completed from draft order 1122334455667" },
  },
  {
    name: "POS sale",
    payload: buildPosOrder(),
    expected: { kind: "pos", isTest: false, reason: 'source_name "pos": sold in Shopify POS at location 71234567890' },
  },
  {
    name: "POS by app id when source_name is missing",
    payload: buildPosOrder({ source_name: "" }),
    expected: { kind: "pos", isTest: false, reason: "app_id 129785 (Shopify POS) at location 71234567890" },
  },
  {
    name: "subscription first order (selling plan on a line)",
    payload: buildSubscriptionFirstOrder(),
    expected: {
      kind: "subscription_first",
      isTest: false,
      reason: 'checkout with selling plan "Deliver every month, 10% off": first order of a subscription',
    },
  },
  {
    name: "subscription first order (contract origin hint)",
    payload: noPlan(buildSubscriptionFirstOrder()),
    hints: { isSubscriptionOrigin: true },
    expected: { kind: "subscription_first", isTest: false, reason: "started a subscription contract (origin order)" },
  },
  {
    name: "subscription first order (Recharge tag)",
    payload: noPlan(buildSubscriptionFirstOrder({ tags: "Subscription, Subscription First Order" })),
    expected: { kind: "subscription_first", isTest: false, reason: 'tagged "Subscription First Order" by the subscription app' },
  },
  {
    name: "web checkout without any subscription marker is plain online",
    payload: noPlan(buildSubscriptionFirstOrder()),
    expected: { kind: "online", isTest: false, reason: 'source_name "web": online store checkout' },
  },
  {
    name: "renewal: subscription_contract_checkout_one",
    payload: buildSubscriptionRenewalOrder(),
    expected: {
      kind: "subscription_renewal",
      isTest: false,
      reason: 'source_name "subscription_contract_checkout_one": charged by a subscription billing attempt',
    },
  },
  {
    name: "renewal: older subscription_contract, even with the selling plan still on the line",
    payload: buildSubscriptionRenewalOrder({ source_name: "subscription_contract" }),
    expected: {
      kind: "subscription_renewal",
      isTest: false,
      reason: 'source_name "subscription_contract": charged by a subscription billing attempt',
    },
  },
  {
    name: "renewal: billing attempt hint",
    payload: noPlan(buildSubscriptionRenewalOrder({ source_name: "5284869" })),
    hints: { fromSubscriptionBillingAttempt: true },
    expected: { kind: "subscription_renewal", isTest: false, reason: "a subscription billing attempt created this order" },
  },
  {
    name: "renewal: Recharge API order tagged Subscription Recurring Order",
    payload: noPlan(buildOtherChannelOrder({ app_id: 294517, source_name: "294517", tags: "Subscription, Subscription Recurring Order" })),
    expected: { kind: "subscription_renewal", isTest: false, reason: 'tagged "Subscription Recurring Order" by the subscription app' },
  },
  {
    name: "native post-purchase upsell edits the SAME order: still online",
    payload: buildPostPurchaseEditedOrder(),
    expected: { kind: "online", isTest: false, reason: 'source_name "web": online store checkout' },
  },
  {
    name: "separate upsell order, tagged",
    payload: buildUpsellAppOrder(),
    expected: { kind: "upsell", isTest: false, reason: 'tagged "upsell": a separate post-purchase upsell order' },
  },
  {
    name: "separate upsell order, app marked by the merchant",
    payload: buildUpsellAppOrder({ tags: "" }),
    hints: { upsellAppIds: ["2329312"] },
    expected: { kind: "upsell", isTest: false, reason: "created by app 2329312, which the shop's settings list as a post-purchase upsell app" },
  },
  {
    name: "separate upsell order, app in the known upsell apps",
    payload: buildUpsellAppOrder({ tags: "" }),
    hints: { knownUpsellApps: [{ appId: "2329312", name: "Example Upsell", source: "test" }] },
    expected: { kind: "upsell", isTest: false, reason: "created by app 2329312 (Example Upsell), a known post-purchase upsell app" },
  },
  {
    name: "an app in neither list, untagged: another app's order",
    payload: buildUpsellAppOrder({ tags: "" }),
    hints: { upsellAppIds: ["999"] },
    expected: { kind: "other_channel", isTest: false, reason: 'source_name "2329312": created through the API by app 2329312' },
  },
  {
    name: "an upsell app id on a web checkout is not an upsell",
    payload: buildOnlineOrder({ app_id: 2329312 }),
    hints: { upsellAppIds: ["2329312"] },
    expected: { kind: "online", isTest: false, reason: 'source_name "web": online store checkout' },
  },
  {
    name: "another app's API order",
    payload: buildOtherChannelOrder(),
    expected: { kind: "other_channel", isTest: false, reason: 'source_name "4383523": created through the API by app 4383523' },
  },
  {
    name: "Shopify mobile admin",
    payload: buildOtherChannelOrder({ source_name: "iphone" }),
    expected: { kind: "other_channel", isTest: false, reason: 'source_name "iphone": created in the Shopify mobile app' },
  },
  {
    name: "a named channel",
    payload: buildOtherChannelOrder({ source_name: "shop" }),
    expected: { kind: "other_channel", isTest: false, reason: 'source_name "shop": another sales channel' },
  },
  {
    name: "no source_name but a checkout token",
    payload: buildOnlineOrder({ source_name: "" }),
    expected: { kind: "online", isTest: false, reason: "no source_name, but the order came through a checkout" },
  },
  {
    name: "no source_name, no checkout",
    payload: buildOtherChannelOrder({ source_name: "", app_id: null }),
    expected: { kind: "other_channel", isTest: false, reason: "no source_name and no checkout token" },
  },
  {
    name: "test POS order",
    payload: buildPosOrder({ test: true, location_id: null }),
    expected: { kind: "pos", isTest: true, reason: 'source_name "pos": sold in Shopify POS (test order)' },
  },
];

describe("classifyOrderKind", () => {
  test.each(cases)("$name", ({ payload, hints, expected }) => {
    expect(classifyOrderKind(order(payload), hints)).toEqual(expected);
  });

  test("every kind is reachable from the table", () => {
    expect(new Set(cases.map((c) => c.expected.kind))).toEqual(new Set(ORDER_KINDS));
  });
});

describe("parseTags", () => {
  test.each<[string | null, string[]]>([
    ["", []],
    [null, []],
    ["VIP, Subscription First Order ,,  wholesale", ["vip", "subscription first order", "wholesale"]],
  ])("%j", (tags, expected) => {
    expect(parseTags(tags)).toEqual(expected);
  });
});
