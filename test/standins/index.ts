/**
 * Local stand-ins for the six ad-platform endpoints Trueline forwards conversions to. Each is a
 * real HTTP server on 127.0.0.1 (ephemeral port) that checks requests the way the platform
 * documents them and answers with the platform's success and error shapes. See README.md.
 *
 *   const standins = await startStandins({ now: () => clock });
 *   fetch(`${standins.urls.meta}/v24.0/${standins.credentials.meta.pixelId}/events?access_token=...`)
 *   await standins.close();
 *
 * Usable from vitest and from a vite-node script (no vitest imports anywhere in this folder
 * except the test file).
 */
import { READS } from "./diagnostics";
import { ga4Standin } from "./ga4";
import { googleAdsStandin } from "./google-ads";
import { klaviyoStandin } from "./klaviyo";
import { linkedinStandin } from "./linkedin";
import { metaStandin } from "./meta";
import { microsoftStandin } from "./microsoft";
import { pinterestStandin } from "./pinterest";
import { redditStandin } from "./reddit";
import {
  startStandinServer,
  type PlatformStandin,
  type RunningStandin,
} from "./server";
import { snapchatStandin } from "./snapchat";
import { tiktokStandin } from "./tiktok";
import { xStandin } from "./x";
import {
  STANDIN_KINDS,
  type StandinKind,
  type StandinOptions,
  type Standins,
} from "./types";

export { STANDIN_KINDS } from "./types";
export type {
  Fault,
  ReceivedEvent,
  RejectedRequest,
  StandinKind,
  StandinOptions,
  Standins,
} from "./types";
export {
  expectedHashes,
  sha256Hex,
  TEST_CUSTOMER,
  TEST_CUSTOMER_NORMALISED,
} from "./hashes";
export { META_CREDENTIALS } from "./meta";
export { TIKTOK_CREDENTIALS } from "./tiktok";
export { GA4_CREDENTIALS } from "./ga4";
export { GOOGLE_ADS_CREDENTIALS, GOOGLE_ADS_CONVERSION_ACTIONS } from "./google-ads";
export { GOOGLE_OAUTH_CREDENTIALS, googleOAuth, revokeGoogleGrants } from "./google-oauth";
export { LINKEDIN_OAUTH_CREDENTIALS, linkedinOAuth, revokeLinkedInGrants } from "./linkedin-oauth";
export { PINTEREST_CREDENTIALS } from "./pinterest";
export { SNAPCHAT_CREDENTIALS } from "./snapchat";
export { MICROSOFT_CREDENTIALS } from "./microsoft";
export { REDDIT_CREDENTIALS } from "./reddit";
export { X_CREDENTIALS } from "./x";
export { LINKEDIN_CREDENTIALS } from "./linkedin";
export { KLAVIYO_CREDENTIALS } from "./klaviyo";

const PLATFORMS: Record<StandinKind, PlatformStandin> = {
  meta: metaStandin,
  tiktok: tiktokStandin,
  ga4: ga4Standin,
  "google-ads": googleAdsStandin,
  pinterest: pinterestStandin,
  snapchat: snapchatStandin,
  microsoft: microsoftStandin,
  reddit: redditStandin,
  x: xStandin,
  linkedin: linkedinStandin,
  klaviyo: klaviyoStandin,
};
// Read-back endpoints (dataset quality, upload diagnostics, EQS): diagnostics.ts.
for (const [kind, read] of Object.entries(READS) as Array<[StandinKind, NonNullable<(typeof READS)[StandinKind]>]>) {
  PLATFORMS[kind] = { ...PLATFORMS[kind], read };
}

export async function startStandins(
  opts: StandinOptions = {}
): Promise<Standins> {
  const now = opts.now ?? (() => Date.now());
  const started = await Promise.allSettled(
    STANDIN_KINDS.map((kind) => startStandinServer(PLATFORMS[kind], now))
  );
  const servers = started.flatMap((s) =>
    s.status === "fulfilled" ? [s.value] : []
  );
  const failure = started.find(
    (s): s is PromiseRejectedResult => s.status === "rejected"
  );
  if (failure) {
    await Promise.all(servers.map((s) => s.close()));
    throw failure.reason;
  }
  const byKind = Object.fromEntries(
    STANDIN_KINDS.map((kind, i) => [kind, servers[i]])
  ) as Record<StandinKind, RunningStandin>;
  const pick = <T>(f: (s: RunningStandin) => T): Record<StandinKind, T> =>
    Object.fromEntries(
      STANDIN_KINDS.map((kind) => [kind, f(byKind[kind])])
    ) as Record<StandinKind, T>;

  return {
    urls: pick((s) => s.url),
    credentials: Object.fromEntries(
      STANDIN_KINDS.map((kind) => [kind, { ...PLATFORMS[kind].credentials }])
    ) as Record<StandinKind, Record<string, string>>,
    received: (kind) => byKind[kind].received(),
    rejected: (kind) => byKind[kind].rejected(),
    requests: (kind) => byKind[kind].requests(),
    reads: (kind) => byKind[kind].reads(),
    dedupedCount: (kind) => byKind[kind].dedupedCount(),
    setFault: (kind, fault) => byKind[kind].setFault(fault),
    reset: () => {
      for (const server of servers) server.reset();
    },
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
