import { describe, expect, it } from "vitest";
import { decidePolicy, defaultPolicy, DestinationPolicySchema, wantsConversion } from "./policy";

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

describe("custom goals in the policy (ADR 0039)", () => {
  it("keeps a mapping of custom event names and customers/create to goals, and refuses anything else", () => {
    expect(DestinationPolicySchema.parse({ goals: { newsletter_signup: "subscribe", "customers/create": "sign_up" } }).goals).toEqual({ newsletter_signup: "subscribe", "customers/create": "sign_up" });
    expect(DestinationPolicySchema.parse({}).goals).toEqual({});
    expect(DestinationPolicySchema.safeParse({ goals: { newsletter_signup: "purchase" } }).success).toBe(false);
    expect(DestinationPolicySchema.safeParse({ goals: { "orders/create": "lead" } }).success).toBe(false);
    // A goal has no switch: the mapping decides.
    expect(DestinationPolicySchema.safeParse({ events: { lead: true } }).success).toBe(false);
  });
  it("wants a goal only where the mapping names its source, and sends it without a switch", () => {
    const policy = DestinationPolicySchema.parse({ goals: { quote_request: "lead" } });
    expect(wantsConversion(policy, { name: "lead", goal: { source: "quote_request" } })).toBe(true);
    expect(wantsConversion(policy, { name: "lead", goal: { source: "other" } })).toBe(false);
    expect(decidePolicy(policy, { name: "lead", isTest: false }, null)).toEqual({ kind: "send" });
    expect(wantsConversion(policy, { name: "view_cart" })).toBe(false);
    expect(wantsConversion(DestinationPolicySchema.parse({ events: { view_cart: true } }), { name: "view_cart" })).toBe(true);
  });
});

