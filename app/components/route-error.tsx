import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Page, Text } from "@shopify/polaris";

/**
 * Every admin route's ErrorBoundary: the page keeps the admin frame and says what failed,
 * never a blank screen. Shopify's own answers (re-authentication redirect, session-token
 * bounce and retry) are rethrown to the app frame's boundary (routes/app.tsx), which must
 * see them to re-authenticate.
 */
export function RouteErrorBanner({ title, backAction }: { title: string; backAction?: { content: string; url: string } }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && [302, 401, 403, 410].includes(error.status)) throw error;
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const detail = notFound
    ? typeof error.data === "string" && error.data
      ? error.data
      : "It does not exist in this store, or it was removed."
    : isRouteErrorResponse(error)
      ? `${error.status} ${error.statusText}${typeof error.data === "string" && error.data ? `: ${error.data}` : ""}`.trim()
      : error instanceof Error
        ? error.message
        : "Unknown error";
  return (
    <Page title={title} backAction={backAction}>
      <Banner tone="critical" title={notFound ? "Not found" : "This page could not be loaded"}>
        <BlockStack gap="200">
          <Text as="p">{detail}</Text>
          <Text as="p">
            {notFound
              ? "Check the address, or pick a page from the menu."
              : "Reload the page. If it keeps happening, contact Trueline support with the time it happened."}
          </Text>
        </BlockStack>
      </Banner>
    </Page>
  );
}
