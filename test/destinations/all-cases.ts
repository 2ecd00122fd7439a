import type { DestinationAdapter } from "~/destinations/destination";
import { destinations, type RegisteredDestinationKind } from "~/destinations/registry";
import { ga4Cases } from "./ga4.cases";
import { googleAdsCases } from "./google-ads.cases";
import { klaviyoCases } from "./klaviyo.cases";
import { linkedinCases } from "./linkedin.cases";
import { metaCases } from "./meta.cases";
import { microsoftCases } from "./microsoft.cases";
import { pinterestCases } from "./pinterest.cases";
import { redditCases } from "./reddit.cases";
import { snapchatCases } from "./snapchat.cases";
import { tiktokCases } from "./tiktok.cases";
import { xCases } from "./x.cases";
import type { AdapterCases } from "./types";

/**
 * Every registered platform's case tables. The mapped type makes a platform in the registry
 * without a <platform>.cases.ts a compile error (and adapters.test.ts checks it at run time).
 */
export const ADAPTER_CASES: { [K in RegisteredDestinationKind]: AdapterCases<unknown> } = {
  meta: metaCases as AdapterCases<unknown>,
  tiktok: tiktokCases as AdapterCases<unknown>,
  ga4: ga4Cases as AdapterCases<unknown>,
  "google-ads": googleAdsCases as AdapterCases<unknown>,
  pinterest: pinterestCases as AdapterCases<unknown>,
  snapchat: snapchatCases as AdapterCases<unknown>,
  microsoft: microsoftCases as AdapterCases<unknown>,
  reddit: redditCases as AdapterCases<unknown>,
  x: xCases as AdapterCases<unknown>,
  linkedin: linkedinCases as AdapterCases<unknown>,
  klaviyo: klaviyoCases as AdapterCases<unknown>,
};

/** Each registered adapter with its cases (the common interface is all the runners need). */
export const REGISTERED = (Object.keys(destinations) as RegisteredDestinationKind[]).map((kind) => ({
  kind,
  adapter: destinations[kind] as DestinationAdapter<unknown>,
  cases: ADAPTER_CASES[kind],
}));
