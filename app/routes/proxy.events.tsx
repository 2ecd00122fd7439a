import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleProxyIngest, proxyPreflight } from "~/controllers/proxy.server";

// POST {storefront}/apps/trueline/events → {app}/proxy/events (Shopify app proxy).
export const action = ({ request }: ActionFunctionArgs) => handleProxyIngest(request);
export const loader = ({ request }: LoaderFunctionArgs) => proxyPreflight(request);
