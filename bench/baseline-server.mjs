#!/usr/bin/env node
// The ingest baseline: a bare node:http server that writes the same PixelEvent rows with the
// database driver directly, validating nothing. What the app's proxy route is compared
// against in `npm run bench` (measured while every app process is stopped, see ADR 0017).
//   node bench/baseline-server.mjs sqlite <file>   prepared insert, WAL, synchronous=NORMAL
//   node bench/baseline-server.mjs postgres <url>  one multi-row INSERT per request (pool of 4)
import { randomUUID } from "node:crypto";
import http from "node:http";

const [kind, target] = process.argv.slice(2);
const cols = `"id","shop","eventId","name","occurredAt","receivedAt","clientId","cartToken","checkoutToken","consent","data","identity"`;
const rowOf = (shop, batch, e, now) => [randomUUID(), shop, e.id, e.name, e.timestamp, now, batch.identity.clientId, e.cartToken ?? null, e.checkoutToken ?? null, "1111", "{}", "{}"];
let write;
if (kind === "postgres") {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: target, max: 4 });
  write = async (shop, batch) => {
    const now = new Date().toISOString();
    const params = [];
    const values = batch.events.map((e) => `(${rowOf(shop, batch, e, now).map((v) => (params.push(v), `$${params.length}`)).join(",")})`).join(",");
    await pool.query(`INSERT INTO "PixelEvent" (${cols}) VALUES ${values} ON CONFLICT ("shop","eventId") DO NOTHING`, params);
  };
} else {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(target);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const insert = db.prepare(`INSERT INTO "PixelEvent" (${cols}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT ("shop","eventId") DO NOTHING`);
  const tx = db.transaction((shop, batch) => {
    const now = new Date().toISOString();
    for (const e of batch.events) insert.run(...rowOf(shop, batch, e, now));
  });
  write = async (shop, batch) => tx(shop, batch);
}
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    Promise.resolve()
      .then(() => write(new URL(req.url, "http://x").searchParams.get("shop") ?? "x", JSON.parse(Buffer.concat(chunks).toString("utf8"))))
      .then(() => {
        res.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
        res.end('{"ok":true}');
      })
      .catch(() => {
        res.writeHead(400);
        res.end();
      });
  });
});
server.listen(0, "127.0.0.1", () => console.log(`baseline listening ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
