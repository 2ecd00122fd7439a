import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "@trueline/db-sqlite";
import { PrismaClient as PostgresClient } from "@trueline/db-postgres";
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

export function createDb(url: string): Database {
  const provider = providerOf(url);
  if (provider === "sqlite") {
    const db = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url }) });
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
  const client = new PostgresClient({
    adapter: new PrismaPg({ connectionString: url, max: 10 }, schema ? { schema } : undefined),
  });
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
