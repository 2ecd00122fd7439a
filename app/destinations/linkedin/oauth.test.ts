import { describe, expect, it } from "vitest";
import { classifyLinkedInTokenResponse, linkedinAuthorizeUrl, linkedinCodeExchangeRequest, linkedinRefreshRequest, linkedinScopesGranted } from "./oauth";

const client = { clientId: "cid", clientSecret: "secret", redirectUri: "https://app.example/oauth/linkedin/callback" };

describe("LinkedIn OAuth as data", () => {
  it("builds the consent URL LinkedIn documents", () => {
    const url = new URL(linkedinAuthorizeUrl(client, "st.ate"));
    expect(`${url.origin}${url.pathname}`).toBe("https://www.linkedin.com/oauth/v2/authorization");
    expect(Object.fromEntries(url.searchParams)).toEqual({ response_type: "code", client_id: "cid", redirect_uri: client.redirectUri, state: "st.ate", scope: "rw_conversions r_ads" });
    expect(new URL(linkedinAuthorizeUrl({ ...client, baseUrlOverride: "http://127.0.0.1:9" }, "s")).origin).toBe("http://127.0.0.1:9");
  });

  it("exchanges the code and refreshes with form-encoded client credentials", () => {
    const exchange = linkedinCodeExchangeRequest(client, "AQT");
    expect(exchange).toMatchObject({ method: "POST", url: "https://www.linkedin.com/oauth/v2/accessToken", encoding: "form" });
    expect(exchange.body).toEqual({ grant_type: "authorization_code", code: "AQT", redirect_uri: client.redirectUri, client_id: "cid", client_secret: "secret" });
    expect(linkedinRefreshRequest(client, "AQX").body).toEqual({ grant_type: "refresh_token", refresh_token: "AQX", client_id: "cid", client_secret: "secret" });
  });

  it("classifies the token endpoint's answers", () => {
    const now = 1_000_000;
    expect(
      classifyLinkedInTokenResponse({ status: 200, headers: {}, body: { access_token: "AQV", expires_in: 5184000, refresh_token: "AQX", refresh_token_expires_in: 31536000, scope: "r_ads,rw_conversions" } }, now),
    ).toEqual({ kind: "token", accessToken: "AQV", expiresAt: now + 5184000 * 1000, refreshToken: "AQX", scope: "r_ads,rw_conversions" });
    expect(classifyLinkedInTokenResponse({ status: 400, headers: {}, body: { error: "invalid_grant", error_description: "expired" } }, now)).toEqual({ kind: "revoked", reason: "invalid_grant: expired" });
    expect(classifyLinkedInTokenResponse({ status: 401, headers: {}, body: { error: "invalid_client" } }, now).kind).toBe("revoked");
    expect(classifyLinkedInTokenResponse({ status: 503, headers: {}, body: "" }, now)).toEqual({ kind: "retry", reason: "token endpoint: HTTP 503" });
    expect(classifyLinkedInTokenResponse({ status: 200, headers: {}, body: {} }, now).kind).toBe("retry");
  });

  it("reads granted scopes comma- or space-separated", () => {
    expect(linkedinScopesGranted("r_ads,rw_conversions")).toBe(true);
    expect(linkedinScopesGranted("rw_conversions r_ads")).toBe(true);
    expect(linkedinScopesGranted("r_ads")).toBe(false);
    expect(linkedinScopesGranted(undefined)).toBe(true);
  });
});
