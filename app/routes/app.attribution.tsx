import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { ATTRIBUTION_MODELS } from "~/core/attribution/models";
import { getAttributionReport } from "~/services/reports.server";
import { ClientOnly } from "~/components/reports/client-only";
import { count, humanize, percent } from "~/components/reports/format";
import { RangeFilter } from "~/components/reports/range-filter";
import { RouteErrorBanner } from "~/components/route-error";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await getAttributionReport(prisma(), session.shop, new URL(request.url).searchParams, new Date());
  return { ...result, errors: result.kind === "invalid" ? result.errors : null };
};

const MODEL_LABELS: Record<(typeof ATTRIBUTION_MODELS)[number], string> = {
  first_touch: "First touch",
  last_touch: "Last non-direct touch",
  linear: "Linear",
  position_based: "Position based (40/20/40)",
  time_decay: "Time decay (7-day half-life)",
};

const orders = (n: number) => (Number.isInteger(n) ? count(n) : n.toFixed(2));

export default function Attribution() {
  const data = useLoaderData<typeof loader>();
  const location = useLocation();
  const shopify = useAppBridge();
  const report = data.report!;
  const csvQuery = new URLSearchParams({ from: data.range.from, to: data.range.to, model: data.model });
  // The CSV goes through App Bridge's fetch (session token in the Authorization header),
  // then is saved from a blob: a plain link would reach the server without the token.
  const download = async () => {
    const res = await fetch(`/app/attribution/csv?${csvQuery}`);
    if (!res.ok) {
      shopify.toast.show(`The CSV export failed (${res.status})`, { isError: true });
      return;
    }
    const name = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "attribution.csv";
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
  const empty = report.byChannel.length === 0;
  return (
    <Page title="Attribution" subtitle={`${MODEL_LABELS[data.model]} · ${data.range.from} to ${data.range.to} (UTC)`}>
      <Layout>
        <Layout.Section>
          <Card>
            <RangeFilter
              key={location.search}
              from={data.range.from}
              to={data.range.to}
              errors={data.errors}
              model={data.model}
              models={ATTRIBUTION_MODELS.map((m) => ({ value: m, label: MODEL_LABELS[m] }))}
            />
          </Card>
        </Layout.Section>
        {empty ? (
          <Layout.Section>
            <Card>
              <EmptyState heading="No attributed orders in this range" image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png">
                <p>Orders matched to a storefront visit are credited to its channel and campaign here. Try a wider range, or wait for the first matched order.</p>
              </EmptyState>
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      Revenue by channel
                    </Text>
                    <Button onClick={download}>Export CSV</Button>
                  </InlineStack>
                  <div style={{ height: 260 }}>
                    <ClientOnly fallback={<Text as="p" tone="subdued">Loading chart…</Text>}>
                      {() => (
                        <PolarisVizProvider>
                          <BarChart
                            theme="Light"
                            direction="horizontal"
                            data={[{ name: "Revenue", data: report.byChannel.map((r) => ({ key: `${humanize(r.key)} (${r.currency})`, value: Number(r.revenue) })) }]}
                          />
                        </PolarisVizProvider>
                      )}
                    </ClientOnly>
                  </div>
                  <div data-testid="by-channel">
                    <DataTable
                      columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
                      headings={["Channel", "Revenue", "Orders", "Sessions", "Conversion rate"]}
                      rows={report.byChannel.map((r) => [humanize(r.key), `${r.revenue} ${r.currency}`, orders(r.orders), count(r.sessions), percent(r.conversionRate, 2)])}
                      totals={report.totals.length === 1 ? ["", `${report.totals[0]!.revenue} ${report.totals[0]!.currency}`, orders(report.totals[0]!.orders), count(report.totals[0]!.sessions), percent(report.totals[0]!.conversionRate, 2)] : undefined}
                      showTotalsInFooter
                    />
                  </div>
                </BlockStack>
              </Card>
            </Layout.Section>
            {report.renewalsByChannel.length > 0 ? (
              <Layout.Section>
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Subscription renewals by acquiring channel
                    </Text>
                    <Text as="p" tone="subdued">
                      Renewals credited to the channel that brought the subscriber (Settings → Subscription renewals). Kept apart from the purchases above.
                    </Text>
                    <div data-testid="renewals-by-channel">
                      <DataTable
                        columnContentTypes={["text", "numeric", "numeric"]}
                        headings={["Channel", "Revenue", "Renewals"]}
                        rows={report.renewalsByChannel.map((r) => [humanize(r.key), `${r.revenue} ${r.currency}`, orders(r.orders)])}
                      />
                    </div>
                  </BlockStack>
                </Card>
              </Layout.Section>
            ) : null}
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Revenue by campaign
                  </Text>
                  <div data-testid="by-campaign">
                    <DataTable
                      columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric"]}
                      headings={["Campaign", "Channel", "Revenue", "Orders", "Sessions", "Conversion rate"]}
                      rows={report.byCampaign.map((r) => [r.key, humanize(r.channel ?? ""), `${r.revenue} ${r.currency}`, orders(r.orders), count(r.sessions), percent(r.conversionRate, 2)])}
                    />
                  </div>
                </BlockStack>
              </Card>
            </Layout.Section>
          </>
        )}
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Attribution" />;
}
