import { describe, expect, test } from "vitest";
import {
  CustomersDataRequestWebhookSchema,
  CustomersRedactWebhookSchema,
  DraftOrderWebhookSchema,
  OrderEditWebhookSchema,
  OrderWebhookSchema,
  RefundWebhookSchema,
  ShopRedactWebhookSchema,
  SubscriptionBillingAttemptWebhookSchema,
  SubscriptionContractWebhookSchema,
} from "./order-webhook.schema";
import {
  asWebhook,
  buildBillingAttempt,
  buildCustomersDataRequest,
  buildCustomersRedact,
  buildDraftCompletedOrder,
  buildDraftOrder,
  buildJpyOrder,
  buildOnlineOrder,
  buildOrderEditedPayload,
  buildOtherChannelOrder,
  buildPosOrder,
  buildPostPurchaseEditedOrder,
  buildRefund,
  buildShopRedact,
  buildSubscriptionContract,
  buildSubscriptionFirstOrder,
  buildSubscriptionRenewalOrder,
  buildTestOrder,
  buildUpsellAppOrder,
} from "../../../test/factories/order-factory";

const parsed = (payload: unknown) => asWebhook(payload).parsed as Record<string, unknown>;

describe("OrderWebhookSchema accepts every channel the factories model", () => {
  test.each([
    ["online", buildOnlineOrder()],
    ["draft", buildDraftCompletedOrder()],
    ["pos", buildPosOrder()],
    ["subscription first", buildSubscriptionFirstOrder()],
    ["subscription renewal", buildSubscriptionRenewalOrder()],
    ["post-purchase edited", buildPostPurchaseEditedOrder()],
    ["upsell app order", buildUpsellAppOrder()],
    ["other channel", buildOtherChannelOrder()],
    ["test", buildTestOrder()],
    ["JPY", buildJpyOrder()],
  ])("%s", (_name, order) => {
    const result = OrderWebhookSchema.safeParse(parsed(order));
    expect(result.success).toBe(true);
    expect(result.data?.line_items.every((item) => item !== null)).toBe(true);
  });
});

describe("OrderWebhookSchema keeps what we use and strips the rest", () => {
  test("declared fields come through, undeclared ones are dropped", () => {
    const order = OrderWebhookSchema.parse(parsed(buildOnlineOrder()));
    expect(order.checkout_token).toBe("b1946ac92492d2347c6235b4d2611184");
    expect(order.total_price_set).toEqual({
      shop_money: { amount: "127.44", currency_code: "USD" },
      presentment_money: { amount: "117.24", currency_code: "EUR" },
    });
    expect(order.customer).toEqual({
      id: 7301234567890,
      admin_graphql_api_id: "gid://shopify/Customer/7301234567890",
      email: "jane.doe@example.com",
      phone: null,
      first_name: "Jane",
      last_name: "Doe",
    });
    expect(Object.keys(order)).not.toContain("order_status_url");
    expect(Object.keys(order)).not.toContain("discount_applications");
    expect(Object.keys(order.line_items[0] ?? {})).not.toContain("vendor");
  });

  test("the parsed id is rounded above 2^53 (use extractExactIds)", () => {
    const order = OrderWebhookSchema.parse(parsed(buildOnlineOrder({ id: 820982911946154508n })));
    expect(order.id).toBe(820982911946154500);
  });
});

describe("malformed optional fields degrade to null instead of failing the order", () => {
  test.each<[string, Record<string, unknown>, (o: ReturnType<typeof OrderWebhookSchema.parse>) => unknown, unknown]>([
    ["customer is a string", { customer: "oops" }, (o) => o.customer, null],
    ["total_price_set lacks presentment", { total_price_set: { shop_money: { amount: "1.00", currency_code: "USD" } } }, (o) => o.total_price_set, null],
    ["amount is not a decimal", { total_price: "12,00" }, (o) => o.total_price, null],
    ["amount sent as a number", { total_price: 127.44 }, (o) => o.total_price, "127.44"],
    ["currency is lowercase", { currency: "usd" }, (o) => o.currency, null],
    ["test is a string", { test: "yes" }, (o) => o.test, null],
    ["tags missing", { tags: undefined }, (o) => o.tags, undefined],
    ["note_attributes not an array", { note_attributes: "x" }, (o) => o.note_attributes, []],
    ["note attribute value is a number", { note_attributes: [{ name: "gclid", value: 42 }] }, (o) => o.note_attributes, [{ name: "gclid", value: "42" }]],
    ["client_details null", { client_details: null }, (o) => o.client_details, null],
  ])("%s", (_name, patch, pick, expected) => {
    const result = OrderWebhookSchema.safeParse({ ...parsed(buildOnlineOrder()), ...patch });
    expect(result.success).toBe(true);
    if (result.success) expect(pick(result.data)).toEqual(expected);
  });

  test("a bad line item becomes null at its index; the others survive", () => {
    const body = parsed(buildPostPurchaseEditedOrder());
    const items = body["line_items"] as Array<Record<string, unknown>>;
    const result = OrderWebhookSchema.parse({ ...body, line_items: [{ ...items[0], quantity: "one" }, items[1]] });
    expect(result.line_items[0]).toBeNull();
    expect(result.line_items[1]?.title).toBe("Trail Socks");
  });

  test.each([
    ["id", { id: undefined }],
    ["created_at", { created_at: undefined }],
    ["id as an object", { id: { x: 1 } }],
  ])("missing/invalid %s fails: the order cannot be keyed or versioned", (_name, patch) => {
    expect(OrderWebhookSchema.safeParse({ ...parsed(buildOnlineOrder()), ...patch }).success).toBe(false);
  });
});

describe("other topics", () => {
  test("refunds/create", () => {
    const refund = RefundWebhookSchema.parse(parsed(buildRefund()));
    expect(refund.transactions).toEqual([
      { id: 7012345678901, kind: "refund", status: "success", amount: "55.20", currency: "EUR", gateway: "shopify_payments", parent_id: 7012345670000 },
    ]);
    expect(refund.refund_line_items[0]?.quantity).toBe(1);
    expect(refund.refund_line_items[0]?.line_item).toEqual({ product_id: 8123456789012, variant_id: 45123456789012, sku: "TR-RUN-42", title: "Trail Runner" });
  });

  test("draft_orders/update", () => {
    const draft = DraftOrderWebhookSchema.parse(parsed(buildDraftOrder()));
    expect([draft.name, draft.status, draft.order_id, draft.total_price]).toEqual(["#D12", "completed", 5975031431401, "86.60"]);
  });

  test("open draft has no order yet", () => {
    const draft = DraftOrderWebhookSchema.parse(parsed(buildDraftOrder({ status: "open", order_id: null, completed_at: null })));
    expect(draft.order_id).toBeNull();
  });

  test("subscription_billing_attempts/success (id is null in Shopify's sample)", () => {
    const attempt = SubscriptionBillingAttemptWebhookSchema.parse(parsed(buildBillingAttempt()));
    expect(attempt).toEqual({
      id: null,
      admin_graphql_api_id: null,
      idempotency_key: "9a453d81-d41d-403e-806f-714dee215ff9",
      order_id: 5975031431704,
      admin_graphql_api_order_id: "gid://shopify/Order/5975031431704",
      subscription_contract_id: 9998878778,
      admin_graphql_api_subscription_contract_id: "gid://shopify/SubscriptionContract/9998878778",
      ready: true,
      error_message: null,
      error_code: null,
    });
  });

  test("subscription_contracts/create", () => {
    const contract = SubscriptionContractWebhookSchema.parse(parsed(buildSubscriptionContract()));
    expect(contract.origin_order_id).toBe(5975031431603);
    expect(contract.revision_id).toBe("9998878778");
  });

  test("orders/edited", () => {
    const edit = OrderEditWebhookSchema.parse(parsed(buildOrderEditedPayload()));
    expect(edit.order_edit.line_items).toEqual({ additions: [{ id: 14230000000002, delta: 1 }], removals: [] });
  });

  test("customers/data_request", () => {
    expect(CustomersDataRequestWebhookSchema.parse(parsed(buildCustomersDataRequest()))).toEqual({
      shop_id: 60000000000,
      shop_domain: "trueline-demo.myshopify.com",
      customer: { id: 7301234567890, email: "jane.doe@example.com", phone: "+15555550123" },
      orders_requested: [5975031431338, 5975031431603],
      data_request: { id: 9999 },
    });
  });

  test("customers/redact with only an email", () => {
    const redact = CustomersRedactWebhookSchema.parse(
      parsed(buildCustomersRedact({ customer: { id: null, email: "jane.doe@example.com", phone: null }, orders_to_redact: [] })),
    );
    expect(redact.customer).toEqual({ id: null, email: "jane.doe@example.com", phone: null });
    expect(redact.orders_to_redact).toEqual([]);
  });

  test("shop/redact", () => {
    expect(ShopRedactWebhookSchema.parse(parsed(buildShopRedact()))).toEqual({ shop_id: 60000000000, shop_domain: "trueline-demo.myshopify.com" });
  });

  test("shop/redact without a domain is rejected", () => {
    expect(ShopRedactWebhookSchema.safeParse({ shop_id: 1 }).success).toBe(false);
  });
});
