import type { DestinationRecord } from "~/data/destinations.server";
import type { GoogleAdsConfig } from "~/destinations/google-ads/config";
import { prepareGoogleAdsConfig, type GoogleAuthDeps } from "./google-ads-auth.server";

/**
 * Credentials the app supplies to a destination's config just before a request is built
 * (ADR 0030): today Google Ads' OAuth access token and developer token. Every platform
 * without app-supplied credentials gets its config back unchanged.
 *
 * - ready: send with `config`; when the platform refuses the credential (401), `renew()`
 *   forgets the refused token and returns a fresh one (once per request).
 * - pause: only the merchant can fix it (reconnect); the destination pauses, rows wait.
 * - wait: the token endpoint is unavailable; rows wait `afterMs`, no attempt is counted.
 */
export type PreparedCredentials =
  | { kind: "ready"; config: unknown; renew?: () => Promise<PreparedCredentials> }
  | { kind: "pause"; reason: string }
  | { kind: "wait"; reason: string; afterMs: number };

export async function prepareCredentials(deps: GoogleAuthDeps, dest: Pick<DestinationRecord, "kind" | "shop">, config: unknown): Promise<PreparedCredentials> {
  if (dest.kind !== "google-ads") return { kind: "ready", config };
  const prepare = async (rejectedVersion?: number): Promise<PreparedCredentials> => {
    const prepared = await prepareGoogleAdsConfig(deps, dest.shop, config as GoogleAdsConfig, { rejectedVersion });
    if (prepared.kind !== "ready") return prepared;
    const version = prepared.version;
    return { kind: "ready", config: prepared.config, renew: version === null ? undefined : () => prepare(version) };
  };
  return prepare();
}
