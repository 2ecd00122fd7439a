import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { getDataRequestExport } from "~/services/privacy.server";

/** GET /app/privacy/:id/export: one customers/data_request export of the session's shop, as a JSON download (404 otherwise). */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const found = await getDataRequestExport(prisma(), session.shop, params.id);
  if (!found) return new Response(JSON.stringify({ error: "not found" }), { status: 404, headers: { "Content-Type": "application/json" } });
  return new Response(found.json, {
    status: 200,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${found.filename}"`,
      "Cache-Control": "no-store",
    },
  });
};
