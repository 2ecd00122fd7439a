/**
 * A local stand-in for Shopify's Admin GraphQL API, just what onboarding calls:
 * `webPixel`, `webPixelCreate`, `webPixelUpdate`. The app reaches it through
 * SHOPIFY_ADMIN_API_URL (refused in production). Answers in Shopify's shapes:
 * - `webPixel` on a shop without a pixel: a GraphQL error "No web pixel was found for this app."
 * - mutations: `{ userErrors: [{ code, field, message }], webPixel }`
 * - a missing scope: a top-level GraphQL error "Access denied for … Required access: `write_pixels` …"
 * - a wrong or missing X-Shopify-Access-Token: HTTP 401 `{ errors: "[API] Invalid API key or access token …" }`
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type AdminGraphqlMode = "normal" | "user-errors" | "access-denied" | "http-500";

export interface AdminGraphqlRequest {
  path: string;
  shop: string | undefined;
  token: string | undefined;
  query: string;
  variables: Record<string, unknown>;
}

export interface AdminGraphqlStandin {
  url: string;
  requests: AdminGraphqlRequest[];
  /** The shop's pixel as Shopify would hold it (settings as the JSON string it was given). */
  pixel: { id: string; settings: string } | null;
  mode: AdminGraphqlMode;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startAdminGraphqlStandin(opts: { accessToken: string }): Promise<AdminGraphqlStandin> {
  const state: AdminGraphqlStandin = { url: "", requests: [], pixel: null, mode: "normal", close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const text = await readBody(req);
    if (req.method !== "POST" || !/^\/admin\/api\/\d{4}-\d{2}\/graphql\.json$/.test(req.url ?? "")) return send(404, { errors: "Not Found" });
    const token = req.headers["x-shopify-access-token"] as string | undefined;
    let parsed: { query?: string; variables?: Record<string, unknown> };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return send(400, { errors: { query: "Required parameter missing or invalid" } });
    }
    const query = parsed.query ?? "";
    const variables = parsed.variables ?? {};
    state.requests.push({ path: req.url ?? "", shop: req.headers["x-shopify-shop-domain"] as string | undefined, token, query, variables });
    if (token !== opts.accessToken) return send(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    if (state.mode === "http-500") return send(500, { errors: "Internal Server Error" });
    const isCreate = query.includes("webPixelCreate");
    const isUpdate = query.includes("webPixelUpdate");
    if (state.mode === "access-denied" && (isCreate || isUpdate)) {
      const field = isCreate ? "webPixelCreate" : "webPixelUpdate";
      return send(200, {
        errors: [{ message: `Access denied for ${field} field. Required access: \`write_pixels\` access scope. Also: \`read_customer_events\` access scope.`, extensions: { code: "ACCESS_DENIED" }, path: [field] }],
        data: { [field]: null },
      });
    }
    if (isCreate || isUpdate) {
      const field = isCreate ? "webPixelCreate" : "webPixelUpdate";
      const settings = (variables.webPixel as { settings?: unknown } | undefined)?.settings;
      if (state.mode === "user-errors") {
        return send(200, {
          data: { [field]: { userErrors: [{ code: "INVALID_SETTINGS", field: ["webPixel", "settings"], message: "Settings are invalid: proxyPath is not a valid path" }], webPixel: null } },
        });
      }
      if (typeof settings !== "string") {
        return send(200, { errors: [{ message: "Variable $webPixel of type WebPixelInput! was provided invalid value for settings (Expected value to not be null)" }] });
      }
      if (isUpdate && (!state.pixel || variables.id !== state.pixel.id)) {
        return send(200, { data: { webPixelUpdate: { userErrors: [{ code: "NOT_FOUND", field: ["id"], message: "Web pixel not found" }], webPixel: null } } });
      }
      if (isCreate && state.pixel) {
        return send(200, { data: { webPixelCreate: { userErrors: [{ code: "TAKEN", field: ["webPixel"], message: "Web pixel is taken." }], webPixel: null } } });
      }
      state.pixel = { id: state.pixel?.id ?? "gid://shopify/WebPixel/4242", settings };
      return send(200, { data: { [field]: { userErrors: [], webPixel: state.pixel } } });
    }
    if (query.includes("webPixel")) {
      if (!state.pixel) return send(200, { errors: [{ message: "No web pixel was found for this app.", path: ["webPixel"] }], data: { webPixel: null } });
      return send(200, { data: { webPixel: state.pixel } });
    }
    return send(200, { errors: [{ message: "The stand-in does not know this query" }] });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
