import { z } from "zod";
import type { HttpRequestSpec, HttpResponseSnapshot } from "../destination";
import { withBaseUrl } from "../shared/url";

/**
 * LinkedIn's 3-legged OAuth 2.0 (authorization code flow) with programmatic refresh tokens,
 * described as data (pure: the service layer does the I/O and the storage; ADR 0045).
 * Docs: https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
 *       https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
 */

export const LINKEDIN_AUTHORIZE_URL = "https://www.linkedin.com/oauth/v2/authorization";
export const LINKEDIN_TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken";
/** Stream conversions, and read the ad accounts and conversion rules. */
export const LINKEDIN_SCOPES = ["rw_conversions", "r_ads"] as const;
/** Refresh this long before the access token's stated expiry (LinkedIn's live 60 days). */
export const LINKEDIN_ACCESS_TOKEN_MARGIN_MS = 24 * 60 * 60 * 1000;

export interface LinkedInOAuthClient {
  clientId: string;
  clientSecret: string;
  /** {SHOPIFY_APP_URL}/oauth/linkedin/callback: must be listed on the LinkedIn app (Auth tab). */
  redirectUri: string;
  /** Test-only stand-in origin for www.linkedin.com's OAuth endpoints. */
  baseUrlOverride?: string;
}

/** The consent-screen URL (scopes space-separated, URL-encoded). */
export function linkedinAuthorizeUrl(client: LinkedInOAuthClient, state: string): string {
  const url = new URL(withBaseUrl(LINKEDIN_AUTHORIZE_URL, client.baseUrlOverride));
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", client.clientId);
  url.searchParams.set("redirect_uri", client.redirectUri);
  url.searchParams.set("state", state);
  url.searchParams.set("scope", LINKEDIN_SCOPES.join(" "));
  return url.toString();
}

function tokenRequest(client: LinkedInOAuthClient, fields: Record<string, string>): HttpRequestSpec {
  return {
    method: "POST",
    url: withBaseUrl(LINKEDIN_TOKEN_URL, client.baseUrlOverride),
    headers: { accept: "application/json" },
    encoding: "form",
    body: { ...fields, client_id: client.clientId, client_secret: client.clientSecret },
  };
}

/** Exchange the authorisation code (valid 30 minutes, once). */
export function linkedinCodeExchangeRequest(client: LinkedInOAuthClient, code: string): HttpRequestSpec {
  return tokenRequest(client, { grant_type: "authorization_code", code, redirect_uri: client.redirectUri });
}

/** A new 60-day access token from the stored refresh token (the refresh token keeps its own expiry). */
export function linkedinRefreshRequest(client: LinkedInOAuthClient, refreshToken: string): HttpRequestSpec {
  return tokenRequest(client, { grant_type: "refresh_token", refresh_token: refreshToken });
}

const TokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.coerce.number().int().optional(),
  scope: z.string().optional(),
});
const TokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

export type LinkedInTokenOutcome =
  | { kind: "token"; accessToken: string; expiresAt: number; refreshToken?: string; scope?: string }
  /** The refresh token expired (365 days from consent) or was revoked, or the app was refused: reconnect. */
  | { kind: "revoked"; reason: string }
  | { kind: "retry"; reason: string };

const GRANT_GONE = new Set(["invalid_grant", "invalid_client", "unauthorized_client", "invalid_scope"]);

export function classifyLinkedInTokenResponse(response: HttpResponseSnapshot, now: number): LinkedInTokenOutcome {
  if (response.status >= 200 && response.status < 300) {
    const token = TokenSchema.safeParse(response.body);
    if (!token.success) return { kind: "retry", reason: `token endpoint answered ${response.status} without an access token` };
    return { kind: "token", accessToken: token.data.access_token, expiresAt: now + token.data.expires_in * 1000, refreshToken: token.data.refresh_token, scope: token.data.scope };
  }
  const error = TokenErrorSchema.safeParse(response.body);
  if (error.success && GRANT_GONE.has(error.data.error)) {
    return { kind: "revoked", reason: `${error.data.error}${error.data.error_description ? `: ${error.data.error_description.slice(0, 200)}` : ""}` };
  }
  return { kind: "retry", reason: `token endpoint: ${error.success ? error.data.error : `HTTP ${response.status}`}` };
}

/** LinkedIn answers the granted scopes comma-separated; accept spaces too. */
export function linkedinScopesGranted(scope: string | undefined): boolean {
  if (scope === undefined) return true;
  const granted = new Set(scope.split(/[\s,]+/).filter(Boolean));
  return LINKEDIN_SCOPES.every((s) => granted.has(s));
}
