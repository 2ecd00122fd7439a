import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import toml from "toml";
import { describe, expect, it } from "vitest";
import { checkShopBinding, checkTriggeredAt, MAX_DELIVERY_AGE_MS, subscribedTopic, WEBHOOK_SUBSCRIPTIONS, type WebhookRoute } from "./acceptance";

const ROOT = path.resolve(import.meta.dirname, "../../..");

interface Subscription {
  topics?: string[];
  compliance_topics?: string[];
  uri: string;
}

describe("webhook subscriptions: one table, checked against shopify.app.toml and the route files", () => {
  const config = toml.parse(readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8")) as { webhooks: { subscriptions: Subscription[] } };

  it("every subscription in shopify.app.toml is in the table with exactly its topics, and nothing else is", () => {
    const fromToml: Record<string, string[]> = {};
    for (const s of config.webhooks.subscriptions) fromToml[s.uri] = [...(fromToml[s.uri] ?? []), ...(s.topics ?? []), ...(s.compliance_topics ?? [])].sort();
    const table = Object.fromEntries(Object.entries(WEBHOOK_SUBSCRIPTIONS).map(([uri, topics]) => [uri, [...topics].sort()]));
    expect(table).toEqual(fromToml);
  });

  it("each webhook route file serves its own path and names that path when it accepts", () => {
    const files = readdirSync(path.join(ROOT, "app/routes")).filter((f) => f.startsWith("webhooks."));
    const served: Record<string, string> = {};
    for (const f of files) {
      const url = `/${f.replace(/\.tsx?$/, "").replace(/\./g, "/")}`;
      const m = /acceptWebhook\(request, "([^"]+)"\)/.exec(readFileSync(path.join(ROOT, "app/routes", f), "utf8"));
      served[url] = m?.[1] ?? "(none)";
    }
    expect(served).toEqual(Object.fromEntries(Object.keys(WEBHOOK_SUBSCRIPTIONS).map((r) => [r, r])));
  });

  it("a topic is accepted only on its own route", () => {
    expect(subscribedTopic("/webhooks/orders", "orders/create")).toBe("orders/create");
    expect(subscribedTopic("/webhooks/orders", "app/uninstalled")).toBeNull();
    expect(subscribedTopic("/webhooks/app/uninstalled", "orders/create")).toBeNull();
    expect(subscribedTopic("/webhooks/shop/redact", "customers/redact")).toBeNull();
    expect(subscribedTopic("/webhooks/orders", "orders/exploded")).toBeNull();
    for (const [route, topics] of Object.entries(WEBHOOK_SUBSCRIPTIONS)) for (const t of topics) expect(subscribedTopic(route as WebhookRoute, t)).toBe(t);
  });
});

describe("shop binding", () => {
  const A = "a-shop.myshopify.com";
  it("app/uninstalled and the compliance topics must name the header's shop", () => {
    expect(checkShopBinding("app/uninstalled", A, { myshopify_domain: A, domain: "www.custom.example" })).toEqual({ ok: true });
    expect(checkShopBinding("app/uninstalled", A, { myshopify_domain: "b-shop.myshopify.com", domain: A }).ok).toBe(false);
    expect(checkShopBinding("shop/redact", A, { shop_domain: "A-Shop.myshopify.com" })).toEqual({ ok: true });
    expect(checkShopBinding("shop/redact", A, { shop_domain: "b-shop.myshopify.com" }).ok).toBe(false);
    expect(checkShopBinding("customers/redact", A, { shop_id: 1 }).ok).toBe(false);
    expect(checkShopBinding("customers/data_request", A, []).ok).toBe(false);
  });
  it("orders and the rest are not bound (their URLs may carry a custom domain)", () => {
    expect(checkShopBinding("orders/create", A, { order_status_url: "https://www.custom.example/1/orders/x" })).toEqual({ ok: true });
    expect(checkShopBinding("refunds/create", A, null)).toEqual({ ok: true });
  });
});

describe("triggered-at window", () => {
  const now = Date.parse("2026-12-06T12:00:00Z");
  it("accepts a delivery inside Shopify's retry window plus the margin, refuses an older one, requires the header", () => {
    expect(checkTriggeredAt(new Date(now - 60_000).toISOString(), now).ok).toBe(true);
    expect(checkTriggeredAt(new Date(now - MAX_DELIVERY_AGE_MS + 1000).toISOString(), now).ok).toBe(true);
    expect(checkTriggeredAt(new Date(now - MAX_DELIVERY_AGE_MS - 1000).toISOString(), now)).toMatchObject({ ok: false, status: 401 });
    expect(checkTriggeredAt("2026-12-06T11:59:00.123456789Z", now).ok).toBe(true);
    expect(checkTriggeredAt(undefined, now)).toMatchObject({ ok: false, status: 400 });
    expect(checkTriggeredAt("yesterday", now)).toMatchObject({ ok: false, status: 400 });
    expect(checkTriggeredAt("1733486400", now)).toMatchObject({ ok: false, status: 400 });
  });
});
