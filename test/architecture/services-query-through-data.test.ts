/**
 * Services query only through data/ (ADR 0018): a service orchestrates (it owns the
 * `$transaction` and passes the transaction client down) but never calls the client's model
 * methods or raw SQL itself; each query is a function in app/data/, named for what it does.
 * dependency-cruiser sees imports, not method calls on a client passed in, hence this scan.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SERVICES = path.join(ROOT, "app/services");

/** A model call on the client or a transaction (`tx.order.findUnique(`, `deps.db.pixelEvent.count(`), not `$transaction`; may span lines. */
const MODEL_CALL = /\b(?:tx|db|prisma|client|deps\.db)\s*\.\s*(?!\$)[a-z]\w*\s*\.\s*(?:find|create|update|delete|upsert|count|aggregate|groupBy)\w*\s*\(/g;
/** Raw SQL through the client, in any of its forms. */
const RAW_SQL = /\$(?:queryRaw|executeRaw)\w*/g;

/** "file:line: text" for every place in `source` that queries the database directly. */
export function directQueries(file: string, source: string): string[] {
  const lines = source.split("\n");
  // Line comments blanked out (same length), so positions still map to lines.
  const code = lines.map((l) => l.replace(/\/\/.*$/, (c) => " ".repeat(c.length))).join("\n");
  const at = new Set<number>();
  for (const re of [MODEL_CALL, RAW_SQL]) for (const m of code.matchAll(re)) at.add(code.slice(0, m.index).split("\n").length);
  return [...at].sort((a, b) => a - b).map((n) => `${file}:${n}: ${lines[n - 1]!.trim().slice(0, 160)}`);
}

function serviceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return serviceFiles(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

describe("services query only through data/", () => {
  it("the scan sees a direct query (so the check below can fail)", () => {
    expect(directQueries("x.ts", "const o = await tx.order.findUnique({ where });")).toHaveLength(1);
    expect(directQueries("x.ts", "await deps.db.pixelEvent.deleteMany({})")).toHaveLength(1);
    expect(directQueries("x.ts", "await db.$executeRaw`DELETE FROM x`")).toHaveLength(1);
    expect(directQueries("x.ts", "const a = 1;\nconst rows = await tx.visitSession\n  .findMany({ where });")).toEqual(["x.ts:2: const rows = await tx.visitSession"]);
    expect(directQueries("x.ts", "// tx.order.findUnique( is what data/orders does")).toEqual([]);
    expect(directQueries("x.ts", "return deps.db.$transaction(async (tx) => findOrder(tx, shop, id));")).toEqual([]);
  });

  it("no file in app/services calls the client's model methods or raw SQL", () => {
    const files = serviceFiles(SERVICES);
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => directQueries(path.relative(ROOT, f), readFileSync(f, "utf8")));
    expect(found, `move these queries into app/data/ (one function per operation):\n${found.join("\n")}`).toEqual([]);
  });
});
