import type { DestinationAdapter, DestinationKind } from "./destination";
import { ga4 } from "./ga4";
import { googleAds } from "./google-ads";
import { klaviyo } from "./klaviyo";
import { linkedin } from "./linkedin";
import { meta } from "./meta";
import { microsoft } from "./microsoft";
import { pinterest } from "./pinterest";
import { reddit } from "./reddit";
import { snapchat } from "./snapchat";
import { tiktok } from "./tiktok";
import { x } from "./x";
import { withRetryableStatuses } from "./shared/retryable-status";

/**
 * Every destination adapter, keyed by its DestinationKind (the value stored in
 * the DB). `satisfies Record<DestinationKind, …>` makes a kind without an
 * adapter a type error, and test/destinations/conformance.test.ts runs each
 * entry through the shared invariants: a new platform is one folder, one line
 * here, and its case tables in test/destinations/<platform>.cases.ts.
 * Every entry is wrapped in the one rule all platforms share: 429/500/502/503/504 are
 * retried whatever the body says (shared/retryable-status.ts).
 *
 * `any` because each adapter has its own Config type; callers parse stored
 * settings with the adapter's own configSchema before calling buildRequest.
 */
export const destinations = {
  meta: withRetryableStatuses(meta),
  tiktok: withRetryableStatuses(tiktok),
  ga4: withRetryableStatuses(ga4),
  "google-ads": withRetryableStatuses(googleAds),
  pinterest: withRetryableStatuses(pinterest),
  snapchat: withRetryableStatuses(snapchat),
  microsoft: withRetryableStatuses(microsoft),
  reddit: withRetryableStatuses(reddit),
  x: withRetryableStatuses(x),
  linkedin: withRetryableStatuses(linkedin),
  klaviyo: withRetryableStatuses(klaviyo),
} satisfies Record<DestinationKind, DestinationAdapter<any>>;

export type RegisteredDestinationKind = keyof typeof destinations;
