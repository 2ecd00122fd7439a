import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, pageOf } from "./cursor";

describe("keyset cursor", () => {
  it("round-trips", () => {
    const c = { at: new Date("2026-11-30T04:00:00.000Z"), id: "ckx1" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });
  it("refuses garbage instead of throwing", () => {
    for (const bad of ["", "x", Buffer.from("{}").toString("base64url"), Buffer.from('{"t":"nope","i":"a"}').toString("base64url"), undefined, null]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });
  it("pageOf: limit+1 rows means a next page that starts after the last shown row", () => {
    const rows = [1, 2, 3].map((n) => ({ id: `r${n}`, at: new Date(1000 - n) }));
    const page = pageOf(rows, 2, (r) => r);
    expect(page.rows.map((r) => r.id)).toEqual(["r1", "r2"]);
    expect(decodeCursor(page.next)).toEqual({ at: rows[1]!.at, id: "r2" });
    expect(pageOf(rows, 3, (r) => r).next).toBeNull();
  });
});
