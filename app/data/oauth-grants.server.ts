import type { Db } from "~/db.server";
import { decryptText, encryptText } from "~/lib/crypto.server";

/**
 * OAuth grants of a shop, one per provider (ADR 0030): tokens encrypted at rest with the destination
 * secrets' key. The row is the cross-worker lock for a refresh: every change moves `version`,
 * and a refresh is taken by a compare-and-set on (version, refreshLeaseUntil), so two
 * workers never refresh one grant at once and a late writer never overwrites a newer grant.
 */

export interface OAuthGrantRecord {
  id: string;
  shop: string;
  provider: string;
  status: "active" | "revoked";
  problem: string | null;
  version: number;
  refreshToken: string;
  /** "" when none is stored. */
  accessToken: string;
  accessExpiresAt: Date | null;
  refreshLeaseUntil: Date | null;
  scope: string;
  connectedAt: Date;
}

/** What the admin may see: never a token. */
export interface OAuthGrantStatus {
  status: "active" | "revoked";
  problem: string | null;
  connectedAt: Date;
  scope: string;
}

type Row = NonNullable<Awaited<ReturnType<Db["oAuthGrant"]["findFirst"]>>>;

function toRecord(row: Row, key: Buffer): OAuthGrantRecord {
  return {
    id: row.id,
    shop: row.shop,
    provider: row.provider,
    status: row.status === "revoked" ? "revoked" : "active",
    problem: row.problem,
    version: row.version,
    refreshToken: decryptText(key, row.refreshToken),
    accessToken: row.accessToken === "" ? "" : decryptText(key, row.accessToken),
    accessExpiresAt: row.accessExpiresAt,
    refreshLeaseUntil: row.refreshLeaseUntil,
    scope: row.scope,
    connectedAt: row.connectedAt,
  };
}

export async function getGrant(db: Db, key: Buffer, shop: string, provider: string): Promise<OAuthGrantRecord | null> {
  const row = await db.oAuthGrant.findUnique({ where: { grant_shop_provider: { shop, provider } } });
  return row ? toRecord(row, key) : null;
}

/** The grant's state for the admin, scoped by shop. */
export async function getGrantStatus(db: Db, shop: string, provider: string): Promise<OAuthGrantStatus | null> {
  const row = await db.oAuthGrant.findFirst({ where: { shop, provider }, select: { status: true, problem: true, connectedAt: true, scope: true } });
  return row ? { status: row.status === "revoked" ? "revoked" : "active", problem: row.problem, connectedAt: row.connectedAt, scope: row.scope } : null;
}

/** A new consent: replaces whatever grant the destination had (revoked or not). */
export async function saveGrant(
  db: Db,
  key: Buffer,
  input: { shop: string; provider: string; refreshToken: string; accessToken: string; accessExpiresAt: Date; scope: string; at: Date },
): Promise<void> {
  const data = {
    shop: input.shop,
    provider: input.provider,
    refreshToken: encryptText(key, input.refreshToken),
    accessToken: encryptText(key, input.accessToken),
    accessExpiresAt: input.accessExpiresAt,
    scope: input.scope,
    status: "active",
    problem: null,
    refreshLeaseUntil: null,
    connectedAt: input.at,
  };
  await db.oAuthGrant.upsert({
    where: { grant_shop_provider: { shop: input.shop, provider: input.provider } },
    create: data,
    update: { ...data, version: { increment: 1 } },
  });
}

/**
 * Take the right to refresh: only when the row is still at `version`, active, and no other
 * refresh holds an unexpired lease. True = ours; the row is then at version + 1.
 */
export async function takeRefreshLease(db: Db, id: string, version: number, now: Date, leaseMs: number): Promise<boolean> {
  const { count } = await db.oAuthGrant.updateMany({
    where: { id, version, status: "active", OR: [{ refreshLeaseUntil: null }, { refreshLeaseUntil: { lt: now } }] },
    data: { refreshLeaseUntil: new Date(now.getTime() + leaseMs), version: { increment: 1 } },
  });
  return count === 1;
}

/** Store the refreshed access token (and a rotated refresh token, if Google sent one). False if the row moved on. */
export async function storeRefreshedToken(
  db: Db,
  key: Buffer,
  id: string,
  version: number,
  token: { accessToken: string; accessExpiresAt: Date; refreshToken?: string },
): Promise<boolean> {
  const { count } = await db.oAuthGrant.updateMany({
    where: { id, version },
    data: {
      accessToken: encryptText(key, token.accessToken),
      accessExpiresAt: token.accessExpiresAt,
      ...(token.refreshToken ? { refreshToken: encryptText(key, token.refreshToken) } : {}),
      refreshLeaseUntil: null,
      version: { increment: 1 },
    },
  });
  return count === 1;
}

/** A refresh that failed for now: give the lease back. */
export async function releaseRefreshLease(db: Db, id: string, version: number): Promise<void> {
  await db.oAuthGrant.updateMany({ where: { id, version }, data: { refreshLeaseUntil: null, version: { increment: 1 } } });
}

/** The platform refused the access token of `version` (401): forget it, if it is still the current one. */
export async function forgetAccessToken(db: Db, id: string, version: number): Promise<void> {
  await db.oAuthGrant.updateMany({ where: { id, version }, data: { accessToken: "", accessExpiresAt: null, version: { increment: 1 } } });
}

/** invalid_grant: only a new consent helps. Scoped to `version` so a reconnect in between is never undone. */
export async function markGrantRevoked(db: Db, id: string, version: number, problem: string): Promise<boolean> {
  const { count } = await db.oAuthGrant.updateMany({
    where: { id, version },
    data: { status: "revoked", problem, accessToken: "", accessExpiresAt: null, refreshLeaseUntil: null, version: { increment: 1 } },
  });
  return count === 1;
}

/** Disconnect from the admin. */
export async function deleteGrant(db: Db, shop: string, provider: string): Promise<void> {
  await db.oAuthGrant.deleteMany({ where: { shop, provider } });
}
