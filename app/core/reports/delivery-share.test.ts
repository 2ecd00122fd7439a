import { describe, expect, it } from "vitest";
import { coverageOf, deliveryShares, identifiersOf } from "./delivery-share";

const dest = (id: string, over: Partial<{ enabled: boolean; createdAt: number }> = {}) => ({ id, label: id, kind: "meta", enabled: true, createdAt: 0, ...over });

describe("delivered share per destination", () => {
  const orders = [
    { orderId: "1", receivedAt: 100, channel: "paid_social" },
    { orderId: "2", receivedAt: 200, channel: "paid_social" },
    { orderId: "3", receivedAt: 300, channel: null },
    { orderId: "4", receivedAt: 400, channel: "email" },
  ];

  it("counts delivered and deliberately skipped as handled; failed, in flight and missing rows against it", () => {
    const [d] = deliveryShares({
      destinations: [dest("a")],
      orders,
      rows: [
        { destinationId: "a", orderId: "1", status: "delivered" },
        { destinationId: "a", orderId: "2", status: "skipped" },
        { destinationId: "a", orderId: "3", status: "failed" },
        // order 4 has no row: missing
        { destinationId: "other", orderId: "4", status: "delivered" },
      ],
      thresholdPercent: 95,
    });
    expect(d).toMatchObject({ expected: 4, delivered: 1, skipped: 1, failed: 1, missing: 1, inFlight: 0, share: 0.5, belowThreshold: true });
    expect(d!.byChannel).toEqual([
      { channel: "paid_social", expected: 2, delivered: 1, skipped: 1, inFlight: 0, failed: 0, missing: 0, share: 1 },
      { channel: "email", expected: 1, delivered: 0, skipped: 0, inFlight: 0, failed: 0, missing: 1, share: 0 },
      { channel: "unattributed", expected: 1, delivered: 0, skipped: 0, inFlight: 0, failed: 1, missing: 0, share: 0 },
    ]);
  });

  it("orders before the destination was connected, or while it is disabled, are not expected unless they have a row", () => {
    const [late, off] = deliveryShares({
      destinations: [dest("late", { createdAt: 250 }), dest("off", { enabled: false })],
      orders,
      rows: [
        { destinationId: "late", orderId: "3", status: "delivered" },
        { destinationId: "late", orderId: "4", status: "retrying" },
        { destinationId: "off", orderId: "1", status: "delivered" },
      ],
      thresholdPercent: 50,
    });
    expect(late).toMatchObject({ expected: 2, delivered: 1, inFlight: 1, share: 0.5, belowThreshold: false });
    expect(off).toMatchObject({ expected: 1, delivered: 1, share: 1 });
  });

  it("nothing expected → share null and never below threshold", () => {
    const [d] = deliveryShares({ destinations: [dest("a")], orders: [], rows: [], thresholdPercent: 100 });
    expect(d).toMatchObject({ expected: 0, share: null, belowThreshold: false, byChannel: [] });
  });
});

describe("identifier coverage", () => {
  it("reads presence only", () => {
    const a = identifiersOf({ user: { email: "x@y.z" }, clickIds: { fbp: "fb.1.1.1" } });
    const b = identifiersOf({ user: { phone: "+1555" }, clickIds: { gclid: "abc" } });
    const c = identifiersOf({ user: { email: "" }, clickIds: {} });
    expect(a).toEqual({ emailHash: true, phoneHash: false, clickId: false, platformCookie: true });
    expect(b).toEqual({ emailHash: false, phoneHash: true, clickId: true, platformCookie: false });
    expect(coverageOf([a, b, c])).toEqual({ total: 3, present: { emailHash: 1, phoneHash: 1, clickId: 1, platformCookie: 1 } });
    expect(identifiersOf(null)).toEqual({ emailHash: false, phoneHash: false, clickId: false, platformCookie: false });
  });
});
