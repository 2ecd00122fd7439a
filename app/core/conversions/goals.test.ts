import { describe, expect, it } from "vitest";
import { customerCreatedConversion, CustomerCreatedSchema } from "./customer-created";
import { customEventSource, goalFor, isGoalSource, resolveGoal } from "./goals";

describe("custom goals", () => {
  it("reads a custom event's own name from the stored pixel event name", () => {
    expect(customEventSource("custom:newsletter_signup")).toBe("newsletter_signup");
    expect(customEventSource("custom:")).toBeNull();
    expect(customEventSource("page_viewed")).toBeNull();
  });
  it("accepts custom event names and customers/create as sources, nothing else", () => {
    expect(isGoalSource("quiz.completed")).toBe(true);
    expect(isGoalSource("customers/create")).toBe(true);
    expect(isGoalSource("orders/create")).toBe(false);
    expect(isGoalSource("has space")).toBe(false);
    expect(isGoalSource("x".repeat(65))).toBe(false);
  });
  it("names a goal conversion per destination, and leaves other conversions alone", () => {
    const c = customerCreatedConversion(CustomerCreatedSchema.parse({ id: 1 }), "1", 1_000);
    expect(resolveGoal(c, { "customers/create": "subscribe" })).toEqual({ kind: "goal", conversion: { ...c, name: "subscribe" } });
    expect(resolveGoal(c, { newsletter: "lead" })).toEqual({ kind: "unmapped", reason: "no goal is set for customers/create at this destination" });
    const plain = { ...c, goal: undefined, name: "purchase" as const };
    expect(resolveGoal(plain, {})).toEqual({ kind: "goal", conversion: plain });
    // Inherited keys are not mappings.
    expect(goalFor({}, "constructor")).toBeNull();
  });
});

describe("customers/create → conversion", () => {
  it("keeps the exact customer id, matching fields and no consent (no browser was involved)", () => {
    const body = CustomerCreatedSchema.parse({
      id: 820982911946154500,
      email: "Bob.Norman@Example.com",
      phone: null,
      first_name: "Bob",
      last_name: "Norman",
      created_at: "2026-12-01T10:00:00-05:00",
      default_address: { city: "Ottawa", province_code: "ON", zip: "K2P 1L4", country_code: "CA", phone: "+16135550135" },
      tags: "vip",
    });
    expect(customerCreatedConversion(body, "820982911946154508", 0)).toEqual({
      eventId: "customer-created-820982911946154508",
      name: "sign_up",
      occurredAt: Date.parse("2026-12-01T15:00:00Z"),
      actionSource: "other",
      user: { email: "Bob.Norman@Example.com", phone: "+16135550135", firstName: "Bob", lastName: "Norman", city: "Ottawa", state: "ON", zip: "K2P 1L4", country: "CA", externalId: "820982911946154508" },
      clickIds: {},
      consent: null,
      isTest: false,
      goal: { source: "customers/create" },
    });
  });
  it("uses the arrival time when created_at is unreadable", () => {
    expect(customerCreatedConversion(CustomerCreatedSchema.parse({ id: "7", created_at: "soon" }), "7", 42).occurredAt).toBe(42);
  });
});
