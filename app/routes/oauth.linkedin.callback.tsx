import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { env } from "~/env.server";
import { completeLinkedInConnect, linkedinAuthDeps } from "~/services/linkedin-auth.server";

/**
 * LinkedIn's redirect after its consent screen (ADR 0045): a top-level browser request with no
 * Shopify session; the signed `state` alone says which shop it is for. Success sends the
 * merchant back to the LinkedIn page inside the Shopify admin.
 */
const QuerySchema = z.object({
  state: z.string().max(2048).optional(),
  code: z.string().max(4096).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
});

function page(status: number, message: string): Response {
  const text = message.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
  return new Response(`<!doctype html><meta charset="utf-8"><title>Trueline · LinkedIn</title><p>${text}</p>`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer" },
  });
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const query = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return page(400, "The answer from LinkedIn was not understood. Start again from Trueline.");
  const result = await completeLinkedInConnect(linkedinAuthDeps(), query.data);
  if (result.kind === "refused") return page(result.status, result.message);
  const back = `https://${result.shop}/admin/apps/${env().SHOPIFY_API_KEY}/app/destinations/linkedin?connected=1`;
  return new Response(null, { status: 302, headers: { location: back, "cache-control": "no-store", "referrer-policy": "no-referrer" } });
};
