import { useEffect, type ReactNode } from "react";
import { Form } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";

/** An OAuth connection card (ADR 0030, ADR 0045): Connect / Reconnect / Disconnect. Data comes from the route. */
export interface OAuthConnectionView {
  configured: boolean;
  state: "not-connected" | "connected" | "reconnect";
  problem: string | null;
  connectedAt: string | null;
}

export interface OAuthConnectionText {
  /** "google" | "linkedin": the data-testid prefix and the intents "<id>-connect" / "<id>-disconnect". */
  id: string;
  title: string;
  platform: string;
  notConfigured: string;
  refusedTitle: string;
  connectedNote: string;
  connect: string;
  reconnect: string;
  connectAnother: string;
}

export function OAuthConnection({ panel, text, connectUrl, busy, children }: { panel: OAuthConnectionView; text: OAuthConnectionText; connectUrl?: string; busy?: boolean; children?: ReactNode }) {
  // The platforms' consent screens cannot be framed: leave the Shopify admin's iframe for them.
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
            {text.title}
          </Text>
          <span data-testid={`${text.id}-state`}>{badge}</span>
        </InlineStack>
        {!panel.configured && <Banner tone="warning" title={text.notConfigured} />}
        {panel.state === "reconnect" && (
          <Banner tone="critical" title={text.refusedTitle}>
            <Text as="p">{panel.problem ?? "The authorisation was revoked or expired."} Deliveries are paused and kept; they resume as soon as you reconnect.</Text>
          </Banner>
        )}
        {panel.state === "connected" && panel.connectedAt && (
          <Text as="p" tone="subdued">
            Connected {panel.connectedAt.slice(0, 16).replace("T", " ")} UTC. {text.connectedNote}
          </Text>
        )}
        {children}
        {connectUrl && (
          <a data-testid={`${text.id}-connect-url`} href={connectUrl} target="_top" rel="noreferrer">
            Continue to {text.platform}
          </a>
        )}
        <InlineStack gap="200">
          <Form method="post">
            <input type="hidden" name="intent" value={`${text.id}-connect`} />
            <Button submit variant={panel.state === "connected" ? undefined : "primary"} disabled={!panel.configured} loading={busy}>
              {panel.state === "connected" ? text.connectAnother : panel.state === "reconnect" ? text.reconnect : text.connect}
            </Button>
          </Form>
          {panel.state !== "not-connected" && (
            <Form method="post">
              <input type="hidden" name="intent" value={`${text.id}-disconnect`} />
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
