import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandins, type Standins } from "./index";

/** The read-back stand-ins refuse what the platforms document as refused (auth, parameters). */
describe("read-back stand-ins check auth and parameters", () => {
  let s: Standins;
  beforeAll(async () => {
    s = await startStandins();
  });
  afterAll(async () => {
    await s.close();
  });

  it("Meta dataset_quality: token, dataset id and web fields are required", async () => {
    const get = async (q: Record<string, string>) => {
      const r = await fetch(`${s.urls.meta}/v24.0/dataset_quality?${new URLSearchParams(q)}`);
      return { status: r.status, body: (await r.json()) as { error?: { code: number }; web?: unknown[] } };
    };
    const good = { dataset_id: s.credentials.meta.pixelId!, access_token: s.credentials.meta.accessToken!, fields: "web{event_name,event_match_quality}" };
    expect(await get(good)).toEqual({ status: 200, body: { web: [] } });
    expect((await get({ ...good, access_token: "EAAB-wrong" })).body.error?.code).toBe(190);
    expect((await get({ ...good, dataset_id: "999" })).body.error?.code).toBe(100);
    expect((await get({ ...good, fields: "event_name" })).body.error?.code).toBe(100);
    const { access_token: _omit, ...noToken } = good;
    expect((await get(noToken)).body.error?.code).toBe(104);
    expect(s.reads("meta").map((r) => r.status)).toEqual([200, 400, 400, 400, 400]);
    expect(s.requests("meta")).toBe(0);
  });

  it("Google Ads googleAds:search: bearer token, developer token, customer and a query on the summary resource", async () => {
    const c = s.credentials["google-ads"];
    const post = async (headers: Record<string, string>, body: unknown, customer = c.customerId) =>
      (await fetch(`${s.urls["google-ads"]}/v25/customers/${customer}/googleAds:search`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })).status;
    const auth = { authorization: `Bearer ${c.accessToken}`, "developer-token": c.developerToken! };
    const query = { query: "SELECT offline_conversion_upload_conversion_action_summary.status FROM offline_conversion_upload_conversion_action_summary" };
    expect(await post(auth, query)).toBe(200);
    expect(await post({ ...auth, authorization: "Bearer nope" }, query)).toBe(401);
    expect(await post({ authorization: auth.authorization }, query)).toBe(401);
    expect(await post(auth, query, "1111111111")).toBe(403);
    expect(await post(auth, { query: "SELECT campaign.id FROM campaign" })).toBe(400);
    expect(await post(auth, { query: "SELECT campaign.id FROM offline_conversion_upload_conversion_action_summary" })).toBe(400);
    expect(await post(auth, {})).toBe(400);
  });

  it("Pinterest conversion_eqs: bearer token, own ad account, lookback_period 1d or 14d", async () => {
    const c = s.credentials.pinterest;
    const get = async (q: string, token = c.accessToken, account = c.adAccountId) =>
      (await fetch(`${s.urls.pinterest}/v5/ad_accounts/${account}/conversion_eqs?${q}`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await get("lookback_period=14d&source_platform=WEB&ingestion_source=CONVERSIONS_API")).toBe(200);
    expect(await get("lookback_period=7d")).toBe(400);
    expect(await get("")).toBe(400);
    expect(await get("lookback_period=1d&source_platform=TV")).toBe(400);
    expect(await get("lookback_period=1d", "pina_wrong")).toBe(401);
    expect(await get("lookback_period=1d", c.accessToken, "1")).toBe(403);
  });
});
