import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";
import { SESSION_COLUMNS, toSession, type OrderSessionRow } from "./order-evidence.server";
import { newId, runnerOf, sqlTime, statement } from "./sql.server";

type Tx = Prisma.TransactionClient | Db;

/**
 * The queries behind an order's attribution credits (app/services/orders.server.ts), one
 * function per operation; prepared statements, the credits written by one set-based insert.
 */

export type NewAttributionCredit = Prisma.AttributionCreditCreateManyInput;

const DELETE_CREDITS = statement("attribution.delete-order", `DELETE FROM "AttributionCredit" WHERE "AttributionCredit"."shop" = ? AND "AttributionCredit"."orderId" = ?`);

/** Removes every credit of one order (before they are computed again). */
export async function deleteOrderAttribution(tx: Tx, shop: string, orderId: string): Promise<void> {
  await runnerOf(tx).run(DELETE_CREDITS, [shop, orderId]);
}

const SESSIONS_BETWEEN = statement(
  "attribution.sessions-between",
  `SELECT ${SESSION_COLUMNS} FROM "VisitSession" WHERE "VisitSession"."shop" = ? AND "VisitSession"."profileId" = ? AND "VisitSession"."startedAt" >= ? AND "VisitSession"."startedAt" <= ? ORDER BY "VisitSession"."startedAt" ASC`,
);

/** The profile's sessions that started in [from, to], earliest first (the attribution window). */
export async function sessionsOfProfileBetween(tx: Tx, shop: string, profileId: string, from: Date, to: Date): Promise<OrderSessionRow[]> {
  return (await runnerOf(tx).all(SESSIONS_BETWEEN, [shop, profileId, from, to])).map(toSession);
}

const CREDIT_FIELDS = `"id", "shop", "orderId", "sessionId", "model", "weight", "revenue", "currency", "channel", "campaign", "orderAt", "renewal", "createdAt"`;
const INSERT_CREDITS = statement(
  "attribution.insert-credits",
  `INSERT INTO "AttributionCredit" (${CREDIT_FIELDS})
   SELECT json_extract(value, '$.id'), json_extract(value, '$.shop'), json_extract(value, '$.orderId'), json_extract(value, '$.sessionId'),
          json_extract(value, '$.model'), json_extract(value, '$.weight'), json_extract(value, '$.revenue'), json_extract(value, '$.currency'),
          json_extract(value, '$.channel'), json_extract(value, '$.campaign'), json_extract(value, '$.orderAt'), json_extract(value, '$.renewal'), json_extract(value, '$.createdAt')
   FROM json_each(?)`,
  `INSERT INTO "AttributionCredit" (${CREDIT_FIELDS})
   SELECT "id", "shop", "orderId", "sessionId", "model", "weight", "revenue", "currency", "channel", "campaign", "orderAt", "renewal", "createdAt"
   FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "shop" text, "orderId" text, "sessionId" text, "model" text, "weight" double precision,
        "revenue" text, "currency" text, "channel" text, "campaign" text, "orderAt" timestamp(3), "renewal" boolean, "createdAt" timestamp(3))`,
);

/** Stores an order's credits (all models at once): one statement, the rows in one JSON parameter. */
export async function insertAttributionCredits(tx: Tx, rows: NewAttributionCredit[]): Promise<void> {
  if (rows.length === 0) return;
  const runner = runnerOf(tx);
  const t = (d: Date | string) => sqlTime(runner.provider, new Date(d));
  const now = new Date();
  const json = JSON.stringify(
    rows.map((r) => ({
      id: r.id ?? newId(), shop: r.shop, orderId: r.orderId, sessionId: r.sessionId, model: r.model, weight: r.weight, revenue: r.revenue,
      currency: r.currency, channel: r.channel, campaign: r.campaign ?? null, orderAt: t(r.orderAt),
      // Every column of the row goes through the JSON: a field left out is silently its default.
      renewal: r.renewal ?? false, createdAt: t(r.createdAt ?? now),
    })),
  );
  await runner.run(INSERT_CREDITS, [json]);
}

/** One order's credits (a renewal credited to the channel that acquired the subscriber copies its first order's). */
export async function creditsOfOrder(tx: Tx, shop: string, orderId: string) {
  return tx.attributionCredit.findMany({ where: { shop, orderId }, orderBy: [{ model: "asc" }, { sessionId: "asc" }] });
}
