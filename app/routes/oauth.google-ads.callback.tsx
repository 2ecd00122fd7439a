import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { env } from "~/env.server";
import { completeGoogleAdsConnect, googleAuthDeps } from "~/services/google-ads-auth.server";

/**
 * Google's redirect after the consent screen (ADR 0030): a top-level browser request with no
 * Shopify session; the signed `state` alone says which shop it is for. Success sends the
 * merchant back to the Google Ads page inside the Shopify admin.
 */
const QuerySchema = z.object({
  state: z.string().max(2048).optional(),
  code: z.string().max(2048).optional(),
  error: z.string().max(256).optional(),
  scope: z.string().max(2048).optional(),
});

function page(status: number, message: string): Response {
  const text = message.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
  return new Response(`<!doctype html><meta charset="utf-8"><title>Trueline · Google Ads</title><p>${text}</p>`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer" },
  });
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const query = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return page(400, "The answer from Google was not understood. Start again from Trueline.");
  const result = await completeGoogleAdsConnect(googleAuthDeps(), query.data);
  if (result.kind === "refused") return page(result.status, result.message);
  const back = `https://${result.shop}/admin/apps/${env().SHOPIFY_API_KEY}/app/destinations/google-ads?connected=1`;
  return new Response(null, { status: 302, headers: { location: back, "cache-control": "no-store", "referrer-policy": "no-referrer" } });
};
