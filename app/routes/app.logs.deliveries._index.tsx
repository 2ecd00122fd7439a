import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Link, Page, ProgressBar, Text } from "@shopify/polaris";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { parseLogFilter, filterToQuery } from "~/core/logs/filters";
import { getDeliveriesPage } from "~/services/logs.server";
import { startReplayAllFailed } from "~/services/replay.server";
import { ActionFeedback, EMPTY_IMAGE, statusTone, type ActionResult } from "~/components/logs/feedback";
import { LogsTabs } from "~/components/logs/tabs";
import { FilterBar } from "~/components/logs/filter-bar";
import { RouteErrorBanner } from "~/components/route-error";
import { formatUtc } from "~/components/format";
import { useRevalidateWhile } from "~/components/use-revalidate-while";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = parseLogFilter(new URL(request.url).searchParams, Date.now());
  return getDeliveriesPage(prisma(), session.shop, parsed);
};

const ReplayAllForm = z.object({
  intent: z.literal("replay-all"),
  destinationId: z.preprocess((v) => (v === "" ? undefined : v), z.string().max(40).optional()),
});

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { session } = await authenticate.admin(request);
  const form = ReplayAllForm.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return { ok: false, message: "The request was not understood; reload the page and try again." };
  const r = await startReplayAllFailed(prisma(), session.shop, { destinationId: form.data.destinationId }, new Date());
  switch (r.kind) {
    case "started":
      return { ok: true, message: `Replaying ${r.job.total} failed deliver${r.job.total === 1 ? "y" : "ies"} in the background.` };
    case "already-running":
      return { ok: false, message: "A replay is already running; wait for it to finish." };
    case "nothing-to-replay":
      return { ok: false, message: "There are no failed or expired deliveries to replay." };
    case "unknown-destination":
      return { ok: false, message: "That destination does not exist in this store.", fieldErrors: { destinationId: "Unknown destination" } };
  }
};

export default function DeliveriesLog() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const job = data.job;
  const running = job !== null && (job.status === "queued" || job.status === "running");

  // While the background replay runs, reload the numbers every second.
  useRevalidateWhile(running);

  const destinationLabel = data.filter.destination ? data.destinations.find((d) => d.id === data.filter.destination)?.label : undefined;
  const percent = job && job.total > 0 ? Math.round((job.done / job.total) * 100) : job?.status === "done" ? 100 : 0;
  const rows = data.rows;
  const pageQuery = (cursor: string | undefined) => filterToQuery({ ...data.filter, cursor });

  return (
    <Page title="Logs" fullWidth>
      <BlockStack gap="400">
        <LogsTabs selected="deliveries" />
        <ActionFeedback result={result} />
        {Object.keys(data.errors).length > 0 ? (
          <Banner tone="warning" title="Some filters were ignored">
            <ul>
              {Object.entries(data.errors).map(([k, v]) => (
                <li key={k}>
                  {k}: {v}
                </li>
              ))}
            </ul>
          </Banner>
        ) : null}
        {data.destinations.filter((d) => d.paused).map((d) => (
          <Banner key={d.id} tone="warning" title={`${d.label} is paused`}>
            <p>{d.pausedReason ?? "Paused."} Deliveries to it wait until it is resumed on the Destinations page.</p>
          </Banner>
        ))}
        <FilterBar
          values={data.filter}
          errors={data.errors}
          eventNames={data.eventNames}
          destinations={data.destinations.map((d) => ({ id: d.id, label: d.label }))}
          showStatus
        />
        <Card>
          <BlockStack gap="300">
            <InlineStack align="space-between" blockAlign="center">
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  Replay failed deliveries
                </Text>
                <Text as="p" tone="subdued">
                  {data.replayable} failed or expired deliver{data.replayable === 1 ? "y" : "ies"}
                  {destinationLabel ? ` to ${destinationLabel}` : ""}. Replays go through the outbox again; delivered ones are never sent twice.
                </Text>
              </BlockStack>
              <Form method="post">
                <input type="hidden" name="intent" value="replay-all" />
                <input type="hidden" name="destinationId" value={data.filter.destination ?? ""} />
                <Button submit variant="primary" disabled={running || data.replayable === 0} loading={navigation.state === "submitting"}>
                  {destinationLabel ? `Replay all failed to ${destinationLabel}` : "Replay all failed"}
                </Button>
              </Form>
            </InlineStack>
            {job ? (
              <BlockStack gap="100">
                <ProgressBar animated={false} progress={percent} tone={job.status === "failed" ? "critical" : "primary"} size="small" />
                <Text as="p" variant="bodySm" tone={job.status === "failed" ? "critical" : "subdued"}>
                  <span data-testid="replay-progress">
                    {job.status === "done"
                      ? `Last replay finished: ${job.done} of ${job.total} re-queued (100%).`
                      : job.status === "failed"
                        ? `Last replay stopped after ${job.done} of ${job.total}: ${job.error ?? "unknown error"}`
                        : `Replaying: ${job.done} of ${job.total} re-queued (${percent}%).`}
                  </span>
                </Text>
              </BlockStack>
            ) : null}
          </BlockStack>
        </Card>
        <Card padding="0">
          {rows.length === 0 ? (
            <EmptyState heading="No deliveries match these filters" image={EMPTY_IMAGE}>
              <p>Deliveries appear here as orders and storefront events are sent to your destinations. Try a longer time range or fewer filters.</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: "delivery", plural: "deliveries" }}
              itemCount={rows.length}
              selectable={false}
              loading={navigation.state === "loading"}
              headings={[{ title: "Queued" }, { title: "Event" }, { title: "Destination" }, { title: "Status" }, { title: "Attempts" }, { title: "Order" }, { title: "Last error" }]}
              pagination={{
                hasNext: data.next !== null,
                onNext: () => navigate(pageQuery(data.next ?? undefined)),
                hasPrevious: searchParams.has("cursor"),
                onPrevious: () => navigate(-1),
              }}
            >
              {rows.map((r, i) => (
                <IndexTable.Row id={r.id} key={r.id} position={i}>
                  <IndexTable.Cell>
                    <Link url={`/app/logs/deliveries/${r.id}`} removeUnderline>
                      {formatUtc(r.createdAt, "second")}
                    </Link>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{r.eventName}</IndexTable.Cell>
                  <IndexTable.Cell>{r.destination}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{r.attempts}</IndexTable.Cell>
                  <IndexTable.Cell>{r.orderId ? <Link url={`/app/orders/${r.orderId}`}>{r.orderId}</Link> : "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" variant="bodySm" tone="subdued" truncate>
                      {r.lastError ?? ""}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Logs" backAction={{ content: "Logs", url: "/app/logs/deliveries" }} />;
}
