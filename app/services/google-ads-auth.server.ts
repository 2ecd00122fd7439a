import { prisma, type Db } from "~/db.server";
import { decodeKey, env, type Env } from "~/env.server";
import type { DestinationKind } from "~/destinations/destination";
import type { GoogleAdsConfig } from "~/destinations/google-ads/config";
import {
  accessTokenUsable,
  authorizeUrl,
  classifyRevokeResponse,
  classifyTokenResponse,
  codeExchangeRequest,
  conversionActionsRequest,
  GOOGLE_ADS_SCOPE,
  readConversionActions,
  refreshRequest,
  revokeRequest,
  type ConversionActionChoice,
  type GoogleOAuthClient,
} from "~/destinations/google-ads/oauth";
import { getDestinationByKind, resumeDestination } from "~/data/destinations.server";
import { deleteGrant, getGrant, getGrantStatus, saveGrant, type OAuthGrantStatus } from "~/data/oauth-grants.server";
import { sendRequest } from "~/lib/http-sender.server";
import { log, type Logger } from "~/lib/logger.server";
import { signOAuthState, verifyOAuthState } from "~/lib/oauth-state.server";
import { grantAccessToken, type AccessToken, type GrantProvider } from "./oauth-grant-token.server";

/**
 * Google Ads' OAuth connection (ADR 0030): the consent flow, the stored grant, and an access
 * token for ANY Google Ads request (uploads, adjustments, the conversion-action list, test
 * events). Access tokens are refreshed before they expire and when Google answers 401; one
 * refresh per shop at a time in this process (single-flight) and across processes (a lease
 * on the grant row, taken by compare-and-set on its version). invalid_grant marks the grant
 * revoked: the destination pauses with RECONNECT_REASON and its deliveries wait, untouched,
 * until the merchant connects again, which resumes them.
 */

export const GOOGLE_PROVIDER = "google";
export const GOOGLE_ADS_STATE_PURPOSE = "google-ads";
export const GOOGLE_ADS_CALLBACK_PATH = "/oauth/google-ads/callback";
/** Pause reasons that start with this are lifted by a successful reconnect. */
export const RECONNECT_REASON = "Reconnect Google Ads";

export interface GoogleAppConfig {
  /** null: the app has no Google OAuth client configured (GOOGLE_OAUTH_CLIENT_ID/SECRET). */
  oauth: GoogleOAuthClient | null;
  developerToken?: string;
}

export function googleAppConfig(e: Pick<Env, "GOOGLE_OAUTH_CLIENT_ID" | "GOOGLE_OAUTH_CLIENT_SECRET" | "GOOGLE_OAUTH_BASE_URL" | "GOOGLE_ADS_DEVELOPER_TOKEN" | "SHOPIFY_APP_URL">): GoogleAppConfig {
  const oauth =
    e.GOOGLE_OAUTH_CLIENT_ID && e.GOOGLE_OAUTH_CLIENT_SECRET
      ? {
          clientId: e.GOOGLE_OAUTH_CLIENT_ID,
          clientSecret: e.GOOGLE_OAUTH_CLIENT_SECRET,
          redirectUri: new URL(GOOGLE_ADS_CALLBACK_PATH, e.SHOPIFY_APP_URL).toString(),
          baseUrlOverride: e.GOOGLE_OAUTH_BASE_URL,
        }
      : null;
  return { oauth, developerToken: e.GOOGLE_ADS_DEVELOPER_TOKEN };
}

export interface GoogleAuthDeps {
  db: Db;
  key: Buffer;
  now: () => number;
  google?: GoogleAppConfig;
  log?: Logger;
  send?: typeof sendRequest;
  timeoutMs?: number;
  baseUrls?: Partial<Record<DestinationKind, string>>;
}

/** The deps for routes (web process): the app's database, key, clock and configuration. */
export function googleAuthDeps(): GoogleAuthDeps {
  const e = env();
  return { db: prisma(), key: decodeKey(e.ENCRYPTION_KEY)!, now: () => Date.now(), google: googleAppConfig(e), baseUrls: e.DESTINATION_BASE_URLS, log };
}

export type { AccessToken } from "./oauth-grant-token.server";

function googleProvider(deps: GoogleAuthDeps): GrantProvider {
  const oauth = deps.google?.oauth ?? null;
  return {
    provider: GOOGLE_PROVIDER,
    label: "Google",
    reconnectReason: RECONNECT_REASON,
    notConnected: "Google Ads is not connected",
    refreshRequest: oauth === null ? null : (refreshToken) => refreshRequest(oauth, refreshToken),
    notConfigured: "GOOGLE_OAUTH_CLIENT_ID/GOOGLE_OAUTH_CLIENT_SECRET are not set: cannot refresh the Google access token",
    classify: classifyTokenResponse,
    usable: accessTokenUsable,
  };
}

/**
 * A usable access token for the shop's Google Ads grant. `rejectedVersion`: Google refused the
 * token read at that version (401); it is forgotten and a new one fetched. Concurrent callers
 * in this process share one look-up/refresh.
 */
export async function googleAdsAccessToken(deps: GoogleAuthDeps, shop: string, opts: { rejectedVersion?: number } = {}): Promise<AccessToken> {
  return grantAccessToken(deps, googleProvider(deps), shop, opts);
}

export type PreparedGoogleAds =
  | { kind: "ready"; config: GoogleAdsConfig; version: number | null }
  | { kind: "pause"; reason: string }
  | { kind: "wait"; reason: string; afterMs: number };

/**
 * The destination's config with the app-supplied fields filled: the current access token and
 * the app's developer token. Used by every Google Ads request (uploads, adjustments, test
 * events). A destination saved before OAuth existed (a pasted token, no grant) keeps using
 * its stored token until Google refuses it.
 */
export async function prepareGoogleAdsConfig(
  deps: GoogleAuthDeps,
  shop: string,
  config: GoogleAdsConfig,
  opts: { rejectedVersion?: number } = {},
): Promise<PreparedGoogleAds> {
  const token = await googleAdsAccessToken(deps, shop, opts);
  const developerToken = deps.google?.developerToken ?? config.developerToken;
  if (token.kind === "token") return { kind: "ready", config: { ...config, accessToken: token.accessToken, developerToken }, version: token.version };
  if (token.kind === "not-connected" && config.accessToken && opts.rejectedVersion === undefined) {
    return { kind: "ready", config: { ...config, developerToken }, version: null };
  }
  if (token.kind === "wait") return token;
  return { kind: "pause", reason: token.reason };
}

// ---------------------------------------------------------------------------
// Connecting (the admin) and the callback.
// ---------------------------------------------------------------------------

export type ConnectStart = { kind: "redirect"; url: string } | { kind: "not-configured"; message: string };

export function startGoogleAdsConnect(deps: GoogleAuthDeps, shop: string): ConnectStart {
  const oauth = deps.google?.oauth ?? null;
  if (oauth === null) return { kind: "not-configured", message: "This Trueline server has no Google OAuth client (GOOGLE_OAUTH_CLIENT_ID / GOOGLE_OAUTH_CLIENT_SECRET)." };
  const state = signOAuthState(deps.key, { shop, purpose: GOOGLE_ADS_STATE_PURPOSE, now: deps.now() });
  return { kind: "redirect", url: authorizeUrl(oauth, state) };
}

export type ConnectResult = { kind: "connected"; shop: string; resumed: boolean } | { kind: "refused"; status: 400 | 403 | 502; message: string; shop?: string };

/** Google redirected the merchant back: check the state, exchange the code, store the grant, resume. */
export async function completeGoogleAdsConnect(
  deps: GoogleAuthDeps,
  query: { state?: string; code?: string; error?: string; scope?: string },
): Promise<ConnectResult> {
  const oauth = deps.google?.oauth ?? null;
  if (oauth === null) return { kind: "refused", status: 400, message: "Google Ads connection is not configured on this server." };
  const check = verifyOAuthState(deps.key, query.state ?? "", { purpose: GOOGLE_ADS_STATE_PURPOSE, now: deps.now() });
  if (!check.ok) return { kind: "refused", status: 403, message: `The sign-in link is not valid (${check.reason}). Start again from Trueline.` };
  const shop = check.shop;
  if (query.error !== undefined) return { kind: "refused", status: 400, shop, message: `Google did not grant access (${query.error.slice(0, 64)}).` };
  if (!query.code) return { kind: "refused", status: 400, shop, message: "Google sent no authorisation code." };
  const send = deps.send ?? sendRequest;
  const result = await send(codeExchangeRequest(oauth, query.code), { timeoutMs: deps.timeoutMs ?? 10_000 });
  if (result.kind === "network-error") return { kind: "refused", status: 502, shop, message: "Google's token endpoint did not answer. Try again." };
  const token = classifyTokenResponse(result.response, deps.now());
  if (token.kind !== "token") return { kind: "refused", status: token.kind === "retry" ? 502 : 400, shop, message: `Google refused the authorisation code (${token.reason}).` };
  if (!token.refreshToken) return { kind: "refused", status: 400, shop, message: "Google sent no refresh token (offline access). Try again." };
  if (token.scope !== undefined && !token.scope.split(" ").includes(GOOGLE_ADS_SCOPE)) {
    return { kind: "refused", status: 400, shop, message: "The Google Ads permission was not granted. Try again and allow access to Google Ads." };
  }
  const at = new Date(deps.now());
  await saveGrant(deps.db, deps.key, {
    shop,
    provider: GOOGLE_PROVIDER,
    refreshToken: token.refreshToken,
    accessToken: token.accessToken,
    accessExpiresAt: new Date(token.expiresAt),
    scope: token.scope ?? GOOGLE_ADS_SCOPE,
    at,
  });
  // What waited while the grant was gone goes out now.
  const dest = await getDestinationByKind(deps.db, deps.key, shop, "google-ads");
  let resumed = false;
  if (dest?.pausedAt && (dest.pausedReason ?? "").startsWith(RECONNECT_REASON)) {
    await resumeDestination(deps.db, shop, dest.id, at);
    resumed = true;
  }
  deps.log?.info("google ads connected", { shop, resumed });
  return { kind: "connected", shop, resumed };
}

/**
 * "Disconnect": revoke the grant at Google (as Google documents: POST the refresh token to its
 * revoke endpoint), then delete our copy. Best effort: whatever Google answers, or if it does
 * not answer, our copy is deleted and the failure logged (never the token); the merchant can
 * still remove access in their Google account.
 */
export async function disconnectGoogleAds(deps: GoogleAuthDeps, shop: string): Promise<{ revoked: boolean }> {
  let revoked = false;
  try {
    const grant = await getGrant(deps.db, deps.key, shop, GOOGLE_PROVIDER);
    const oauth = deps.google?.oauth ?? null;
    // Without the app's OAuth client configured no grant could have been made here (and the
    // stand-in origin lives on it): nothing to revoke.
    if (grant !== null && grant.refreshToken !== "" && oauth !== null) {
      const send = deps.send ?? sendRequest;
      const result = await send(revokeRequest(oauth, grant.refreshToken), { timeoutMs: deps.timeoutMs ?? 10_000 });
      const outcome = result.kind === "network-error" ? { kind: "failed" as const, reason: "no answer from Google" } : classifyRevokeResponse(result.response);
      revoked = outcome.kind === "revoked";
      if (outcome.kind === "failed") deps.log?.warn("google token revocation failed; our copy is deleted anyway", { shop, reason: outcome.reason });
      else deps.log?.info("google grant revoked at Google", { shop });
    }
  } catch (err) {
    deps.log?.warn("google token revocation failed; our copy is deleted anyway", { shop, reason: err instanceof Error ? err.name : "error" });
  } finally {
    await deleteGrant(deps.db, shop, GOOGLE_PROVIDER);
  }
  return { revoked };
}

export interface GoogleAdsConnection {
  configured: boolean;
  grant: OAuthGrantStatus | null;
}

export async function googleAdsConnection(deps: GoogleAuthDeps, shop: string): Promise<GoogleAdsConnection> {
  return { configured: (deps.google?.oauth ?? null) !== null, grant: await getGrantStatus(deps.db, shop, GOOGLE_PROVIDER) };
}

export type ConversionActionList = { kind: "actions"; actions: ConversionActionChoice[] } | { kind: "unavailable"; message: string };

/** The account's "Import from clicks" actions, for the admin's picker. */
export async function listGoogleAdsConversionActions(
  deps: GoogleAuthDeps,
  shop: string,
  account: { customerId: string; loginCustomerId?: string },
): Promise<ConversionActionList> {
  const send = deps.send ?? sendRequest;
  let rejectedVersion: number | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = await googleAdsAccessToken(deps, shop, { rejectedVersion });
    if (token.kind !== "token") return { kind: "unavailable", message: token.reason };
    const request = conversionActionsRequest(
      account.customerId,
      { accessToken: token.accessToken, developerToken: deps.google?.developerToken, loginCustomerId: account.loginCustomerId },
      deps.baseUrls?.["google-ads"],
    );
    const result = await send(request, { timeoutMs: deps.timeoutMs ?? 10_000 });
    if (result.kind === "network-error") return { kind: "unavailable", message: `Google Ads did not answer: ${result.error}` };
    const read = readConversionActions(result.response);
    if (read.kind === "actions") return read;
    if (read.kind === "unauthenticated") {
      rejectedVersion = token.version;
      continue;
    }
    return { kind: "unavailable", message: read.reason };
  }
  return { kind: "unavailable", message: "Google Ads refused the access token twice" };
}

export interface GoogleAdsPanel {
  /** The server has a Google OAuth client: "Connect" can be offered. */
  configured: boolean;
  state: "not-connected" | "connected" | "reconnect";
  problem: string | null;
  connectedAt: string | null;
  /** The account's "Import from clicks" actions, or why they could not be listed (null: nothing to list yet). */
  actions: { kind: "actions"; actions: ConversionActionChoice[] } | { kind: "unavailable"; message: string } | null;
}

/** What the Google Ads settings page shows about the connection, with the conversion-action list. */
export async function googleAdsPanel(deps: GoogleAuthDeps, shop: string): Promise<GoogleAdsPanel> {
  const connection = await googleAdsConnection(deps, shop);
  const grant = connection.grant;
  const state = grant === null ? "not-connected" : grant.status === "revoked" ? "reconnect" : "connected";
  let actions: GoogleAdsPanel["actions"] = null;
  if (state === "connected") {
    const dest = await getDestinationByKind(deps.db, deps.key, shop, "google-ads");
    const customerId = typeof dest?.publicConfig.customerId === "string" ? dest.publicConfig.customerId : undefined;
    const loginCustomerId = typeof dest?.publicConfig.loginCustomerId === "string" ? dest.publicConfig.loginCustomerId : undefined;
    actions = customerId
      ? await listGoogleAdsConversionActions(deps, shop, { customerId, loginCustomerId })
      : { kind: "unavailable", message: "Save the customer id to list its conversion actions." };
  }
  return { configured: connection.configured, state, problem: grant?.problem ?? null, connectedAt: grant?.connectedAt.toISOString() ?? null, actions };
}
