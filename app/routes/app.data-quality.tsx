import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { QUALITY_FIELDS, QUALITY_FIELD_LABELS, scoreRating } from "~/core/quality/match-quality";
import { getDataQualityWithVerdicts, startDiagnosticsRead } from "~/services/platform-diagnostics.server";
import { PlatformVerdicts } from "~/components/reports/platform-verdicts";
import { useRevalidateWhile } from "~/components/use-revalidate-while";
import { count, humanize, percent } from "~/components/reports/format";
import { RangeFilter } from "~/components/reports/range-filter";
import { RouteErrorBanner } from "~/components/route-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getDataQualityWithVerdicts(prisma(), session.shop, new URL(request.url).searchParams, new Date());
};

const ReadNowForm = z.object({ intent: z.literal("read-platforms") });

/** "Read now": queue a read of every connected platform's verdict (ADR 0041). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  if (!ReadNowForm.safeParse(Object.fromEntries(await request.formData())).success) return { ok: false, message: "The request was not understood; reload the page and try again." };
  const r = await startDiagnosticsRead(prisma(), session.shop, new Date());
  if (r.kind === "started") return { ok: true, message: `Reading ${r.job.total} platform${r.job.total === 1 ? "" : "s"} in the background.` };
  if (r.kind === "already-running") return { ok: false, message: "A read is already running; its results appear here when it ends." };
  return { ok: false, message: "No connected platform publishes a read-back (Meta, Google Ads and Pinterest do)." };
};

const TONE = { poor: "critical", ok: "warning", good: "info", great: "success" } as const;

export default function DataQuality() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const reading = data.readJob !== null && (data.readJob.status === "queued" || data.readJob.status === "running");
  // While a read runs, reload every second so its verdicts appear when it ends.
  useRevalidateWhile(reading);
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
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  What the platforms report
                </Text>
                <Form method="post">
                  <input type="hidden" name="intent" value="read-platforms" />
                  <Button submit loading={navigation.state === "submitting" || reading}>
                    Read now
                  </Button>
                </Form>
              </InlineStack>
              {result ? (
                <Banner tone={result.ok ? "success" : "warning"}>
                  <p>{result.message}</p>
                </Banner>
              ) : null}
              <Text as="p">
                Meta, Google Ads and Pinterest publish how they received the events Trueline sent. Their verdict sits beside our estimate above; where the two differ, the reasons
                are spelled out.
              </Text>
              <div data-testid="platform-verdicts">
                <PlatformVerdicts verdicts={data.verdicts} withoutReadBack={data.withoutReadBack} />
              </div>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Data quality" />;
}
