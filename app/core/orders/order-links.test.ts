import { describe, expect, test } from "vitest";
import { extractExactIds } from "./exact-ids";
import {
  hintsForOrder,
  toBillingAttemptLink,
  toDraftOrderLink,
  toOrderEditFacts,
  toSubscriptionOriginLink,
  type BillingAttemptLink,
} from "./order-links";
import {
  DraftOrderWebhookSchema,
  OrderEditWebhookSchema,
  SubscriptionBillingAttemptWebhookSchema,
  SubscriptionContractWebhookSchema,
} from "./order-webhook.schema";
import {
  asWebhook,
  buildBillingAttempt,
  buildDraftOrder,
  buildOrderEditedPayload,
  buildSubscriptionContract,
  type RestBillingAttempt,
} from "../../../test/factories/order-factory";

function parse<T>(schema: { parse(input: unknown): T }, payload: unknown) {
  const { rawBody, parsed } = asWebhook(payload);
  return [schema.parse(parsed), extractExactIds(rawBody)] as const;
}

describe("toDraftOrderLink", () => {
  test("completed draft points at its order", () => {
    expect(toDraftOrderLink(...parse(DraftOrderWebhookSchema, buildDraftOrder()))).toMatchObject({
      draftOrderId: "1122334455667",
      name: "#D12",
      status: "completed",
      orderId: "5975031431401",
      completedAt: 1742061900000,
      updatedAt: 1742061901000,
    });
  });

  test("open draft: no order yet", () => {
    const link = toDraftOrderLink(...parse(DraftOrderWebhookSchema, buildDraftOrder({ status: "open", order_id: null, completed_at: null })));
    expect([link?.status, link?.orderId, link?.completedAt]).toEqual(["open", null, null]);
  });

  test("order id above 2^53", () => {
    const link = toDraftOrderLink(...parse(DraftOrderWebhookSchema, buildDraftOrder({ order_id: 820982911946154508n })));
    expect(link?.orderId).toBe("820982911946154508");
  });
});

describe("toBillingAttemptLink", () => {
  test.each<[string, Partial<RestBillingAttempt>, BillingAttemptLink]>([
    [
      "success",
      {},
      { subscriptionContractId: "9998878778", orderId: "5975031431704", idempotencyKey: "9a453d81-d41d-403e-806f-714dee215ff9", status: "success", errorCode: null },
    ],
    [
      "failure",
      { order_id: null, error_code: "PAYMENT_METHOD_DECLINED", error_message: "Card declined" },
      { subscriptionContractId: "9998878778", orderId: null, idempotencyKey: "9a453d81-d41d-403e-806f-714dee215ff9", status: "failure", errorCode: "PAYMENT_METHOD_DECLINED" },
    ],
    [
      "challenged (3-D Secure pending)",
      { order_id: null, ready: false },
      { subscriptionContractId: "9998878778", orderId: null, idempotencyKey: "9a453d81-d41d-403e-806f-714dee215ff9", status: "pending", errorCode: null },
    ],
    [
      "big order id",
      { order_id: 820982911946154508n, admin_graphql_api_order_id: "gid://shopify/Order/820982911946154508" },
      { subscriptionContractId: "9998878778", orderId: "820982911946154508", idempotencyKey: "9a453d81-d41d-403e-806f-714dee215ff9", status: "success", errorCode: null },
    ],
  ])("%s", (_name, overrides, expected) => {
    expect(toBillingAttemptLink(...parse(SubscriptionBillingAttemptWebhookSchema, buildBillingAttempt(overrides)))).toEqual(expected);
  });
});

describe("toSubscriptionOriginLink", () => {
  test("origin order from the gid", () => {
    expect(toSubscriptionOriginLink(...parse(SubscriptionContractWebhookSchema, buildSubscriptionContract()))).toEqual({
      subscriptionContractId: "9998878778",
      originOrderId: "5975031431603",
      customerId: "7301234567890",
      status: "active",
    });
  });

  test("a contract without an origin order (created by API)", () => {
    const link = toSubscriptionOriginLink(...parse(SubscriptionContractWebhookSchema, buildSubscriptionContract({ origin_order_id: null })));
    expect(link?.originOrderId).toBeNull();
  });
});

describe("toOrderEditFacts", () => {
  test("post-purchase edit: one line added by the upsell app", () => {
    expect(toOrderEditFacts(...parse(OrderEditWebhookSchema, buildOrderEditedPayload()))).toEqual({
      editId: "78912328",
      orderId: "5975031431338",
      appId: "4780109",
      committedAt: 1741962184000,
      added: [{ lineItemId: "14230000000002", quantity: 1 }],
      removed: [],
    });
  });

  test("big ids inside the edit", () => {
    const facts = toOrderEditFacts(
      ...parse(
        OrderEditWebhookSchema,
        buildOrderEditedPayload({ order_id: 820982911946154508n, line_items: { additions: [], removals: [{ id: 9007199254740995n, delta: 2 }] } }),
      ),
    );
    expect([facts?.orderId, facts?.removed]).toEqual(["820982911946154508", [{ lineItemId: "9007199254740995", quantity: 2 }]]);
  });
});

describe("hintsForOrder", () => {
  const draft = { draftOrderId: "11", name: "#D1", status: "completed", orderId: "100", completedAt: null, updatedAt: null };
  const attempt: BillingAttemptLink = { subscriptionContractId: "9", orderId: "200", idempotencyKey: null, status: "success", errorCode: null };
  const origin = { subscriptionContractId: "9", originOrderId: "300", customerId: null, status: "active" };
  const links = { drafts: [draft], billingAttempts: [attempt], subscriptionOrigins: [origin], upsellAppIds: ["2329312"] };

  test.each([
    ["100", { completedDraftOrderId: "11", fromSubscriptionBillingAttempt: false, isSubscriptionOrigin: false, upsellAppIds: ["2329312"] }],
    ["200", { completedDraftOrderId: null, fromSubscriptionBillingAttempt: true, isSubscriptionOrigin: false, upsellAppIds: ["2329312"] }],
    ["300", { completedDraftOrderId: null, fromSubscriptionBillingAttempt: false, isSubscriptionOrigin: true, upsellAppIds: ["2329312"] }],
    ["400", { completedDraftOrderId: null, fromSubscriptionBillingAttempt: false, isSubscriptionOrigin: false, upsellAppIds: ["2329312"] }],
  ])("order %s", (orderId, expected) => {
    expect(hintsForOrder(orderId, links)).toEqual(expected);
  });

  test("a failed attempt does not make a renewal", () => {
    expect(hintsForOrder("200", { billingAttempts: [{ ...attempt, status: "failure" }] }).fromSubscriptionBillingAttempt).toBe(false);
  });
});

describe("drafts: what the order inherits", () => {
  test("UTMs from note attributes and tags, click ids, staff; the order's own values win", async () => {
    const { inheritFromDraft, draftUtms } = await import("./order-links");
    expect(draftUtms([{ name: "utm_source", value: "instagram" }], ["utm_medium:chat", "utm_source:ignored"])).toEqual({ source: "instagram", medium: "chat" });
    const link = toDraftOrderLink(
      ...parse(
        DraftOrderWebhookSchema,
        buildDraftOrder({ note_attributes: [{ name: "utm_source", value: "instagram" }, { name: "fbclid", value: "IwARchat1" }, { name: "staff", value: "Ana" }], tags: "utm_medium:chat, vip" }),
      ),
    )!;
    expect([link.utm, link.staffId, link.signals?.clickIds]).toEqual([{ source: "instagram", medium: "chat" }, "Ana", { fbclid: "IwARchat1" }]);
    const order = { orderId: "1", customerId: null, userId: null, noteAttributes: [], noteSignals: { clickIds: {}, cookies: {} }, tags: ["wholesale"], landing: { utm: { campaign: "own" }, clickIds: {} } } as never;
    const { facts, explanation } = inheritFromDraft(order, link);
    expect([facts.customerId, facts.userId, facts.landing.utm, facts.noteSignals.clickIds, facts.tags]).toEqual([
      link.customerId ?? null,
      "Ana",
      { source: "instagram", medium: "chat", campaign: "own" },
      { fbclid: "IwARchat1" },
      ["wholesale", "utm_medium:chat", "vip"],
    ]);
    expect(explanation[0]).toMatch(/^Completed from draft order #D12 \(1122334455667\): inherited .*the staff member \(Ana\), the link's UTMs \(utm_source=instagram, utm_medium=chat\), click id fbclid/);
  });

  test("renewal click ids: kept inside each platform's window, dropped past it", async () => {
    const { renewalClickIds } = await import("./order-links");
    const day = 86_400_000;
    expect(renewalClickIds({ gclid: "g", fbc: "fb.1.1.x", fbp: "fb.1.1.2", ttclid: "t", gaSessionId: "123" }, 0, 30 * day)).toEqual({
      kept: { gclid: "g", fbp: "fb.1.1.2" },
      dropped: ["fbc", "ttclid", "gaSessionId"],
    });
  });
});
