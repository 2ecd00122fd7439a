import { describe, expect, it } from "vitest";
import { createLogger, scrub } from "./logger.server";

describe("logger privacy", () => {
  it("redacts personal keys and scrubs personal-looking strings", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", write: (l) => lines.push(l) });
    logger.info("order from jane.doe@example.com at 203.0.113.24", {
      email: "jane.doe@example.com",
      phone: "+1 555 555 0123",
      accessToken: "shpat_abcdef123456",
      note: "call +44 7700 900123 or Bearer abcdefghijklmnop",
      orderId: "5975031431338",
      nested: { billing_address: { zip: "12345" } },
    });
    const text = lines.join("\n");
    for (const raw of ["jane.doe@example.com", "555 555 0123", "shpat_abcdef123456", "7700 900123", "abcdefghijklmnop", "203.0.113.24", "12345"]) {
      expect(text).not.toContain(raw);
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "info", orderId: "5975031431338", email: "[redacted]" });
  });
  it("keeps UUIDs whole, even when their middle groups are all digits, and still scrubs what is beside them", () => {
    // A request id CI met: its middle groups read as a phone number and were cut.
    const id = "51d20084-4316-8412-9012-23b07c529205";
    expect(scrub({ requestId: id })).toEqual({ requestId: id });
    expect(scrub(`request ${id} from 555-123-4567 or +1 415 555 0100, ${id.toUpperCase()}`)).toBe(`request ${id} from [phone] or [phone], ${id.toUpperCase()}`);
    expect(scrub("a@b.co 4316-8412-9012")).toBe("[email] [phone]");
  });

  it("leaves ordinary values alone", () => {
    expect(scrub({ count: 3, status: "delivered", ok: true })).toEqual({ count: 3, status: "delivered", ok: true });
  });
});
