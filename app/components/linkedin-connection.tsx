import { OAuthConnection, type OAuthConnectionView } from "./oauth-connection";

/** The LinkedIn connection card (ADR 0045), shown only when the server has a LinkedIn app. */
export type LinkedInPanelView = OAuthConnectionView;

const TEXT = {
  id: "linkedin",
  title: "LinkedIn account",
  platform: "LinkedIn",
  notConfigured: "This Trueline server has no LinkedIn app configured (LINKEDIN_OAUTH_CLIENT_ID).",
  refusedTitle: "LinkedIn no longer accepts Trueline's access to this account",
  connectedNote: "Trueline renews LinkedIn's 60-day access tokens itself; LinkedIn asks you to sign in again once a year.",
  connect: "Connect LinkedIn",
  reconnect: "Reconnect LinkedIn",
  connectAnother: "Connect another LinkedIn member",
};

export function LinkedInConnection({ panel, connectUrl, busy }: { panel: LinkedInPanelView; connectUrl?: string; busy?: boolean }) {
  return <OAuthConnection panel={panel} text={TEXT} connectUrl={connectUrl} busy={busy} />;
}
