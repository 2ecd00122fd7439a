import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { runnerOf, statement, type Statement } from "./sql.server";

export interface NewPixelEvent {
  shop: string;
  eventId: string;
  name: string;
  occurredAt: Date;
  receivedAt: Date;
  clientId: string;
  visitorId: string | null;
  url: string | null;
  referrer: string | null;
  checkoutToken: string | null;
  orderId: string | null;
  cartToken: string | null;
  customerId: string | null;
  emailHash: string | null;
  phoneHash: string | null;
  consent: string;
  isBot: boolean;
  data: string;
  identity: string;
  userAgent: string | null;
  ip: string | null;
}

const COLUMNS = [
  "id", "shop", "eventId", "name", "occurredAt", "receivedAt", "clientId", "visitorId", "url", "referrer",
  "checkoutToken", "orderId", "cartToken", "customerId", "emailHash", "phoneHash", "consent", "isBot",
  "data", "identity", "userAgent", "ip",
] as const;

const CHUNK = 200;
/** One prepared statement per chunk size (app/data/sql.server.ts, ADR 0043): a batch's insert parses and plans once per connection. */
const inserts = new Map<number, Statement>();
function insertOf(n: number): Statement {
  let st = inserts.get(n);
  if (!st) {
    const row = `(${COLUMNS.map(() => "?").join(", ")})`;
    const sql = `INSERT INTO "PixelEvent" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES ${Array.from({ length: n }, () => row).join(", ")} ON CONFLICT ("shop", "eventId") DO NOTHING RETURNING "shop", "eventId"`;
    inserts.set(n, (st = statement(`pixel-events.insert.${n}`, sql)));
  }
  return st;
}

/**
 * Insert many requests' events with ONE statement per chunk, idempotent on
 * (shop, event id): `INSERT … ON CONFLICT DO NOTHING RETURNING` (SQLite ≥ 3.35 and
 * PostgreSQL), prepared on the driver. No interactive transaction, so ingest never waits on
 * a round trip while holding SQLite's write lock. Returns, per request, new and repeated counts.
 */
export async function insertPixelEventGroups(db: Db, groups: NewPixelEvent[][]): Promise<Array<{ inserted: number; duplicates: number }>> {
  const all = groups.flat();
  const inserted = new Set<string>();
  const runner = runnerOf(db);
  for (let i = 0; i < all.length; i += CHUNK) {
    const chunk = all.slice(i, i + CHUNK);
    const params = chunk.flatMap((e) => [
      randomUUID(), e.shop, e.eventId, e.name, e.occurredAt, e.receivedAt, e.clientId, e.visitorId, e.url, e.referrer,
      e.checkoutToken, e.orderId, e.cartToken, e.customerId, e.emailHash, e.phoneHash, e.consent, e.isBot,
      e.data, e.identity, e.userAgent, e.ip,
    ]);
    const rows = await runner.all(insertOf(chunk.length), params);
    for (const r of rows) inserted.add(`${String(r.shop)}\u0000${String(r.eventId)}`);
  }
  return groups.map((group) => {
    let n = 0;
    for (const e of group) if (inserted.delete(`${e.shop}\u0000${e.eventId}`)) n++;
    return { inserted: n, duplicates: group.length - n };
  });
}
