import { describe, expect, it } from "vitest";
import { nextProgress } from "./admin-jobs.server";

describe("admin job progress", () => {
  it("adds what a chunk handled", () => {
    expect(nextProgress({ done: 200, total: 1000 }, { handled: 200, cursor: "x", finished: false })).toEqual({ done: 400, total: 1000, status: "running" });
  });
  it("a finished job reads 100%: total becomes what was done", () => {
    expect(nextProgress({ done: 400, total: 1000 }, { handled: 0, cursor: "x", finished: true })).toEqual({ done: 400, total: 400, status: "done" });
    expect(nextProgress({ done: 0, total: 3 }, { handled: 3, cursor: "x", finished: true })).toEqual({ done: 3, total: 3, status: "done" });
  });
  it("never shows more done than total while running", () => {
    expect(nextProgress({ done: 900, total: 1000 }, { handled: 200, cursor: "x", finished: false })).toEqual({ done: 1100, total: 1100, status: "running" });
  });
});
