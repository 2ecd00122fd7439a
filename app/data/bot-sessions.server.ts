import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";
import { latestSessionOfProfileBefore, SESSION_COLUMNS, toSession, type OrderSessionRow } from "./order-evidence.server";
import { runnerOf, statement, type Statement } from "./sql.server";

type Tx = Prisma.TransactionClient | Db;

/**
 * The queries behind bot filtering in reconciliation and attribution (app/services/orders.server.ts),
 * one function per operation (prepared statements: they run for every order). A session is a
 * bot's when the pixel marked any of its events as a bot's (PixelEvent.isBot, set at ingest:
 * app/services/ingest.server.ts looksLikeBot).
 */

const BOT_SESSIONS = statement(
  "bot-sessions.of-profile",
  `SELECT "sessionId" FROM "PixelEvent" WHERE "PixelEvent"."shop" = ? AND "PixelEvent"."profileId" = ? AND "PixelEvent"."isBot" = ? AND "PixelEvent"."sessionId" IS NOT NULL`,
);

/** Ids of the profile's sessions that hold an event marked as a bot's (index [shop, profileId]). */
export async function botSessionIdsOfProfile(tx: Tx, shop: string, profileId: string): Promise<string[]> {
  const rows = await runnerOf(tx).all(BOT_SESSIONS, [shop, profileId, true]);
  return [...new Set(rows.map((r) => String(r.sessionId)))];
}

const except = new Map<number, Statement>();

/** The profile's latest session that started at or before `before`, other than `except`, or null. */
export async function latestSessionOfProfileBeforeExcept(tx: Tx, shop: string, profileId: string, before: Date, skip: readonly string[]): Promise<OrderSessionRow | null> {
  if (skip.length === 0) return latestSessionOfProfileBefore(tx, shop, profileId, before);
  let st = except.get(skip.length);
  if (!st) {
    st = statement(
      `bot-sessions.latest-before-except.${skip.length}`,
      `SELECT ${SESSION_COLUMNS} FROM "VisitSession" WHERE "VisitSession"."shop" = ? AND "VisitSession"."profileId" = ? AND "VisitSession"."startedAt" <= ? AND "VisitSession"."id" NOT IN (${skip.map(() => "?").join(", ")}) ORDER BY "VisitSession"."startedAt" DESC LIMIT 1`,
    );
    except.set(skip.length, st);
  }
  const [row] = await runnerOf(tx).all(st, [shop, profileId, before, ...skip]);
  return row ? toSession(row) : null;
}
