import { z } from "zod";
import type { HttpRequestSpec, HttpResponseSnapshot } from "../destination";
import { withBaseUrl } from "../shared/url";
import { GOOGLE_ADS_API_VERSION, GOOGLE_ADS_ORIGIN } from "./config";

/**
 * Google's OAuth 2.0 for web server applications, described as data (pure: the service
 * layer does the I/O and the storage; ADR 0030).
 * Docs: https://developers.google.com/identity/protocols/oauth2/web-server
 *       https://developers.google.com/google-ads/api/docs/oauth/overview
 *       https://developers.google.com/google-ads/api/rest/auth
 */

export const GOOGLE_AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth";
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
/**
 * Revoking a token (https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke):
 * POST with the access or refresh token as the form field `token`; revoking a refresh token
 * ends the whole grant (its access tokens too). 200 = revoked; 400 `invalid_token` = already
 * revoked or expired.
 */
export const GOOGLE_REVOKE_URL = "https://oauth2.googleapis.com/revoke";
/** The one scope the Google Ads API needs. */
export const GOOGLE_ADS_SCOPE = "https://www.googleapis.com/auth/adwords";
/** Refresh this long before the access token's stated expiry (clock skew, a slow request). */
export const ACCESS_TOKEN_MARGIN_MS = 5 * 60 * 1000;

export interface GoogleOAuthClient {
  clientId: string;
  clientSecret: string;
  /** {SHOPIFY_APP_URL}/oauth/google-ads/callback: must be listed on the OAuth client. */
  redirectUri: string;
  /** Test-only stand-in origin for accounts.google.com and oauth2.googleapis.com. */
  baseUrlOverride?: string;
}

/**
 * The consent-screen URL. access_type=offline asks for a refresh token; prompt=consent makes
 * Google return one even when the user granted the app before (it is only sent on consent).
 */
export function authorizeUrl(client: GoogleOAuthClient, state: string): string {
  const url = new URL(withBaseUrl(GOOGLE_AUTHORIZE_URL, client.baseUrlOverride));
  url.searchParams.set("client_id", client.clientId);
  url.searchParams.set("redirect_uri", client.redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", GOOGLE_ADS_SCOPE);
  url.searchParams.set("access_type", "offline");
  url.searchParams.set("prompt", "consent");
  url.searchParams.set("include_granted_scopes", "true");
  url.searchParams.set("state", state);
  return url.toString();
}

function tokenRequest(client: GoogleOAuthClient, fields: Record<string, string>): HttpRequestSpec {
  return {
    method: "POST",
    url: withBaseUrl(GOOGLE_TOKEN_URL, client.baseUrlOverride),
    headers: { accept: "application/json" },
    encoding: "form",
    body: { client_id: client.clientId, client_secret: client.clientSecret, ...fields },
  };
}

/** Exchange the authorisation code (once, within minutes of the redirect). */
export function codeExchangeRequest(client: GoogleOAuthClient, code: string): HttpRequestSpec {
  return tokenRequest(client, { grant_type: "authorization_code", code, redirect_uri: client.redirectUri });
}

/** A new access token from the stored refresh token. */
export function refreshRequest(client: GoogleOAuthClient, refreshToken: string): HttpRequestSpec {
  return tokenRequest(client, { grant_type: "refresh_token", refresh_token: refreshToken });
}

/** Revoke the grant at Google (on "Disconnect"): the refresh token, form-encoded, no client credentials. */
export function revokeRequest(client: Pick<GoogleOAuthClient, "baseUrlOverride">, refreshToken: string): HttpRequestSpec {
  return {
    method: "POST",
    url: withBaseUrl(GOOGLE_REVOKE_URL, client.baseUrlOverride),
    headers: { accept: "application/json" },
    encoding: "form",
    body: { token: refreshToken },
  };
}

/** Google's answer to a revocation: 200 revoked; 400 invalid_token means there was nothing left to revoke. */
export function classifyRevokeResponse(response: HttpResponseSnapshot): { kind: "revoked" } | { kind: "failed"; reason: string } {
  if (response.status === 200) return { kind: "revoked" };
  const err = TokenErrorSchema.safeParse(response.body);
  if (response.status === 400 && err.success && err.data.error === "invalid_token") return { kind: "revoked" };
  return { kind: "failed", reason: `HTTP ${response.status}${err.success ? ` ${err.data.error}` : ""}` };
}

const TokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
});
const TokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

export type TokenOutcome =
  | { kind: "token"; accessToken: string; expiresAt: number; refreshToken?: string; scope?: string }
  /**
   * The grant is gone: invalid_grant (revoked, expired, password change, the 100-token limit,
   * a test-mode 7-day limit) or the client itself was refused. Only the merchant can fix it:
   * the destination pauses and shows "Reconnect".
   */
  | { kind: "revoked"; reason: string }
  /** 5xx, 429, a network error or an answer we cannot read: try again later. */
  | { kind: "retry"; reason: string };

/** Errors after which only a new consent (or fixing the app's client) helps. */
const GRANT_GONE = new Set(["invalid_grant", "invalid_client", "unauthorized_client", "invalid_scope"]);

export function classifyTokenResponse(response: HttpResponseSnapshot, now: number): TokenOutcome {
  if (response.status >= 200 && response.status < 300) {
    const token = TokenSchema.safeParse(response.body);
    if (!token.success) return { kind: "retry", reason: `token endpoint answered ${response.status} without an access token` };
    return {
      kind: "token",
      accessToken: token.data.access_token,
      expiresAt: now + token.data.expires_in * 1000,
      refreshToken: token.data.refresh_token,
      scope: token.data.scope,
    };
  }
  const error = TokenErrorSchema.safeParse(response.body);
  if (error.success && GRANT_GONE.has(error.data.error)) {
    // error_description is Google's text ("Token has been expired or revoked."): no secrets in it.
    return { kind: "revoked", reason: `${error.data.error}${error.data.error_description ? `: ${error.data.error_description.slice(0, 200)}` : ""}` };
  }
  const code = error.success ? error.data.error : `HTTP ${response.status}`;
  return { kind: "retry", reason: `token endpoint: ${code}` };
}

/** Whether a stored access token is still good for a request sent now. */
export function accessTokenUsable(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt - ACCESS_TOKEN_MARGIN_MS > now;
}

// ---------------------------------------------------------------------------
// Conversion actions: the admin's picker (GoogleAdsService.Search with GAQL).
// https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers.googleAds/search
// https://developers.google.com/google-ads/api/fields/v25/conversion_action
// ---------------------------------------------------------------------------

export const CONVERSION_ACTIONS_QUERY =
  "SELECT conversion_action.id, conversion_action.name, conversion_action.type, conversion_action.status " +
  "FROM conversion_action WHERE conversion_action.status = 'ENABLED' AND conversion_action.type = 'UPLOAD_CLICKS' " +
  "ORDER BY conversion_action.name";

export interface GoogleAdsAuth {
  accessToken: string;
  developerToken?: string;
  loginCustomerId?: string;
}

/** The headers every Google Ads API request carries (https://developers.google.com/google-ads/api/rest/auth). */
export function googleAdsHeaders(auth: GoogleAdsAuth): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${auth.accessToken}`, "content-type": "application/json" };
  if (auth.developerToken !== undefined && auth.developerToken !== "") headers["developer-token"] = auth.developerToken;
  if (auth.loginCustomerId !== undefined && auth.loginCustomerId !== "") headers["login-customer-id"] = auth.loginCustomerId;
  return headers;
}

export function conversionActionsRequest(customerId: string, auth: GoogleAdsAuth, baseUrlOverride?: string): HttpRequestSpec {
  return {
    method: "POST",
    url: withBaseUrl(`${GOOGLE_ADS_ORIGIN}/${GOOGLE_ADS_API_VERSION}/customers/${customerId}/googleAds:search`, baseUrlOverride),
    headers: googleAdsHeaders(auth),
    body: { query: CONVERSION_ACTIONS_QUERY },
  };
}

const SearchSchema = z.object({
  results: z
    .array(
      z.object({
        conversionAction: z.object({
          resourceName: z.string(),
          id: z.union([z.string(), z.number()]).transform(String),
          name: z.string().default(""),
          type: z.string().optional(),
          status: z.string().optional(),
        }),
      }),
    )
    .default([]),
  nextPageToken: z.string().optional(),
});

export interface ConversionActionChoice {
  id: string;
  name: string;
  resourceName: string;
}

export type ConversionActionsOutcome =
  | { kind: "actions"; actions: ConversionActionChoice[] }
  | { kind: "unauthenticated"; reason: string }
  | { kind: "error"; reason: string };

export function readConversionActions(response: HttpResponseSnapshot): ConversionActionsOutcome {
  if (response.status === 401) return { kind: "unauthenticated", reason: "access token refused" };
  if (response.status < 200 || response.status >= 300) {
    const body = response.body as { error?: { message?: string; status?: string } } | undefined;
    return { kind: "error", reason: `HTTP ${response.status}${body?.error?.status ? ` ${body.error.status}` : ""}: ${String(body?.error?.message ?? "").slice(0, 300)}` };
  }
  const parsed = SearchSchema.safeParse(response.body);
  if (!parsed.success) return { kind: "error", reason: "Google Ads answered without a result list" };
  return {
    kind: "actions",
    actions: parsed.data.results.map((r) => ({ id: r.conversionAction.id, name: r.conversionAction.name, resourceName: r.conversionAction.resourceName })),
  };
}
