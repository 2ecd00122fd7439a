import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, DataTable, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { QUALITY_FIELDS, QUALITY_FIELD_LABELS, scoreRating } from "~/core/quality/match-quality";
import { getDataQuality } from "~/services/reports.server";
import { count, humanize, percent } from "~/components/reports/format";
import { RangeFilter } from "~/components/reports/range-filter";
import { RouteErrorBanner } from "~/components/route-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getDataQuality(prisma(), session.shop, new URL(request.url).searchParams, new Date());
};

const TONE = { poor: "critical", ok: "warning", good: "info", great: "success" } as const;

export default function DataQuality() {
  const data = useLoaderData<typeof loader>();
  return (
    <Page title="Data quality" subtitle={`${data.range.from} to ${data.range.to} (UTC) · bot traffic excluded`}>
      <Layout>
        <Layout.Section>
          <Card>
            <RangeFilter from={data.range.from} to={data.range.to} errors={data.rangeErrors} />
          </Card>
        </Layout.Section>
        {data.events.length === 0 ? (
          <Layout.Section>
            <Card>
              <EmptyState heading="No storefront events in this range" image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png">
                <p>When the web pixel reports events, this page shows which identifiers each event carries and how well ad platforms could match it.</p>
              </EmptyState>
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <Banner tone="info" title="Match scores are Trueline's estimate">
                <p>
                  Platforms do not publish how they score matching. Each estimate (0–10, like Meta&apos;s Event Match Quality) weighs the identifiers the platform documents as most
                  useful; the weights and their sources are kept with each platform (app/destinations/&lt;platform&gt;/facts.ts). The platform&apos;s own Events Manager score is the reference.
                </p>
              </Banner>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Estimated match score per event
                  </Text>
                  <div data-testid="scores">
                    <DataTable
                      columnContentTypes={["text", "numeric", ...data.platforms.map(() => "text" as const)]}
                      headings={["Event", "Events", ...data.platforms.map((p) => p.label)]}
                      rows={data.events.map((e) => [
                        humanize(e.name),
                        count(e.total),
                        ...data.platforms.map(({ kind }) => {
                          const score = e.scores[kind] ?? 0;
                          return (
                            <Badge key={kind} tone={TONE[scoreRating(score)]}>
                              {`${score.toFixed(1)} ${scoreRating(score)}`}
                            </Badge>
                          );
                        }),
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
                    How often each identifier and property is present
                  </Text>
                  <div data-testid="presence" style={{ overflowX: "auto" }}>
                    <DataTable
                      columnContentTypes={["text", ...data.events.map(() => "numeric" as const)]}
                      headings={["Field", ...data.events.map((e) => humanize(e.name))]}
                      rows={QUALITY_FIELDS.map((f) => [QUALITY_FIELD_LABELS[f], ...data.events.map((e) => percent(e.presence[f], 0))])}
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
  return <RouteErrorBanner title="Data quality" />;
}
