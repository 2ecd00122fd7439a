import { useState } from "react";
import { useNavigation, useSearchParams } from "@remix-run/react";
import { Button, Card, InlineStack, Select, TextField } from "@shopify/polaris";

export interface FilterBarProps {
  values: { range: string; event?: string; destination?: string; status?: string; order?: string };
  errors: Record<string, string>;
  eventNames: string[];
  destinations?: Array<{ id: string; label: string }>;
  showStatus?: boolean;
}

const RANGE_OPTIONS = [
  { label: "Last hour", value: "1h" },
  { label: "Last 24 hours", value: "24h" },
  { label: "Last 7 days", value: "7d" },
  { label: "Last 30 days", value: "30d" },
  { label: "All time", value: "all" },
];
const STATUS_OPTIONS = ["pending", "retrying", "delivered", "failed", "expired", "skipped"];

/** Filters live in the URL query: Apply writes them there (and drops the page cursor). */
export function FilterBar({ values, errors, eventNames, destinations, showStatus }: FilterBarProps) {
  const [, setSearchParams] = useSearchParams();
  const navigation = useNavigation();
  const [range, setRange] = useState(values.range);
  const [event, setEvent] = useState(values.event ?? "");
  const [destination, setDestination] = useState(values.destination ?? "");
  const [status, setStatus] = useState(values.status ?? "");
  const [order, setOrder] = useState(values.order ?? "");
  const apply = () => {
    const q = new URLSearchParams();
    if (range !== "7d") q.set("range", range);
    if (event) q.set("event", event);
    if (destination) q.set("destination", destination);
    if (status) q.set("status", status);
    if (order.trim()) q.set("order", order.trim());
    setSearchParams(q);
  };
  return (
    <Card>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <InlineStack gap="300" blockAlign="end" wrap>
          <Select label="Time" name="range" options={RANGE_OPTIONS} value={range} onChange={setRange} error={errors.range} />
          <Select
            label="Event"
            name="event"
            options={[{ label: "Any event", value: "" }, ...eventNames.map((n) => ({ label: n, value: n }))]}
            value={event}
            onChange={setEvent}
            error={errors.event}
          />
          {destinations ? (
            <Select
              label="Destination"
              name="destination"
              options={[{ label: "Any destination", value: "" }, ...destinations.map((d) => ({ label: d.label, value: d.id }))]}
              value={destination}
              onChange={setDestination}
              error={errors.destination}
            />
          ) : null}
          {showStatus ? (
            <Select
              label="Status"
              name="status"
              options={[{ label: "Any status", value: "" }, ...STATUS_OPTIONS.map((s) => ({ label: s, value: s }))]}
              value={status}
              onChange={setStatus}
              error={errors.status}
            />
          ) : null}
          <TextField label="Order id" name="order" value={order} onChange={setOrder} autoComplete="off" error={errors.order} placeholder="e.g. 5975031431338" />
          <Button submit variant="primary" loading={navigation.state === "loading"}>
            Apply filters
          </Button>
        </InlineStack>
      </form>
    </Card>
  );
}
