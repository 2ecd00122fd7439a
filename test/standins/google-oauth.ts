/**
 * Stand-in for Google's OAuth 2.0 endpoints as a web-server app uses them, served by the
 * Google Ads stand-in's server (point GOOGLE_OAUTH_BASE_URL at it):
 *
 * - GET  /o/oauth2/v2/auth  (accounts.google.com): the consent screen. Checks client_id,
 *   redirect_uri (must be registered), response_type=code, the adwords scope, state; then
 *   behaves like a merchant who clicks "Allow": 302 to redirect_uri?code=…&state=…&scope=….
 *   `consent = "deny"` answers like "Cancel": redirect with error=access_denied.
 * - POST /token (oauth2.googleapis.com): application/x-www-form-urlencoded, client_id +
 *   client_secret in the body. grant_type=authorization_code (code once, redirect_uri must
 *   match, within 10 minutes) answers access_token, expires_in 3599, refresh_token, scope,
 *   token_type Bearer. grant_type=refresh_token answers a new access_token (no new refresh
 *   token, as Google). A revoked or unknown refresh token or code: 400 invalid_grant
 *   "Token has been expired or revoked."; a wrong client: 401 invalid_client.
 *
 * - POST /revoke (oauth2.googleapis.com): form-encoded `token` (refresh or access token) ends the
 *   grant; 200, or 400 invalid_token when unknown/already revoked. Calls are recorded in
 *   `googleOAuth.revocations`; `revokeUnavailable` makes it answer 503.
 *
 * Docs: https://developers.google.com/identity/protocols/oauth2/web-server
 * Access tokens expire on the stand-in clock; revoking a grant invalidates its access tokens
 * too (Google: revoking a token revokes the grant), so the Ads API then answers 401.
 */
import { randomBytes } from "node:crypto";
import type { Outcome, Reply, StandinRequest } from "./server";

export const GOOGLE_OAUTH_CREDENTIALS = {
  clientId: "123456789012-standin.apps.googleusercontent.com",
  clientSecret: "GOCSPX-standin-client-secret",
  /** A grant that exists before any test runs (seeded destinations use it). */
  refreshToken: "1//0standin-seeded-refresh-token",
  scope: "https://www.googleapis.com/auth/adwords",
} as const;

const ACCESS_TOKEN_LIFETIME_S = 3599;
const CODE_LIFETIME_MS = 10 * 60 * 1000;

interface Grant {
  refreshToken: string;
  revoked: boolean;
}
interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

class GoogleOAuthState {
  grants = new Map<string, Grant>();
  accessTokens = new Map<string, AccessToken>();
  codes = new Map<string, { grant: Grant; redirectUri: string; issuedAt: number; used: boolean }>();
  /** Redirect URIs registered on the OAuth client (tests register the app's). Empty = any http(s) URI. */
  redirectUris = new Set<string>();
  consent: "allow" | "deny" = "allow";
  /** Seconds an access token lives (Google: ~3599). */
  lifetimeS = ACCESS_TOKEN_LIFETIME_S;
  counts = { exchanges: 0, refreshes: 0, invalidGrant: 0 };
  /** Every call to the revoke endpoint, in order: which token kind it named and what it did. */
  revocations: { token: string; kind: "refresh" | "access" | "unknown"; status: number }[] = [];
  /** Test control: the revoke endpoint answers 503 (Google unavailable) instead of revoking. */
  revokeUnavailable = false;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.grants = new Map([[GOOGLE_OAUTH_CREDENTIALS.refreshToken, { refreshToken: GOOGLE_OAUTH_CREDENTIALS.refreshToken, revoked: false }]]);
    this.accessTokens = new Map();
    this.codes = new Map();
    this.redirectUris = new Set();
    this.consent = "allow";
    this.lifetimeS = ACCESS_TOKEN_LIFETIME_S;
    this.counts = { exchanges: 0, refreshes: 0, invalidGrant: 0 };
    this.revocations = [];
    this.revokeUnavailable = false;
  }

  issueAccessToken(grant: Grant, now: number): string {
    const token = `ya29.standin-${randomBytes(12).toString("base64url")}`;
    this.accessTokens.set(token, { grant, expiresAt: now + this.lifetimeS * 1000 });
    return token;
  }
}

/** Control and inspection for tests (module state: one Google per test process). */
export const googleOAuth = new GoogleOAuthState();

/** Revoke every grant (what "Remove access" in the Google account does), or one refresh token. */
export function revokeGoogleGrants(refreshToken?: string): number {
  let n = 0;
  for (const grant of googleOAuth.grants.values()) {
    if (refreshToken === undefined || grant.refreshToken === refreshToken) {
      if (!grant.revoked) n += 1;
      grant.revoked = true;
    }
  }
  return n;
}

/** Whether `token` is a live access token at `now` (for the Ads API's 401). */
export function accessTokenValid(token: string, now: number): boolean {
  const found = googleOAuth.accessTokens.get(token);
  return found !== undefined && !found.grant.revoked && found.expiresAt > now;
}

function tokenError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

function authorize(req: StandinRequest): Outcome {
  const q = req.query;
  const bad = (reason: string): Outcome => ({
    // Google shows an error page to the user ("Error 400: invalid_request"), it does not redirect.
    reply: { status: 400, headers: { "content-type": "text/html" }, body: `<h1>Error 400: invalid_request</h1><p>${reason}</p>` },
    refused: [{ reason, body: Object.fromEntries(q) }],
  });
  if (req.method !== "GET") return bad(`method ${req.method}`);
  if (q.get("client_id") !== GOOGLE_OAUTH_CREDENTIALS.clientId) return bad("client_id unknown (Error 401: invalid_client)");
  const redirectUri = q.get("redirect_uri") ?? "";
  if (!/^https?:\/\//.test(redirectUri)) return bad("redirect_uri missing or not http(s)");
  if (googleOAuth.redirectUris.size > 0 && !googleOAuth.redirectUris.has(redirectUri)) return bad("redirect_uri_mismatch: not registered on the client");
  if (q.get("response_type") !== "code") return bad("response_type must be code");
  const scopes = (q.get("scope") ?? "").split(" ");
  if (!scopes.includes(GOOGLE_OAUTH_CREDENTIALS.scope)) return bad("scope must include https://www.googleapis.com/auth/adwords");
  if (q.get("access_type") !== "offline") return bad("access_type=offline is needed for a refresh token");
  const state = q.get("state");
  if (!state) return bad("state missing (CSRF protection)");
  const target = new URL(redirectUri);
  target.searchParams.set("state", state);
  if (googleOAuth.consent === "deny") {
    target.searchParams.set("error", "access_denied");
  } else {
    const grant: Grant = { refreshToken: `1//0standin-${randomBytes(16).toString("base64url")}`, revoked: false };
    googleOAuth.grants.set(grant.refreshToken, grant);
    const code = `4/0standin-${randomBytes(16).toString("base64url")}`;
    googleOAuth.codes.set(code, { grant, redirectUri, issuedAt: Date.now(), used: false });
    target.searchParams.set("code", code);
    target.searchParams.set("scope", GOOGLE_OAUTH_CREDENTIALS.scope);
  }
  return { reply: { status: 302, headers: { location: target.toString() } } };
}

function token(req: StandinRequest, now: number): Outcome {
  const refuse = (reply: Reply, reason: string): Outcome => ({ reply, refused: [{ reason, body: { grant_type: form?.get("grant_type") ?? null } }] });
  let form: URLSearchParams | undefined;
  if (req.method !== "POST") return refuse(tokenError(405, "invalid_request", "Method not allowed."), `method ${req.method}`);
  if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    return refuse(tokenError(400, "invalid_request", "Invalid content type."), "content-type is not application/x-www-form-urlencoded");
  }
  form = new URLSearchParams(req.raw.toString("utf8"));
  if (form.get("client_id") !== GOOGLE_OAUTH_CREDENTIALS.clientId || form.get("client_secret") !== GOOGLE_OAUTH_CREDENTIALS.clientSecret) {
    return refuse(tokenError(401, "invalid_client", "Unauthorized"), "client_id/client_secret wrong");
  }
  const grantType = form.get("grant_type");
  if (grantType === "authorization_code") {
    googleOAuth.counts.exchanges += 1;
    const code = googleOAuth.codes.get(form.get("code") ?? "");
    // Codes are single-use and short-lived (real time: the code was made by a real redirect).
    if (!code || code.used || Date.now() - code.issuedAt > CODE_LIFETIME_MS) {
      googleOAuth.counts.invalidGrant += 1;
      return refuse(tokenError(400, "invalid_grant", "Malformed auth code."), "authorization code unknown, used or expired");
    }
    if (form.get("redirect_uri") !== code.redirectUri) {
      return refuse(tokenError(400, "redirect_uri_mismatch", "Bad Request"), "redirect_uri differs from the one of the consent");
    }
    code.used = true;
    return {
      reply: {
        status: 200,
        body: {
          access_token: googleOAuth.issueAccessToken(code.grant, now),
          expires_in: googleOAuth.lifetimeS,
          refresh_token: code.grant.refreshToken,
          scope: GOOGLE_OAUTH_CREDENTIALS.scope,
          token_type: "Bearer",
        },
      },
    };
  }
  if (grantType === "refresh_token") {
    googleOAuth.counts.refreshes += 1;
    const grant = googleOAuth.grants.get(form.get("refresh_token") ?? "");
    if (!grant || grant.revoked) {
      googleOAuth.counts.invalidGrant += 1;
      return refuse(tokenError(400, "invalid_grant", "Token has been expired or revoked."), "refresh token unknown or revoked");
    }
    return {
      reply: {
        status: 200,
        body: { access_token: googleOAuth.issueAccessToken(grant, now), expires_in: googleOAuth.lifetimeS, scope: GOOGLE_OAUTH_CREDENTIALS.scope, token_type: "Bearer" },
      },
    };
  }
  return refuse(tokenError(400, "unsupported_grant_type", "Invalid grant_type."), `grant_type ${grantType ?? "missing"}`);
}

/**
 * POST /revoke (https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke):
 * form-encoded `token` = an access or refresh token; revoking either ends the grant. 200 with an
 * empty body; an unknown or already revoked token: 400 invalid_token.
 */
function revoke(req: StandinRequest): Outcome {
  const refuse = (reply: Reply, reason: string): Outcome => ({ reply, refused: [{ reason, body: {} }] });
  if (req.method !== "POST") return refuse(tokenError(405, "invalid_request", "Method not allowed."), `method ${req.method}`);
  if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    return refuse(tokenError(400, "invalid_request", "Invalid content type."), "content-type is not application/x-www-form-urlencoded");
  }
  const token = new URLSearchParams(req.raw.toString("utf8")).get("token") ?? "";
  const grant = googleOAuth.grants.get(token) ?? googleOAuth.accessTokens.get(token)?.grant;
  const kind = googleOAuth.grants.has(token) ? "refresh" : googleOAuth.accessTokens.has(token) ? "access" : "unknown";
  if (googleOAuth.revokeUnavailable) {
    googleOAuth.revocations.push({ token, kind, status: 503 });
    return { reply: tokenError(503, "temporarily_unavailable", "Service unavailable.") };
  }
  if (!grant || grant.revoked) {
    googleOAuth.revocations.push({ token, kind, status: 400 });
    return refuse(tokenError(400, "invalid_token", "Token expired or revoked"), "token unknown or already revoked");
  }
  grant.revoked = true;
  googleOAuth.revocations.push({ token, kind, status: 200 });
  return { reply: { status: 200, body: {} } };
}

/** The OAuth routes, or null when the path is not one of them. */
export function handleGoogleOAuth(req: StandinRequest, now: number): Outcome | null {
  if (req.pathname === "/o/oauth2/v2/auth") return authorize(req);
  if (req.pathname === "/token") return token(req, now);
  if (req.pathname === "/revoke") return revoke(req);
  return null;
}
