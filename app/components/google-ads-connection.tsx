import { useEffect } from "react";
import { Form } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";

/** The Google Ads connection card (ADR 0030): Connect / Reconnect / Disconnect. Data comes from the route. */
export interface GoogleAdsPanelView {
  configured: boolean;
  state: "not-connected" | "connected" | "reconnect";
  problem: string | null;
  connectedAt: string | null;
  actions: { kind: "actions"; actions: Array<{ id: string; name: string }> } | { kind: "unavailable"; message: string } | null;
}

export function GoogleAdsConnection({ panel, connectUrl, busy }: { panel: GoogleAdsPanelView; connectUrl?: string; busy?: boolean }) {
  // Google's consent screen cannot be framed: leave the Shopify admin's iframe for it.
  useEffect(() => {
    if (connectUrl) window.open(connectUrl, "_top");
  }, [connectUrl]);
  const badge =
    panel.state === "connected" ? <Badge tone="success">Connected</Badge> : panel.state === "reconnect" ? <Badge tone="critical">Reconnect needed</Badge> : <Badge>Not connected</Badge>;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Google account
          </Text>
          <span data-testid="google-ads-state">{badge}</span>
        </InlineStack>
        {!panel.configured && <Banner tone="warning" title="This Trueline server has no Google OAuth client configured (GOOGLE_OAUTH_CLIENT_ID)." />}
        {panel.state === "reconnect" && (
          <Banner tone="critical" title="Google no longer accepts Trueline's access to this account">
            <Text as="p">{panel.problem ?? "The authorisation was revoked or expired."} Deliveries are paused and kept; they resume as soon as you reconnect.</Text>
          </Banner>
        )}
        {panel.state === "connected" && panel.connectedAt && (
          <Text as="p" tone="subdued">
            Connected {panel.connectedAt.slice(0, 16).replace("T", " ")} UTC. Trueline refreshes Google's hourly access tokens itself.
          </Text>
        )}
        {panel.actions?.kind === "unavailable" && <Banner tone="info" title={panel.actions.message} />}
        {connectUrl && (
          <a data-testid="google-connect-url" href={connectUrl} target="_top" rel="noreferrer">
            Continue to Google
          </a>
        )}
        <InlineStack gap="200">
          <Form method="post">
            <input type="hidden" name="intent" value="google-connect" />
            <Button submit variant={panel.state === "connected" ? undefined : "primary"} disabled={!panel.configured} loading={busy}>
              {panel.state === "connected" ? "Connect another Google account" : panel.state === "reconnect" ? "Reconnect Google Ads" : "Connect Google Ads"}
            </Button>
          </Form>
          {panel.state !== "not-connected" && (
            <Form method="post">
              <input type="hidden" name="intent" value="google-disconnect" />
              <Button submit tone="critical" variant="plain">
                Disconnect
              </Button>
            </Form>
          )}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
