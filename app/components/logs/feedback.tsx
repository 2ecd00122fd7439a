import { useEffect, useRef } from "react";
import { Banner } from "@shopify/polaris";
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

const STATUS_TONE: Record<string, "success" | "critical" | "warning" | "info" | undefined> = {
  delivered: "success",
  failed: "critical",
  expired: "critical",
  retrying: "warning",
  pending: "info",
  skipped: undefined,
};
export const statusTone = (status: string) => STATUS_TONE[status];

/** A small neutral illustration for empty states (inline, so nothing is fetched from elsewhere). */
export const EMPTY_IMAGE =
  "data:image/svg+xml;utf8," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120"><rect x="20" y="28" width="80" height="64" rx="8" fill="#e3e3e3"/><rect x="32" y="42" width="56" height="6" rx="3" fill="#b5b5b5"/><rect x="32" y="56" width="40" height="6" rx="3" fill="#c9c9c9"/><rect x="32" y="70" width="48" height="6" rx="3" fill="#c9c9c9"/></svg>',
  );
