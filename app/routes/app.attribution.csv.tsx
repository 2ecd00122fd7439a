import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { prisma } from "~/db.server";
import { exportAttributionCsv } from "~/services/reports.server";

/** GET /app/attribution/csv?from&to&model: the attribution report as RFC 4180 CSV (same query schema as the page). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await exportAttributionCsv(prisma(), session.shop, new URL(request.url).searchParams, new Date());
  if (result.kind === "invalid") {
    return new Response(JSON.stringify({ errors: result.errors }), { status: 400, headers: { "Content-Type": "application/json" } });
  }
  return new Response(result.csv, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${result.filename}"`,
      "Cache-Control": "no-store",
    },
  });
};
