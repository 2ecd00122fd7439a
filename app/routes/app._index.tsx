import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, DataTable, EmptyState, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { getOverview } from "~/services/overview.server";
import { ClientOnly } from "~/components/reports/client-only";
import { count, humanize, percent } from "~/components/reports/format";
import { RangeFilter } from "~/components/reports/range-filter";
import { RouteErrorBanner } from "~/components/route-error";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  return getOverview(prisma(), session.shop, { from: url.searchParams.get("from"), to: url.searchParams.get("to") }, new Date());
};

const COVERAGE_LABELS = {
  emailHash: "Email (sent hashed)",
  phoneHash: "Phone (sent hashed)",
  clickId: "Ad click id (fbclid, gclid, ttclid, …)",
  platformCookie: "Platform cookie (_fbp, _fbc, _ttp, _ga, …)",
} as const;

function Tile({ id, label, value, help }: { id: string; label: string; value: string; help?: string }) {
  return (
    <div data-testid={`tile-${id}`}>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingSm">
            {label}
          </Text>
          <Text as="p" variant="heading2xl">
            <span data-testid={`value-${id}`}>{value}</span>
          </Text>
          {help ? (
            <Text as="p" tone="subdued">
              {help}
            </Text>
          ) : null}
        </BlockStack>
      </Card>
    </div>
  );
}

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  const empty = data.events === 0 && data.orders === 0 && data.sessions === 0 && data.destinations.length === 0;
  const below = data.destinations.filter((d) => d.belowThreshold);
  return (
    <Page title="Trueline overview" subtitle={`${data.range.from} to ${data.range.to} (UTC)`}>
      <Layout>
        <Layout.Section>
          <Card>
            <RangeFilter from={data.range.from} to={data.range.to} errors={data.rangeErrors} />
          </Card>
        </Layout.Section>
        {empty ? (
          <Layout.Section>
            <Card>
              <EmptyState heading="No tracking data in this range yet" image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png">
                <p>Once the web pixel reports storefront events and orders come in, they are counted here. Connect a destination to start forwarding them.</p>
              </EmptyState>
            </Card>
          </Layout.Section>
        ) : (
          <>
            {below.length > 0 ? (
              <Layout.Section>
                <Banner tone="critical" title={`Below your ${data.thresholdPercent}% delivery threshold`}>
                  <p>
                    {below.map((d) => `${d.label}: ${percent(d.share)}`).join(", ")}. Check Logs for failed or missing deliveries.
                  </p>
                </Banner>
              </Layout.Section>
            ) : null}
            <Layout.Section>
              <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
                <Tile id="events" label="Storefront events" value={count(data.events)} help={data.bots ? `${count(data.bots)} bot events not counted` : undefined} />
                <Tile id="sessions" label="Sessions" value={count(data.sessions)} />
                <Tile id="orders" label="Orders" value={count(data.orders)} />
                <Tile id="match-rate" label="Orders matched to a visit" value={percent(data.matchRate)} help={`${count(data.matchStatus.matched ?? 0)} of ${count(data.orders)}`} />
                <Tile id="retries" label="Retries pending" value={count(data.retriesPending)} help="Queued now, all dates" />
                <Tile id="failures" label="Failed deliveries" value={count(data.failures)} help="Failed or expired in this range" />
              </InlineGrid>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Orders per day
                  </Text>
                  <div style={{ height: 240 }} data-testid="orders-chart">
                    <ClientOnly fallback={<Text as="p" tone="subdued">Loading chart…</Text>}>
                      {() => (
                        <PolarisVizProvider>
                          <BarChart theme="Light" data={[{ name: "Orders", data: data.ordersPerDay.map((d) => ({ key: d.day.slice(5), value: d.orders })) }]} />
                        </PolarisVizProvider>
                      )}
                    </ClientOnly>
                  </div>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section variant="oneHalf">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Orders by kind
                  </Text>
                  <div data-testid="orders-by-kind">
                    <DataTable
                      columnContentTypes={["text", "numeric"]}
                      headings={["Kind", "Orders"]}
                      rows={Object.entries(data.ordersByKind)
                        .sort((a, b) => b[1] - a[1])
                        .map(([k, n]) => [humanize(k), count(n)])}
                    />
                  </div>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section variant="oneHalf">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Identifier coverage of purchases
                  </Text>
                  <div data-testid="coverage">
                    <DataTable
                      columnContentTypes={["text", "numeric", "numeric"]}
                      headings={["Identifier", "Purchases", "Share"]}
                      rows={(Object.keys(COVERAGE_LABELS) as Array<keyof typeof COVERAGE_LABELS>).map((k) => [
                        COVERAGE_LABELS[k],
                        `${count(data.coverage.present[k])} / ${count(data.coverage.total)}`,
                        percent(data.coverage.total ? data.coverage.present[k] / data.coverage.total : null),
                      ])}
                    />
                  </div>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Orders delivered per destination
                  </Text>
                  <Text as="p" tone="subdued">
                    Delivered or deliberately skipped (policy, consent) over every order the destination should have received. Your threshold: {data.thresholdPercent}%.
                  </Text>
                  {data.destinations.some((d) => d.share !== null) ? (
                    <div style={{ height: 100 + 80 * data.destinations.length, marginBottom: 16 }} data-testid="share-chart">
                      <ClientOnly fallback={<Text as="p" tone="subdued">Loading chart…</Text>}>
                        {() => (
                          <PolarisVizProvider>
                            <BarChart
                              theme="Light"
                              direction="horizontal"
                              xAxisOptions={{ labelFormatter: (v) => `${v}%` }}
                              data={[
                                {
                                  name: "Delivered or skipped (%)",
                                  data: data.destinations.map((d) => ({ key: d.label, value: d.share === null ? null : Math.round(d.share * 1000) / 10 })),
                                },
                                { name: `Threshold (${data.thresholdPercent}%)`, data: data.destinations.map((d) => ({ key: d.label, value: data.thresholdPercent })) },
                              ]}
                            />
                          </PolarisVizProvider>
                        )}
                      </ClientOnly>
                    </div>
                  ) : null}
                  {data.destinations.length === 0 ? (
                    <Text as="p">No destination connected yet.</Text>
                  ) : (
                    data.destinations.map((d) => (
                      <div key={d.destinationId} data-testid={`destination-${d.kind}`}>
                        <BlockStack gap="200">
                          <InlineStack gap="200" blockAlign="center">
                            <Text as="h3" variant="headingSm">
                              {d.label}
                            </Text>
                            {d.paused ? <Badge tone="attention">Paused</Badge> : null}
                            {d.share === null ? (
                              <Badge>No orders expected</Badge>
                            ) : d.belowThreshold ? (
                              <Badge tone="critical">{`${percent(d.share)} (below ${data.thresholdPercent}%)`}</Badge>
                            ) : (
                              <Badge tone="success">{percent(d.share)}</Badge>
                            )}
                            <Text as="span" tone="subdued">
                              {`${count(d.delivered)} delivered · ${count(d.skipped)} skipped · ${count(d.inFlight)} in flight · ${count(d.failed)} failed · ${count(d.missing)} missing · ${count(d.retriesPending)} retries pending`}
                            </Text>
                          </InlineStack>
                          {d.byChannel.length ? (
                            <DataTable
                              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
                              headings={["Channel", "Orders expected", "Delivered", "Skipped", "Share"]}
                              rows={d.byChannel.map((c) => [humanize(c.channel), count(c.expected), count(c.delivered), count(c.skipped), percent(c.share)])}
                            />
                          ) : null}
                        </BlockStack>
                      </div>
                    ))
                  )}
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
  return <RouteErrorBanner title="Overview" />;
}
