import { describe, expect, it } from "vitest";
import { findPersonalData } from "./log-privacy";

const line = (o: object) => JSON.stringify({ t: "2026-11-30T04:05:06.789Z", level: "info", ...o });

describe("findPersonalData", () => {
  it.each([
    ["email", line({ msg: "order", email: "jane.doe@example.com" })],
    ["phone", line({ msg: "x", phone: "+14155550199" })],
    ["phone", line({ msg: "x", phone: "+1 415-555-0199" })],
    ["phone", line({ msg: "x", phone: "(415) 555-0199" })],
    ["ipv4", line({ msg: "x", ip: "203.0.113.7" })],
    ["shopify token", line({ msg: "x", token: "shpat_test_offline_token_0001" })],
    ["bearer token", line({ msg: "x", auth: "Bearer EAAGm0PX4ZCpsBAKZC3x1z" })],
  ])("finds %s", (kind, text) => {
    expect(findPersonalData(text).map((l) => l.kind)).toContain(kind);
  });

  it("passes what the logs legitimately hold", () => {
    const ok = [
      line({ msg: "trueline listening", port: 41234, db: "sqlite" }),
      line({ msg: "webhook stored", shop: "trueline-test.myshopify.com", topic: "orders/create", orderId: "5975031431338", ms: 12.5 }),
      line({ msg: "delivered", destination: "meta", eventId: "tl_ord_5975031431338_purchase", url: "http://127.0.0.1:43123/v21.0/1234/events" }),
      line({ msg: "hash", em: "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f" }),
    ].join("\n");
    expect(findPersonalData(ok)).toEqual([]);
  });

  it("reports where, never the value", () => {
    const leaks = findPersonalData(`ok\n${line({ email: "a.b@example.org" })}`, "app.log");
    expect(leaks).toEqual([{ kind: "email", at: "app.log:2" }]);
    expect(JSON.stringify(leaks)).not.toContain("a.b@example.org");
  });
});
