import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";

/**
 * /app/logs opens on the deliveries tab. A same-origin relative redirect that keeps the
 * query (the admin's embedded/shop/host/id_token and any filter); Shopify's `redirect`
 * helper would send the document to SHOPIFY_APP_URL, which is the same place in
 * production but not behind a tunnel or in tests.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const search = new URL(request.url).searchParams;
  search.delete("_data");
  search.delete("index");
  const q = search.toString();
  return redirect(`/app/logs/deliveries${q ? `?${q}` : ""}`);
};
