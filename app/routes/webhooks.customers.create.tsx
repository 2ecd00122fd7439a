import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook, webhookMethodNotAllowed } from "~/controllers/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request, "/webhooks/customers/create");
export const loader = () => webhookMethodNotAllowed();
