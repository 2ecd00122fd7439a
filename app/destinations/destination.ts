import type { z } from "zod";
import type { CanonicalConversion, CanonicalEventName } from "../core/conversions/conversion";
import type { DestinationPurpose } from "../core/consent/consent";
import type { HttpRequestSpec, HttpResponseSnapshot } from "../core/delivery/http";
import type { MatchWeights } from "../core/quality/match-quality";
import type { VerdictParse } from "../core/diagnostics/verdict";

/**
 * The one interface every ad platform implements (docs/conventions.md).
 * Adapters are PURE: no fetch, no clock, no env, no randomness. They describe
 * the request and classify the response; app/lib/http-sender.server.ts does the I/O.
 */

export const DESTINATION_KINDS = [
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
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

export type { HttpRequestSpec, HttpResponseSnapshot };

export type BuildResult =
  | { kind: "request"; request: HttpRequestSpec }
  | { kind: "skip"; reason: string };

/** Outcome for ONE event (or a whole request when it applies to all events in it). */
export type EventOutcome =
  | { kind: "delivered"; note?: string }
  | { kind: "retry"; reason: string; retryAfterMs?: number }
  | { kind: "fail"; reason: string }
  | { kind: "config-error"; reason: string };

/**
 * Outcome of a request. `per-event` is used when the platform reports results
 * per event of a batch (Pinterest, Snapchat validate); the array is index-aligned
 * with the events passed to buildRequest.
 */
export type DeliveryOutcome = EventOutcome | { kind: "per-event"; outcomes: EventOutcome[] };

export interface BuildContext {
  /** Unix ms; adapters never read the clock themselves. */
  now: number;
  /** Send to the platform's test/validation mode. */
  testMode: boolean;
  /**
   * Base URL replacing the platform's origin (local stand-ins). Only set from
   * configuration that production refuses (see app/env.server.ts).
   */
  baseUrlOverride?: string;
  /** Which money the merchant optimises on: the shop's currency or the buyer's. */
  currency: "shop" | "presentment";
}

/** Label and help text of one settings-form field. */
export interface FieldText {
  label: string;
  help?: string;
}

/**
 * What the rest of the app needs to know about a platform besides its requests and
 * responses. Each platform keeps these in its own folder (facts.ts); adding a platform
 * is its folder plus one line in registry.ts.
 */
export interface PlatformFacts<Config> {
  /** Which consent the platform's use needs: ad platforms "marketing", analytics tools "analytics". */
  readonly purpose: DestinationPurpose;
  /** Label and help for every config key, for the settings form. */
  readonly formText: Readonly<Record<string, FieldText>>;
  /** What the merchant must know after "send test event" with this config, or null. */
  testEventCaveat(config: Config): string | null;
  /** Column label and weights of the estimated match score, or null when the platform has no match score. */
  readonly matchQuality: { readonly label: string; readonly weights: MatchWeights } | null;
  /**
   * Set (to the reason) only by a platform whose use needs the buyer's identity in clear
   * (an email tool must know the address it writes to): the conformance suite then checks
   * that identity goes only where the platform documents it instead of checking it is absent.
   */
  readonly sendsRawIdentity?: string;
  /** Config keys the app fills itself (app credentials, OAuth access tokens): not in the settings form. */
  readonly appSuppliedFields?: readonly string[];
  /** Why an event the platform has no name for is not sent, when there is more to say than "no such event" (optional). */
  noEventReason?(name: CanonicalEventName): string;
  /**
   * Set when the platform refuses an event that carries nothing to match the shopper on: the
   * reason a "send without identifiers" decision (ADR 0006) cannot be sent there (optional).
   */
  readonly refusesAnonymous?: string;
}

export interface DestinationAdapter<Config> extends PlatformFacts<Config> {
  readonly kind: DestinationKind;
  readonly displayName: string;
  /** Validates the merchant's settings form and what is read back from the DB. */
  readonly configSchema: z.ZodType<Config>;
  /** Config keys that are secrets: encrypted at rest, write-only in the admin. */
  readonly secretFields: readonly string[];
  /** Oldest event the platform accepts; older deliveries end "expired". */
  readonly maxEventAgeMs: number;
  /** Events per request the platform accepts (1 = no batching). */
  readonly maxBatchSize: number;
  /** Platform event name for a canonical event, or null when the platform has none. */
  eventName(name: CanonicalEventName): string | null;
  /**
   * Build ONE request carrying all `events` (1..maxBatchSize). Return "skip"
   * when nothing can be sent (e.g. Google Ads without a click id).
   */
  buildRequest(events: readonly CanonicalConversion[], config: Config, ctx: BuildContext): BuildResult;
  classifyResponse(response: HttpResponseSnapshot, eventCount: number): DeliveryOutcome;
  /**
   * Why this one event cannot be sent with this config (it is then settled "skipped" before
   * batching), or null. Lets a batching adapter skip per event, which buildRequest cannot.
   */
  unsendable?(event: CanonicalConversion, config: Config): string | null;
  /**
   * How to read back the platform's own verdict on the events it received (dataset quality,
   * upload diagnostics), where it publishes one; absent when it does not (ADR 0041).
   */
  readonly diagnostics?: PlatformDiagnostics<Config>;
}

/** A read-back request: like HttpRequestSpec, but reads are often GETs without a body. */
export interface DiagnosticsRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * The platform's read-back endpoint, described and parsed purely (the shared runner,
 * app/services/platform-diagnostics.server.ts, does the I/O and the schedule).
 */
export interface PlatformDiagnostics<Config> {
  /** What the platform calls it, for the admin ("Event Match Quality"). */
  readonly title: string;
  /** Where the merchant sees the same figures in the platform's own tools. */
  readonly whereToSee: string;
  describeRequest(config: Config, ctx: { now: number; baseUrlOverride?: string }): { kind: "request"; request: DiagnosticsRequest } | { kind: "skip"; reason: string };
  parseResponse(response: HttpResponseSnapshot, config: Config): VerdictParse;
}

/** Trim a response body for storage in the attempt log. */
export function trimForLog(body: unknown, max = 2000): string {
  const text = typeof body === "string" ? body : JSON.stringify(body) ?? "";
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
