import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Button, Card, DataTable, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { getDataRequestsPage } from "~/services/privacy.server";
import { EMPTY_IMAGE } from "~/components/logs/feedback";
import { RouteErrorBanner } from "~/components/route-error";
import { formatUtc } from "~/components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getDataRequestsPage(prisma(), session.shop);
};

export default function Privacy() {
  const { rows, limit } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  // Through App Bridge's fetch (session token in the Authorization header), then saved from a
  // blob: a plain link would reach the server without the token.
  const download = async (id: string) => {
    const res = await fetch(`/app/privacy/${encodeURIComponent(id)}/export`);
    if (!res.ok) {
      shopify.toast.show(`The export could not be downloaded (${res.status})`, { isError: true });
      return;
    }
    const name = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "data-request.json";
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    shopify.toast.show(`Downloaded ${name}`);
  };
  return (
    <Page title="Privacy requests" subtitle="Customers' requests for the data Trueline holds on them">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="p">
                  When a customer asks your store for their data, Shopify tells Trueline and Trueline prepares an export of everything it holds on them: their orders,
                  their visits and storefront events, and what was sent to each ad platform. Download it here and send it to the customer yourself (privacy laws such as the
                  GDPR usually give you a month to answer). If the customer later asks to be forgotten, the export is deleted with the rest of their data.
                </Text>
              </BlockStack>
            </Card>
            <Card padding="0">
              {rows.length === 0 ? (
                <EmptyState heading="No data requests yet" image={EMPTY_IMAGE}>
                  <p>Requests appear here when a customer asks your store for their data in Shopify.</p>
                </EmptyState>
              ) : (
                <div data-testid="data-requests">
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text", "text"]}
                    headings={["Received", "Customer", "Status", "Contents", "Export"]}
                    rows={rows.map((r) => [
                      formatUtc(r.receivedAt),
                      r.customer,
                      r.status === "ready" ? <Badge tone="success">Ready</Badge> : <Badge>Deleted (customer redacted)</Badge>,
                      r.summary,
                      r.status === "ready" ? (
                        <Button size="slim" onClick={() => void download(r.id)} accessibilityLabel={`Download the export for ${r.customer}`}>
                          Download JSON
                        </Button>
                      ) : (
                        "—"
                      ),
                    ])}
                    footerContent={rows.length >= limit ? `The ${limit} most recent requests` : undefined}
                  />
                </div>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Privacy requests" />;
}
