import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import {
  DestinationFormFieldsSchema,
  DestinationKindSchema,
  destinationAdminDeps,
  loadDestinationForm,
  saveDestinationForm,
  sendTestEvent,
  type ConfigField,
  type TestEventResult,
} from "~/services/destination-admin.server";
import { NavigationProgress, useToastOnChange } from "~/components/admin-feedback";
import { RouteErrorBanner } from "~/components/route-error";
import { formatUtc } from "~/components/format";
import { orderKindLabel } from "~/core/orders/order-kind-labels";
import { disconnectGoogleAds, googleAdsPanel, googleAuthDeps, startGoogleAdsConnect } from "~/services/google-ads-auth.server";
import { GoogleAdsConnection } from "~/components/google-ads-connection";
import { LinkedInConnection } from "~/components/linkedin-connection";
import { disconnectLinkedIn, linkedinAuthDeps, linkedinPanel, startLinkedInConnect } from "~/services/linkedin-auth.server";

function kindOf(params: Record<string, string | undefined>) {
  const parsed = DestinationKindSchema.safeParse(params.kind);
  if (!parsed.success) throw new Response("Trueline has no destination with that name.", { status: 404, statusText: "Not found" });
  return parsed.data;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const kind = kindOf(params);
  const form = await loadDestinationForm(destinationAdminDeps(), session.shop, kind);
  return {
    ...form,
    google: kind === "google-ads" ? await googleAdsPanel(googleAuthDeps(), session.shop) : null,
    linkedin: kind === "linkedin" ? await linkedinPanel(linkedinAuthDeps(), session.shop) : null,
  };
};

const IntentSchema = z.object({ intent: z.enum(["save", "test", "google-connect", "google-disconnect", "linkedin-connect", "linkedin-disconnect"]) });

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const kind = kindOf(params);
  const form = DestinationFormFieldsSchema.safeParse(Object.fromEntries([...(await request.formData()).entries()].filter(([, v]) => typeof v === "string")));
  const intent = IntentSchema.safeParse(form.data);
  const at = Date.now();
  if (!form.success || !intent.success) return { intent: "invalid" as const, message: "The form was not understood. Reload the page and try again.", at };
  const deps = destinationAdminDeps();
  if (intent.data.intent === "test") return { intent: "test" as const, result: await sendTestEvent(deps, session.shop, kind), at };
  if (intent.data.intent === "google-connect") {
    const start = startGoogleAdsConnect(googleAuthDeps(), session.shop);
    return start.kind === "redirect" ? { intent: "google-connect" as const, url: start.url, at } : { intent: "invalid" as const, message: start.message, at };
  }
  if (intent.data.intent === "google-disconnect") {
    await disconnectGoogleAds(googleAuthDeps(), session.shop);
    return { intent: "google-disconnect" as const, at };
  }
  if (intent.data.intent === "linkedin-connect") {
    const start = startLinkedInConnect(linkedinAuthDeps(), session.shop);
    return start.kind === "redirect" ? { intent: "linkedin-connect" as const, url: start.url, at } : { intent: "invalid" as const, message: start.message, at };
  }
  if (intent.data.intent === "linkedin-disconnect") {
    await disconnectLinkedIn(linkedinAuthDeps(), session.shop);
    return { intent: "linkedin-disconnect" as const, at };
  }
  const saved = await saveDestinationForm(deps, session.shop, kind, form.data);
  return saved.kind === "saved"
    ? { intent: "save" as const, ok: true as const, message: saved.created ? "Destination connected" : "Settings saved", fieldErrors: {} as Record<string, string>, at }
    : { intent: "save" as const, ok: false as const, message: "Fix the highlighted fields", fieldErrors: saved.fieldErrors, at };
};

const EVENT_LABELS: Record<string, string> = {
  page_view: "Page view",
  view_content: "Product view",
  search: "Search",
  add_to_cart: "Add to cart",
  initiate_checkout: "Checkout started",
  add_payment_info: "Payment info added",
  purchase: "Purchase",
  refund: "Refund",
  cancel: "Cancellation",
  view_item_list: "Collection view",
  view_cart: "Cart view",
  remove_from_cart: "Remove from cart",
  add_shipping_info: "Shipping info added",
  order_edit: "Order edited (new total)",
};

/** What a refund, cancellation or edit does at a platform that takes it, in the merchant's words. */
const EVENT_HELP: Record<string, string> = {
  refund: "Corrects the revenue the platform has for the order (partial or full refund).",
  cancel: "Removes the order's purchase from the platform's figures.",
  order_edit: "When an order's total or items change after it was sent, the platform's value is corrected.",
};

const GOAL_LABELS: Record<string, string> = {
  lead: "Lead",
  sign_up: "Sign-up (completed registration)",
  subscribe: "Subscription (newsletter, plan)",
  contact: "Contact",
};

/** The goal choices for this platform: only goals it has a name for. */
function goalOptions(options: Array<{ goal: string; platformName: string | null }>, none: string) {
  return [
    { label: none, value: "" },
    ...options.filter((o) => o.platformName !== null).map((o) => ({ label: `${GOAL_LABELS[o.goal] ?? o.goal} — sent as ${o.platformName}`, value: o.goal })),
  ];
}

function GoalRow({ index, source, goal, options, errors }: { index: number; source: string; goal: string; options: Array<{ label: string; value: string }>; errors: Record<string, string> }) {
  const [name, setName] = useState(source);
  return (
    <InlineGrid columns={{ xs: 1, sm: 2 }} gap="200">
      <TextField
        label="Custom event name"
        name={`goal.source.${index}`}
        autoComplete="off"
        value={name}
        onChange={setName}
        placeholder="newsletter_signup"
        error={errors[`goal.source.${index}`]}
      />
      <Choice name={`goal.name.${index}`} label="Send it as" initial={goal} options={options} error={errors[`goal.name.${index}`]} />
    </InlineGrid>
  );
}

function ConfigInput({ field, initial, secretSet, error, choices }: { field: ConfigField; initial: string; secretSet: boolean; error?: string; choices?: Array<{ label: string; value: string }> }) {
  const [value, setValue] = useState(initial);
  const name = `config.${field.key}`;
  const label = field.required ? field.label : `${field.label} (optional)`;
  if (choices && choices.length > 0) {
    const options = choices.some((c) => c.value === value) || value === "" ? choices : [{ label: `${value} (not in the account's list)`, value }, ...choices];
    return <Select label={label} name={name} options={[{ label: "Choose…", value: "" }, ...options]} value={value} onChange={setValue} helpText={field.help} error={error} />;
  }
  switch (field.control.type) {
    case "secret":
      return (
        <TextField
          label={label}
          name={name}
          type="password"
          autoComplete="off"
          value={value}
          onChange={setValue}
          placeholder={secretSet ? "••••••••" : undefined}
          helpText={secretSet ? `Saved — leave empty to keep. ${field.help ?? ""}` : field.help}
          error={error}
        />
      );
    case "select":
      return (
        <Select label={label} name={name} options={field.control.options} value={value} onChange={setValue} helpText={field.help} error={error} />
      );
    case "checkbox":
      return <Checkbox label={label} name={name} value="on" checked={value === "on"} onChange={(c) => setValue(c ? "on" : "")} helpText={field.help} error={error} />;
    default:
      return <TextField label={label} name={name} autoComplete="off" value={value} onChange={setValue} helpText={field.help} error={error} />;
  }
}

function Switch({ name, label, initial, help, disabled, error }: { name: string; label: string; initial: boolean; help?: string; disabled?: boolean; error?: string }) {
  const [checked, setChecked] = useState(initial);
  return <Checkbox label={label} name={name} value="on" checked={checked && !disabled} disabled={disabled} onChange={setChecked} helpText={help} error={error} />;
}

function Choice({ name, label, initial, options, help, error }: { name: string; label: string; initial: string; options: Array<{ label: string; value: string }>; help?: string; error?: string }) {
  const [value, setValue] = useState(initial);
  return <Select label={label} name={name} value={value} options={options} onChange={setValue} helpText={help} error={error} />;
}

function Pre({ children, testId }: { children: string; testId: string }) {
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200" overflowX="scroll">
      <pre data-testid={testId} style={{ margin: 0, fontSize: 12, whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        {children}
      </pre>
    </Box>
  );
}

function TestResult({ result }: { result: TestEventResult }) {
  if (result.kind === "not-connected" || result.kind === "invalid-settings") return <Banner tone="warning" title={result.message} />;
  if (result.kind === "skipped") return <Banner tone="warning" title={`The adapter did not build a request: ${result.reason}`} />;
  const ok = result.outcome.kind === "delivered";
  return (
    <BlockStack gap="300">
      <div data-testid="test-summary">
        <Banner tone={ok ? "success" : "critical"} title={result.summary} />
      </div>
      {result.caveat && <Banner tone="info" title={result.caveat} />}
      <Text as="h3" variant="headingSm">
        Request sent ({result.durationMs} ms)
      </Text>
      <Pre testId="test-request">{`${result.request.method} ${result.request.url}\n${Object.entries(result.request.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n")}\n\n${result.request.body}`}</Pre>
      <Text as="h3" variant="headingSm">
        Platform answer
      </Text>
      {result.response ? (
        <Pre testId="test-response">{`HTTP ${result.response.status}\n\n${result.response.body || "(empty body)"}`}</Pre>
      ) : (
        <Pre testId="test-response">{`No answer: ${result.networkError ?? "unknown error"}`}</Pre>
      )}
      <InlineStack gap="200" blockAlign="center">
        <Text as="span">Classified as</Text>
        <Badge tone={ok ? "success" : result.outcome.kind === "retry" ? "warning" : "critical"}>{result.outcome.kind}</Badge>
        {"reason" in result.outcome && <Text as="span">{result.outcome.reason}</Text>}
      </InlineStack>
    </BlockStack>
  );
}

export default function DestinationSettings() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submittingIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const saveResult = actionData?.intent === "save" ? actionData : null;
  const testResult = actionData?.intent === "test" ? actionData.result : null;
  const errors: Record<string, string> = saveResult?.fieldErrors ?? {};
  const toast =
    actionData?.intent === "save"
      ? { message: actionData.message, error: !actionData.ok }
      : actionData?.intent === "test"
        ? { message: actionData.result.kind === "sent" && actionData.result.outcome.kind === "delivered" ? "Test event accepted" : "Test event failed", error: !(actionData.result.kind === "sent" && actionData.result.outcome.kind === "delivered") }
        : actionData
          ? { message: actionData.message, error: true }
          : null;
  useToastOnChange(toast?.message, actionData?.at, toast?.error);

  const configFields = data.fields.filter((f) => !f.testOnly);
  const testFields = data.fields.filter((f) => f.testOnly);
  const p = data.policy;
  // Remount the form after a successful save so secret inputs go back to empty.
  const formKey = saveResult?.ok ? `saved-${saveResult.at}` : "form";

  return (
    <Page
      title={data.displayName}
      subtitle={data.id ? "Connected" : "Not connected yet"}
      backAction={{ content: "Destinations", url: "/app/destinations" }}
      titleMetadata={
        data.status.kind === "paused" ? <Badge tone="warning">Paused</Badge> : data.status.kind === "active" ? <Badge tone="success">Active</Badge> : undefined
      }
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <NavigationProgress />
            {data.status.kind === "paused" && (
              <Banner tone="warning" title={`Paused since ${formatUtc(data.status.since)}`}>
                <BlockStack gap="200">
                  <Text as="p">{data.status.reason}</Text>
                  <Text as="p">Fix the settings below, save, send a test event, then resume. Events that waited are sent on resume.</Text>
                  {data.id && (
                    <Form method="post" action="/app/destinations?index">
                      <input type="hidden" name="intent" value="resume" />
                      <input type="hidden" name="id" value={data.id} />
                      <Button submit>Resume sending</Button>
                    </Form>
                  )}
                </BlockStack>
              </Banner>
            )}
            {saveResult && (
              <div data-testid="save-result">
                <Banner tone={saveResult.ok ? "success" : "critical"} title={saveResult.message}>
                  {!saveResult.ok && (
                    <ul>
                      {Object.entries(saveResult.fieldErrors).map(([k, v]) => (
                        <li key={k}>{v}</li>
                      ))}
                    </ul>
                  )}
                </Banner>
              </div>
            )}
            {actionData?.intent === "invalid" && <Banner tone="critical" title={actionData.message} />}
            {data.google && <GoogleAdsConnection panel={data.google} connectUrl={actionData?.intent === "google-connect" ? actionData.url : undefined} busy={submittingIntent === "google-connect"} />}
            {data.linkedin?.configured && (
              <LinkedInConnection panel={data.linkedin} connectUrl={actionData?.intent === "linkedin-connect" ? actionData.url : undefined} busy={submittingIntent === "linkedin-connect"} />
            )}
            <Form method="post" key={formKey}>
              <input type="hidden" name="intent" value="save" />
              <BlockStack gap="400">
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Account
                    </Text>
                    {configFields.map((f) => (
                      // Secret inputs remount (go empty) after every answer: a typed token never lingers in the page.
                      <ConfigInput
                        key={f.control.type === "secret" ? `${f.key}-${actionData?.at ?? 0}` : f.key}
                        field={f}
                        initial={data.values[f.key] ?? ""}
                        secretSet={data.secretsSet.includes(f.key)}
                        error={errors[`config.${f.key}`]}
                        choices={f.key === "conversionActionId" && data.google?.actions?.kind === "actions" ? data.google.actions.actions.map((a) => ({ label: `${a.name} (${a.id})`, value: a.id })) : undefined}
                      />
                    ))}
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Events to send
                    </Text>
                    <InlineGrid columns={{ xs: 1, sm: 2 }} gap="200">
                      {data.events.map((e) => (
                        <Switch
                          key={e.name}
                          name={`event.${e.name}`}
                          label={EVENT_LABELS[e.name] ?? e.name}
                          initial={Boolean(p.events[e.name])}
                          disabled={e.platformName === null}
                          help={
                            e.platformName
                              ? `Sent as ${e.platformName}${EVENT_HELP[e.name] ? `. ${EVENT_HELP[e.name]}` : ""}`
                              : `${data.displayName} has no such event${EVENT_HELP[e.name] ? ": it cannot take this correction (each skip is in the delivery log)" : ""}`
                          }
                        />
                      ))}
                    </InlineGrid>
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Custom goals
                    </Text>
                    <Text as="p" tone="subdued">
                      Turn your own signals into {data.displayName} standard events. Custom events are the ones your theme or apps publish with
                      Shopify.analytics.publish("name", data) (a value and currency in data are sent too). Only goals {data.displayName} has an event
                      for are listed; a signal with no goal here is not sent.
                    </Text>
                    <Choice
                      name="goal.customers/create"
                      label="When a customer account is created"
                      initial={data.goals.customerCreated}
                      options={goalOptions(data.goals.options, "Don't send")}
                      help="Sent with the customer's hashed email and phone. No browser is involved, so the consent choice for orders with no recorded consent applies."
                      error={errors["goal.customers/create"]}
                    />
                    {[...data.goals.rows, ...Array.from({ length: 3 }, () => ({ source: "", goal: "" }))].map((r, i) => (
                      <GoalRow key={i} index={i} source={r.source} goal={r.goal} options={goalOptions(data.goals.options, "Not sent")} errors={errors} />
                    ))}
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Orders to forward
                    </Text>
                    <InlineGrid columns={{ xs: 1, sm: 2 }} gap="200">
                      {data.orderKinds.map((k) => (
                        <Switch key={k} name={`orderKind.${k}`} label={orderKindLabel(k, "many")} initial={Boolean((p.orderKinds as Record<string, boolean>)[k])} />
                      ))}
                    </InlineGrid>
                    <Switch name="includeTestOrders" label="Include test orders" initial={p.includeTestOrders} help="Orders placed with Shopify's test payment gateway." />
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Consent and currency
                    </Text>
                    <Choice
                      name="consent.declined"
                      label="When the visitor declined marketing"
                      initial={p.consent.declined}
                      options={[
                        { label: "Don't send", value: "skip" },
                        { label: "Send without identifiers", value: "anonymous" },
                      ]}
                      help={data.refusesAnonymous ? `${data.refusesAnonymous}: "Send without identifiers" means not sent, and the log says why.` : undefined}
                      error={errors["consent.declined"]}
                    />
                    <Choice
                      name="consent.noConsentInfo"
                      label="When no consent was recorded (point of sale, drafts, renewals)"
                      initial={p.consent.noConsentInfo}
                      options={[
                        { label: "Send with identifiers", value: "send" },
                        { label: "Send without identifiers", value: "anonymous" },
                        { label: "Don't send", value: "skip" },
                      ]}
                      error={errors["consent.noConsentInfo"]}
                    />
                    <Choice
                      name="currency"
                      label="Currency of conversion values"
                      initial={p.currency}
                      options={[
                        { label: "The buyer's currency (presentment)", value: "presentment" },
                        { label: "The shop's currency", value: "shop" },
                      ]}
                      error={errors.currency}
                    />
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Test mode
                    </Text>
                    <Switch
                      name="testMode"
                      label="Send to the platform's test mode"
                      initial={p.testMode}
                      help="Events go to the platform's test or validation endpoint and are not counted in your campaigns."
                    />
                    {testFields.map((f) => (
                      <ConfigInput key={f.key} field={f} initial={data.values[f.key] ?? ""} secretSet={data.secretsSet.includes(f.key)} error={errors[`config.${f.key}`]} />
                    ))}
                  </BlockStack>
                </Card>
                <InlineStack align="end">
                  <Button submit variant="primary" loading={submittingIntent === "save"}>
                    Save
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Send a test event
              </Text>
              <Text as="p" tone="subdued">
                Sends a test purchase with the saved settings to {data.displayName}'s test mode and shows the exact request and the answer.
              </Text>
              <Form method="post">
                <input type="hidden" name="intent" value="test" />
                <Button submit disabled={!data.id} loading={submittingIntent === "test"}>
                  Send test event
                </Button>
              </Form>
              {!data.id && (
                <Text as="p" tone="subdued">
                  Save the settings first.
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        {testResult && (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Test event result
                </Text>
                <TestResult result={testResult} />
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Destination" />;
}
