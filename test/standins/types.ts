/**
 * Shared types of the ad-platform stand-ins (see README.md in this folder).
 * Kept free of vitest imports so the demo script can load the stand-ins with vite-node.
 */

export const STANDIN_KINDS = [
  "meta",
  "tiktok",
  "ga4",
  "google-ads",
  "pinterest",
  "snapchat",
  "microsoft",
  "reddit",
  "x",
  "linkedin",
  "klaviyo",
] as const;
export type StandinKind = (typeof STANDIN_KINDS)[number];

/** One event a stand-in accepted (one per event of a batch). */
export interface ReceivedEvent {
  /**
   * The platform's dedup id: Meta/TikTok/Pinterest/Snap `event_id`, GA4 `params.transaction_id`,
   * Google Ads `order_id`. null when the event carries none.
   */
  eventId: string | null;
  /** Event name as sent (Google Ads: the conversion action resource name). */
  eventName: string;
  /** Receipt time, ms, from the stand-in clock (`now` option). */
  at: number;
  /**
   * Sent to the platform's test/validation mode (Meta/TikTok test_event_code, GA4 /debug,
   * Pinterest ?test=true, Snap /events/validate, Google Ads validateOnly). The platform
   * would not count it in reports.
   */
  test: boolean;
  /** The single event object exactly as received. */
  body: unknown;
  /** The request body without the event list (GA4 client_id/user_data, TikTok event_source, ...). */
  envelope: unknown;
  /**
   * Things the platform accepts but treats differently than a sender probably intended
   * (GA4 clamping an old timestamp, Meta fbc with a seconds creation time, ...). Tests can
   * assert this is empty.
   */
  notes: string[];
}

/** A request, or one event of a batch, that the stand-in refused or a fault swallowed. */
export interface RejectedRequest {
  at: number;
  /** HTTP status answered (0 = never answered: timeout fault). */
  status: number;
  /** Why, naming the field path; never contains the offending value (no raw PII). */
  reason: string;
  /** What was refused: the whole parsed request body, or the single event object. */
  body: unknown;
  /** The response body the stand-in sent. */
  response: unknown;
}

/**
 * Fault injection. `count` = apply to the next N requests, then recover (fault becomes "none");
 * absent = until changed. `afterProcessing` = the stand-in handles the request normally (records
 * accepted events) and only then loses or garbles the answer: the "delivered but the response was
 * lost" case that makes senders retry and platforms deduplicate.
 */
export type Fault =
  | { type: "none" }
  | {
      type: "status";
      status: number;
      retryAfterSec?: number;
      count?: number;
      afterProcessing?: boolean;
    }
  | { type: "timeout"; count?: number; afterProcessing?: boolean }
  | { type: "malformed"; count?: number; afterProcessing?: boolean }
  | { type: "bad-token" }
  | { type: "rate-limit-in-body"; count?: number }
  | { type: "latency"; ms: number };

export interface Standins {
  /** "http://127.0.0.1:PORT" per platform: replace scheme+host of the real endpoint, keep path+query. */
  urls: Record<StandinKind, string>;
  /** The ids and tokens each stand-in accepts; anything else gets the platform's auth error. */
  credentials: Record<StandinKind, Record<string, string>>;
  received(kind: StandinKind): ReceivedEvent[];
  rejected(kind: StandinKind): RejectedRequest[];
  /** HTTP requests seen, whatever their outcome. */
  requests(kind: StandinKind): number;
  /** Read-back (diagnostics) requests answered, outside `requests` (see PlatformStandin.read). */
  reads(kind: StandinKind): Array<{ at: number; path: string; status: number }>;
  /**
   * Accepted non-test events whose (eventName, eventId) had already been accepted within the
   * previous 48 h: what the platform's dedup would drop. 0 means "delivered exactly once".
   */
  dedupedCount(kind: StandinKind): number;
  setFault(kind: StandinKind, fault: Fault): void;
  /** Clears received/rejected/request counts/dedup memory and faults, on every stand-in. */
  reset(): void;
  /** Stops listening and destroys open sockets, including requests a timeout fault left hanging. */
  close(): Promise<void>;
}

export interface StandinOptions {
  /** Clock in unix ms used for event-age checks and `at`; defaults to Date.now. */
  now?: () => number;
}
