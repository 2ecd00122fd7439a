import { describe, expect, it } from "vitest";
import { GoogleAdsConfigSchema } from "./config";
import { googleAdsDiagnostics, uploadSummaryQuery } from "./diagnostics";

const config = GoogleAdsConfigSchema.parse({ customerId: "123-456-7890", conversionActionId: "987654321", loginCustomerId: "1112223334", developerToken: "dev-token", accessToken: "ya29.unit" });
const res = (status: number, body: unknown) => ({ status, headers: {}, body });

describe("Google Ads offline conversion upload summary read-back", () => {
  it("describes GoogleAdsService.Search with the upload's auth headers and a GAQL query on our action", () => {
    const built = googleAdsDiagnostics.describeRequest(config, { now: 0 });
    if (built.kind !== "request") throw new Error("expected a request");
    expect(built.request.method).toBe("POST");
    expect(built.request.url).toBe("https://googleads.googleapis.com/v25/customers/1234567890/googleAds:search");
    expect(built.request.headers).toMatchObject({ authorization: "Bearer ya29.unit", "developer-token": "dev-token", "login-customer-id": "1112223334" });
    expect(built.request.body).toEqual({ query: uploadSummaryQuery(config) });
    expect(uploadSummaryQuery(config)).toMatch(
      /^SELECT offline_conversion_upload_conversion_action_summary\.conversion_action_id, .* FROM offline_conversion_upload_conversion_action_summary WHERE offline_conversion_upload_conversion_action_summary\.conversion_action_id = 987654321$/,
    );
  });

  it("sums the daily summaries of the API client's row (int64 as strings) and reads the alerts", () => {
    const row = (client: string, extra: Record<string, unknown>) => ({ offlineConversionUploadConversionActionSummary: { client, conversionActionId: "987654321", conversionActionName: "Purchases", status: "NEEDS_ATTENTION", ...extra } });
    const parsed = googleAdsDiagnostics.parseResponse(
      res(200, {
        results: [
          row("GOOGLE_ADS_WEB_CLIENT", { totalEventCount: "99" }),
          row("GOOGLE_ADS_API", {
            dailySummaries: [
              { successfulCount: "5", failedCount: "1", pendingCount: "0", uploadDate: "2026-12-05" },
              { successfulCount: "3", failedCount: "0", pendingCount: "2", uploadDate: "2026-12-06" },
            ],
            alerts: [{ error: { conversionUploadError: "EXPIRED_EVENT" }, errorPercentage: 0.1 }],
          }),
        ],
      }),
      config,
    );
    if (parsed.kind !== "verdict") throw new Error("expected a verdict");
    expect(parsed.verdict).toMatchObject({ overallStatus: "NEEDS_ATTENTION", windowDays: 2 });
    expect(parsed.verdict.events).toEqual([
      {
        platformEvent: "Purchases",
        canonical: "purchase",
        score: null,
        status: "NEEDS_ATTENTION",
        coveragePct: null,
        matchKeys: [],
        issues: [{ title: "EXPIRED_EVENT", detail: "conversionUploadError: expired event", affectedPct: 10 }],
        counts: { received: 11, succeeded: 8, failed: 1, pending: 2 },
      },
    ]);
  });

  it("no rows means no recent upload; 401 means reconnect", () => {
    expect(googleAdsDiagnostics.parseResponse(res(200, { results: [] }), config)).toMatchObject({ kind: "verdict", verdict: { overallStatus: "NO_RECENT_UPLOAD", events: [] } });
    expect(googleAdsDiagnostics.parseResponse(res(401, { error: { status: "UNAUTHENTICATED" } }), config)).toEqual({ kind: "error", reason: expect.stringMatching(/Reconnect Google Ads/) });
  });
});
