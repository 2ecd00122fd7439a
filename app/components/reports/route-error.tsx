import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, Layout, Page, Text } from "@shopify/polaris";

/** A route's error state: the page keeps the admin frame and says what failed, never a blank screen. */
export function RouteErrorBanner({ title }: { title: string }) {
  const error = useRouteError();
  // Session-token answers (bounce page, retry header) belong to the app frame's Shopify
  // boundary (app.tsx): rethrowing hands them to the parent route's ErrorBoundary.
  if (isRouteErrorResponse(error) && [401, 403, 410].includes(error.status)) throw error;
  const detail = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : "Unknown error";
  return (
    <Page title={title}>
      <Layout>
        <Layout.Section>
          <Banner tone="critical" title={`${title} could not be loaded`}>
            <Text as="p">{detail}</Text>
            <Text as="p">Reload the page to try again. If it keeps failing, the server log has the details.</Text>
          </Banner>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
