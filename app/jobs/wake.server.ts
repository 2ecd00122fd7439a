import { EventEmitter } from "node:events";

/**
 * In-process wake-up: a handler that stored work nudges the inline worker so it
 * does not wait for its next poll (webhook → first platform request in ms, not
 * seconds). Separate worker processes poll (and on PostgreSQL listen for NOTIFY).
 */
const bus = new EventEmitter();
bus.setMaxListeners(100);

export function wakeWorker(): void {
  bus.emit("wake");
}

export function onWake(listener: () => void): () => void {
  bus.on("wake", listener);
  return () => bus.off("wake", listener);
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
