import { describe, expect, it } from "vitest";
import type { AdminGraphql } from "~/lib/admin-graphql.server";
import { activatePixel, getPixelState } from "./onboarding.server";

/**
 * The pixel activation logic against fakes shaped like Shopify's own client
 * (`admin.graphql` from shopify-app-remix): it resolves a Response with {data},
 * throws GraphqlQueryError (body.errors.graphQLErrors) on GraphQL errors, throws a
 * Response when the session must be renewed, and throws on transport failures.
 */
const SETTINGS = { proxyPath: "/apps/trueline" };
const json = (body: unknown) => new Response(JSON.stringify(body));
const graphqlQueryError = (message: string) =>
  Object.assign(new Error(message), { name: "GraphqlQueryError", body: { data: null, errors: { message: "GraphQL Client: An error occurred while fetching from the API. Review 'graphQLErrors' for details.", graphQLErrors: [{ message }] } } });

function fake(handler: (query: string, variables: Record<string, unknown>) => Response | Error | Promise<Response>): AdminGraphql & { calls: Array<{ query: string; variables: Record<string, unknown> }> } {
  const calls: Array<{ query: string; variables: Record<string, unknown> }> = [];
  const fn = async (query: string, options?: { variables?: Record<string, unknown> }) => {
    const variables = options?.variables ?? {};
    calls.push({ query, variables });
    const out = await handler(query, variables);
    if (out instanceof Error) throw out;
    return out;
  };
  return Object.assign(fn, { calls });
}

describe("web pixel activation", () => {
  it("creates the pixel when Shopify says there is none", async () => {
    const gql = fake((q, v) =>
      q.includes("webPixelCreate")
        ? json({ data: { webPixelCreate: { userErrors: [], webPixel: { id: "gid://shopify/WebPixel/1", settings: (v.webPixel as { settings: string }).settings } } } })
        : graphqlQueryError("No web pixel was found for this app."),
    );
    expect(await activatePixel(gql, SETTINGS)).toEqual({ kind: "activated", id: "gid://shopify/WebPixel/1", created: true });
    expect(gql.calls[1]?.variables).toEqual({ webPixel: { settings: '{"proxyPath":"/apps/trueline"}' } });
  });

  it("updates the existing pixel by id", async () => {
    const gql = fake((q) =>
      q.includes("webPixelUpdate")
        ? json({ data: { webPixelUpdate: { userErrors: [], webPixel: { id: "gid://shopify/WebPixel/7", settings: "{}" } } } })
        : json({ data: { webPixel: { id: "gid://shopify/WebPixel/7", settings: '{"proxyPath":"/apps/old"}' } } }),
    );
    expect(await getPixelState(gql, SETTINGS)).toEqual({ kind: "active", id: "gid://shopify/WebPixel/7", settings: { proxyPath: "/apps/old" }, settingsCurrent: false });
    expect(await activatePixel(gql, SETTINGS)).toEqual({ kind: "activated", id: "gid://shopify/WebPixel/7", created: false });
    expect(gql.calls.at(-1)?.variables).toMatchObject({ id: "gid://shopify/WebPixel/7" });
  });

  it("returns userErrors with a fix", async () => {
    const gql = fake((q) =>
      q.includes("webPixelCreate")
        ? json({ data: { webPixelCreate: { userErrors: [{ code: "INVALID_SETTINGS", field: ["webPixel", "settings"], message: "Settings are invalid" }], webPixel: null } } })
        : json({ data: { webPixel: null } }),
    );
    const result = await activatePixel(gql, SETTINGS);
    expect(result).toMatchObject({ kind: "user-errors", errors: [{ field: "webPixel.settings", message: "Settings are invalid", code: "INVALID_SETTINGS" }] });
    expect(result.kind === "user-errors" && result.fix).toContain("/apps/trueline");
  });

  it("turns a missing scope into a fix that names the permission", async () => {
    const gql = fake(() => graphqlQueryError("Access denied for webPixel field. Required access: `read_customer_events` access scope."));
    const state = await getPixelState(gql, SETTINGS);
    expect(state).toMatchObject({ kind: "error", message: "Access denied for webPixel field. Required access: `read_customer_events` access scope." });
    expect(state.kind === "error" && state.fix).toContain("approve them");
  });

  it("reports a network failure without changing anything", async () => {
    const gql = fake(() => new TypeError("fetch failed"));
    expect(await activatePixel(gql, SETTINGS)).toMatchObject({ kind: "error", message: "fetch failed" });
    expect(gql.calls).toHaveLength(1);
  });

  it("lets Shopify's re-authentication Response through", async () => {
    const reauth = new Response(null, { status: 401, headers: { "X-Shopify-Retry-Invalid-Session-Request": "1" } });
    const gql = fake(() => {
      throw reauth;
    });
    await expect(getPixelState(gql, SETTINGS)).rejects.toBe(reauth);
  });
});
