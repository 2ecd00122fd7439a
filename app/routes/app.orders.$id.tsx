import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, EmptyState, InlineGrid, Layout, Link, List, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { getOrderPage } from "~/services/logs.server";
import { EMPTY_IMAGE, statusTone } from "~/components/logs/feedback";
import { RouteErrorBanner } from "~/components/route-error";
import { formatUtc } from "~/components/format";
import { orderKindLabel } from "~/core/orders/order-kind-labels";

/** The Shopify order id (the number in the order's admin URL). */
const OrderIdSchema = z.string().regex(/^[0-9]{1,20}$/);

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = OrderIdSchema.safeParse(params.id);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const page = await getOrderPage(prisma(), session.shop, id.data);
  if (!page) throw new Response("Not found", { status: 404 });
  return page;
};

const MATCH_TONE: Record<string, "success" | "warning" | "critical" | "info"> = { matched: "success", profile_only: "warning", unmatched: "critical", pending: "info" };

export default function OrderDetail() {
  const o = useLoaderData<typeof loader>();
  const sameCurrency = o.currency === o.presentmentCurrency;
  const clickIds = [...(o.session?.clickIds ?? []), ...(o.profile?.clickIds ?? []).filter((p) => !(o.session?.clickIds ?? []).some((s) => s.key === p.key))];
  return (
    <Page
      title={`Order ${o.name ?? o.orderId}`}
      titleMetadata={<Badge tone={MATCH_TONE[o.matchStatus]}>{o.matchStatus.replace("_", " ")}</Badge>}
      backAction={{ content: "Deliveries", url: `/app/logs/deliveries?order=${o.orderId}` }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
              <Card>
                <BlockStack gap="100">
                  <Text as="h2" variant="headingSm">
                    Kind
                  </Text>
                  <Text as="p">{orderKindLabel(o.kind)}{o.isTest ? " (test order)" : ""}</Text>
                  {o.kindReason ? (
                    <Text as="p" tone="subdued">
                      {o.kindReason}
                    </Text>
                  ) : null}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="100">
                  <Text as="h2" variant="headingSm">
                    Value
                  </Text>
                  <Text as="p">
                    {o.totalPrice} {o.currency}
                    {sameCurrency ? "" : ` (${o.presentmentTotal} ${o.presentmentCurrency} paid)`}
                    {o.refundedTotal !== "0" ? ` · ${o.refundedTotal} refunded` : ""}
                  </Text>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="100">
                  <Text as="h2" variant="headingSm">
                    Placed
                  </Text>
                  <Text as="p">
                    {formatUtc(o.createdAt, "second")}
                    {o.cancelledAt ? ` · cancelled ${formatUtc(o.cancelledAt, "second")}` : ""}
                  </Text>
                </BlockStack>
              </Card>
            </InlineGrid>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  How this order was matched
                </Text>
                <Text as="p" fontWeight="semibold">
                  <span data-testid="match-headline">{o.headline}</span>
                </Text>
                {o.explanation.length > 0 ? (
                  <List>
                    {o.explanation.map((s, i) => (
                      <List.Item key={i}>{s}</List.Item>
                    ))}
                  </List>
                ) : (
                  <Text as="p" tone="subdued">
                    No further explanation was recorded.
                  </Text>
                )}
                {o.session ? (
                  <Text as="p">
                    Visit: started {formatUtc(o.session.startedAt, "second")} from {o.session.channel}
                    {o.session.source ? ` (${o.session.source}${o.session.medium ? ` / ${o.session.medium}` : ""})` : ""}
                    {o.session.campaign ? `, campaign ${o.session.campaign}` : ""}, {o.session.eventCount} events
                    {o.session.landingPath ? `, landed on ${o.session.landingPath}` : ""}.
                  </Text>
                ) : null}
                {o.profile ? (
                  <Text as="p">
                    Visitor first seen {formatUtc(o.profile.firstSeenAt, "second")}, last seen {formatUtc(o.profile.lastSeenAt, "second")}
                    {o.profile.knownCustomer ? "; a known Shopify customer" : ""}.
                  </Text>
                ) : null}
                {clickIds.length > 0 ? (
                  <Text as="p">
                    Click ids inherited: {clickIds.map((c) => `${c.key} ${c.value.length > 16 ? `${c.value.slice(0, 16)}…` : c.value}`).join(", ")}
                  </Text>
                ) : (
                  <Text as="p" tone="subdued">
                    No ad click id was inherited.
                  </Text>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Attribution
                </Text>
                {o.attribution.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No attribution credits: the order was not tied to any visit.
                  </Text>
                ) : (
                  o.attribution.map((m) => (
                    <BlockStack key={m.model} gap="100">
                      <Text as="h3" variant="headingSm">
                        {m.model.replace(/_/g, " ")}
                      </Text>
                      <DataTable
                        columnContentTypes={["text", "text", "numeric", "numeric"]}
                        headings={["Channel", "Campaign", "Share", "Revenue"]}
                        rows={m.credits.map((c) => [c.channel, c.campaign ?? "—", `${Math.round(c.weight * 1000) / 10}%`, `${c.revenue} ${c.currency}`])}
                      />
                    </BlockStack>
                  ))
                )}
              </BlockStack>
            </Card>
            <Card padding="0">
              {o.deliveries.length === 0 ? (
                <EmptyState heading="Nothing was sent for this order" image={EMPTY_IMAGE}>
                  <p>No destination was connected when the order arrived, or none wanted it.</p>
                </EmptyState>
              ) : (
                <BlockStack gap="200">
                  <div style={{ padding: "16px 16px 0" }}>
                    <Text as="h2" variant="headingMd">
                      Deliveries
                    </Text>
                  </div>
                  <DataTable
                    columnContentTypes={["text", "text", "text", "numeric", "text"]}
                    headings={["Destination", "Event", "Status", "Attempts", "Reason"]}
                    rows={o.deliveries.map((d) => [
                      <Link key="l" url={`/app/logs/deliveries/${d.id}`}>
                        {d.destination}
                      </Link>,
                      d.conversion,
                      <Badge key="b" tone={statusTone(d.status)}>
                        {d.status}
                      </Badge>,
                      d.attempts,
                      d.lastError ?? (d.deliveredAt ? `delivered ${formatUtc(d.deliveredAt, "second")}` : ""),
                    ])}
                  />
                </BlockStack>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Order" backAction={{ content: "Logs", url: "/app/logs/deliveries" }} />;
}
