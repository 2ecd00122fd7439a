import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook, webhookMethodNotAllowed } from "~/controllers/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, "/webhooks/app/uninstalled");
export const loader = () => webhookMethodNotAllowed();
