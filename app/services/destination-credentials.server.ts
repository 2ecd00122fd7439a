import type { DestinationRecord } from "~/data/destinations.server";
import type { GoogleAdsConfig } from "~/destinations/google-ads/config";
import type { LinkedInConfig } from "~/destinations/linkedin/config";
import { prepareGoogleAdsConfig, type GoogleAuthDeps } from "./google-ads-auth.server";
import { prepareLinkedInConfig, type LinkedInAppConfig } from "./linkedin-auth.server";

/**
 * Credentials the app supplies to a destination's config just before a request is built
 * (ADR 0030, ADR 0045): Google Ads' OAuth access token and developer token, LinkedIn's OAuth
 * access token. Every platform without app-supplied credentials gets its config back unchanged.
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

export type CredentialDeps = GoogleAuthDeps & { linkedin?: LinkedInAppConfig };

type Prepared = { kind: "ready"; config: unknown; version: number | null } | { kind: "pause"; reason: string } | { kind: "wait"; reason: string; afterMs: number };

export async function prepareCredentials(deps: CredentialDeps, dest: Pick<DestinationRecord, "kind" | "shop">, config: unknown): Promise<PreparedCredentials> {
  let fill: (rejectedVersion?: number) => Promise<Prepared>;
  if (dest.kind === "google-ads") fill = (rejectedVersion) => prepareGoogleAdsConfig(deps, dest.shop, config as GoogleAdsConfig, { rejectedVersion });
  else if (dest.kind === "linkedin") fill = (rejectedVersion) => prepareLinkedInConfig(deps, dest.shop, config as LinkedInConfig, { rejectedVersion });
  else return { kind: "ready", config };
  const prepare = async (rejectedVersion?: number): Promise<PreparedCredentials> => {
    const prepared = await fill(rejectedVersion);
    if (prepared.kind !== "ready") return prepared;
    const version = prepared.version;
    return { kind: "ready", config: prepared.config, renew: version === null ? undefined : () => prepare(version) };
  };
  return prepare();
}
