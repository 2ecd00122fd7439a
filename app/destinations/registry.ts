import type { DestinationAdapter, DestinationKind } from "./destination";
import { ga4 } from "./ga4";
import { googleAds } from "./google-ads";
import { meta } from "./meta";
import { pinterest } from "./pinterest";
import { snapchat } from "./snapchat";
import { tiktok } from "./tiktok";

/**
 * Every destination adapter, keyed by its DestinationKind (the value stored in
 * the DB). `satisfies Record<DestinationKind, …>` makes a kind without an
 * adapter a type error, and test/destinations/conformance.test.ts runs each
 * entry through the shared invariants: a new platform is one folder, one line
 * here, and its case tables in test/destinations/<platform>.cases.ts.
 *
 * `any` because each adapter has its own Config type; callers parse stored
 * settings with the adapter's own configSchema before calling buildRequest.
 */
export const destinations = {
  meta,
  tiktok,
  ga4,
  "google-ads": googleAds,
  pinterest,
  snapchat,
} satisfies Record<DestinationKind, DestinationAdapter<any>>;

export type RegisteredDestinationKind = keyof typeof destinations;
