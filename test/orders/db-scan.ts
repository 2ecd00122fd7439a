import type { Db } from "~/db.server";
import { testDbKind } from "../support/env";

export interface ScanHit {
  table: string;
  column: string;
  needle: string;
  rows: number;
}

/**
 * Search EVERY text column of EVERY table for each needle (case-insensitive substring).
 * Tables and columns come from the database's own catalogue (sqlite_master + table_info,
 * or information_schema), so a table added later is searched too.
 */
export async function scanDatabase(db: Db, needles: readonly string[]): Promise<ScanHit[]> {
  const columns = await textColumns(db);
  const postgres = await isPostgres(db);
  const hits: ScanHit[] = [];
  for (const { table, column } of columns) {
    for (const needle of needles) {
      const sql = postgres
        ? `SELECT count(*)::int AS n FROM "${table}" WHERE strpos(lower("${column}"::text), lower($1)) > 0`
        : `SELECT count(*) AS n FROM "${table}" WHERE instr(lower("${column}"), lower(?)) > 0`;
      const [row] = await db.$queryRawUnsafe<Array<{ n: number | bigint }>>(sql, needle);
      const rows = Number(row?.n ?? 0);
      if (rows > 0) hits.push({ table, column, needle, rows });
    }
  }
  return hits;
}

/** Every (table, text column) in the database. */
export async function textColumns(db: Db): Promise<Array<{ table: string; column: string }>> {
  if (await isPostgres(db)) {
    return db.$queryRawUnsafe<Array<{ table: string; column: string }>>(
      `SELECT table_name::text AS "table", column_name::text AS "column" FROM information_schema.columns
        WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
        ORDER BY table_name, column_name`,
    );
  }
  const tables = await db.$queryRawUnsafe<Array<{ name: string }>>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
  const out: Array<{ table: string; column: string }> = [];
  for (const { name } of tables) {
    const cols = await db.$queryRawUnsafe<Array<{ name: string; type: string }>>(`PRAGMA table_info("${name}")`);
    for (const c of cols) if (/TEXT|CHAR|CLOB|JSON/i.test(c.type) || c.type === "") out.push({ table: name, column: c.name });
  }
  return out;
}

/** Rows per table that mention a value in any text column (e.g. a shop's domain). */
export async function tablesMentioning(db: Db, needle: string): Promise<Record<string, number>> {
  const hits = await scanDatabase(db, [needle]);
  const out: Record<string, number> = {};
  for (const h of hits) out[h.table] = Math.max(out[h.table] ?? 0, h.rows);
  return out;
}

async function isPostgres(_db: Db): Promise<boolean> {
  return testDbKind() === "postgres";
}
