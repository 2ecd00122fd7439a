import { useEffect } from "react";
import { Form } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";

/** The LinkedIn connection card (ADR 0045): Connect / Reconnect / Disconnect. Shown only when the server has a LinkedIn app. */
export interface LinkedInPanelView {
  configured: boolean;
  state: "not-connected" | "connected" | "reconnect";
  problem: string | null;
  connectedAt: string | null;
}

export function LinkedInConnection({ panel, connectUrl, busy }: { panel: LinkedInPanelView; connectUrl?: string; busy?: boolean }) {
  // LinkedIn's sign-in page cannot be framed: leave the Shopify admin's iframe for it.
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
            LinkedIn account
          </Text>
          <span data-testid="linkedin-state">{badge}</span>
        </InlineStack>
        {panel.state === "reconnect" && (
          <Banner tone="critical" title="LinkedIn no longer accepts Trueline's access to this account">
            <Text as="p">{panel.problem ?? "The authorisation was revoked or expired."} Deliveries are paused and kept; they resume as soon as you reconnect.</Text>
          </Banner>
        )}
        {panel.state === "connected" && panel.connectedAt && (
          <Text as="p" tone="subdued">
            Connected {panel.connectedAt.slice(0, 16).replace("T", " ")} UTC. Trueline renews LinkedIn's 60-day access tokens itself; LinkedIn asks you to sign in again once a year.
          </Text>
        )}
        {connectUrl && (
          <a data-testid="linkedin-connect-url" href={connectUrl} target="_top" rel="noreferrer">
            Continue to LinkedIn
          </a>
        )}
        <InlineStack gap="200">
          <Form method="post">
            <input type="hidden" name="intent" value="linkedin-connect" />
            <Button submit variant={panel.state === "connected" ? undefined : "primary"} loading={busy}>
              {panel.state === "connected" ? "Connect another LinkedIn member" : panel.state === "reconnect" ? "Reconnect LinkedIn" : "Connect LinkedIn"}
            </Button>
          </Form>
          {panel.state !== "not-connected" && (
            <Form method="post">
              <input type="hidden" name="intent" value="linkedin-disconnect" />
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
