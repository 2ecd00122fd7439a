import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";
import { asBool, runnerOf, statement } from "./sql.server";
import { decryptText, encryptText } from "~/lib/crypto.server";
import type { DestinationKind } from "~/destinations/destination";
import { DestinationPolicySchema, type DestinationPolicy } from "~/destinations/policy";

export interface DestinationRecord {
  id: string;
  shop: string;
  kind: DestinationKind;
  label: string;
  enabled: boolean;
  pausedAt: Date | null;
  pausedReason: string | null;
  /** Full adapter config: public fields merged with decrypted secrets (server only). */
  config: Record<string, unknown>;
  /** Public fields only (safe for the browser). */
  publicConfig: Record<string, unknown>;
  /** Which secret fields are set (never their values). */
  secretsSet: string[];
  policy: DestinationPolicy;
  updatedAt: Date;
}

type Row = Awaited<ReturnType<Db["destination"]["findFirstOrThrow"]>>;

function toRecord(row: Row, key: Buffer): DestinationRecord {
  const publicConfig = JSON.parse(row.config) as Record<string, unknown>;
  const secrets = row.secrets ? (JSON.parse(decryptText(key, row.secrets)) as Record<string, string>) : {};
  return {
    id: row.id,
    shop: row.shop,
    kind: row.kind as DestinationKind,
    label: row.label,
    enabled: row.enabled,
    pausedAt: row.pausedAt,
    pausedReason: row.pausedReason,
    config: { ...publicConfig, ...secrets },
    publicConfig,
    secretsSet: Object.keys(secrets).filter((k) => secrets[k]),
    policy: DestinationPolicySchema.parse(JSON.parse(row.policy)),
    updatedAt: row.updatedAt,
  };
}

export function splitSecrets(config: Record<string, unknown>, secretFields: readonly string[]) {
  const publicConfig: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (secretFields.includes(k)) {
      if (typeof v === "string" && v !== "") secrets[k] = v;
    } else {
      publicConfig[k] = v;
    }
  }
  return { publicConfig, secrets };
}

/** What the outbox needs of a destination to decide its row (no config, no secrets to decrypt). */
export type OutboxDestination = Pick<DestinationRecord, "id" | "kind" | "enabled" | "policy">;

const OUTBOX_DESTINATIONS = statement(
  "destinations.outbox",
  `SELECT "id", "kind", "enabled", "policy" FROM "Destination" WHERE "Destination"."shop" = ? ORDER BY "Destination"."createdAt" ASC`,
);

/** The shop's destinations as the outbox decides rows for them (every order): a prepared statement. */
export async function outboxDestinations(db: Db | Prisma.TransactionClient, shop: string): Promise<OutboxDestination[]> {
  const rows = await runnerOf(db).all(OUTBOX_DESTINATIONS, [shop]);
  return rows.map((r) => ({ id: String(r.id), kind: String(r.kind) as DestinationKind, enabled: asBool(r.enabled), policy: DestinationPolicySchema.parse(JSON.parse(String(r.policy))) }));
}

export async function listDestinations(db: Db, key: Buffer, shop: string): Promise<DestinationRecord[]> {
  const rows = await db.destination.findMany({ where: { shop }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => toRecord(r, key));
}

export async function getDestination(db: Db, key: Buffer, shop: string, id: string): Promise<DestinationRecord | null> {
  const row = await db.destination.findFirst({ where: { id, shop } });
  return row ? toRecord(row, key) : null;
}

export async function getDestinationsByIds(db: Db, key: Buffer, ids: string[]): Promise<Map<string, DestinationRecord>> {
  const rows = await db.destination.findMany({ where: { id: { in: ids } } });
  return new Map(rows.map((r) => [r.id, toRecord(r, key)]));
}

export async function saveDestination(
  db: Db,
  key: Buffer,
  input: {
    shop: string;
    id?: string;
    kind: DestinationKind;
    label: string;
    config: Record<string, unknown>;
    secretFields: readonly string[];
    policy: DestinationPolicy;
    enabled?: boolean;
  },
): Promise<DestinationRecord> {
  const { publicConfig, secrets } = splitSecrets(input.config, input.secretFields);
  // Secrets are write-only: a blank secret field keeps the stored value.
  let merged = secrets;
  if (input.id) {
    const existing = await db.destination.findFirst({ where: { id: input.id, shop: input.shop } });
    if (!existing) throw new Error("destination not found for this shop");
    const old = existing.secrets ? (JSON.parse(decryptText(key, existing.secrets)) as Record<string, string>) : {};
    merged = { ...old, ...secrets };
  }
  const data = {
    kind: input.kind,
    label: input.label,
    config: JSON.stringify(publicConfig),
    secrets: encryptText(key, JSON.stringify(merged)),
    policy: JSON.stringify(input.policy),
    enabled: input.enabled ?? true,
  };
  const row = input.id
    ? await db.destination.update({ where: { id: input.id }, data })
    : await db.destination.create({ data: { shop: input.shop, ...data } });
  return toRecord(row, key);
}

export async function pauseDestination(db: Db, id: string, reason: string, at: Date): Promise<void> {
  await db.destination.updateMany({ where: { id, pausedAt: null }, data: { pausedAt: at, pausedReason: reason } });
}

export async function resumeDestination(db: Db, shop: string, id: string, at: Date): Promise<void> {
  await db.$transaction([
    db.destination.updateMany({ where: { id, shop }, data: { pausedAt: null, pausedReason: null } }),
    // what waited while paused goes out now
    db.delivery.updateMany({ where: { destinationId: id, shop, status: { in: ["pending", "retrying"] } }, data: { nextAttemptAt: at } }),
  ]);
}

/** The shop's destination of one kind (the admin keeps one per platform; the oldest wins). */
export async function getDestinationByKind(db: Db, key: Buffer, shop: string, kind: DestinationKind): Promise<DestinationRecord | null> {
  const row = await db.destination.findFirst({ where: { shop, kind }, orderBy: { createdAt: "asc" } });
  return row ? toRecord(row, key) : null;
}

/** Merchant pause from the admin: scoped by shop; false when the id is not this shop's. */
export async function pauseDestinationForShop(db: Db, shop: string, id: string, reason: string, at: Date): Promise<boolean> {
  const { count } = await db.destination.updateMany({ where: { id, shop }, data: { pausedAt: at, pausedReason: reason } });
  return count > 0;
}

/** Whether this destination id belongs to the shop. */
export async function destinationBelongsTo(db: Db, shop: string, id: string): Promise<boolean> {
  return (await db.destination.count({ where: { id, shop } })) > 0;
}
