import { Form, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Select, TextField } from "@shopify/polaris";
import { useState } from "react";

/**
 * Date range (and optional model) picker: a plain GET form, so the range lives in the
 * URL (shareable, back button works) and the loader's zod schema validates it.
 */
export function RangeFilter(props: {
  from: string;
  to: string;
  errors?: Partial<Record<string, string>> | null;
  models?: ReadonlyArray<{ label: string; value: string }>;
  model?: string;
}) {
  const [from, setFrom] = useState(props.from);
  const [to, setTo] = useState(props.to);
  const [model, setModel] = useState(props.model ?? "");
  const navigation = useNavigation();
  const errors = props.errors ?? {};
  const hasErrors = Object.values(errors).some(Boolean);
  return (
    <Form method="get">
      <BlockStack gap="300">
        {hasErrors ? (
          <Banner tone="warning" title="That range could not be used">
            <p>
              {Object.entries(errors)
                .filter(([, v]) => v)
                .map(([k, v]) => `${k}: ${v}`)
                .join("; ")}
              . Showing {props.from} to {props.to} instead.
            </p>
          </Banner>
        ) : null}
        <InlineStack gap="300" blockAlign="end" wrap>
          <TextField label="From" type="date" name="from" value={from} onChange={setFrom} autoComplete="off" error={errors.from} />
          <TextField label="To" type="date" name="to" value={to} onChange={setTo} autoComplete="off" error={errors.to} />
          {props.models ? <Select label="Attribution model" name="model" options={[...props.models]} value={model} onChange={setModel} error={errors.model} /> : null}
          <Button submit loading={navigation.state === "loading"}>
            Apply
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}
