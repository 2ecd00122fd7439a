import { randomUUID } from "node:crypto";
import { database } from "~/db.server";
import { decodeKey, env } from "~/env.server";
import { log } from "~/lib/logger.server";
import { verifyEncryptionKey } from "~/services/key-check.server";
import { googleAppConfig } from "~/services/google-ads-auth.server";
import { linkedinAppConfig } from "~/services/linkedin-auth.server";
import { setRemoteNotifier, WORK_CHANNEL } from "~/lib/signals.server";
import { startWorker, type WorkerHandle } from "./worker.server";

export interface BootResult {
  port: number;
  host: string;
  workerMode: "inline" | "off";
  provider: "sqlite" | "postgres";
  http: { requestTimeoutMs: number; maxConnections: number };
  startWorker(): WorkerHandle;
  disconnect(): Promise<void>;
}

/** Validate env (throws EnvError with one line naming the variable), connect, return the worker starter. */
export async function boot(): Promise<BootResult> {
  const e = env();
  const { db, provider, ready } = database();
  await ready;
  // A wrong ENCRYPTION_KEY stops the boot here (EnvError: one line naming the variable).
  await verifyEncryptionKey(db, decodeKey(e.ENCRYPTION_KEY)!);
  // PostgreSQL: stored work wakes worker processes by NOTIFY (ADR 0016). Issued through the
  // storing transaction when there is one, so it is delivered at commit.
  if (provider === "postgres") setRemoteNotifier(async (via) => void (await (via ?? db).$executeRawUnsafe(`NOTIFY ${WORK_CHANNEL}`)));
  return {
    port: e.PORT,
    host: e.HOST,
    workerMode: e.WORKER_MODE,
    provider,
    http: { requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, maxConnections: e.HTTP_MAX_CONNECTIONS },
    startWorker: () =>
      startWorker({
        db,
        provider,
        key: decodeKey(e.ENCRYPTION_KEY)!,
        log: log.child({ component: "worker" }),
        baseUrls: e.DESTINATION_BASE_URLS,
        google: googleAppConfig(e),
        linkedin: linkedinAppConfig(e),
        workerId: `w-${process.pid}-${randomUUID().slice(0, 8)}`,
        pollMs: e.WORKER_POLL_MS,
        listenUrl: provider === "postgres" ? e.DATABASE_URL : undefined,
      }),
    disconnect: () => db.$disconnect(),
  };
}
