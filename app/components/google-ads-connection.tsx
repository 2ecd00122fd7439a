import { Banner } from "@shopify/polaris";
import { OAuthConnection, type OAuthConnectionView } from "./oauth-connection";

/** The Google Ads connection card (ADR 0030): Connect / Reconnect / Disconnect. Data comes from the route. */
export interface GoogleAdsPanelView extends OAuthConnectionView {
  actions: { kind: "actions"; actions: Array<{ id: string; name: string }> } | { kind: "unavailable"; message: string } | null;
}

const TEXT = {
  id: "google",
  title: "Google account",
  platform: "Google",
  notConfigured: "This Trueline server has no Google OAuth client configured (GOOGLE_OAUTH_CLIENT_ID).",
  refusedTitle: "Google no longer accepts Trueline's access to this account",
  connectedNote: "Trueline refreshes Google's hourly access tokens itself.",
  connect: "Connect Google Ads",
  reconnect: "Reconnect Google Ads",
  connectAnother: "Connect another Google account",
};

export function GoogleAdsConnection({ panel, connectUrl, busy }: { panel: GoogleAdsPanelView; connectUrl?: string; busy?: boolean }) {
  return (
    <OAuthConnection panel={panel} text={TEXT} connectUrl={connectUrl} busy={busy}>
      {panel.actions?.kind === "unavailable" && <Banner tone="info" title={panel.actions.message} />}
    </OAuthConnection>
  );
}
