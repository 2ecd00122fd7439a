import { Prisma } from "@trueline/db-sqlite";
import type { DbProvider } from "~/db.server";
import { CLOCK_SKEW_MS } from "~/core/reconcile/match-order";
import {
  identifierKey,
  mergeStampedIds,
  planProfileMerge,
  type ProfileFacts,
  type ProfileIdentifiers,
  type ProfileResolution,
  type StampedValue,
} from "~/core/sessions/profile-merge";
import { asDate, asStringOrNull, newId, runnerOf, statement, type Statement } from "./sql.server";

type Tx = Prisma.TransactionClient;

/**
 * Serialise identity writes per shop across processes (PostgreSQL advisory lock,
 * released at commit). SQLite has one writer, so nothing to do there.
 */
const LOCK_IDENTITY = statement("identity.lock", "SELECT 1", `SELECT pg_advisory_xact_lock(hashtext($1))::text`);

export async function lockShopIdentity(tx: Tx, provider: DbProvider, shop: string): Promise<void> {
  if (provider === "postgres") await runnerOf(tx).all(LOCK_IDENTITY, [`identity:${shop}`]);
}

export interface ProfileIdentifierBag {
  clickIds?: Record<string, StampedValue>;
  cookies?: Record<string, StampedValue>;
}

function keysOf(ids: ProfileIdentifiers): string[] {
  const keys: string[] = [];
  if (ids.clientId) keys.push(identifierKey("client", ids.clientId));
  if (ids.visitorId) keys.push(identifierKey("visitor", ids.visitorId));
  if (ids.customerId) keys.push(identifierKey("customer", ids.customerId));
  if (ids.emailHash) keys.push(identifierKey("email", ids.emailHash));
  if (ids.phoneHash) keys.push(identifierKey("phone", ids.phoneHash));
  return keys;
}

function mergeBags(a: ProfileIdentifierBag, b: ProfileIdentifierBag): ProfileIdentifierBag {
  return { clickIds: mergeStampedIds(a.clickIds ?? {}, b.clickIds ?? {}) as Record<string, StampedValue>, cookies: mergeStampedIds(a.cookies ?? {}, b.cookies ?? {}) as Record<string, StampedValue> };
}

/**
 * Find, create or merge the shopper's profile for these identifiers (the decision is
 * core/sessions/profile-merge.ts; this only applies it). Returns the profile id, or
 * null when there is nothing to identify anyone by.
 */
export async function resolveProfile(
  tx: Tx,
  shop: string,
  ids: ProfileIdentifiers,
  at: Date,
  bag: ProfileIdentifierBag = {},
): Promise<string | null> {
  return (await resolveProfileDetailed(tx, shop, ids, at, bag)).profileId;
}

export interface ProfileResolutionOutcome {
  profileId: string | null;
  /** Profiles merged into profileId by this call (their sessions, events and orders moved). */
  merged: string[];
  /** Alias keys newly attached to profileId. */
  attached: string[];
  /**
   * On a merge: the orders (ids) the merge can change, i.e. those placed at or after (less
   * the clock skew) the earliest session of the OTHER side of the merge. An order older than
   * every session the merge brings in sees no new session before it and no new touch in its
   * lookback, so its match and credits cannot change (ADR 0005).
   */
  revisitOrderIds: string[];
}


/**
 * resolveProfile, saying what changed. First/last seen are the min/max over everything that
 * touched the profile, so they do not depend on the order events and orders were processed in.
 */
export async function resolveProfileDetailed(
  tx: Tx,
  shop: string,
  ids: ProfileIdentifiers,
  at: Date,
  bag: ProfileIdentifierBag = {},
): Promise<ProfileResolutionOutcome> {
  const keys = keysOf(ids);
  if (keys.length === 0) return { profileId: null, merged: [], attached: [], revisitOrderIds: [] };
  const aliasRows = await aliasesOfKeys(tx, shop, keys);
  const aliases: Record<string, string> = {};
  for (const a of aliasRows) aliases[a.key] = a.profileId;
  const profileRows = aliasRows.length ? await profilesByIds(tx, shop, [...new Set(aliasRows.map((a) => a.profileId))]) : [];
  const profiles: Record<string, ProfileFacts> = {};
  for (const p of profileRows) {
    profiles[p.id] = { createdAt: p.firstSeenAt.getTime(), customerId: p.customerId, identified: Boolean(p.customerId || p.emailHash || p.phoneHash) };
  }
  const plan = planProfileMerge({ identifiers: ids, aliases, profiles });
  if (plan.kind === "none") return { profileId: null, merged: [], attached: [], revisitOrderIds: [] };
  let merged: string[] = [];
  let revisitOrderIds: string[] = [];

  let profileId: string;
  let attach: string[];
  const apply = async (r: ProfileResolution) => {
    if (r.kind === "create") {
      const id = newId();
      const now = new Date();
      await runnerOf(tx).run(INSERT_PROFILE, [id, shop, ids.customerId ?? null, ids.emailHash ?? null, ids.phoneHash ?? null, JSON.stringify(mergeBags({}, bag)), at, at, now, now]);
      return id;
    }
    return r.profileId;
  };
  if (plan.kind === "merge") {
    profileId = plan.survivor;
    attach = plan.attach;
    merged = [...plan.merge];
    const mergedRows = profileRows.filter((p) => plan.merge.includes(p.id));
    revisitOrderIds = await ordersAMergeCanChange(tx, shop, profileId, plan.merge);
    // By profile id alone (ids are unique across shops): the [profileId] index, not a walk of the shop's aliases.
    await tx.profileAlias.updateMany({ where: { profileId: { in: plan.merge } }, data: { profileId } });
    await tx.profile.updateMany({ where: { shop, id: { in: plan.merge } }, data: { mergedIntoId: profileId } });
    await tx.visitSession.updateMany({ where: { shop, profileId: { in: plan.merge } }, data: { profileId } });
    await tx.pixelEvent.updateMany({ where: { shop, profileId: { in: plan.merge } }, data: { profileId } });
    await tx.order.updateMany({ where: { shop, profileId: { in: plan.merge } }, data: { profileId } });
    let combined: ProfileIdentifierBag = bag;
    let firstSeen = at.getTime();
    let lastSeen = at.getTime();
    for (const m of mergedRows) {
      combined = mergeBags(combined, JSON.parse(m.identifiers) as ProfileIdentifierBag);
      firstSeen = Math.min(firstSeen, m.firstSeenAt.getTime());
      lastSeen = Math.max(lastSeen, m.lastSeenAt.getTime());
    }
    const survivor = profileRows.find((p) => p.id === profileId);
    if (survivor) combined = mergeBags(JSON.parse(survivor.identifiers) as ProfileIdentifierBag, combined);
    const mergedCustomer = mergedRows.find((m) => m.customerId)?.customerId;
    await tx.profile.update({
      where: { id: profileId },
      data: {
        identifiers: JSON.stringify(combined),
        lastSeenAt: new Date(Math.max(lastSeen, survivor?.lastSeenAt.getTime() ?? 0)),
        ...(survivor && !survivor.customerId && (ids.customerId || mergedCustomer) ? { customerId: ids.customerId ?? mergedCustomer } : {}),
        ...(survivor && !survivor.emailHash && ids.emailHash ? { emailHash: ids.emailHash } : {}),
        ...(survivor && !survivor.phoneHash && ids.phoneHash ? { phoneHash: ids.phoneHash } : {}),
        ...(survivor && firstSeen < survivor.firstSeenAt.getTime() ? { firstSeenAt: new Date(firstSeen) } : {}),
      },
    });
  } else {
    const resolution = plan.kind === "conflict" ? plan.resolution : plan;
    profileId = await apply(resolution);
    attach = resolution.attach;
    if (resolution.kind === "use") {
      const existing = profileRows.find((p) => p.id === profileId);
      await updateProfile(tx, profileId, {
          lastSeenAt: existing && existing.lastSeenAt > at ? existing.lastSeenAt : at,
          ...(existing && existing.firstSeenAt > at ? { firstSeenAt: at } : {}),
          ...(existing && !existing.customerId && ids.customerId ? { customerId: ids.customerId } : {}),
          ...(existing && !existing.emailHash && ids.emailHash ? { emailHash: ids.emailHash } : {}),
          ...(existing && !existing.phoneHash && ids.phoneHash ? { phoneHash: ids.phoneHash } : {}),
          ...(bag.clickIds || bag.cookies ? { identifiers: JSON.stringify(mergeBags(JSON.parse(existing?.identifiers ?? "{}") as ProfileIdentifierBag, bag)) } : {}),
      });
    }
  }
  if (attach.length > 0) await insertAliases(tx, shop, profileId, attach);
  return { profileId, merged, attached: attach, revisitOrderIds };
}

/**
 * Before a merge moves anything, the orders of either side it can change (ADR 0005):
 * - those placed at or after (less the clock skew) the earliest session of the OTHER side
 *   (a new "latest session before the order", new touches in its lookback), and
 * - those whose own identifiers (customer id, email, phone) are aliases of the other side
 *   (their weaker evidence named the other profile: the conflict the merge resolves).
 * Reads: each side's earliest session ([shop, profileId, startedAt]), the sides' aliases
 * ([profileId]) and their orders' keys ([shop, profileId, shopifyCreatedAt]); only the
 * orders chosen are reconciled again.
 */
async function ordersAMergeCanChange(tx: Tx, shop: string, survivor: string, merge: string[]): Promise<string[]> {
  const sides = [survivor, ...merge];
  const earliest = new Map<string, number>();
  for (const profileId of sides) {
    const s = await tx.visitSession.findFirst({ where: { shop, profileId }, orderBy: { startedAt: "asc" }, select: { startedAt: true } });
    if (s) earliest.set(profileId, s.startedAt.getTime());
  }
  const aliases = await tx.profileAlias.findMany({ where: { profileId: { in: sides } }, select: { key: true, profileId: true } });
  const aliasSide = new Map(aliases.map((a) => [a.key, a.profileId]));
  const orders = await tx.order.findMany({
    where: { shop, profileId: { in: sides } },
    select: { orderId: true, profileId: true, shopifyCreatedAt: true, customerId: true, emailHash: true, phoneHash: true },
  });
  const out: string[] = [];
  for (const o of orders) {
    const side = o.profileId!;
    // The other side's earliest session (for an order of the survivor: any merged profile's).
    let otherFrom: number | null = null;
    for (const p of sides) if (p !== side && earliest.has(p)) otherFrom = Math.min(otherFrom ?? Infinity, earliest.get(p)!);
    const keys = [o.customerId && identifierKey("customer", o.customerId), o.emailHash && identifierKey("email", o.emailHash), o.phoneHash && identifierKey("phone", o.phoneHash)].filter((k): k is string => Boolean(k));
    const namesOther = keys.some((k) => aliasSide.has(k) && aliasSide.get(k) !== side);
    if (namesOther || (otherFrom !== null && o.shopifyCreatedAt.getTime() >= otherFrom - CLOCK_SKEW_MS)) out.push(o.orderId);
  }
  return out;
}

// The per-order (and per-pass) reads and writes above, as prepared statements on the driver
// (app/data/sql.server.ts, ADR 0021). The rare merge path stays on Prisma's query API.

interface ProfileRow {
  id: string;
  customerId: string | null;
  emailHash: string | null;
  phoneHash: string | null;
  identifiers: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

const byCount = (cache: Map<number, Statement>, n: number, name: string, sql: (marks: string) => string): Statement => {
  let st = cache.get(n);
  if (!st) cache.set(n, (st = statement(`${name}.${n}`, sql(Array.from({ length: n }, () => "?").join(", ")))));
  return st;
};

const aliasReads = new Map<number, Statement>();
async function aliasesOfKeys(tx: Tx, shop: string, keys: string[]): Promise<Array<{ key: string; profileId: string }>> {
  const st = byCount(aliasReads, keys.length, "identity.aliases", (m) => `SELECT "key", "profileId" FROM "ProfileAlias" WHERE "ProfileAlias"."shop" = ? AND "ProfileAlias"."key" IN (${m})`);
  return (await runnerOf(tx).all(st, [shop, ...keys])).map((r) => ({ key: String(r.key), profileId: String(r.profileId) }));
}

const profileReads = new Map<number, Statement>();
async function profilesByIds(tx: Tx, shop: string, ids: string[]): Promise<ProfileRow[]> {
  const st = byCount(
    profileReads,
    ids.length,
    "identity.profiles",
    (m) => `SELECT "id", "customerId", "emailHash", "phoneHash", "identifiers", "firstSeenAt", "lastSeenAt" FROM "Profile" WHERE "Profile"."shop" = ? AND "Profile"."id" IN (${m})`,
  );
  return (await runnerOf(tx).all(st, [shop, ...ids])).map((r) => ({
    id: String(r.id),
    customerId: asStringOrNull(r.customerId),
    emailHash: asStringOrNull(r.emailHash),
    phoneHash: asStringOrNull(r.phoneHash),
    identifiers: String(r.identifiers),
    firstSeenAt: asDate(r.firstSeenAt),
    lastSeenAt: asDate(r.lastSeenAt),
  }));
}

const INSERT_PROFILE = statement(
  "identity.insert-profile",
  `INSERT INTO "Profile" ("id", "shop", "customerId", "emailHash", "phoneHash", "identifiers", "firstSeenAt", "lastSeenAt", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);

type ProfileUpdate = Partial<Pick<ProfileRow, "customerId" | "emailHash" | "phoneHash" | "identifiers" | "firstSeenAt" | "lastSeenAt">>;
const profileUpdates = new Map<string, Statement>();
async function updateProfile(tx: Tx, id: string, data: ProfileUpdate): Promise<void> {
  const cols = (Object.keys(data) as Array<keyof ProfileUpdate>).filter((c) => data[c] !== undefined);
  const key = cols.join(",");
  let st = profileUpdates.get(key);
  if (!st) profileUpdates.set(key, (st = statement(`identity.update-profile.${profileUpdates.size}`, `UPDATE "Profile" SET ${[...cols, "updatedAt"].map((c) => `"${c}" = ?`).join(", ")} WHERE "id" = ?`)));
  await runnerOf(tx).run(st, [...cols.map((c) => data[c]), new Date(), id]);
}

const aliasInserts = new Map<number, Statement>();
async function insertAliases(tx: Tx, shop: string, profileId: string, keys: string[]): Promise<void> {
  const st = byCount(aliasInserts, keys.length, "identity.insert-aliases", () =>
    `INSERT INTO "ProfileAlias" ("id", "shop", "key", "profileId", "createdAt") VALUES ${keys.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
  );
  const now = new Date();
  await runnerOf(tx).run(st, keys.flatMap((key) => [newId(), shop, key, profileId, now]));
}
