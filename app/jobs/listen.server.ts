import pg from "pg";
import type { Logger } from "~/lib/logger.server";
import { emitWork, WORK_CHANNEL } from "~/lib/signals.server";

export interface WorkListener {
  stop(): Promise<void>;
  /** Resolves once the first LISTEN is in place (tests, logs). */
  ready: Promise<void>;
}

/**
 * PostgreSQL: a dedicated connection (not one of the pool's) LISTENs on the work channel
 * and turns every notification into the in-process wake-up. A lost connection is
 * reconnected with backoff; meanwhile the worker's poll is the fallback (ADR 0016).
 */
export function listenForWork(databaseUrl: string, log: Logger): WorkListener {
  const url = new URL(databaseUrl);
  // Prisma's `?schema=` is not a server setting; a notification channel is per database anyway.
  url.searchParams.delete("schema");
  let stopped = false;
  let client: pg.Client | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let failures = 0;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));

  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url.toString() });
    client = c;
    c.on("notification", (msg) => {
      if (msg.channel === WORK_CHANNEL) emitWork();
    });
    c.on("error", (error) => {
      log.warn("work listener connection lost; polling until it is back", { error: error.message });
      void c.end().catch(() => undefined);
      schedule();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${WORK_CHANNEL}`);
      failures = 0;
      log.info("listening for work notifications", { channel: WORK_CHANNEL });
      markReady();
      // Anything stored while we were not listening is found by this pass.
      emitWork();
    } catch (error) {
      log.warn("work listener could not connect; polling meanwhile", { error: error instanceof Error ? error.message : String(error) });
      void c.end().catch(() => undefined);
      schedule();
    }
  };
  const schedule = () => {
    if (stopped || retryTimer) return;
    failures++;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, Math.min(30_000, 500 * 2 ** failures));
    retryTimer.unref();
  };
  void connect();

  return {
    ready,
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      await client?.end().catch(() => undefined);
    },
  };
}
