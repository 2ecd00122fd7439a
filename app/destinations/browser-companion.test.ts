import { describe, expect, test } from "vitest";
import { companionScript, planCompanion, type CompanionDestination } from "./browser-companion";

const on = { page_view: true, view_content: true, add_to_cart: true, initiate_checkout: true, add_payment_info: true, purchase: true };
const dest = (over: Partial<CompanionDestination>): CompanionDestination => ({ kind: "meta", label: "Meta", enabled: true, publicConfig: {}, events: on, ...over });

describe("planCompanion", () => {
  test("one tag per enabled platform with a tag id, with each platform's browser event names", () => {
    const plan = planCompanion([
      dest({ kind: "meta", publicConfig: { pixelId: "123456789012345" } }),
      dest({ kind: "tiktok", label: "TikTok", publicConfig: { pixelCode: "C4ABCDEFGH12", purchaseEventName: "CompletePayment" } }),
      dest({ kind: "ga4", label: "GA4", publicConfig: { measurementId: "G-ABC123XYZ" } }),
      dest({ kind: "pinterest", label: "Pinterest", publicConfig: { adAccountId: "549755885175", tagId: "2612345678901" } }),
      dest({ kind: "snapchat", label: "Snapchat", publicConfig: { pixelId: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d" } }),
      dest({ kind: "google-ads", label: "Google Ads" }),
    ]);
    expect(plan.tags.map((t) => [t.kind, t.tagId])).toEqual([
      ["meta", "123456789012345"],
      ["tiktok", "C4ABCDEFGH12"],
      ["ga4", "G-ABC123XYZ"],
      ["pinterest", "2612345678901"],
      ["snapchat", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"],
    ]);
    const by = Object.fromEntries(plan.tags.map((t) => [t.kind, t.events]));
    expect(by.meta).toMatchObject({ page_view: "PageView", purchase: "Purchase", add_to_cart: "AddToCart" });
    expect(by.tiktok).toMatchObject({ page_view: "Pageview", purchase: "CompletePayment" });
    expect(by.ga4).toMatchObject({ page_view: "page_view", view_content: "view_item", purchase: "purchase" });
    // The Pinterest tag's own spellings; add_payment_info has no tag event.
    expect(by.pinterest).toEqual({ page_view: "pagevisit", view_content: "pagevisit", add_to_cart: "addtocart", initiate_checkout: "custom", purchase: "checkout" });
    expect(by.snapchat).toMatchObject({ page_view: "PAGE_VIEW", add_to_cart: "ADD_CART", purchase: "PURCHASE" });
    expect(plan.skipped).toEqual([{ kind: "google-ads", label: "Google Ads", reason: expect.stringContaining("server only") }]);
  });

  test("switched-off events are not fired; paused, id-less and event-less destinations are skipped with a reason", () => {
    const plan = planCompanion([
      dest({ publicConfig: { pixelId: "123456789012345" }, events: { page_view: false, purchase: true } }),
      dest({ kind: "tiktok", label: "TikTok", enabled: false, publicConfig: { pixelCode: "C4ABCDEFGH12" } }),
      dest({ kind: "pinterest", label: "Pinterest", publicConfig: { adAccountId: "1" } }),
      dest({ kind: "ga4", label: "GA4", publicConfig: { measurementId: "G-ABC123XYZ" }, events: {} }),
      dest({ kind: "snapchat", label: "Snap", publicConfig: { pixelId: "x\"); alert(1); //" } }),
    ]);
    expect(plan.tags).toEqual([{ kind: "meta", tagId: "123456789012345", events: { purchase: "Purchase" } }]);
    expect(plan.skipped.map((s) => [s.kind, s.reason])).toEqual([
      ["tiktok", "paused or switched off"],
      ["pinterest", expect.stringContaining("no tag id")],
      ["ga4", expect.stringContaining("none of its")],
      ["snapchat", "no pixel id"],
    ]);
  });
});

describe("companionScript", () => {
  test("is valid JavaScript, deterministic, and carries only public ids", () => {
    const plan = planCompanion([dest({ publicConfig: { pixelId: "123456789012345", accessToken: "EAAB-secret" } })]);
    const a = companionScript("shop-one.myshopify.com", plan);
    expect(a).toBe(companionScript("shop-one.myshopify.com", plan));
    expect(() => new Function("analytics", "customerPrivacy", "init", a)).not.toThrow();
    expect(a).toContain('"tagId":"123456789012345"');
    expect(a).not.toContain("EAAB-secret");
    expect(a).toContain("Settings → Customer events → Add custom pixel");
  });
});
