import { describe, expect, it } from "vitest";
import { GroupCommit } from "./group-commit.server";

describe("GroupCommit", () => {
  it("groups callers that arrive while a flush runs into one flush", async () => {
    const flushes: number[][] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      flushes.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return items.map((i) => i * 2);
    });
    const results = await Promise.all([1, 2, 3, 4].map((i) => gc.submit(i)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(flushes.flat().sort()).toEqual([1, 2, 3, 4]);
    expect(flushes.length).toBeLessThan(4);
  });

  it("callers of the same turn share one flush even when the flush answers at once (a synchronous driver)", async () => {
    const flushes: number[][] = [];
    const gc = new GroupCommit<number, number>((items) => {
      flushes.push(items);
      return Promise.resolve(items.map((i) => i + 1));
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => gc.submit(i)));
    expect(results).toEqual([2, 3, 4, 5, 6]);
    expect(flushes).toEqual([[1, 2, 3, 4, 5]]);
  });

  it("a failing flush fails only the guilty caller: the others are retried alone and succeed", async () => {
    const calls: number[][] = [];
    const gc = new GroupCommit<number, string>(async (items) => {
      calls.push(items);
      await Promise.resolve();
      if (items.includes(13)) throw Object.assign(new Error("bad value"), { code: "22021" });
      return items.map((i) => `ok ${i}`);
    });
    const outcomes = await Promise.allSettled([1, 13, 2, 3].map((i) => gc.submit(i)));
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : "rejected"))).toEqual(["ok 1", "rejected", "ok 2", "ok 3"]);
    // The failing group included 13 and others; 13 alone was tried and failed alone.
    expect(calls.some((c) => c.length > 1 && c.includes(13))).toBe(true);
    expect(calls).toContainEqual([13]);
  });
});
