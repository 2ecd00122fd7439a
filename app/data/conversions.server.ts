import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";
import { newId, runnerOf, sqlTime, statement } from "./sql.server";

type Tx = Db | Prisma.TransactionClient;

/** Queries on stored conversions (written by orders and sessionising, read by retention and privacy), one function per operation. */

/** The shop's conversions of one order. */
export async function conversionsOfOrder(db: Tx, shop: string, orderId: string) {
  return db.conversion.findMany({ where: { shop, orderId } });
}

/** The shop's conversions of these orders. */
export async function conversionsOfOrders(db: Tx, shop: string, orderIds: string[]) {
  return db.conversion.findMany({ where: { shop, orderId: { in: orderIds } } });
}

/** The shop's conversions keyed by these event ids. */
export async function conversionsOfEvents(db: Tx, shop: string, eventIds: string[]) {
  return db.conversion.findMany({ where: { shop, eventId: { in: eventIds } } });
}

/** Replaces a conversion's stored payload (used to strip identity fields). */
export async function setConversionPayload(db: Tx, id: string, payload: string): Promise<void> {
  await db.conversion.update({ where: { id }, data: { payload } });
}

/** A conversion as stored: keyed by (shop, event id), the canonical conversion as JSON text in `payload`. */
export interface ConversionRow {
  shop: string;
  eventId: string;
  name: string;
  /** The order it belongs to (orders' conversions); left out for storefront events. */
  orderId?: string | null;
  occurredAt: Date;
  payload: string;
}

/**
 * The one writer of Conversion rows (keyed by shop and event id), for both sources of
 * conversions; the caller then writes their outbox rows (services/outbox, same transaction).
 * - `"keep"`: storefront events (services/visits) never change, so a row that exists is kept
 *   as it is (one upsert statement; a pixel pass writes many).
 * - `"replace"`: an order's conversions follow the order's latest version (services/orders):
 *   when the payload differs, the stored payload and time are replaced (name and order id
 *   come with the event id, so they do not change).
 */
export async function saveConversion(tx: Tx, row: ConversionRow, existing: "keep" | "replace"): Promise<{ id: string }> {
  const { shop, eventId, name, orderId, occurredAt, payload } = row;
  if (existing === "keep") {
    return tx.conversion.upsert({
      where: { conversion_event_id: { shop, eventId } },
      create: { shop, eventId, name, orderId, occurredAt, payload },
      update: {},
    });
  }
  const found = await tx.conversion.findUnique({ where: { conversion_event_id: { shop, eventId } } });
  if (found) {
    if (found.payload !== payload) await tx.conversion.update({ where: { id: found.id }, data: { payload, occurredAt } });
    return { id: found.id };
  }
  return tx.conversion.create({ data: { shop, eventId, name, orderId, occurredAt, payload } });
}

const SAVE_ORDER_CONVERSIONS = statement(
  "conversions.save-order",
  `INSERT INTO "Conversion" ("id", "shop", "eventId", "name", "orderId", "occurredAt", "payload", "createdAt", "updatedAt")
   SELECT json_extract(value, '$.id'), json_extract(value, '$.shop'), json_extract(value, '$.eventId'), json_extract(value, '$.name'),
          json_extract(value, '$.orderId'), json_extract(value, '$.occurredAt'), json_extract(value, '$.payload'), json_extract(value, '$.now'), json_extract(value, '$.now')
   FROM json_each(?) WHERE true
   ON CONFLICT ("shop", "eventId") DO UPDATE SET
     "occurredAt" = CASE WHEN "Conversion"."payload" = excluded."payload" THEN "Conversion"."occurredAt" ELSE excluded."occurredAt" END,
     "updatedAt" = CASE WHEN "Conversion"."payload" = excluded."payload" THEN "Conversion"."updatedAt" ELSE excluded."updatedAt" END,
     "payload" = excluded."payload"
   RETURNING "id", "eventId"`,
  `INSERT INTO "Conversion" ("id", "shop", "eventId", "name", "orderId", "occurredAt", "payload", "createdAt", "updatedAt")
   SELECT "id", "shop", "eventId", "name", "orderId", "occurredAt", "payload", "now", "now"
   FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "shop" text, "eventId" text, "name" text, "orderId" text, "occurredAt" timestamp(3), "payload" text, "now" timestamp(3))
   ON CONFLICT ("shop", "eventId") DO UPDATE SET
     "occurredAt" = CASE WHEN "Conversion"."payload" = excluded."payload" THEN "Conversion"."occurredAt" ELSE excluded."occurredAt" END,
     "updatedAt" = CASE WHEN "Conversion"."payload" = excluded."payload" THEN "Conversion"."updatedAt" ELSE excluded."updatedAt" END,
     "payload" = excluded."payload"
   RETURNING "id", "eventId"`,
);

/**
 * saveConversion(…, "replace") for all of an order's conversions at once (purchase, cancel,
 * refunds): ONE prepared upsert on (shop, event id). A stored row keeps its id; its payload
 * and time are replaced only when the payload differs. Returns each event id's row id.
 */
export async function saveOrderConversions(tx: Tx, rows: readonly ConversionRow[]): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const runner = runnerOf(tx);
  const now = sqlTime(runner.provider, new Date());
  const json = JSON.stringify(
    rows.map((r) => ({ id: newId(), shop: r.shop, eventId: r.eventId, name: r.name, orderId: r.orderId ?? null, occurredAt: sqlTime(runner.provider, r.occurredAt), payload: r.payload, now })),
  );
  const out = await runner.all(SAVE_ORDER_CONVERSIONS, [json]);
  return new Map(out.map((r) => [String(r.eventId), String(r.id)]));
}
