import { env } from "~/env.server";

/**
 * The one shape the app uses to call Shopify's Admin GraphQL API: the `graphql`
 * function of `authenticate.admin(request).admin`, or, when SHOPIFY_ADMIN_API_URL
 * is set (tests and the demo; refused in production), a plain fetch to that stand-in
 * with the session's offline token, as Shopify's own client would send it.
 *
 * Shopify's client throws on GraphQL `errors` and on transport failures, and throws
 * a Response when the session must be renewed. Services call through
 * `runAdminGraphql`, which turns the first two into values and rethrows the Response.
 */
export type AdminGraphql = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;

export function adminGraphqlFor(
  admin: { graphql: (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response> },
  session: { shop: string; accessToken?: string },
  apiVersion: string,
): AdminGraphql {
  const override = env().SHOPIFY_ADMIN_API_URL;
  if (!override) return (query, options) => admin.graphql(query, options);
  const url = `${override.replace(/\/$/, "")}/admin/api/${apiVersion}/graphql.json`;
  return async (query, options) => {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-shopify-access-token": session.accessToken ?? "",
        "x-shopify-shop-domain": session.shop,
      },
      body: JSON.stringify({ query, variables: options?.variables ?? {} }),
    });
    const text = await res.text();
    if (!res.ok) throw new AdminGraphqlError(`Shopify answered HTTP ${res.status}`, [], res.status);
    let body: { errors?: Array<{ message?: string }> };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new AdminGraphqlError("Shopify's answer was not JSON", [], res.status);
    }
    if (body.errors?.length) {
      const messages = body.errors.map((e) => e.message ?? "unknown error");
      throw new AdminGraphqlError(messages.join("; "), messages, res.status);
    }
    return new Response(text, { status: 200, headers: { "content-type": "application/json" } });
  };
}

/** What Shopify's GraphqlQueryError carries, for the stand-in path. */
export class AdminGraphqlError extends Error {
  override name = "AdminGraphqlError";
  constructor(
    message: string,
    readonly graphqlMessages: string[],
    readonly status: number,
  ) {
    super(message);
  }
}

export type GraphqlResult<T> =
  | { kind: "ok"; data: T }
  | { kind: "graphql-errors"; messages: string[] }
  | { kind: "network-error"; message: string };

/** Call, parse `data`, and turn thrown GraphQL/transport errors into values (auth Responses are rethrown). */
export async function runAdminGraphql<T>(graphql: AdminGraphql, query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>> {
  try {
    const res = await graphql(query, { variables });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message?: string }> };
    if (body.errors?.length) return { kind: "graphql-errors", messages: body.errors.map((e) => e.message ?? "unknown error") };
    if (!body.data) return { kind: "graphql-errors", messages: ["Shopify returned no data"] };
    return { kind: "ok", data: body.data };
  } catch (error) {
    if (error instanceof Response) throw error;
    const messages = graphqlMessagesOf(error);
    if (messages.length) return { kind: "graphql-errors", messages };
    return { kind: "network-error", message: error instanceof Error ? error.message : String(error) };
  }
}

/** Messages from Shopify's GraphqlQueryError (body.errors.graphQLErrors) or our AdminGraphqlError. */
function graphqlMessagesOf(error: unknown): string[] {
  if (error instanceof AdminGraphqlError) return error.graphqlMessages;
  const body = (error as { body?: { errors?: { graphQLErrors?: Array<{ message?: string }> } } } | null)?.body;
  const list = body?.errors?.graphQLErrors;
  return Array.isArray(list) ? list.map((e) => e.message ?? "unknown error") : [];
}
