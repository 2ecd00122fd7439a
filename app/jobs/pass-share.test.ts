import { describe, expect, it } from "vitest";
import { yieldsToIngest } from "./pass-share";

describe("yieldsToIngest: pixel passes take at most their share of the loop while requests arrive", () => {
  it("never yields when no request arrived recently: passes run back to back", () => {
    expect(yieldsToIngest({ sinceIngestMs: 250, sinceLastPassMs: 0, lastPassMs: 4, share: 1 / 3 })).toBe(false);
    expect(yieldsToIngest({ sinceIngestMs: 10_000, sinceLastPassMs: 0, lastPassMs: 4, share: 1 / 3 })).toBe(false);
  });

  it("under ingest, waits twice the last pass's length at a third of the loop, then runs one", () => {
    const at = (sinceLastPassMs: number) => yieldsToIngest({ sinceIngestMs: 5, sinceLastPassMs, lastPassMs: 4, share: 1 / 3 });
    expect(at(0)).toBe(true);
    expect(at(7.9)).toBe(true);
    expect(at(8.01)).toBe(false);
    expect(at(50)).toBe(false);
  });

  it("a half share waits one pass length; a share of 1 never waits", () => {
    expect(yieldsToIngest({ sinceIngestMs: 0, sinceLastPassMs: 3.9, lastPassMs: 4, share: 0.5 })).toBe(true);
    expect(yieldsToIngest({ sinceIngestMs: 0, sinceLastPassMs: 4, lastPassMs: 4, share: 0.5 })).toBe(false);
    expect(yieldsToIngest({ sinceIngestMs: 0, sinceLastPassMs: 0, lastPassMs: 4, share: 1 })).toBe(false);
  });

  it("the first pass is never held back (no pass has run yet)", () => {
    expect(yieldsToIngest({ sinceIngestMs: 0, sinceLastPassMs: 1e9, lastPassMs: 0, share: 1 / 3 })).toBe(false);
  });
});
