import { describe, expect, it } from "vitest";
import { pinterestDiagnostics } from "./diagnostics";

const config = { adAccountId: "549755885175", accessToken: "pina_unit", contentIdSource: "variant" as const };
const res = (status: number, body: unknown) => ({ status, headers: {}, body });

describe("Pinterest Event Quality Score read-back", () => {
  it("describes GET conversion_eqs with the lookback and filters, bearer token", () => {
    const built = pinterestDiagnostics.describeRequest(config, { now: 0 });
    if (built.kind !== "request") throw new Error("expected a request");
    expect(built.request).toEqual({
      method: "GET",
      url: "https://api.pinterest.com/v5/ad_accounts/549755885175/conversion_eqs?lookback_period=14d&source_platform=WEB&ingestion_source=CONVERSIONS_API",
      headers: { authorization: "Bearer pina_unit" },
    });
  });

  it("turns components × event types into events with coverage per identifier", () => {
    const parsed = pinterestDiagnostics.parseResponse(
      res(200, [
        { source_platform: "MOBILE", ingestion_source: "CONVERSIONS_API", overall_status: "FAIR", quality_components: {} },
        {
          source_platform: "WEB",
          ingestion_source: "CONVERSIONS_API",
          lookback_period: "14d",
          overall_status: "NEEDS_IMPROVEMENT",
          quality_components: {
            hashed_email: { checkout: { coverage: 40, issues: [{ message: "Low coverage" }] }, add_to_cart: { coverage: 10 } },
            external_event_id: { checkout: { coverage: 100, overlap: 80 } },
          },
        },
      ]),
      config,
    );
    if (parsed.kind !== "verdict") throw new Error("expected a verdict");
    expect(parsed.verdict.overallStatus).toBe("NEEDS_IMPROVEMENT");
    const checkout = parsed.verdict.events.find((e) => e.platformEvent === "checkout")!;
    expect(checkout.canonical).toBe("purchase");
    expect(checkout.matchKeys).toEqual([
      { key: "hashed_email", field: "emailHash", coveragePct: 40 },
      { key: "external_event_id", field: null, coveragePct: 100 },
    ]);
    expect(checkout.issues).toEqual([{ title: "hashed_email: Low coverage", detail: null, affectedPct: null }]);
    expect(parsed.verdict.events.find((e) => e.platformEvent === "add_to_cart")!.canonical).toBe("add_to_cart");
  });

  it("a token without ads:read is named as the cause", () => {
    expect(pinterestDiagnostics.parseResponse(res(401, { code: 2, message: "Authentication failed." }), config)).toEqual({ kind: "error", reason: expect.stringMatching(/ads:read/) });
  });
});
