import type { LoaderFunctionArgs } from "@remix-run/node";
import { handleProxyRestore } from "~/controllers/proxy.server";

// GET {storefront}/apps/trueline/restore?clientId=… → {app}/proxy/restore (cookie restoration).
export const loader = ({ request }: LoaderFunctionArgs) => handleProxyRestore(request);
