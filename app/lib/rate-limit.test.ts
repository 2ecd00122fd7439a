import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows the burst then asks to wait, and refills with time", () => {
    const rl = new RateLimiter(60, 3); // 1 per second, burst 3
    expect([rl.take("v", 0), rl.take("v", 0), rl.take("v", 0)]).toEqual([0, 0, 0]);
    expect(rl.take("v", 0)).toBe(1000);
    expect(rl.take("other", 0)).toBe(0);
    expect(rl.take("v", 1000)).toBe(0);
  });
});
