import { EventEmitter } from "node:events";

/**
 * The wake-up signal between the code that stores work (webhook handler, outbox,
 * replay) and the worker that does it (ADR 0016).
 *
 * - In process: an event, so the inline worker (WORKER_MODE=inline) starts at once
 *   instead of at its next poll.
 * - Across processes (PostgreSQL): `NOTIFY trueline_work`. Worker processes keep a
 *   dedicated connection LISTENing on the channel (app/jobs/listen.server.ts); polling
 *   stays only as the fallback for a lost connection or a missed notification.
 *
 * This module knows no database: boot installs the cross-process sender
 * (`setRemoteNotifier`) when the database is PostgreSQL.
 */
const bus = new EventEmitter();
bus.setMaxListeners(100);

/** Channel of the PostgreSQL notification. */
export const WORK_CHANNEL = "trueline_work";

/** Anything that can run one SQL statement: the Prisma client or a transaction client. */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

let remote: ((via?: SqlExecutor) => Promise<void>) | null = null;

/** Boot: how to reach worker processes (PostgreSQL NOTIFY); null on SQLite (one process). */
export function setRemoteNotifier(notifier: ((via?: SqlExecutor) => Promise<void>) | null): void {
  remote = notifier;
}

/**
 * Work was stored: wake the in-process worker now and, on PostgreSQL, the worker
 * processes. Pass the transaction that stored the work: PostgreSQL delivers a NOTIFY
 * issued inside a transaction when it commits, so no worker wakes before the rows are
 * visible. Never throws: a lost notification costs one poll interval, not the work.
 */
export async function notifyWork(via?: SqlExecutor): Promise<void> {
  bus.emit("work");
  if (!remote) return;
  try {
    await remote(via);
  } catch {
    // The row is stored; pollers find it.
  }
}

/** The worker's side: called on every in-process signal (and, from the listener, on every NOTIFY). */
export function onWork(listener: () => void): () => void {
  bus.on("work", listener);
  return () => bus.off("work", listener);
}

/** A notification that arrived from another process (the PostgreSQL listener): in-process emit only. */
export function emitWork(): void {
  bus.emit("work");
}

/**
 * Ingest pressure: the proxy handler notes each write; background work that would hold
 * SQLite's single write lock for long (sessionising pixel events) waits for a quiet
 * moment unless its backlog gets old. Keeps pixel requests fast during bursts.
 */
let lastIngestAt = 0;
export function noteIngest(at: number = Date.now()): void {
  lastIngestAt = at;
}
export function msSinceIngest(now: number = Date.now()): number {
  return now - lastIngestAt;
}
