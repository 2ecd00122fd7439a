import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { getOverview } from "~/services/overview.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getOverview(prisma(), session.shop);
};

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  const tiles: Array<[string, string]> = [
    ["Storefront events", String(data.events)],
    ["Orders", String(data.orders)],
    ["Orders matched to a visit", data.orders ? `${Math.round((data.matched / data.orders) * 100)}%` : "—"],
    ["Deliveries delivered", String(data.deliveries.delivered ?? 0)],
    ["Retries pending", String((data.deliveries.retrying ?? 0) + (data.deliveries.pending ?? 0))],
    ["Failed", String((data.deliveries.failed ?? 0) + (data.deliveries.expired ?? 0))],
  ];
  return (
    <Page title="Trueline overview">
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
            {tiles.map(([label, value]) => (
              <Card key={label}>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingSm">
                    {label}
                  </Text>
                  <Text as="p" variant="heading2xl">
                    {value}
                  </Text>
                </BlockStack>
              </Card>
            ))}
          </InlineGrid>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
