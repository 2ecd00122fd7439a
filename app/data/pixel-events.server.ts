import { randomUUID } from "node:crypto";
import { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";

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

/**
 * Insert many requests' events with ONE statement per chunk, idempotent on
 * (shop, event id): `INSERT … ON CONFLICT DO NOTHING RETURNING` (SQLite ≥ 3.35 and
 * PostgreSQL). No interactive transaction, so ingest never waits on a round trip
 * while holding SQLite's write lock. Returns, per request, new and repeated counts.
 */
export async function insertPixelEventGroups(db: Db, groups: NewPixelEvent[][]): Promise<Array<{ inserted: number; duplicates: number }>> {
  const all = groups.flat();
  const inserted = new Set<string>();
  const cols = Prisma.raw(COLUMNS.map((c) => `"${c}"`).join(", "));
  for (let i = 0; i < all.length; i += 200) {
    const chunk = all.slice(i, i + 200);
    const values = Prisma.join(
      chunk.map((e) =>
        Prisma.sql`(${Prisma.join([
          randomUUID(), e.shop, e.eventId, e.name, e.occurredAt, e.receivedAt, e.clientId, e.visitorId, e.url, e.referrer,
          e.checkoutToken, e.orderId, e.cartToken, e.customerId, e.emailHash, e.phoneHash, e.consent, e.isBot,
          e.data, e.identity, e.userAgent, e.ip,
        ])})`,
      ),
    );
    const rows = await db.$queryRaw<Array<{ shop: string; eventId: string }>>(
      Prisma.sql`INSERT INTO "PixelEvent" (${cols}) VALUES ${values} ON CONFLICT ("shop", "eventId") DO NOTHING RETURNING "shop", "eventId"`,
    );
    for (const r of rows) inserted.add(`${r.shop}\u0000${r.eventId}`);
  }
  return groups.map((group) => {
    let n = 0;
    for (const e of group) if (inserted.delete(`${e.shop}\u0000${e.eventId}`)) n++;
    return { inserted: n, duplicates: group.length - n };
  });
}
