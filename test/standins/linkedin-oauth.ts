/**
 * Stand-in for LinkedIn's OAuth 2.0 (3-legged, authorization code flow, programmatic refresh
 * tokens), served by the LinkedIn stand-in's server (point LINKEDIN_OAUTH_BASE_URL at it):
 *
 * - GET  /oauth/v2/authorization: checks response_type=code, client_id, redirect_uri (must be
 *   registered when the test registered any), state present, scope containing rw_conversions
 *   and r_ads (space-separated); then behaves like a member who clicks "Allow": 302 to
 *   redirect_uri?code=…&state=…. `consent = "deny"`: redirect with
 *   error=user_cancelled_authorize (LinkedIn's "Cancel").
 * - POST /oauth/v2/accessToken: application/x-www-form-urlencoded, client_id + client_secret
 *   in the body. grant_type=authorization_code (code once, within 30 minutes, redirect_uri
 *   equal to the consent's) answers access_token, expires_in (60 days), refresh_token,
 *   refresh_token_expires_in (365 days), scope (comma-separated). grant_type=refresh_token
 *   answers a new access token (60 days) and the SAME refresh token with its remaining
 *   lifetime (the refresh token's 365 days run from the consent, not from the refresh).
 *   Revoked, expired or unknown refresh token / code: 400 invalid_grant; wrong client: 401
 *   invalid_client.
 *
 * Docs: https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
 *       https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
 * Access and refresh tokens expire on the stand-in clock; revoking a grant also invalidates its
 * access tokens, so the Conversions API answers 401.
 */
import { randomBytes } from "node:crypto";
import type { Outcome, Reply, StandinRequest } from "./server";

export const LINKEDIN_OAUTH_CREDENTIALS = {
  clientId: "78standinlinkedin",
  clientSecret: "WPL_AP1.standin-linkedin-client-secret",
  scopes: ["rw_conversions", "r_ads"],
} as const;

const DAY_S = 24 * 60 * 60;
const CODE_LIFETIME_MS = 30 * 60 * 1000;

interface Grant {
  refreshToken: string;
  refreshExpiresAt: number;
  revoked: boolean;
}

class LinkedInOAuthState {
  grants = new Map<string, Grant>();
  accessTokens = new Map<string, { grant: Grant; expiresAt: number }>();
  codes = new Map<string, { grant: Grant; redirectUri: string; issuedAt: number; used: boolean }>();
  redirectUris = new Set<string>();
  consent: "allow" | "deny" = "allow";
  /** Seconds an access token lives (LinkedIn: 60 days). */
  accessLifetimeS = 60 * DAY_S;
  refreshLifetimeS = 365 * DAY_S;
  counts = { exchanges: 0, refreshes: 0, invalidGrant: 0 };

  reset(): void {
    this.grants = new Map();
    this.accessTokens = new Map();
    this.codes = new Map();
    this.redirectUris = new Set();
    this.consent = "allow";
    this.accessLifetimeS = 60 * DAY_S;
    this.refreshLifetimeS = 365 * DAY_S;
    this.counts = { exchanges: 0, refreshes: 0, invalidGrant: 0 };
  }

  issueAccessToken(grant: Grant, now: number): string {
    const token = `AQV_standin-oauth-${randomBytes(12).toString("base64url")}`;
    this.accessTokens.set(token, { grant, expiresAt: now + this.accessLifetimeS * 1000 });
    return token;
  }
}

/** Control and inspection for tests (module state: one LinkedIn per test process). */
export const linkedinOAuth = new LinkedInOAuthState();

/** Revoke every grant (the member removes the app in LinkedIn's settings). */
export function revokeLinkedInGrants(): number {
  let n = 0;
  for (const grant of linkedinOAuth.grants.values()) {
    if (!grant.revoked) n += 1;
    grant.revoked = true;
  }
  return n;
}

/** Whether `token` is a live OAuth access token at `now`. */
export function linkedinAccessTokenValid(token: string | undefined, now: number): boolean {
  const found = token === undefined ? undefined : linkedinOAuth.accessTokens.get(token);
  return found !== undefined && !found.grant.revoked && found.expiresAt > now;
}

function tokenError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

function authorize(req: StandinRequest, now: number): Outcome {
  const q = req.query;
  const bad = (reason: string): Outcome => ({
    reply: { status: 400, headers: { "content-type": "text/html" }, body: `<h1>Bummer, something went wrong.</h1><p>${reason}</p>` },
    refused: [{ reason, body: Object.fromEntries(q) }],
  });
  if (req.method !== "GET") return bad(`method ${req.method}`);
  if (q.get("response_type") !== "code") return bad("response_type must be code");
  if (q.get("client_id") !== LINKEDIN_OAUTH_CREDENTIALS.clientId) return bad("invalid client_id");
  const redirectUri = q.get("redirect_uri") ?? "";
  if (!/^https?:\/\//.test(redirectUri)) return bad("redirect_uri missing or not absolute");
  if (linkedinOAuth.redirectUris.size > 0 && !linkedinOAuth.redirectUris.has(redirectUri)) return bad("The redirect_uri does not match the registered value");
  const scopes = (q.get("scope") ?? "").split(" ");
  for (const s of LINKEDIN_OAUTH_CREDENTIALS.scopes) if (!scopes.includes(s)) return bad(`scope must include ${s}`);
  const state = q.get("state");
  if (!state) return bad("state missing (CSRF protection)");
  const target = new URL(redirectUri);
  if (linkedinOAuth.consent === "deny") {
    target.searchParams.set("error", "user_cancelled_authorize");
    target.searchParams.set("error_description", "The user cancelled the authorization");
  } else {
    const grant: Grant = { refreshToken: `AQX_standin-${randomBytes(16).toString("base64url")}`, refreshExpiresAt: now + linkedinOAuth.refreshLifetimeS * 1000, revoked: false };
    linkedinOAuth.grants.set(grant.refreshToken, grant);
    const code = `AQT_standin-${randomBytes(16).toString("base64url")}`;
    linkedinOAuth.codes.set(code, { grant, redirectUri, issuedAt: Date.now(), used: false });
    target.searchParams.set("code", code);
  }
  target.searchParams.set("state", state);
  return { reply: { status: 302, headers: { location: target.toString() } } };
}

function token(req: StandinRequest, now: number): Outcome {
  const refuse = (reply: Reply, reason: string): Outcome => ({ reply, refused: [{ reason, body: null }] });
  if (req.method !== "POST") return refuse(tokenError(405, "invalid_request", "Method not allowed"), `method ${req.method}`);
  if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    return refuse(tokenError(400, "invalid_request", "Unsupported content type"), "content-type is not application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams(req.raw.toString("utf8"));
  if (form.get("client_id") !== LINKEDIN_OAUTH_CREDENTIALS.clientId || form.get("client_secret") !== LINKEDIN_OAUTH_CREDENTIALS.clientSecret) {
    return refuse(tokenError(401, "invalid_client", "Client authentication failed"), "client_id/client_secret wrong");
  }
  const answer = (grant: Grant) => ({
    reply: {
      status: 200,
      body: {
        access_token: linkedinOAuth.issueAccessToken(grant, now),
        expires_in: linkedinOAuth.accessLifetimeS,
        refresh_token: grant.refreshToken,
        refresh_token_expires_in: Math.max(0, Math.floor((grant.refreshExpiresAt - now) / 1000)),
        scope: LINKEDIN_OAUTH_CREDENTIALS.scopes.join(","),
      },
    },
  });
  const grantType = form.get("grant_type");
  if (grantType === "authorization_code") {
    linkedinOAuth.counts.exchanges += 1;
    const code = linkedinOAuth.codes.get(form.get("code") ?? "");
    if (!code || code.used || Date.now() - code.issuedAt > CODE_LIFETIME_MS) {
      linkedinOAuth.counts.invalidGrant += 1;
      return refuse(tokenError(400, "invalid_grant", "The authorization code is invalid or expired"), "authorization code unknown, used or expired");
    }
    if (form.get("redirect_uri") !== code.redirectUri) return refuse(tokenError(400, "invalid_redirect_uri", "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code"), "redirect_uri differs");
    code.used = true;
    return answer(code.grant);
  }
  if (grantType === "refresh_token") {
    linkedinOAuth.counts.refreshes += 1;
    const grant = linkedinOAuth.grants.get(form.get("refresh_token") ?? "");
    if (!grant || grant.revoked || grant.refreshExpiresAt <= now) {
      linkedinOAuth.counts.invalidGrant += 1;
      return refuse(tokenError(400, "invalid_grant", "The provided authorization grant or refresh token is invalid, expired or revoked"), "refresh token unknown, expired or revoked");
    }
    return answer(grant);
  }
  return refuse(tokenError(400, "unsupported_grant_type", "Invalid grant_type"), `grant_type ${grantType ?? "missing"}`);
}

/** The OAuth routes, or null when the path is not one of them. */
export function handleLinkedInOAuth(req: StandinRequest, now: number): Outcome | null {
  if (req.pathname === "/oauth/v2/authorization") return authorize(req, now);
  if (req.pathname === "/oauth/v2/accessToken") return token(req, now);
  return null;
}
