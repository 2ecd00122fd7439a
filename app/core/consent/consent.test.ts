import { describe, expect, it } from "vitest";
import { decideConsent, withoutIdentity, type ConsentPolicy } from "./consent";

const yes = { analytics: true, marketing: true, saleOfData: true };
const policy: ConsentPolicy = { noConsentInfo: "send", declined: "skip" };

describe("decideConsent", () => {
  it.each([
    [yes, "marketing", policy, "full"],
    [{ ...yes, marketing: false }, "marketing", policy, "skip"],
    [{ ...yes, marketing: false }, "analytics", policy, "full"],
    [{ ...yes, marketing: false }, "marketing", { ...policy, declined: "anonymous" }, "anonymous"],
    [{ ...yes, analytics: false }, "analytics", policy, "skip"],
    [{ ...yes, saleOfData: false }, "marketing", policy, "anonymous"],
    [null, "marketing", policy, "full"],
    [null, "marketing", { ...policy, noConsentInfo: "skip" }, "skip"],
    [null, "analytics", { ...policy, noConsentInfo: "anonymous" }, "anonymous"],
  ] as const)("%j for %s under %j → %s", (consent, purpose, p, kind) => {
    expect(decideConsent(consent, purpose, p).kind).toBe(kind);
  });
  it("withoutIdentity drops user data and click ids only", () => {
    const c = withoutIdentity({
      eventId: "purchase-1", name: "purchase", occurredAt: 1, actionSource: "website", isTest: false, consent: null,
      user: { email: "a@b.co", ip: "1.2.3.4" }, clickIds: { fbclid: "x" }, orderId: "1",
    });
    expect(c).toEqual({ eventId: "purchase-1", name: "purchase", occurredAt: 1, actionSource: "website", isTest: false, consent: null, user: {}, clickIds: {}, orderId: "1" });
  });
});
