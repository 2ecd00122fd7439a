import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/** A fresh migrated SQLite file (measurements never share a database with tests). */
export function freshSqlite(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trueline-measure-"));
  const file = path.join(dir, `${name}.sqlite`);
  execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], { env: { ...process.env, DATABASE_URL: `file:${file}` }, stdio: "pipe" });
  return `file:${file}`;
}

export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
