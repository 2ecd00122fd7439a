import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Select, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { getSettings, saveSettingsForm } from "~/services/settings.server";
import { RouteErrorBanner } from "~/components/route-error";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { settings: await getSettings(prisma(), session.shop) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await saveSettingsForm(prisma(), session.shop, Object.fromEntries(await request.formData()));
  return result.kind === "saved" ? { ok: true as const, fieldErrors: {}, savedAt: new Date().toISOString() } : { ok: false as const, fieldErrors: result.fieldErrors, savedAt: null };
};

type Fields = "attributionLookbackDays" | "sessionTimeoutMinutes" | "retentionDays" | "deliveryThresholdPercent" | "proxySubpath" | "upsellAppIds";

export default function Settings() {
  const { settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const [values, setValues] = useState<Record<Fields, string>>({
    attributionLookbackDays: String(settings.attributionLookbackDays),
    sessionTimeoutMinutes: String(settings.sessionTimeoutMinutes),
    retentionDays: String(settings.retentionDays),
    deliveryThresholdPercent: String(settings.deliveryThresholdPercent),
    proxySubpath: settings.proxySubpath,
    upsellAppIds: settings.upsellAppIds.join(", "),
  });
  const [botFiltering, setBotFiltering] = useState(settings.botFiltering);
  const [renewalAttribution, setRenewalAttribution] = useState<string>(settings.renewalAttribution);
  const errors: Partial<Record<string, string>> = result?.fieldErrors ?? {};
  useEffect(() => {
    if (result?.ok) shopify.toast.show("Settings saved");
    else if (result && !result.ok) shopify.toast.show("Settings not saved: check the highlighted fields", { isError: true });
  }, [result, shopify]);
  const field = (name: Fields, label: string, help: string, suffix?: string) => (
    <TextField
      label={label}
      name={name}
      value={values[name]}
      onChange={(v) => setValues((s) => ({ ...s, [name]: v }))}
      helpText={help}
      error={errors[name]}
      suffix={suffix}
      autoComplete="off"
      inputMode={name === "proxySubpath" || name === "upsellAppIds" ? "text" : "numeric"}
    />
  );
  return (
    <Page title="Settings">
      <Layout>
        <Layout.Section>
          <Form method="post">
            <BlockStack gap="400">
              {result?.ok ? (
                <Banner tone="success" title="Settings saved">
                  <p>New values apply to events and orders from now on.</p>
                </Banner>
              ) : null}
              {result && !result.ok ? (
                <Banner tone="critical" title="Settings were not saved">
                  <p>Fix the highlighted fields and save again. Nothing was changed.</p>
                </Banner>
              ) : null}
              <Card>
                <FormLayout>
                  {field("attributionLookbackDays", "Attribution lookback", "Visits up to this many days before an order can earn credit (1–90).", "days")}
                  {field("sessionTimeoutMinutes", "Session timeout", "A visit ends after this much inactivity (5–240).", "minutes")}
                  {field("retentionDays", "Data retention", "Storefront events and delivery logs older than this are deleted (7–730).", "days")}
                  {field("deliveryThresholdPercent", "Delivery threshold", "The overview warns when a destination receives a smaller share of orders (0–100).", "%")}
                  {field("proxySubpath", "App proxy subpath", "The path under /apps/ on the storefront the pixel sends to (lowercase letters, digits, hyphens). It must match the app proxy subpath set for the app in Shopify.")}
                  {field(
                    "upsellAppIds",
                    "Post-purchase upsell apps",
                    "If an upsell app creates a second order for the accepted offer, enter that app's id, separated by commas: open one of its orders in Shopify, add .json to the page's address and read \"app_id\" (or ask the app's support). Those orders are reported as upsells, credited to the buyer's visits like any online order. Apps that add the offer to the original order need nothing here.",
                  )}
                  <Select
                    label="Subscription renewals"
                    name="renewalAttribution"
                    options={[
                      { label: "Keep renewals out of ad credit (recommended)", value: "unattributed" },
                      { label: "Credit the ad channel that brought the subscriber", value: "acquiring_channel" },
                    ]}
                    value={renewalAttribution}
                    onChange={setRenewalAttribution}
                    error={errors.renewalAttribution}
                    helpText="A renewal is charged automatically, with no visit and no ad click. Keep out of ad credit: renewals are counted as revenue and shown on their own in Attribution and the overview, but no channel gets credit and no ad click is sent with them. Credit the channel: each renewal is credited like the order that started the subscription, and is sent with that order's ad click while each platform still accepts it (Google 90 days, Meta 7, TikTok and Snapchat 28, Pinterest 30). Either way, a platform receives renewals only if its destination has 'Subscription renewals' switched on."
                  />
                  <Checkbox
                    label="Filter bot traffic"
                    helpText="On: visits the pixel recognised as crawlers or automated browsers are kept for your records but never sent to ad platforms, never matched to an order and never given attribution credit. Off: they are treated like any other visit."
                    name="botFiltering"
                    checked={botFiltering}
                    onChange={setBotFiltering}
                    error={errors.botFiltering}
                  />
                </FormLayout>
              </Card>
              <InlineStack align="end">
                <Button submit variant="primary" loading={navigation.state === "submitting"}>
                  Save
                </Button>
              </InlineStack>
            </BlockStack>
          </Form>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorBanner title="Settings" />;
}
