import { useEffect } from "react";
import { isRouteErrorResponse, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Banner, BlockStack, Page, ProgressBar, Text } from "@shopify/polaris";

/**
 * Route error boundary: responses thrown by Shopify's auth go to Shopify's boundary
 * (it must see them to re-authenticate); anything else shows a Banner instead of a blank page.
 */
export function RouteErrorBanner({ title }: { title: string }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status === 401 || error.status === 302 || error.status === 410)) return boundary.error(error);
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}${typeof error.data === "string" && error.data ? `: ${error.data}` : ""}`
    : error instanceof Error
      ? error.message
      : "Unknown error";
  return (
    <Page title={title}>
      <Banner tone="critical" title="This page could not be loaded">
        <BlockStack gap="200">
          <Text as="p">{message}</Text>
          <Text as="p">
            {isRouteErrorResponse(error) && error.status === 404
              ? "Check the address, or pick a page from the menu."
              : "Reload the page. If it keeps happening, contact Trueline support with the time it happened."}
          </Text>
        </BlockStack>
      </Banner>
    </Page>
  );
}

/** A thin progress bar while Remix loads or submits (the page's loading state). */
export function NavigationProgress() {
  const navigation = useNavigation();
  if (navigation.state === "idle") return null;
  return (
    <div role="progressbar" aria-label={navigation.state === "submitting" ? "Saving" : "Loading"} data-testid="navigation-progress">
      <ProgressBar progress={navigation.state === "submitting" ? 60 : 30} size="small" />
    </div>
  );
}

/** Show an App Bridge toast when `message` changes to a non-empty value (client only). */
export function useToastOnChange(message: string | null | undefined, token: unknown, isError = false) {
  // App Bridge's `shopify` global exists only in the browser (useAppBridge throws during SSR).
  useEffect(() => {
    if (message && typeof window !== "undefined" && window.shopify) window.shopify.toast.show(message, { isError });
    // Deliberately keyed on `token` alone: the same message twice (a new token) toasts twice.
  }, [token]);
}

/** Deterministic timestamp text (same on server and browser: no hydration mismatch). */
export function formatUtc(iso: string | null): string {
  if (!iso) return "—";
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
