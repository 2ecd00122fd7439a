import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Link, List, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { API_VERSION, authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { adminGraphqlFor } from "~/lib/admin-graphql.server";
import { activatePixelForShop, loadOnboarding, type ActivateResult } from "~/services/onboarding.server";
import { NavigationProgress, useToastOnChange } from "~/components/admin-feedback";
import { RouteErrorBanner } from "~/components/route-error";
import { formatUtc } from "~/components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  return loadOnboarding(prisma(), adminGraphqlFor(admin, session, API_VERSION), session.shop, Date.now());
};

const ActionSchema = z.object({ intent: z.literal("activate-pixel") });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const at = Date.now();
  if (!ActionSchema.safeParse(Object.fromEntries(await request.formData())).success) {
    return { result: { kind: "error", message: "The request was not understood.", fix: "Reload the page and try again." } satisfies ActivateResult, at };
  }
  return { result: await activatePixelForShop(prisma(), adminGraphqlFor(admin, session, API_VERSION), session.shop), at };
};

function StepBadge({ done, problem }: { done: boolean; problem?: boolean }) {
  if (problem) return <Badge tone="critical">Needs attention</Badge>;
  return done ? <Badge tone="success">Done</Badge> : <Badge tone="attention">To do</Badge>;
}

function ActivateOutcome({ result }: { result: ActivateResult }) {
  if (result.kind === "activated") {
    return <Banner tone="success" title={result.created ? "Web pixel activated" : "Web pixel settings updated"} />;
  }
  if (result.kind === "user-errors") {
    return (
      <Banner tone="critical" title="Shopify refused to activate the pixel">
        <BlockStack gap="200">
          <List>
            {result.errors.map((e, i) => (
              <List.Item key={i}>
                {e.field ? `${e.field}: ` : ""}
                {e.message}
                {e.code ? ` (${e.code})` : ""}
              </List.Item>
            ))}
          </List>
          <Text as="p">How to fix: {result.fix}</Text>
        </BlockStack>
      </Banner>
    );
  }
  return (
    <Banner tone="critical" title="The pixel could not be activated">
      <BlockStack gap="200">
        <Text as="p">{result.message}</Text>
        <Text as="p">How to fix: {result.fix}</Text>
      </BlockStack>
    </Banner>
  );
}

export default function Onboarding() {
  const { pixel, arrival, settings } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const result = actionData?.result;
  useToastOnChange(
    result ? (result.kind === "activated" ? "Web pixel activated" : "Pixel activation failed") : null,
    actionData?.at,
    result ? result.kind !== "activated" : false,
  );

  const pixelDone = pixel.kind === "active" && pixel.settingsCurrent;
  const proxyDone = arrival.eventsTotal > 0;
  const eventsDone = arrival.events24h > 0;
  const doneCount = [pixelDone, proxyDone, eventsDone].filter(Boolean).length;
  const endpoint = `${arrival.storefrontUrl}${arrival.proxyPath}/events`;

  return (
    <Page title="Set up Trueline" subtitle={`${doneCount} of 3 steps done`} backAction={{ content: "Overview", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <NavigationProgress />
            {doneCount === 3 && <Banner tone="success" title="Tracking is live: the pixel is active and events are arriving." />}
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    1. Activate the web pixel
                  </Text>
                  <StepBadge done={pixelDone} problem={pixel.kind === "error"} />
                </InlineStack>
                <Text as="p" tone="subdued">
                  The Trueline pixel runs in Shopify's customer events sandbox and sends storefront events to {settings.proxyPath} on your store.
                </Text>
                {pixel.kind === "active" && (
                  <div data-testid="pixel-state"><Text as="p">
                    Active (pixel {pixel.id}){pixel.settingsCurrent ? "." : ` but its proxy path is out of date (wants ${settings.proxyPath}): update it.`}
                  </Text></div>
                )}
                {pixel.kind === "missing" && (
                  <div data-testid="pixel-state"><Text as="p">
                    Not activated yet on this store.
                  </Text></div>
                )}
                {pixel.kind === "error" && (
                  <Banner tone="warning" title="Could not check the pixel">
                    <Text as="p">{pixel.message}</Text>
                    <Text as="p">How to fix: {pixel.fix}</Text>
                  </Banner>
                )}
                {result && <div data-testid="activate-result"><ActivateOutcome result={result} /></div>}
                <Form method="post">
                  <input type="hidden" name="intent" value="activate-pixel" />
                  <Button submit variant={pixelDone ? "secondary" : "primary"} loading={navigation.state === "submitting"}>
                    {pixel.kind === "active" ? "Update pixel settings" : "Activate pixel"}
                  </Button>
                </Form>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    2. Check the app proxy answers
                  </Text>
                  <StepBadge done={proxyDone} />
                </InlineStack>
                {proxyDone ? (
                  <div data-testid="proxy-state"><Text as="p">
                    The app proxy works: the last event ({arrival.lastEventName}) arrived {formatUtc(arrival.lastEventAt)}; {arrival.eventsTotal} storefront events stored so far.
                  </Text></div>
                ) : (
                  <BlockStack gap="200">
                    <div data-testid="proxy-state"><Text as="p">
                      No storefront event has reached Trueline yet.
                    </Text></div>
                    <List type="number">
                      <List.Item>
                        Open your online store{" "}
                        <Link url={arrival.storefrontUrl} target="_blank">
                          {arrival.storefrontUrl}
                        </Link>{" "}
                        in a new tab (password-protected stores: enter the storefront password first).
                      </List.Item>
                      <List.Item>Accept the cookie banner if one shows: the pixel loads only with analytics consent.</List.Item>
                      <List.Item>Open a product page, then come back and refresh step 3.</List.Item>
                    </List>
                    <Text as="p" tone="subdued">
                      The pixel posts to {endpoint}. If events never arrive, check in Settings → Apps → Trueline that the app proxy subpath is {settings.proxyPath}.
                    </Text>
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    3. First events arriving
                  </Text>
                  <StepBadge done={eventsDone} />
                </InlineStack>
                <div data-testid="events-24h"><Text as="p">
                  {arrival.events24h} storefront events in the last 24 hours.
                </Text></div>
                <InlineStack>
                  <Button onClick={() => revalidator.revalidate()} loading={revalidator.state === "loading"}>
                    Refresh
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  4. Optional: add the browser companion
                </Text>
                <Text as="p">
                  If you also want your ad platforms' browser tags (Meta, TikTok, Google Analytics 4, Pinterest, Snapchat), add Trueline's companion as a
                  custom pixel: it sends the same event ids as Trueline's server events, so every conversion is counted once.
                </Text>
                <InlineStack>
                  <Button url="/app/companion">Open the browser companion</Button>
                </InlineStack>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Set up Trueline" />;
}
