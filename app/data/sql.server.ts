import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { Prisma } from "@trueline/db-sqlite";
import { driverOf, type Db, type DbProvider } from "~/db.server";

/**
 * Prepared statements on the database driver, under Prisma (ADR 0016 §5, ADR 0021): the
 * order webhook's hot path costs ~0.5 ms of CPU per Prisma query for ~0.05 ms of SQL, so its
 * queries run here instead, each a statement prepared once per connection:
 * - SQLite: better-sqlite3 statements cached per connection, run on the connection Prisma's
 *   adapter itself uses (one connection; inside a Prisma transaction they are part of it);
 * - PostgreSQL: pg named prepared statements (parsed and planned once per pooled connection),
 *   run on the very connection of the Prisma transaction (found by `pg_backend_pid()`), or on
 *   the pool outside a transaction.
 * Only `app/data/*` modules use this, one function per operation, both providers' SQL side by
 * side. A transaction not opened by `transaction()` (or a client not made by createDb) still
 * works: the statement then goes through Prisma's raw query API, same SQL, same results.
 */

type Tx = Prisma.TransactionClient | Db;

export interface Statement {
  /** Unique per SQL text: PostgreSQL prepares it under this name on each connection. */
  name: string;
  sqlite: string;
  postgres: string;
}

/** A statement with `?` placeholders; PostgreSQL's text numbers them ($1, $2, …) unless given. */
export function statement(name: string, sqlite: string, postgres?: string): Statement {
  let n = 0;
  return { name, sqlite, postgres: postgres ?? sqlite.replace(/\?/g, () => `$${++n}`) };
}

export type Row = Record<string, unknown>;

export interface Runner {
  provider: DbProvider;
  /** Rows of a query (or of a write with RETURNING). */
  all(s: Statement, params: readonly unknown[]): Promise<Row[]>;
  /** A write: how many rows it changed. */
  run(s: Statement, params: readonly unknown[]): Promise<number>;
}

/** DateTime as Prisma stores it: SQLite compares text, so the form must be exactly Prisma's. */
export function sqlTime(provider: DbProvider, d: Date): string {
  return provider === "sqlite" ? d.toISOString().replace("Z", "+00:00") : d.toISOString();
}

/** A DateTime column as read by either driver or by Prisma's raw API. */
export function asDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(typeof v === "bigint" ? Number(v) : (v as string | number));
}

export function asDateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : asDate(v);
}

/** A Boolean column (SQLite stores 0/1). */
export function asBool(v: unknown): boolean {
  return v === true || v === 1 || v === 1n || v === "1" || v === "t";
}

export function asNumber(v: unknown): number {
  return typeof v === "number" ? v : Number(v);
}

export function asStringOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

let idCounter = 0;
/** A row id in cuid's shape (time-ordered prefix, like the ids Prisma's default writes). */
export function newId(random: () => number = Math.random): string {
  idCounter = (idCounter + 1) % 1_679_616;
  const rand = Array.from({ length: 2 }, () => Math.floor(random() * 2_176_782_336).toString(36).padStart(6, "0")).join("");
  return `c${Date.now().toString(36).padStart(8, "0")}${idCounter.toString(36).padStart(4, "0")}${rand}`;
}

function sqliteParam(v: unknown): unknown {
  if (v instanceof Date) return sqlTime("sqlite", v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return v === undefined ? null : v;
}

function pgParam(v: unknown): unknown {
  if (v instanceof Date) return sqlTime("postgres", v);
  return v === undefined ? null : v;
}

const sqliteCache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function sqliteRunner(conn: BetterSqlite3.Database): Runner {
  let cache = sqliteCache.get(conn);
  if (!cache) sqliteCache.set(conn, (cache = new Map()));
  const prepared = (s: Statement) => {
    let st = cache.get(s.name);
    if (!st) {
      st = conn.prepare(s.sqlite);
      // The adapter turns on safe integers for the connection; our rows want plain numbers.
      st.safeIntegers(false);
      cache.set(s.name, st);
    }
    return st;
  };
  return {
    provider: "sqlite",
    all: async (s, params) => prepared(s).all(...params.map(sqliteParam)) as Row[],
    run: async (s, params) => prepared(s).run(...params.map(sqliteParam)).changes,
  };
}

// timestamp(3) without time zone holds UTC (Prisma's convention): read it as UTC, whatever the
// process's zone (pg's default parser reads it as local time).
const TIMESTAMP_OID = 1114;
const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID ? (v: string) => new Date(`${v.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format as "text")) as pg.CustomTypesConfig["getTypeParser"],
};

function pgRunner(q: pg.Pool | pg.PoolClient): Runner {
  const custom = PG_TYPES;
  const exec = (s: Statement, params: readonly unknown[]) => q.query({ name: s.name, text: s.postgres, values: params.map(pgParam), types: custom });
  return {
    provider: "postgres",
    all: async (s, params) => (await exec(s, params)).rows as Row[],
    run: async (s, params) => (await exec(s, params)).rowCount ?? 0,
  };
}

function prismaRunner(tx: Tx): Runner {
  const active = (tx as unknown as { _activeProvider?: string })._activeProvider;
  const provider: DbProvider = active === "sqlite" ? "sqlite" : "postgres";
  const text = (s: Statement) => (provider === "sqlite" ? s.sqlite : s.postgres);
  return {
    provider,
    all: async (s, params) => tx.$queryRawUnsafe<Row[]>(text(s), ...params.map((v) => (v === undefined ? null : v))),
    run: async (s, params) => tx.$executeRawUnsafe(text(s), ...params.map((v) => (v === undefined ? null : v))),
  };
}

const bound = new WeakMap<object, Runner>();

/** Where a data function runs its statements for this client or transaction. */
export function runnerOf(tx: Tx): Runner {
  const known = bound.get(tx);
  if (known) return known;
  const driver = driverOf(tx);
  let runner: Runner | undefined;
  if (driver?.provider === "sqlite") {
    const conn = driver.connection();
    if (conn) runner = sqliteRunner(conn);
  } else if (driver?.provider === "postgres") {
    runner = pgRunner(driver.pool);
  }
  if (!runner) return prismaRunner(tx);
  bound.set(tx, runner);
  return runner;
}

/**
 * An interactive Prisma transaction whose client also runs prepared statements on the
 * driver (runnerOf(tx)). On PostgreSQL one extra statement finds the transaction's pooled
 * connection.
 */
export async function transaction<T>(db: Db, fn: (tx: Prisma.TransactionClient) => Promise<T>, opts: { timeout?: number; maxWait?: number } = {}): Promise<T> {
  const driver = driverOf(db);
  return db.$transaction(async (tx) => {
    if (driver?.provider === "sqlite") {
      const conn = driver.connection();
      if (conn) bound.set(tx, sqliteRunner(conn));
    } else if (driver?.provider === "postgres") {
      const rows = await tx.$queryRawUnsafe<Array<{ pid: number }>>("SELECT pg_backend_pid() AS pid");
      const client = driver.clientOfBackend(Number(rows[0]?.pid));
      if (client) bound.set(tx, pgRunner(client));
    }
    return fn(tx);
  }, opts);
}
