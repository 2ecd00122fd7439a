import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { POSTGRES_ADMIN_URL, testDbKind } from "./support/env";
import { ROOT, TMP_BASE, withDatabase } from "./support/databases";
import { findPersonalData } from "./support/log-privacy";

/** The whole run's app logs must hold no raw email, phone, IP or token (issue 7, security). */
function checkLogPrivacy(tmp: string): void {
  const dir = path.join(tmp, "app-logs");
  if (!existsSync(dir)) return;
  const leaks = readdirSync(dir).flatMap((f) => findPersonalData(readFileSync(path.join(dir, f), "utf8"), f));
  let bytes = 0;
  for (const f of readdirSync(dir)) bytes += statSync(path.join(dir, f)).size;
  if (leaks.length) {
    throw new Error(`personal data in the app logs of this run (${leaks.length}): ${leaks.slice(0, 20).map((l) => `${l.kind} at ${l.at}`).join(", ")}`);
  }
  console.log(`log privacy: ${(bytes / 1024).toFixed(0)} KiB of app logs from this run scanned, no email, phone, IP or token`);
}

function migrate(url: string) {
  execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
}

/** Once per run: migrate the template databases (`npm test` builds the app first). */
export default async function setup(): Promise<() => void | Promise<void>> {
  // Each run gets its own scratch folder and template names; stale folders (> 6 h) are swept.
  const runId = `run-${process.pid}-${Date.now().toString(36)}`;
  const tmp = path.join(TMP_BASE, runId);
  mkdirSync(tmp, { recursive: true });
  for (const entry of readdirSync(TMP_BASE)) {
    const p = path.join(TMP_BASE, entry);
    if (entry !== runId && Date.now() - statSync(p).mtimeMs > 6 * 3_600_000) rmSync(p, { recursive: true, force: true });
  }
  process.env.TRUELINE_TEST_TMP = tmp;
  const pgTemplate = `trueline_tpl_${process.pid}`;
  process.env.TRUELINE_PG_TEMPLATE = pgTemplate;
  const sqliteTemplate = path.join(tmp, "template.sqlite");
  if (testDbKind() === "sqlite") {
    migrate(`file:${sqliteTemplate}`);
    return () => {
      try {
        checkLogPrivacy(tmp);
      } finally {
        if (!process.env.TRUELINE_KEEP_TEST_TMP) rmSync(tmp, { recursive: true, force: true });
      }
    };
  }
  // PostgreSQL: a missing server is a failure, not a skip.
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${pgTemplate}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${pgTemplate}"`);
  } finally {
    await admin.end();
  }
  migrate(withDatabase(POSTGRES_ADMIN_URL, pgTemplate));
  return async () => {
    const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${pgTemplate}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
    try {
      checkLogPrivacy(tmp);
    } finally {
      if (!process.env.TRUELINE_KEEP_TEST_TMP) rmSync(tmp, { recursive: true, force: true });
    }
  };
}
