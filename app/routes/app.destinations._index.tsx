import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, EmptyState, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import {
  destinationAdminDeps,
  listDestinationsForAdmin,
  setDestinationPaused,
  type DestinationListItem,
} from "~/services/destination-admin.server";
import { NavigationProgress, useToastOnChange } from "~/components/admin-feedback";
import { RouteErrorBanner } from "~/components/route-error";
import { formatUtc } from "~/components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { destinations: await listDestinationsForAdmin(destinationAdminDeps(), session.shop) };
};

const PauseFormSchema = z.object({ intent: z.enum(["pause", "resume"]), id: z.string().min(1).max(64) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = PauseFormSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false as const, message: "The request was not understood. Reload the page and try again.", at: Date.now() };
  const result = await setDestinationPaused(destinationAdminDeps(), session.shop, parsed.data.id, parsed.data.intent === "pause");
  if (result.kind === "not-found") return { ok: false as const, message: "That destination does not exist in this store.", at: Date.now() };
  return { ok: true as const, message: result.kind === "paused" ? "Destination paused" : "Destination resumed; waiting events are sent now", at: Date.now() };
};

function StatusBadges({ item }: { item: DestinationListItem }) {
  const s = item.status;
  return (
    <InlineStack gap="200">
      {s.kind === "not-connected" && <Badge>Not connected</Badge>}
      {s.kind === "active" && <Badge tone="success">Active</Badge>}
      {s.kind === "paused" && <Badge tone="warning">Paused</Badge>}
      {s.kind === "disabled" && <Badge>Disabled</Badge>}
      {s.kind !== "not-connected" && s.testMode && <Badge tone="info">Test mode</Badge>}
    </InlineStack>
  );
}

function DestinationCard({ item }: { item: DestinationListItem }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("id") === item.id;
  const connected = item.status.kind !== "not-connected";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {item.displayName}
          </Text>
          <StatusBadges item={item} />
        </InlineStack>
        {item.status.kind === "paused" && (
          <Banner tone="warning">
            <Text as="p">
              Paused since {formatUtc(item.status.since)}: {item.status.reason}
            </Text>
          </Banner>
        )}
        {connected ? (
          <BlockStack gap="100">
            <Text as="p" tone="subdued">
              Last delivery: {formatUtc(item.lastDeliveredAt)}
            </Text>
            <Text as="p">
              Last 24 h: {item.delivered24h} delivered · {item.failed24h} failed
            </Text>
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">
            Not connected: orders are not sent to {item.displayName}.
          </Text>
        )}
        <InlineStack gap="200">
          <Button url={`/app/destinations/${item.kind}`} variant={connected ? "secondary" : "primary"} accessibilityLabel={`${connected ? "Edit" : "Connect"} ${item.displayName}`}>
            {connected ? "Edit" : "Connect"}
          </Button>
          {connected && item.id && (
            <Form method="post">
              <input type="hidden" name="id" value={item.id} />
              <input type="hidden" name="intent" value={item.status.kind === "paused" ? "resume" : "pause"} />
              <Button submit loading={busy} accessibilityLabel={`${item.status.kind === "paused" ? "Resume" : "Pause"} ${item.displayName}`}>
                {item.status.kind === "paused" ? "Resume" : "Pause"}
              </Button>
            </Form>
          )}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

export default function Destinations() {
  const { destinations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useToastOnChange(result?.message, result?.at, result ? !result.ok : false);
  const anyConnected = destinations.some((d) => d.status.kind !== "not-connected");
  return (
    <Page title="Destinations" subtitle="Where Trueline sends your orders and storefront events" backAction={{ content: "Overview", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <NavigationProgress />
            {result && (
              <Banner tone={result.ok ? "success" : "critical"} title={result.message} />
            )}
            {!anyConnected && (
              <Card>
                <EmptyState heading="Connect your first ad platform" image="">
                  <Text as="p">
                    Trueline sends every order server-side to the platforms you connect. Pick one below, paste its ids and token, and send a test event.
                  </Text>
                </EmptyState>
              </Card>
            )}
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              {destinations.map((d) => (
                <DestinationCard key={d.kind} item={d} />
              ))}
            </InlineGrid>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Destinations" />;
}
