import type { DeliveryOutcome, DestinationAdapter, EventOutcome, HttpResponseSnapshot } from "../destination";
import { retryAfterMs } from "./retry-after";

/**
 * Statuses that say "not now", never "never": rate limited (429) or the platform's side
 * failing (500, 502, 503, 504). Whatever the body holds (nothing, a proxy's HTML page, the
 * platform's own error JSON with a code we read as permanent, someone else's JSON), the
 * request is retried, honouring Retry-After (ADR 0014). One rule for every platform: the
 * registry applies it over each adapter's own classifier (registry.ts).
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

function reasonOf(outcome: DeliveryOutcome): string | undefined {
  const all: EventOutcome[] = outcome.kind === "per-event" ? outcome.outcomes : [outcome];
  for (const o of all) if (o.kind !== "delivered") return o.reason;
  return undefined;
}

/** The adapter's outcome, unless the status is retryable: then one retry for the whole request. */
export function retryRetryableStatus(response: HttpResponseSnapshot, outcome: DeliveryOutcome): DeliveryOutcome {
  if (!RETRYABLE_STATUSES.has(response.status)) return outcome;
  const after = retryAfterMs(response.headers);
  const all: EventOutcome[] = outcome.kind === "per-event" ? outcome.outcomes : [outcome];
  // The adapter already said retry, with the delay the header asks for or, when there is no
  // header, with its own delay (e.g. Google's retryDelay in the body): keep its words.
  if (all.length > 0 && all.every((o) => o.kind === "retry" && (after === undefined || o.retryAfterMs === after))) return outcome;
  const said = reasonOf(outcome);
  const reason = said === undefined ? `HTTP ${response.status}` : said.startsWith(`HTTP ${response.status}`) ? said : `HTTP ${response.status}: ${said}`;
  return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
}

/** An adapter whose classifier is overruled by the retryable-status rule. */
export function withRetryableStatuses<C>(adapter: DestinationAdapter<C>): DestinationAdapter<C> {
  const classify = adapter.classifyResponse.bind(adapter);
  return { ...adapter, classifyResponse: (response: HttpResponseSnapshot, eventCount: number) => retryRetryableStatus(response, classify(response, eventCount)) };
}
