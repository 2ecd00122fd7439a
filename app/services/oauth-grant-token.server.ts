import type { Db } from "~/db.server";
import type { HttpRequestSpec, HttpResponseSnapshot } from "~/destinations/destination";
import { forgetAccessToken, getGrant, markGrantRevoked, releaseRefreshLease, storeRefreshedToken, takeRefreshLease } from "~/data/oauth-grants.server";
import { sendRequest } from "~/lib/http-sender.server";
import type { Logger } from "~/lib/logger.server";

/**
 * An access token from a stored OAuth grant (ADR 0030, generalised for LinkedIn in ADR 0045):
 * refreshed before it expires and after the platform refused it (401); one refresh per
 * (provider, shop) at a time in this process (single-flight) and across processes (a lease on
 * the grant row, taken by compare-and-set on its version). invalid_grant marks the grant
 * revoked: the caller pauses the destination with the provider's reconnect reason.
 */

export interface GrantTokenDeps {
  db: Db;
  key: Buffer;
  now: () => number;
  log?: Logger;
  send?: typeof sendRequest;
  timeoutMs?: number;
}

export type TokenEndpointOutcome =
  | { kind: "token"; accessToken: string; expiresAt: number; refreshToken?: string; scope?: string }
  | { kind: "revoked"; reason: string }
  | { kind: "retry"; reason: string };

export interface GrantProvider {
  /** OAuthGrant.provider ("google", "linkedin"). */
  provider: string;
  /** The platform as the merchant knows it in messages ("Google", "LinkedIn"). */
  label: string;
  /** Pause reasons start with this; a successful reconnect lifts exactly those pauses. */
  reconnectReason: string;
  notConnected: string;
  /** null: the app has no OAuth client; the message says which env vars are missing. */
  refreshRequest: ((refreshToken: string) => HttpRequestSpec) | null;
  notConfigured: string;
  classify: (response: HttpResponseSnapshot, now: number) => TokenEndpointOutcome;
  usable: (expiresAt: number | null, now: number) => boolean;
}

export type AccessToken =
  | { kind: "token"; accessToken: string; version: number }
  | { kind: "not-connected"; reason: string }
  | { kind: "reconnect"; reason: string }
  | { kind: "wait"; reason: string; afterMs: number };

/** How long a refresh may hold the grant before another worker may take over. */
const REFRESH_LEASE_MS = 30_000;
/** Rows wait this long when the token endpoint is unavailable. */
const TOKEN_ENDPOINT_RETRY_MS = 60_000;
/** Polls (real time) while another process refreshes the same grant. */
const LEASE_POLLS = 40;
const LEASE_POLL_MS = 25;

const inflight = new Map<string, Promise<AccessToken>>();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A usable access token for the shop's grant. `rejectedVersion`: the platform refused the token
 * read at that version (401); it is forgotten and a new one fetched. Concurrent callers in this
 * process share one look-up/refresh.
 */
export async function grantAccessToken(deps: GrantTokenDeps, p: GrantProvider, shop: string, opts: { rejectedVersion?: number } = {}): Promise<AccessToken> {
  const key = `${p.provider}\u0000${shop}`;
  for (let i = 0; i < 3; i++) {
    const running = inflight.get(key);
    if (running) {
      const joined = await running;
      // A look-up that began before the 401 may hand back the refused token: look again.
      if (opts.rejectedVersion !== undefined && joined.kind === "token" && joined.version === opts.rejectedVersion) continue;
      return joined;
    }
    const started = obtain(deps, p, shop, opts).finally(() => inflight.delete(key));
    inflight.set(key, started);
    return started;
  }
  return obtain(deps, p, shop, opts);
}

async function obtain(deps: GrantTokenDeps, p: GrantProvider, shop: string, opts: { rejectedVersion?: number }): Promise<AccessToken> {
  const send = deps.send ?? sendRequest;
  const refused = (reason: string) => `${p.reconnectReason}: ${p.label} refused the stored authorisation (${reason})`;
  for (let polls = 0; polls < LEASE_POLLS; polls++) {
    const grant = await getGrant(deps.db, deps.key, shop, p.provider);
    if (grant === null) return { kind: "not-connected", reason: `${p.reconnectReason}: ${p.notConnected}` };
    if (grant.status === "revoked") return { kind: "reconnect", reason: refused(grant.problem ?? "revoked") };
    if (opts.rejectedVersion === grant.version) {
      await forgetAccessToken(deps.db, grant.id, grant.version);
      continue;
    }
    const now = deps.now();
    if (grant.accessToken !== "" && p.usable(grant.accessExpiresAt?.getTime() ?? null, now)) {
      return { kind: "token", accessToken: grant.accessToken, version: grant.version };
    }
    if (p.refreshRequest === null) return { kind: "wait", reason: p.notConfigured, afterMs: TOKEN_ENDPOINT_RETRY_MS };
    if (!(await takeRefreshLease(deps.db, grant.id, grant.version, new Date(now), REFRESH_LEASE_MS))) {
      // Another process is refreshing this grant (or the row just moved): read it again shortly.
      await sleep(LEASE_POLL_MS);
      continue;
    }
    const leased = grant.version + 1;
    const result = await send(p.refreshRequest(grant.refreshToken), { timeoutMs: deps.timeoutMs ?? 10_000 });
    if (result.kind === "network-error") {
      await releaseRefreshLease(deps.db, grant.id, leased);
      return { kind: "wait", reason: `${p.label} token endpoint unreachable: ${result.error}`, afterMs: TOKEN_ENDPOINT_RETRY_MS };
    }
    const outcome = p.classify(result.response, deps.now());
    if (outcome.kind === "token") {
      const stored = await storeRefreshedToken(deps.db, deps.key, grant.id, leased, {
        accessToken: outcome.accessToken,
        accessExpiresAt: new Date(outcome.expiresAt),
        refreshToken: outcome.refreshToken,
      });
      if (stored) {
        deps.log?.info(`${p.provider} access token refreshed`, { shop });
        return { kind: "token", accessToken: outcome.accessToken, version: leased + 1 };
      }
      continue; // a reconnect replaced the grant meanwhile: use the new one
    }
    if (outcome.kind === "revoked") {
      await markGrantRevoked(deps.db, grant.id, leased, outcome.reason);
      deps.log?.warn(`${p.provider} grant revoked; destination needs reconnecting`, { shop, reason: outcome.reason });
      return { kind: "reconnect", reason: refused(outcome.reason) };
    }
    await releaseRefreshLease(deps.db, grant.id, leased);
    return { kind: "wait", reason: outcome.reason, afterMs: TOKEN_ENDPOINT_RETRY_MS };
  }
  return { kind: "wait", reason: `another process is refreshing the ${p.label} access token`, afterMs: 5_000 };
}
