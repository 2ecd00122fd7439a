import { prisma, type Db } from "~/db.server";
import { decodeKey, env, type Env } from "~/env.server";
import type { LinkedInConfig } from "~/destinations/linkedin/config";
import {
  classifyLinkedInTokenResponse,
  LINKEDIN_ACCESS_TOKEN_MARGIN_MS,
  LINKEDIN_SCOPES,
  linkedinAuthorizeUrl,
  linkedinCodeExchangeRequest,
  linkedinRefreshRequest,
  linkedinScopesGranted,
  type LinkedInOAuthClient,
} from "~/destinations/linkedin/oauth";
import { getDestinationByKind, resumeDestination } from "~/data/destinations.server";
import { deleteGrant, getGrantStatus, saveGrant } from "~/data/oauth-grants.server";
import { sendRequest } from "~/lib/http-sender.server";
import type { Logger } from "~/lib/logger.server";
import { signOAuthState, verifyOAuthState } from "~/lib/oauth-state.server";
import { grantAccessToken, type AccessToken, type GrantProvider } from "./oauth-grant-token.server";

/**
 * LinkedIn's OAuth connection (ADR 0045, on ADR 0030's machinery): the consent flow, the
 * stored grant (provider "linkedin"), and an access token for every Conversions API request.
 * Access tokens live 60 days and are refreshed a day before they expire and when LinkedIn
 * answers 401; the refresh token lives 365 days from consent. invalid_grant pauses the
 * destination with LINKEDIN_RECONNECT_REASON until the merchant connects again.
 */

export const LINKEDIN_PROVIDER = "linkedin";
export const LINKEDIN_STATE_PURPOSE = "linkedin";
export const LINKEDIN_CALLBACK_PATH = "/oauth/linkedin/callback";
export const LINKEDIN_RECONNECT_REASON = "Reconnect LinkedIn";

export interface LinkedInAppConfig {
  /** null: no LinkedIn app configured (LINKEDIN_OAUTH_CLIENT_ID/SECRET): the pasted token stays. */
  oauth: LinkedInOAuthClient | null;
}

export function linkedinAppConfig(e: Pick<Env, "LINKEDIN_OAUTH_CLIENT_ID" | "LINKEDIN_OAUTH_CLIENT_SECRET" | "LINKEDIN_OAUTH_BASE_URL" | "SHOPIFY_APP_URL">): LinkedInAppConfig {
  if (!e.LINKEDIN_OAUTH_CLIENT_ID || !e.LINKEDIN_OAUTH_CLIENT_SECRET) return { oauth: null };
  return {
    oauth: {
      clientId: e.LINKEDIN_OAUTH_CLIENT_ID,
      clientSecret: e.LINKEDIN_OAUTH_CLIENT_SECRET,
      redirectUri: new URL(LINKEDIN_CALLBACK_PATH, e.SHOPIFY_APP_URL).toString(),
      baseUrlOverride: e.LINKEDIN_OAUTH_BASE_URL,
    },
  };
}

export interface LinkedInAuthDeps {
  db: Db;
  key: Buffer;
  now: () => number;
  linkedin?: LinkedInAppConfig;
  log?: Logger;
  send?: typeof sendRequest;
  timeoutMs?: number;
}

export function linkedinAuthDeps(): LinkedInAuthDeps {
  const e = env();
  return { db: prisma(), key: decodeKey(e.ENCRYPTION_KEY)!, now: () => Date.now(), linkedin: linkedinAppConfig(e) };
}

function linkedinProvider(deps: LinkedInAuthDeps): GrantProvider {
  const oauth = deps.linkedin?.oauth ?? null;
  return {
    provider: LINKEDIN_PROVIDER,
    label: "LinkedIn",
    reconnectReason: LINKEDIN_RECONNECT_REASON,
    notConnected: "LinkedIn is not connected",
    refreshRequest: oauth === null ? null : (refreshToken) => linkedinRefreshRequest(oauth, refreshToken),
    notConfigured: "LINKEDIN_OAUTH_CLIENT_ID/LINKEDIN_OAUTH_CLIENT_SECRET are not set: cannot refresh the LinkedIn access token",
    classify: classifyLinkedInTokenResponse,
    usable: (expiresAt, now) => expiresAt !== null && expiresAt - LINKEDIN_ACCESS_TOKEN_MARGIN_MS > now,
  };
}

export function linkedinAccessToken(deps: LinkedInAuthDeps, shop: string, opts: { rejectedVersion?: number } = {}): Promise<AccessToken> {
  return grantAccessToken(deps, linkedinProvider(deps), shop, opts);
}

export type PreparedLinkedIn =
  | { kind: "ready"; config: LinkedInConfig; version: number | null }
  | { kind: "pause"; reason: string }
  | { kind: "wait"; reason: string; afterMs: number };

/**
 * The config with `accessToken` filled from the grant. Without a grant, a pasted token (the
 * only way when the server has no LinkedIn app) is used until LinkedIn refuses it.
 */
export async function prepareLinkedInConfig(deps: LinkedInAuthDeps, shop: string, config: LinkedInConfig, opts: { rejectedVersion?: number } = {}): Promise<PreparedLinkedIn> {
  const token = await linkedinAccessToken(deps, shop, opts);
  if (token.kind === "token") return { kind: "ready", config: { ...config, accessToken: token.accessToken }, version: token.version };
  if (token.kind === "not-connected" && opts.rejectedVersion === undefined) {
    if (config.accessToken) return { kind: "ready", config, version: null };
    return { kind: "pause", reason: token.reason };
  }
  if (token.kind === "wait") return token;
  return { kind: "pause", reason: token.reason };
}

export type ConnectStart = { kind: "redirect"; url: string } | { kind: "not-configured"; message: string };

export function startLinkedInConnect(deps: LinkedInAuthDeps, shop: string): ConnectStart {
  const oauth = deps.linkedin?.oauth ?? null;
  if (oauth === null) return { kind: "not-configured", message: "This Trueline server has no LinkedIn app (LINKEDIN_OAUTH_CLIENT_ID / LINKEDIN_OAUTH_CLIENT_SECRET)." };
  return { kind: "redirect", url: linkedinAuthorizeUrl(oauth, signOAuthState(deps.key, { shop, purpose: LINKEDIN_STATE_PURPOSE, now: deps.now() })) };
}

export type ConnectResult = { kind: "connected"; shop: string; resumed: boolean } | { kind: "refused"; status: 400 | 403 | 502; message: string; shop?: string };

/** LinkedIn redirected the merchant back: check the state, exchange the code, store the grant, resume. */
export async function completeLinkedInConnect(
  deps: LinkedInAuthDeps,
  query: { state?: string; code?: string; error?: string; error_description?: string },
): Promise<ConnectResult> {
  const oauth = deps.linkedin?.oauth ?? null;
  if (oauth === null) return { kind: "refused", status: 400, message: "LinkedIn connection is not configured on this server." };
  const check = verifyOAuthState(deps.key, query.state ?? "", { purpose: LINKEDIN_STATE_PURPOSE, now: deps.now() });
  if (!check.ok) return { kind: "refused", status: 403, message: `The sign-in link is not valid (${check.reason}). Start again from Trueline.` };
  const shop = check.shop;
  if (query.error !== undefined) return { kind: "refused", status: 400, shop, message: `LinkedIn did not grant access (${query.error.slice(0, 64)}).` };
  if (!query.code) return { kind: "refused", status: 400, shop, message: "LinkedIn sent no authorisation code." };
  const send = deps.send ?? sendRequest;
  const result = await send(linkedinCodeExchangeRequest(oauth, query.code), { timeoutMs: deps.timeoutMs ?? 10_000 });
  if (result.kind === "network-error") return { kind: "refused", status: 502, shop, message: "LinkedIn's token endpoint did not answer. Try again." };
  const token = classifyLinkedInTokenResponse(result.response, deps.now());
  if (token.kind !== "token") return { kind: "refused", status: token.kind === "retry" ? 502 : 400, shop, message: `LinkedIn refused the authorisation code (${token.reason}).` };
  if (!token.refreshToken) {
    return { kind: "refused", status: 400, shop, message: "LinkedIn sent no refresh token: the LinkedIn app is not approved for programmatic refresh tokens." };
  }
  if (!linkedinScopesGranted(token.scope)) return { kind: "refused", status: 400, shop, message: `LinkedIn did not grant ${LINKEDIN_SCOPES.join(" and ")}. Try again.` };
  const at = new Date(deps.now());
  await saveGrant(deps.db, deps.key, {
    shop,
    provider: LINKEDIN_PROVIDER,
    refreshToken: token.refreshToken,
    accessToken: token.accessToken,
    accessExpiresAt: new Date(token.expiresAt),
    scope: token.scope ?? LINKEDIN_SCOPES.join(","),
    at,
  });
  const dest = await getDestinationByKind(deps.db, deps.key, shop, "linkedin");
  let resumed = false;
  if (dest?.pausedAt && (dest.pausedReason ?? "").startsWith(LINKEDIN_RECONNECT_REASON)) {
    await resumeDestination(deps.db, shop, dest.id, at);
    resumed = true;
  }
  deps.log?.info("linkedin connected", { shop, resumed });
  return { kind: "connected", shop, resumed };
}

export async function disconnectLinkedIn(deps: LinkedInAuthDeps, shop: string): Promise<void> {
  await deleteGrant(deps.db, shop, LINKEDIN_PROVIDER);
}

export interface LinkedInPanel {
  configured: boolean;
  state: "not-connected" | "connected" | "reconnect";
  problem: string | null;
  connectedAt: string | null;
}

export async function linkedinPanel(deps: LinkedInAuthDeps, shop: string): Promise<LinkedInPanel> {
  const grant = await getGrantStatus(deps.db, shop, LINKEDIN_PROVIDER);
  return {
    configured: (deps.linkedin?.oauth ?? null) !== null,
    state: grant === null ? "not-connected" : grant.status === "revoked" ? "reconnect" : "connected",
    problem: grant?.problem ?? null,
    connectedAt: grant?.connectedAt.toISOString() ?? null,
  };
}
