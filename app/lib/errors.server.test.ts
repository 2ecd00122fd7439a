import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.server";
import { describeError, reportError } from "./errors.server";

describe("the error path's log line", () => {
  it("keeps the name, code, first message line and frames; drops parameters on later lines and scrubs the rest", () => {
    const e = Object.assign(new Error("Raw query failed for jane@example.org from 81.2.69.160\nParams: [\"other-shop\",\"https://x/?e=bob@example.org\"]"), { code: "P2010" });
    const d = describeError(e);
    const text = JSON.stringify(d);
    expect(d).toMatchObject({ name: "Error", code: "P2010" });
    expect(text).not.toContain("jane@example.org");
    expect(text).not.toContain("81.2.69.160");
    expect(text).not.toContain("other-shop");
    expect(text).not.toContain("bob@example.org");
    expect((d.frames as string[]).length).toBeGreaterThan(0);
  });

  it("writes one error line carrying the request id", () => {
    const lines: string[] = [];
    reportError(new Error("boom"), { requestId: "rid-1", method: "POST", path: "/proxy/events" }, createLogger({ write: (l) => lines.push(l) }));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", requestId: "rid-1", path: "/proxy/events", error: { message: "boom" } });
  });
});
