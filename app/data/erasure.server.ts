import type { Db, DbProvider } from "~/db.server";

/** Tables a redaction may leave personal data in (rows deleted or rewritten). */
export const REDACTION_TABLES = [
  "Order",
  "Conversion",
  "Delivery",
  "DeliveryAttempt",
  "PixelEvent",
  "VisitSession",
  "Profile",
  "ProfileAlias",
  "PrivacyRequest",
  "WebhookDelivery",
  "Session",
  "Destination",
  "OAuthGrant",
  "AttributionCredit",
  "AdminJob",
] as const;
export type RedactionTable = (typeof REDACTION_TABLES)[number];

/**
 * After a redaction, make the deleted bytes go from the database's files too, not only from
 * what SQL can see (ADR 0014, README "Security").
 * - SQLite: `secure_delete` (app/db.server.ts) already zeroes the pages; the WAL still holds
 *   the pages as they were before. A TRUNCATE checkpoint writes the zeroed pages into the
 *   database file and empties the WAL.
 * - PostgreSQL: deleted rows stay in the table files as dead tuples until VACUUM removes them
 *   (and frees whole pages at the end of a table). VACUUM cannot run inside a transaction:
 *   one statement per table, outside any.
 */
export async function eraseFreedBytes(db: Db, provider: DbProvider, tables: readonly RedactionTable[]): Promise<void> {
  if (provider === "sqlite") {
    await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
    return;
  }
  for (const table of tables) {
    if (!(REDACTION_TABLES as readonly string[]).includes(table)) throw new Error(`not a redaction table: ${table}`);
    await db.$executeRawUnsafe(`VACUUM "${table}"`);
  }
}
