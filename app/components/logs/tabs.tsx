import { useNavigate } from "@remix-run/react";
import { Tabs } from "@shopify/polaris";

const TABS = [
  { id: "deliveries", content: "Deliveries", url: "/app/logs/deliveries" },
  { id: "events", content: "Storefront events", url: "/app/logs/events" },
];

/** Deliveries | Storefront events, each its own route (own loader, own URL filters). */
export function LogsTabs({ selected }: { selected: "deliveries" | "events" }) {
  const navigate = useNavigate();
  return (
    <Tabs
      tabs={TABS.map((t) => ({ id: t.id, content: t.content, accessibilityLabel: t.content, panelID: `${t.id}-panel` }))}
      selected={TABS.findIndex((t) => t.id === selected)}
      onSelect={(i) => navigate(TABS[i]!.url)}
    />
  );
}
