import type { Db, DbProvider } from "~/db.server";
import type { Logger } from "~/lib/logger.server";

// What a stored-webhook handler receives and returns. Kept apart from process-webhooks.server.ts
// so the handlers (orders, privacy) and the loop that calls them do not import each other.

export interface ProcessDeps {
  db: Db;
  provider: DbProvider;
  key: Buffer;
  log: Logger;
  now: () => number;
  random: () => number;
}

/** What handling a stored webhook came to. "retry-later": e.g. a refund whose order has not arrived yet. */
export type HandlerResult = { kind: "processed"; note?: string } | { kind: "rejected"; reason: string } | { kind: "retry-later"; reason: string };
