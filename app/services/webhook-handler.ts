import type { Db, DbProvider } from "~/db.server";
import type { Logger } from "~/lib/logger.server";
import type { RedactionTable } from "~/data/erasure.server";

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
export type HandlerResult =
  /** `erase`: personal data was deleted from these tables; once the delivery itself is finished
   * (its raw body, personal data too, cleared), the freed bytes are erased from the files. */
  | { kind: "processed"; note?: string; erase?: readonly RedactionTable[] }
  | { kind: "rejected"; reason: string }
  | { kind: "retry-later"; reason: string };
