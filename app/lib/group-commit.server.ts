/**
 * Group commit: callers are collected until the next turn of the event loop
 * (setImmediate: every request whose body finished arriving in this turn joins), and
 * callers that arrive while a flush is running wait for the next flush, which handles
 * all of them in ONE database statement. A synchronous driver (SQLite) answers within
 * the turn, so without the turn's wait every request would be its own flush (ADR 0013).
 * No timer: an idle server adds one turn of latency, not milliseconds.
 *
 * Isolation: when a flush of several callers fails, each caller's item is retried
 * alone, so only the item that makes the database fail is rejected; everyone else
 * gets their own result (a failing flush never costs requests that were not at fault).
 */
export class GroupCommit<Item, Result> {
  private queue: Array<{ item: Item; resolve: (r: Result) => void; reject: (e: unknown) => void }> = [];
  private running = false;
  private scheduled = false;

  constructor(
    private readonly flush: (items: Item[]) => Promise<Result[]>,
    private readonly maxItems = 2000,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.drain();
        });
      }
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxItems);
        try {
          const results = await this.flush(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]!));
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          // One by one: only the guilty item fails.
          for (const b of batch) {
            try {
              const [result] = await this.flush([b.item]);
              b.resolve(result!);
            } catch (own) {
              b.reject(own);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
