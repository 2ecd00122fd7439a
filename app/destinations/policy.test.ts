import { describe, expect, it } from "vitest";
import { decidePolicy, defaultPolicy, DestinationPolicySchema } from "./policy";

describe("destination policy", () => {
  it("fills defaults and keeps merchant choices", () => {
    const p = DestinationPolicySchema.parse({ events: { page_view: true }, orderKinds: { pos: true } });
    expect(p.events.page_view).toBe(true);
    expect(p.events.purchase).toBe(true);
    expect(p.orderKinds.pos).toBe(true);
    expect(p.orderKinds.subscription_renewal).toBe(false);
    expect(p.currency).toBe("presentment");
  });
  it("rejects unknown keys' values of the wrong type", () => {
    expect(DestinationPolicySchema.safeParse({ events: { purchase: "yes" } }).success).toBe(false);
  });
  it.each([
    [{ name: "purchase", isTest: false }, "online", "send"],
    [{ name: "purchase", isTest: true }, "online", "skip"],
    [{ name: "purchase", isTest: false }, "pos", "skip"],
    [{ name: "purchase", isTest: false }, "subscription_renewal", "skip"],
    [{ name: "page_view", isTest: false }, null, "skip"],
    [{ name: "add_to_cart", isTest: false }, null, "send"],
  ] as const)("%j of kind %s → %s", (conv, kind, expected) => {
    expect(decidePolicy(defaultPolicy(), conv, kind).kind).toBe(expected);
  });
});
