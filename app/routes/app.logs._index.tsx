import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";

/** /app/logs opens on the deliveries tab, keeping any filter in the query. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { redirect } = await authenticate.admin(request);
  const search = new URL(request.url).searchParams;
  const keep = new URLSearchParams();
  for (const k of ["range", "event", "destination", "status", "order"]) {
    const v = search.get(k);
    if (v) keep.set(k, v);
  }
  const q = keep.toString();
  return redirect(`/app/logs/deliveries${q ? `?${q}` : ""}`);
};
