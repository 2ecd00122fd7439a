import { describe, expect, test } from "vitest";
import { purchaseConversion } from "./build-conversions";
import { extractExactIds } from "./exact-ids";
import { toOrderFacts, type OrderFacts } from "./order-facts";
import { OrderWebhookSchema } from "./order-webhook.schema";
import { redactOrderFacts } from "./redact";
import { asWebhook, buildOnlineOrder } from "../../../test/factories/order-factory";

function facts(): OrderFacts {
  const { rawBody, parsed } = asWebhook(buildOnlineOrder({ note_attributes: [{ name: "gift_message", value: "For Jane" }] }));
  const result = toOrderFacts(OrderWebhookSchema.parse(parsed), extractExactIds(rawBody));
  if (result.kind !== "facts") throw new Error(result.reason);
  return result.facts;
}

describe("redactOrderFacts", () => {
  test("nothing that identifies the buyer is left; kind, money, lines and dates stay", () => {
    const original = facts();
    const redacted = redactOrderFacts(original);
    const text = JSON.stringify(redacted);
    for (const personal of ["jane.doe@example.com", "Jane", "Doe", "1 Example St", "+15555550123", "203.0.113.24", "iPhone", "7301234567890", "b1946ac92492d2347c6235b4d2611184", "fbclid", "IwAR0abc123", "facebook.com"]) {
      expect({ personal, found: text.includes(personal) }).toEqual({ personal, found: false });
    }
    expect(redacted).toMatchObject({ redacted: true, orderId: original.orderId, kind: "online", totals: original.totals, lineItems: original.lineItems, createdAt: original.createdAt, currency: "USD" });
  });

  test("still builds a conversion, without any identity", () => {
    const c = purchaseConversion(redactOrderFacts(facts()), { clickIds: {}, cookies: {}, consent: null });
    expect(c.user).toEqual({});
    expect(c.clickIds).toEqual({});
    expect(c.value).toEqual({ shop: { amount: "127.44", currency: "USD" }, presentment: { amount: "117.24", currency: "EUR" } });
  });
});
