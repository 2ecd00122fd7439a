#!/usr/bin/env node
// The ingest baseline: a bare node:http server that writes the same PixelEvent rows with raw
// better-sqlite3 (prepared insert, WAL, synchronous=NORMAL), validating nothing. What the app's
// proxy route is compared against in `npm run bench`.
import { randomUUID } from "node:crypto";
import http from "node:http";
import Database from "better-sqlite3";

const file = process.argv[2];
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
const insert = db.prepare(
  `INSERT INTO "PixelEvent" ("id","shop","eventId","name","occurredAt","receivedAt","clientId","consent","data","identity")
   VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT ("shop","eventId") DO NOTHING`,
);
const writeBatch = db.transaction((shop, batch) => {
  const now = new Date().toISOString();
  for (const e of batch.events) insert.run(randomUUID(), shop, e.id, e.name, e.timestamp, now, batch.identity.clientId, "1111", "{}", "{}");
});
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    try {
      const shop = new URL(req.url, "http://x").searchParams.get("shop") ?? "x";
      writeBatch(shop, JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
      res.end('{"ok":true}');
    } catch {
      res.writeHead(400);
      res.end();
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`baseline listening ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
