import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { exactIdAt, exactIdList, extractExactIds, resolveId } from "./exact-ids";
import {
  asWebhook,
  buildBillingAttempt,
  buildCustomer,
  buildCustomersRedact,
  buildLineItem,
  buildOnlineOrder,
  buildRefund,
  buildSubscriptionContract,
  toWebhookBody,
} from "../../../test/factories/order-factory";

describe("extractExactIds on Shopify's documented sample id", () => {
  // 820982911946154508 > 2^53 = 9007199254740992: JSON.parse cannot hold it.
  const body = '{"id":820982911946154508,"email":"bob@example.com","customer":{"id":115310627314723954}}';

  test("JSON.parse rounds it (why this module exists)", () => {
    expect((JSON.parse(body) as { id: number }).id).toBe(820982911946154500);
  });

  test("the raw body keeps every digit", () => {
    const ids = extractExactIds(body);
    expect(ids?.id).toBe("820982911946154508");
    expect(ids?.customerId).toBe("115310627314723954");
  });
});

describe("top-level vs nested keys", () => {
  test("nested ids that come BEFORE the top-level id are not mistaken for it", () => {
    const body =
      '{"line_items":[{"id":1111111111111111111,"product_id":2222222222222222222}],' +
      '"customer":{"id":3333333333333333333,"default_address":{"id":4444444444444444444}},' +
      '"refunds":[{"id":5555555555555555555,"order_id":6666666666666666666}],' +
      '"id":820982911946154508,"order_id":null}';
    const ids = extractExactIds(body);
    expect(ids).not.toBeNull();
    expect(ids?.id).toBe("820982911946154508");
    expect(ids?.customerId).toBe("3333333333333333333");
    expect(ids?.orderId).toBeNull();
    expect(ids?.byPath).toEqual({
      "line_items.0.id": "1111111111111111111",
      "line_items.0.product_id": "2222222222222222222",
      "customer.id": "3333333333333333333",
      "customer.default_address.id": "4444444444444444444",
      "refunds.0.id": "5555555555555555555",
      "refunds.0.order_id": "6666666666666666666",
      id: "820982911946154508",
    });
  });

  test("a JSON-looking string is text, not structure", () => {
    const body = '{"note":"{\\"id\\":999999999999999999}","id":5975031431338}';
    expect(extractExactIds(body)?.byPath).toEqual({ id: "5975031431338" });
  });

  test("escaped key names are decoded (\\u0069d is id)", () => {
    expect(extractExactIds('{"\\u0069d":820982911946154508}')?.id).toBe("820982911946154508");
  });

  test("pretty-printed bodies scan the same", () => {
    const body = JSON.stringify({ x: { y: [1, 2] }, note: "a\tb" }, null, 2).replace("{", '{\n  "id": 820982911946154508,');
    expect(extractExactIds(body)?.id).toBe("820982911946154508");
  });

  test("floats, negatives and non-id keys are not ids", () => {
    const ids = extractExactIds('{"id":1.5,"user_id":-3,"total_weight":820982911946154508,"location_id":"abc"}');
    expect(ids?.byPath).toEqual({});
  });

  test("an all-digit string under an id key counts", () => {
    expect(extractExactIds('{"id":"820982911946154508"}')?.id).toBe("820982911946154508");
  });
});

describe("admin_graphql_api_id is preferred", () => {
  test("top-level gid tail wins over the number", () => {
    const ids = extractExactIds('{"id":820982911946154500,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"}');
    expect(ids?.id).toBe("820982911946154508");
    expect(ids?.gidByPath).toEqual({ admin_graphql_api_id: "gid://shopify/Order/820982911946154508" });
  });

  test("a nested gid is used for its own object only", () => {
    const ids = extractExactIds(
      '{"id":1,"line_items":[{"id":2,"admin_graphql_api_id":"gid://shopify/LineItem/14230000000000000001"}]}',
    );
    expect(ids?.id).toBe("1");
    expect(exactIdAt(ids, "line_items.0.id")).toBe("14230000000000000001");
    expect(exactIdAt(ids, "line_items.1.id")).toBeNull();
  });

  test("customer gid, then customer.id, then top-level customer_id", () => {
    expect(extractExactIds('{"customer":{"id":5,"admin_graphql_api_id":"gid://shopify/Customer/6"}}')?.customerId).toBe("6");
    expect(extractExactIds('{"customer":{"id":5}}')?.customerId).toBe("5");
    expect(extractExactIds('{"customer_id":7,"admin_graphql_api_customer_id":"gid://shopify/Customer/8"}')?.customerId).toBe("8");
    expect(extractExactIds('{"customer_id":7}')?.customerId).toBe("7");
  });
});

describe("malformed input", () => {
  test.each([
    ["not JSON", "hello"],
    ["top-level array", "[1,2]"],
    ["truncated", '{"id":1'],
    ["trailing garbage", '{"id":1} x'],
    ["unterminated string", '{"id":"1}'],
    ["raw control char in string", '{"note":"a\u0001b","id":1}'],
    ["bad escape", '{"note":"\\x41","id":1}'],
    ["leading zero", '{"id":01}'],
    ["missing colon", '{"id" 1}'],
    ["trailing comma", '{"id":1,}'],
    ["empty", ""],
  ])("%s → null", (_name, body) => {
    expect(extractExactIds(body)).toBeNull();
  });

  test("absurd nesting is refused instead of overflowing the stack", () => {
    expect(extractExactIds(`{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`)).toBeNull();
  });

  test("literals and empty containers scan", () => {
    expect(extractExactIds('{"a":true,"b":false,"c":null,"d":{},"e":[],"id":3}')?.id).toBe("3");
  });
});

describe("payloads from the factories", () => {
  test("order: top-level, customer, checkout and line item ids", () => {
    const { rawBody } = asWebhook(
      buildOnlineOrder({
        id: 820982911946154508n,
        admin_graphql_api_id: "gid://shopify/Order/820982911946154508",
        customer: buildCustomer({ id: 9007199254740993n, admin_graphql_api_id: "gid://shopify/Customer/9007199254740993" }),
        line_items: [buildLineItem({ id: 9007199254740995n, admin_graphql_api_id: "gid://shopify/LineItem/9007199254740995", product_id: 9007199254740997n })],
      }),
    );
    const ids = extractExactIds(rawBody);
    expect(ids?.id).toBe("820982911946154508");
    expect(ids?.customerId).toBe("9007199254740993");
    expect(ids?.checkoutId).toBe("36982770434218");
    expect(ids?.appId).toBe("580111");
    expect(exactIdAt(ids, "line_items.0.id")).toBe("9007199254740995");
    expect(ids?.byPath["line_items.0.product_id"]).toBe("9007199254740997");
    expect(ids?.byPath["shipping_lines.0.id"]).toBe("4950000000001");
  });

  test("refund: refund id, order id, transaction ids", () => {
    const ids = extractExactIds(toWebhookBody(buildRefund({ id: 9007199254741001n, admin_graphql_api_id: "gid://shopify/Refund/9007199254741001", order_id: 820982911946154508n })));
    expect(ids?.id).toBe("9007199254741001");
    expect(ids?.orderId).toBe("820982911946154508");
    expect(ids?.byPath["transactions.0.id"]).toBe("7012345678901");
    expect(ids?.byPath["refund_line_items.0.line_item_id"]).toBe("14230000000001");
  });

  test("billing attempt: order id from the order gid, contract id from its gid", () => {
    const ids = extractExactIds(toWebhookBody(buildBillingAttempt({ order_id: 820982911946154508n, admin_graphql_api_order_id: "gid://shopify/Order/820982911946154508" })));
    expect(ids?.id).toBeNull();
    expect(ids?.orderId).toBe("820982911946154508");
    expect(ids?.subscriptionContractId).toBe("9998878778");
  });

  test("billing attempt failure: order id null", () => {
    const ids = extractExactIds(toWebhookBody(buildBillingAttempt({ order_id: null, error_code: "PAYMENT_METHOD_DECLINED" })));
    expect(ids?.orderId).toBeNull();
  });

  test("subscription contract: origin order id and customer id", () => {
    const ids = extractExactIds(toWebhookBody(buildSubscriptionContract()));
    expect(ids?.id).toBe("9998878778");
    expect(ids?.customerId).toBe("7301234567890");
    expect(ids?.byPath["origin_order_id"]).toBe("5975031431603");
  });

  test("customers/redact: the order list, in order, exact", () => {
    const ids = extractExactIds(toWebhookBody(buildCustomersRedact()));
    expect(exactIdList(ids, "orders_to_redact")).toEqual(["5975031431338", "5975031431603", "820982911946154508"]);
    expect(ids?.shopId).toBe("60000000000");
    expect(ids?.customerId).toBe("7301234567890");
    expect(exactIdList(ids, "orders_requested")).toEqual([]);
    expect(exactIdList(null, "orders_to_redact")).toEqual([]);
  });
});

describe("property: any 64-bit ids survive", () => {
  test("top-level and customer ids round-trip exactly, whatever nests around them", () => {
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(
      fc.property(u64, u64, fc.array(u64, { maxLength: 4 }), fc.string(), (orderId, customerId, lineIds, note) => {
        const body = toWebhookBody({
          line_items: lineIds.map((id) => ({ id, title: note })),
          note,
          customer: { id: customerId },
          id: orderId,
        });
        const ids = extractExactIds(body);
        expect(ids?.id).toBe(orderId.toString());
        expect(ids?.customerId).toBe(customerId.toString());
        lineIds.forEach((id, i) => expect(ids?.byPath[`line_items.${i}.id`]).toBe(id.toString()));
      }),
    );
  });
});

describe("resolveId", () => {
  test.each<[string | null, unknown, string | null]>([
    ["820982911946154508", 820982911946154500, "820982911946154508"],
    [null, 5975031431338, "5975031431338"],
    [null, 820982911946154500, null], // rounded: never usable as a key
    [null, "820982911946154508", "820982911946154508"],
    [null, -1, null],
    [null, 1.5, null],
    [null, null, null],
    [null, "gid://shopify/Order/1", null],
  ])("exact %j parsed %j → %j", (exact, parsed, expected) => {
    expect(resolveId(exact, parsed)).toBe(expected);
  });
});
