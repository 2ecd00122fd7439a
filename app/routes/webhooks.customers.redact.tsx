import type { ActionFunctionArgs } from "@remix-run/node";
import { acceptWebhook, webhookMethodNotAllowed } from "~/lib/webhook-route.server";

export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(request);
export const loader = () => webhookMethodNotAllowed();
