import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "@trueline/db-sqlite";
import { PrismaClient as PostgresClient } from "@trueline/db-postgres";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { env } from "./env.server";

/**
 * One data model, two generated clients (ADR 0002): the provider is fixed per
 * Prisma schema, so prisma/sqlite and prisma/postgres each generate a client.
 * Both are generated from the same model, so their query API is identical; the
 * SQLite client's type stands for both.
 */
export type Db = SqliteClient;
export type DbProvider = "sqlite" | "postgres";

export function providerOf(url: string): DbProvider {
  return url.startsWith("file:") ? "sqlite" : "postgres";
}

function pgSchemaOf(url: string): string | undefined {
  return new URL(url).searchParams.get("schema") ?? undefined;
}

export interface Database {
  db: Db;
  provider: DbProvider;
  /** Resolves once per-connection settings are applied; awaited at boot. */
  ready: Promise<void>;
}

/**
 * The driver connection under a client, for the hot paths that run prepared statements
 * themselves (app/data/sql.server.ts, ADR 0016 §5): SQLite's one better-sqlite3 connection
 * (Prisma's adapter runs everything on it, so a statement run there while a Prisma
 * transaction is open is part of it), or PostgreSQL's pool, with the pooled client serving
 * each backend (so a Prisma transaction's connection can be found by `pg_backend_pid()`).
 */
export type DriverConnection =
  | { provider: "sqlite"; connection: () => BetterSqlite3.Database | undefined }
  | { provider: "postgres"; pool: pg.Pool; clientOfBackend: (pid: number) => pg.PoolClient | undefined };

const drivers = new WeakMap<object, DriverConnection>();

/** The driver connection under a client made by createDb (undefined for any other object). */
export function driverOf(db: object): DriverConnection | undefined {
  return drivers.get(db);
}

export function createDb(url: string): Database {
  const provider = providerOf(url);
  if (provider === "sqlite") {
    const factory = new PrismaBetterSQLite3({ url });
    // Keep the connection the adapter opens (its `client`), so prepared statements can run on it.
    let connection: BetterSqlite3.Database | undefined;
    const connect = factory.connect.bind(factory);
    factory.connect = async () => {
      const adapter = await connect();
      connection = (adapter as unknown as { client: BetterSqlite3.Database }).client;
      return adapter;
    };
    const db = new SqliteClient({ adapter: factory });
    drivers.set(db, { provider: "sqlite", connection: () => connection });
    // WAL + NORMAL: durable across process crashes (not power loss), several times faster
    // writes than the rollback journal (https://www.sqlite.org/wal.html). busy_timeout covers
    // a second connection (the CLI, the demo's reader) touching the file. secure_delete:
    // deleted and overwritten content is zeroed in the pages instead of left in free space,
    // so redacted personal data does not outlive the redaction in the file's bytes
    // (https://www.sqlite.org/pragma.html#pragma_secure_delete; ADR 0014).
    const ready = (async () => {
      await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
      await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
      await db.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
      await db.$queryRawUnsafe("PRAGMA secure_delete = ON");
    })();
    return { db, provider, ready };
  }
  const schema = pgSchemaOf(url);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const byBackend = new Map<number, pg.PoolClient>();
  const pidOf = (c: pg.PoolClient) => (c as unknown as { processID?: number }).processID;
  pool.on("connect", (c) => {
    const pid = pidOf(c);
    if (pid !== undefined) byBackend.set(pid, c);
  });
  pool.on("remove", (c) => {
    const pid = pidOf(c as pg.PoolClient);
    if (pid !== undefined && byBackend.get(pid) === c) byBackend.delete(pid);
  });
  const client = new PostgresClient({
    adapter: new PrismaPg(pool, { ...(schema ? { schema } : {}), disposeExternalPool: true }),
  });
  drivers.set(client, { provider: "postgres", pool, clientOfBackend: (pid) => byBackend.get(pid) });
  return { db: client as unknown as Db, provider, ready: client.$connect() };
}

declare global {
  // `var` is required: only var declarations become properties of globalThis.
  var truelineDb: Database | undefined;
}

/** The process-wide client (kept on globalThis so dev reloads reuse it). */
export function database(): Database {
  globalThis.truelineDb ??= createDb(env().DATABASE_URL);
  return globalThis.truelineDb;
}

export function prisma(): Db {
  return database().db;
}
