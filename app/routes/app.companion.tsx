import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import { authenticate } from "~/shopify.server";
import { companionDeps, loadCompanion } from "~/services/companion.server";
import { RouteErrorBanner } from "~/components/route-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { db, key } = companionDeps();
  return loadCompanion(db, key, session.shop);
};

export default function Companion() {
  const { script, tags, skipped } = useLoaderData<typeof loader>();
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(script);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <Page title="Browser companion" subtitle="Your ad platforms' browser tags, with the same event ids as Trueline's server events" backAction={{ content: "Set up", url: "/app/onboarding" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="p">
                  Ad platforms count a conversion once when the browser and the server report it under the same event id. This custom pixel loads the
                  browser tag of each platform below and sends page views, product views, searches, add-to-carts, checkouts and purchases with exactly
                  the ids Trueline sends from the server. Use it instead of the platforms' own browser pixels for these events, or they are counted twice.
                </Text>
                <List type="number">
                  <List.Item>Copy the code below.</List.Item>
                  <List.Item>In your Shopify admin: Settings → Customer events → Add custom pixel, name it "Trueline companion".</List.Item>
                  <List.Item>Paste the code. Under Customer privacy choose Permission "Marketing" and Data sale "Data collected qualifies as data sale".</List.Item>
                  <List.Item>Save, then Connect.</List.Item>
                  <List.Item>After you add, remove or change a destination here, copy the code again and replace it.</List.Item>
                </List>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Platforms in the companion
                  </Text>
                  <Button variant="primary" onClick={() => void copy()}>
                    Copy code
                  </Button>
                </InlineStack>
                {copied === "yes" && <div data-testid="copy-result"><Banner tone="success" title="Copied: paste it into Shopify's custom pixel." /></div>}
                {copied === "failed" && <div data-testid="copy-result"><Banner tone="warning" title="The browser did not allow copying: select the code below and copy it by hand." /></div>}
                {tags.length === 0 ? (
                  <Banner tone="info" title="No platform has a browser tag yet">
                    <Text as="p">Connect Meta, TikTok, Google Analytics 4, Pinterest or Snapchat under Destinations first.</Text>
                  </Banner>
                ) : (
                  <div data-testid="companion-tags">
                    <List>
                      {tags.map((t) => (
                        <List.Item key={t.kind}>
                          {t.label} ({t.tagId}): {t.events.join(", ")}
                        </List.Item>
                      ))}
                    </List>
                  </div>
                )}
                {skipped.length > 0 && (
                  <div data-testid="companion-skipped">
                    <Text as="p" tone="subdued">Not in the companion:</Text>
                    <List>
                      {skipped.map((s, i) => (
                        <List.Item key={i}>
                          {s.label}: {s.reason}
                        </List.Item>
                      ))}
                    </List>
                  </div>
                )}
                <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                  <pre data-testid="companion-script" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", maxHeight: 400, overflow: "auto", margin: 0, fontSize: 12 }}>
                    {script}
                  </pre>
                </Box>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Browser companion" />;
}
