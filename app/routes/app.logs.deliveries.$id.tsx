import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, DataTable, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { getDeliveryPage } from "~/services/logs.server";
import { replayOneDelivery } from "~/services/replay.server";
import { ActionFeedback, statusTone, type ActionResult } from "~/components/logs/feedback";
import { RouteErrorBanner } from "~/components/route-error";
import { formatUtc } from "~/components/format";

const IdSchema = z.string().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/);

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = IdSchema.safeParse(params.id);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const page = await getDeliveryPage(prisma(), session.shop, id.data);
  if (!page) throw new Response("Not found", { status: 404 });
  return page;
};

const ReplayForm = z.object({ intent: z.literal("replay") });

export const action = async ({ request, params }: ActionFunctionArgs): Promise<ActionResult> => {
  const { session } = await authenticate.admin(request);
  const id = IdSchema.safeParse(params.id);
  if (!id.success) throw new Response("Not found", { status: 404 });
  if (!ReplayForm.safeParse(Object.fromEntries(await request.formData())).success) return { ok: false, message: "The request was not understood; reload the page." };
  const r = await replayOneDelivery(prisma(), session.shop, id.data, new Date());
  if (r.kind === "not-found") throw new Response("Not found", { status: 404 });
  if (r.kind === "not-replayable") return { ok: false, message: `Only failed or expired deliveries can be replayed; this one is ${r.status}.` };
  if (r.waitingFor) return { ok: true, message: `Delivery queued again; it will be sent once ${r.waitingFor} is resumed.` };
  return { ok: true, message: "Delivery queued again; it will be sent in a moment." };
};

const OUTCOME_TONE: Record<string, "success" | "critical" | "warning" | undefined> = {
  delivered: "success",
  fail: "critical",
  "config-error": "critical",
  expired: "critical",
  retry: "warning",
  "network-error": "warning",
};

export default function DeliveryDetail() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <Page
      title={`${d.eventName} → ${d.destination?.label ?? "removed destination"}`}
      titleMetadata={<Badge tone={statusTone(d.status)}>{d.status}</Badge>}
      backAction={{ content: "Deliveries", url: "/app/logs/deliveries" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ActionFeedback result={result} />
            {d.destination?.pausedReason ? (
              <Banner tone="warning" title={`${d.destination.label} is paused`}>
                <p>{d.destination.pausedReason}</p>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Final status
                </Text>
                <Text as="p">
                  <span data-testid="delivery-status">{d.status}</span>
                  {d.deliveredAt ? ` at ${formatUtc(d.deliveredAt, "second")}` : ""} after {d.attempts} attempt{d.attempts === 1 ? "" : "s"}.
                </Text>
                {d.lastError ? (
                  <Text as="p" tone="critical">
                    Reason: {d.lastError}
                  </Text>
                ) : null}
                <Text as="p" tone="subdued">
                  Event id {d.eventId} · occurred {formatUtc(d.occurredAt, "second")} · queued {formatUtc(d.firstQueuedAt, "second")}
                  {d.status === "retrying" || d.status === "pending" ? ` · next try ${formatUtc(d.nextAttemptAt, "second")}` : ""}
                </Text>
                {d.orderId ? (
                  <Text as="p">
                    Order: <Link url={`/app/orders/${d.orderId}`}>{d.orderId}</Link>
                  </Text>
                ) : null}
                {d.replayable ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="replay" />
                    <Button submit variant="primary" loading={navigation.state === "submitting"}>
                      Replay
                    </Button>
                  </Form>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Attempts
                </Text>
                {d.attemptLog.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No attempt yet: the delivery is waiting in the queue.
                  </Text>
                ) : (
                  <BlockStack gap="300">
                    <DataTable
                      columnContentTypes={["text", "text", "numeric", "numeric", "text"]}
                      headings={["Started", "Outcome", "HTTP status", "Duration", "Error"]}
                      rows={d.attemptLog.map((a) => [
                        formatUtc(a.startedAt, "second"),
                        <Badge key="o" tone={OUTCOME_TONE[a.outcome]}>
                          {a.outcome}
                        </Badge>,
                        a.httpStatus ?? "—",
                        `${a.durationMs} ms`,
                        a.error ?? "",
                      ])}
                    />
                    {d.attemptLog.map((a, i) =>
                      a.responseBody ? (
                        <BlockStack key={a.id} gap="100">
                          <Text as="h3" variant="headingSm">
                            Response to attempt {i + 1} ({a.httpStatus ?? "no status"})
                          </Text>
                          <Box background="bg-surface-secondary" padding="200" borderRadius="200">
                            <pre style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", margin: 0 }}>{a.responseBody}</pre>
                          </Box>
                        </BlockStack>
                      ) : null,
                    )}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Payload as sent
                  </Text>
                  <Text as="span" tone="subdued" variant="bodySm">
                    Hashed values are shown as hashes; addresses and credentials are hidden.
                  </Text>
                </InlineStack>
                {d.payload ? (
                  <Box background="bg-surface-secondary" padding="200" borderRadius="200">
                    <pre data-testid="payload" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", margin: 0 }}>
                      {d.payload}
                    </pre>
                  </Box>
                ) : (
                  <Text as="p" tone="subdued">
                    Nothing was sent{d.status === "skipped" ? ": the delivery was skipped on purpose" : " yet"}.
                  </Text>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Delivery" backAction={{ content: "Logs", url: "/app/logs/deliveries" }} />;
}
