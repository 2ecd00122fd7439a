import { describe, expect, it } from "vitest";
import { metaDiagnostics } from "./diagnostics";

const config = { pixelId: "123456789012345", accessToken: "EAAB-token-for-unit-test-000", contentIdSource: "variant" as const };
const res = (status: number, body: unknown) => ({ status, headers: {}, body });

describe("Meta dataset quality read-back", () => {
  it("describes GET /dataset_quality with dataset_id, web fields and the token, on the stand-in's origin when given", () => {
    const built = metaDiagnostics.describeRequest(config, { now: 0, baseUrlOverride: "http://127.0.0.1:9" });
    expect(built.kind).toBe("request");
    if (built.kind !== "request") return;
    const url = new URL(built.request.url);
    expect([built.request.method, url.origin, url.pathname]).toEqual(["GET", "http://127.0.0.1:9", "/v24.0/dataset_quality"]);
    expect(url.searchParams.get("dataset_id")).toBe(config.pixelId);
    expect(url.searchParams.get("access_token")).toBe(config.accessToken);
    expect(url.searchParams.get("fields")).toMatch(/^web\{event_name,event_match_quality\{composite_score,match_key_feedback/);
    expect(built.request.body).toBeUndefined();
  });

  it("parses the documented answer: score, match keys mapped to our fields, diagnostics, coverage", () => {
    const parsed = metaDiagnostics.parseResponse(
      res(200, {
        web: [
          {
            event_name: "Purchase",
            event_match_quality: {
              composite_score: 6.2,
              match_key_feedback: [
                { identifier: "email", coverage: { percentage: 100 } },
                { identifier: "ip_address", coverage: { percentage: 99.9 } },
                { identifier: "first_name", coverage: { percentage: 12 } },
              ],
              diagnostics: [{ name: "Server sending mismatched IP addresses", description: "d", solution: "s", affected_event_count: 19567, total_event_count: 31830 }],
            },
            event_coverage: { percentage: 34.1, goal_percentage: 75 },
          },
          { event_name: "pLTVPurchase", event_match_quality: { composite_score: 7.2 } },
          { no_name: true },
        ],
      }),
      config,
    );
    expect(parsed.kind).toBe("verdict");
    if (parsed.kind !== "verdict") return;
    expect(parsed.verdict.events).toHaveLength(2);
    expect(parsed.verdict.events[0]).toEqual({
      platformEvent: "Purchase",
      canonical: "purchase",
      score: 6.2,
      status: null,
      coveragePct: 34.1,
      matchKeys: [
        { key: "email", field: "emailHash", coveragePct: 100 },
        { key: "ip_address", field: "ip", coveragePct: 99.9 },
        { key: "first_name", field: null, coveragePct: 12 },
      ],
      issues: [{ title: "Server sending mismatched IP addresses", detail: "d s", affectedPct: 61.5 }],
      counts: null,
    });
    expect(parsed.verdict.events[1]!.canonical).toBeNull();
  });

  it("turns Graph errors into the merchant's next step", () => {
    const err = (code: number) => metaDiagnostics.parseResponse(res(400, { error: { message: "m", code } }), config);
    expect(err(190)).toEqual({ kind: "error", reason: expect.stringMatching(/refused the access token/) });
    expect(err(200)).toEqual({ kind: "error", reason: expect.stringMatching(/Manage pixel/) });
    expect(err(100)).toEqual({ kind: "error", reason: "Meta does not know this pixel for this token: m." });
    expect(metaDiagnostics.parseResponse(res(200, { data: [] }), config).kind).toBe("error");
  });
});
