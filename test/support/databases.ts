import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { POSTGRES_ADMIN_URL, testDbKind } from "./env";

/**
 * A fresh, migrated database per test file: a copy of a migrated SQLite template,
 * or a PostgreSQL database created from a migrated template database.
 * The templates are made once per run by test/global-setup.ts.
 */
export const ROOT = path.resolve(import.meta.dirname, "../..");
/** Per test run (global setup sets it), so concurrent runs never share or delete each other's files. */
export const TMP_BASE = path.join(ROOT, ".test-tmp");
export const TMP = process.env.TRUELINE_TEST_TMP ?? path.join(TMP_BASE, "default");
export const SQLITE_TEMPLATE = path.join(TMP, "template.sqlite");
export const PG_TEMPLATE = process.env.TRUELINE_PG_TEMPLATE ?? "trueline_template";

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  if (testDbKind() === "sqlite") {
    mkdirSync(TMP, { recursive: true });
    if (!existsSync(SQLITE_TEMPLATE)) throw new Error("no SQLite template: run through vitest (global setup)");
    const file = path.join(TMP, `${name}.sqlite`);
    copyFileSync(SQLITE_TEMPLATE, file);
    return { url: `file:${file}`, drop: async () => undefined };
  }
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${PG_TEMPLATE}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(POSTGRES_ADMIN_URL, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
