import { useEffect, useRef } from "react";
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";

export type ActionResult = { ok: true; message: string } | { ok: false; message: string; fieldErrors?: Record<string, string> };

/** An action's answer shown twice: a toast (App Bridge) and an inline banner that stays. */
export function ActionFeedback({ result }: { result: ActionResult | undefined }) {
  const shopify = useAppBridge();
  const shown = useRef<ActionResult | undefined>(undefined);
  useEffect(() => {
    if (!result || shown.current === result) return;
    shown.current = result;
    shopify.toast.show(result.message, { isError: !result.ok });
  }, [result, shopify]);
  if (!result) return null;
  return (
    <Banner tone={result.ok ? "success" : "critical"} title={result.ok ? "Done" : "That did not work"}>
      <p>{result.message}</p>
    </Banner>
  );
}

/** The per-route error state: a Banner naming what happened, inside the admin frame. */
export function LogsErrorBoundary({ title }: { title: string }) {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const message = notFound
    ? "It does not exist in this store, or it was removed."
    : isRouteErrorResponse(error)
      ? `${error.status} ${error.statusText || ""}`.trim()
      : "Something went wrong while loading this page. Try again; if it keeps happening, contact support.";
  return (
    <Page title={title} backAction={{ content: "Logs", url: "/app/logs/deliveries" }}>
      <BlockStack gap="400">
        <Banner tone="critical" title={notFound ? "Not found" : "This page could not be loaded"}>
          <p>{message}</p>
        </Banner>
      </BlockStack>
    </Page>
  );
}

const STATUS_TONE: Record<string, "success" | "critical" | "warning" | "info" | undefined> = {
  delivered: "success",
  failed: "critical",
  expired: "critical",
  retrying: "warning",
  pending: "info",
  skipped: undefined,
};
export const statusTone = (status: string) => STATUS_TONE[status];

export function formatTime(isoText: string | null): string {
  if (!isoText) return "—";
  const d = new Date(isoText);
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
