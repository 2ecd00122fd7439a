import { describe, expect, it } from "vitest";
import {
  classifyRevokeResponse,
  revokeRequest,
  accessTokenUsable,
  authorizeUrl,
  classifyTokenResponse,
  codeExchangeRequest,
  conversionActionsRequest,
  readConversionActions,
  refreshRequest,
} from "./oauth";

const client = { clientId: "id.apps.googleusercontent.com", clientSecret: "GOCSPX-s", redirectUri: "https://app.example/oauth/google-ads/callback" };
const now = 1_800_000_000_000;
const res = (status: number, body: unknown) => ({ status, headers: {}, body });

describe("Google OAuth as data", () => {
  it("asks for offline access to the adwords scope, with consent, carrying the state", () => {
    const url = new URL(authorizeUrl(client, "st.ate"));
    expect(`${url.origin}${url.pathname}`).toBe("https://accounts.google.com/o/oauth2/v2/auth");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      response_type: "code",
      scope: "https://www.googleapis.com/auth/adwords",
      access_type: "offline",
      prompt: "consent",
      include_granted_scopes: "true",
      state: "st.ate",
    });
  });

  it("posts form-encoded grants to the token endpoint (or its stand-in)", () => {
    expect(codeExchangeRequest(client, "4/0abc")).toEqual({
      method: "POST",
      url: "https://oauth2.googleapis.com/token",
      headers: { accept: "application/json" },
      encoding: "form",
      body: { client_id: client.clientId, client_secret: "GOCSPX-s", grant_type: "authorization_code", code: "4/0abc", redirect_uri: client.redirectUri },
    });
    const r = refreshRequest({ ...client, baseUrlOverride: "http://127.0.0.1:9" }, "1//r");
    expect(r.url).toBe("http://127.0.0.1:9/token");
    expect(r.body).toEqual({ client_id: client.clientId, client_secret: "GOCSPX-s", grant_type: "refresh_token", refresh_token: "1//r" });
  });

  it("classifies token answers: token, revoked grant, try later", () => {
    expect(classifyTokenResponse(res(200, { access_token: "ya29.x", expires_in: 3599, token_type: "Bearer" }), now)).toEqual({
      kind: "token",
      accessToken: "ya29.x",
      expiresAt: now + 3_599_000,
      refreshToken: undefined,
      scope: undefined,
    });
    expect(classifyTokenResponse(res(400, { error: "invalid_grant", error_description: "Token has been expired or revoked." }), now)).toEqual({
      kind: "revoked",
      reason: "invalid_grant: Token has been expired or revoked.",
    });
    expect(classifyTokenResponse(res(401, { error: "invalid_client" }), now).kind).toBe("revoked");
    expect(classifyTokenResponse(res(503, "<html>"), now).kind).toBe("retry");
    expect(classifyTokenResponse(res(200, { token_type: "Bearer" }), now).kind).toBe("retry");
  });

  it("refreshes five minutes before the stated expiry", () => {
    expect(accessTokenUsable(now + 6 * 60_000, now)).toBe(true);
    expect(accessTokenUsable(now + 4 * 60_000, now)).toBe(false);
    expect(accessTokenUsable(null, now)).toBe(false);
  });

  it("lists conversion actions with googleAds:search and the documented headers", () => {
    const req = conversionActionsRequest("1234567890", { accessToken: "ya29.x", loginCustomerId: "9998887776" });
    expect(req.url).toBe("https://googleads.googleapis.com/v25/customers/1234567890/googleAds:search");
    expect(req.headers).toEqual({ authorization: "Bearer ya29.x", "content-type": "application/json", "login-customer-id": "9998887776" });
    expect(String((req.body as { query: string }).query)).toMatch(/FROM conversion_action WHERE .*UPLOAD_CLICKS/);
    const read = readConversionActions(
      res(200, { results: [{ conversionAction: { resourceName: "customers/1/conversionActions/7", id: "7", name: "Purchase", type: "UPLOAD_CLICKS", status: "ENABLED" } }] }),
    );
    expect(read).toEqual({ kind: "actions", actions: [{ id: "7", name: "Purchase", resourceName: "customers/1/conversionActions/7" }] });
    expect(readConversionActions(res(401, {})).kind).toBe("unauthenticated");
    expect(readConversionActions(res(403, { error: { status: "PERMISSION_DENIED", message: "no" } }))).toEqual({ kind: "error", reason: "HTTP 403 PERMISSION_DENIED: no" });
  });
});

describe("Google token revocation as data", () => {
  it("POSTs the refresh token, form-encoded, to Google's revoke endpoint (no client credentials)", () => {
    const req = revokeRequest({}, "1//0refresh");
    expect(req).toMatchObject({ method: "POST", url: "https://oauth2.googleapis.com/revoke", encoding: "form", body: { token: "1//0refresh" } });
    expect(Object.keys(req.body as object)).toEqual(["token"]);
    expect(revokeRequest({ baseUrlOverride: "http://127.0.0.1:9" }, "t").url).toBe("http://127.0.0.1:9/revoke");
  });
  it("200 and 400 invalid_token (already revoked) are done; anything else is a failure", () => {
    const snap = (status: number, body: unknown) => ({ status, headers: {}, body });
    expect(classifyRevokeResponse(snap(200, {}))).toEqual({ kind: "revoked" });
    expect(classifyRevokeResponse(snap(400, { error: "invalid_token", error_description: "Token expired or revoked" }))).toEqual({ kind: "revoked" });
    expect(classifyRevokeResponse(snap(503, { error: "temporarily_unavailable" }))).toEqual({ kind: "failed", reason: "HTTP 503 temporarily_unavailable" });
    expect(classifyRevokeResponse(snap(400, { error: "invalid_request" })).kind).toBe("failed");
  });
});
