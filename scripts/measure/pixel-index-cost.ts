/**
 * `npx vite-node scripts/measure/pixel-index-cost.ts -- [--rows N]` — what each PixelEvent
 * secondary index costs ingest (issue 10): SQLite, a migrated database holding N events,
 * then 20,000 more inserted as ingest writes them (batches of 10, one transaction each) and
 * marked processed as sessionising does; CPU time per event with every index, then with
 * each index dropped in turn. Deterministic enough to compare on a shared machine (CPU, not
 * wall-clock).
 */
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { freshSqlite } from "./common";

const argv = process.argv.slice(2);
const ROWS = Number(argv[argv.indexOf("--rows") + 1] || 200_000);
const N = 20_000;
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

function seed(file: string) {
  const d = new Database(file);
  d.pragma("journal_mode = WAL");
  const ins = d.prepare(`INSERT INTO "PixelEvent" ("id","shop","eventId","name","occurredAt","receivedAt","clientId","checkoutToken","consent","data","identity","processedAt") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`);
  const now = Date.now();
  d.transaction(() => {
    for (let i = 0; i < ROWS; i++) ins.run(randomUUID(), "s.myshopify.com", `seed-${i}`, "page_viewed", iso(now - i * 1000), iso(now - i * 1000), `c-${i % 20000}`, i % 10 ? null : `t-${i}`, "1111", "{}", "{}", iso(now));
  })();
  d.close();
}

function run(file: string, drop: string | null): number {
  const d = new Database(file);
  d.pragma("journal_mode = WAL");
  d.pragma("synchronous = NORMAL");
  if (drop) d.exec(`DROP INDEX "${drop}"`);
  const ins = d.prepare(`INSERT INTO "PixelEvent" ("id","shop","eventId","name","occurredAt","receivedAt","clientId","checkoutToken","consent","data","identity") VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT ("shop","eventId") DO NOTHING`);
  const mark = d.prepare(`UPDATE "PixelEvent" SET "processedAt" = ?, "profileId" = ?, "sessionId" = ? WHERE "id" = ?`);
  const now = Date.now();
  const ids: string[] = [];
  const c0 = process.cpuUsage();
  for (let b = 0; b < N / 10; b++) {
    d.transaction(() => {
      for (let k = 0; k < 10; k++) {
        const i = b * 10 + k;
        const id = randomUUID();
        ids.push(id);
        ins.run(id, "s.myshopify.com", `new-${i}`, "page_viewed", iso(now + i), iso(now + i), `n-${i % 500}`, null, "1111", "{}", "{}");
      }
    })();
  }
  const c1 = process.cpuUsage(c0);
  d.transaction(() => {
    for (const id of ids) mark.run(iso(now), "p", "s", id);
  })();
  const c2 = process.cpuUsage(c0);
  d.close();
  return [(c1.user + c1.system) / N, (c2.user + c2.system - c1.user - c1.system) / N] as unknown as number;
}

const template = freshSqlite("pixel-index-cost").replace(/^file:/, "");
seed(template);
const indexes = (new Database(template).prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'PixelEvent' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'`).all() as Array<{ name: string }>).map((r) => r.name);
const dir = mkdtempSync(path.join(tmpdir(), "trueline-idx-"));
console.log(`SQLite, ${ROWS.toLocaleString("en-US")} events stored; µs CPU per event inserted (batches of 10) / marked processed`);
for (const drop of [null, ...indexes]) {
  const file = path.join(dir, `${drop ?? "all"}.sqlite`);
  copyFileSync(template, file);
  const [insert, mark] = run(file, drop) as unknown as [number, number];
  console.log(`  ${drop ? `without ${drop}` : "every index"}: insert ${insert.toFixed(1)}, mark ${mark.toFixed(1)}`);
}
