/**
 * Whether the SQLite worker skips a pixel pass this turn so storefront requests get the loop
 * (ADR 0016): only while requests are arriving (an ingest in the last `recentMs`), and only
 * until the time since the last pass ended is at least that pass's length × (1 − share) / share,
 * so passes take at most `share` of the loop's time and still run (the backlog drains).
 */
export function yieldsToIngest(o: { sinceIngestMs: number; sinceLastPassMs: number; lastPassMs: number; share: number; recentMs?: number }): boolean {
  if (o.sinceIngestMs >= (o.recentMs ?? 250)) return false;
  if (o.share >= 1) return false;
  return o.sinceLastPassMs < (o.lastPassMs * (1 - o.share)) / o.share;
}
