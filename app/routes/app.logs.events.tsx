import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, EmptyState, IndexTable, Link, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { filterToQuery, parseLogFilter } from "~/core/logs/filters";
import { getEventsPage } from "~/services/logs.server";
import { EMPTY_IMAGE } from "~/components/logs/feedback";
import { LogsTabs } from "~/components/logs/tabs";
import { FilterBar } from "~/components/logs/filter-bar";
import { RouteErrorBanner } from "~/components/route-error";
import { formatUtc } from "~/components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = parseLogFilter(new URL(request.url).searchParams, Date.now());
  return getEventsPage(prisma(), session.shop, parsed);
};

export default function EventsLog() {
  const data = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const rows = data.rows;
  return (
    <Page title="Logs" fullWidth>
      <BlockStack gap="400">
        <LogsTabs selected="events" />
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
        <FilterBar values={data.filter} errors={data.errors} eventNames={data.eventNames} />
        <Card padding="0">
          {rows.length === 0 ? (
            <EmptyState heading="No storefront events match these filters" image={EMPTY_IMAGE}>
              <p>Events appear here once the web pixel is active and shoppers browse the store. Try a longer time range or fewer filters.</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: "event", plural: "events" }}
              itemCount={rows.length}
              selectable={false}
              loading={navigation.state === "loading"}
              headings={[{ title: "Time" }, { title: "Event" }, { title: "Page" }, { title: "Order" }, { title: "Consent" }, { title: "State" }]}
              pagination={{
                hasNext: data.next !== null,
                onNext: () => navigate(filterToQuery({ ...data.filter, cursor: data.next ?? undefined })),
                hasPrevious: searchParams.has("cursor"),
                onPrevious: () => navigate(-1),
              }}
            >
              {rows.map((r, i) => (
                <IndexTable.Row id={r.id} key={r.id} position={i}>
                  <IndexTable.Cell>{formatUtc(r.occurredAt, "second")}</IndexTable.Cell>
                  <IndexTable.Cell>{r.name}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" variant="bodySm" truncate>
                      {r.path ?? "—"}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{r.orderId ? <Link url={`/app/orders/${r.orderId}`}>{r.orderId}</Link> : "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <span title="analytics, marketing, preferences, sale of data">{r.consent}</span>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    {r.isBot ? <Badge tone="warning">bot</Badge> : r.processed ? <Badge tone="success">processed</Badge> : <Badge>waiting</Badge>}
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
