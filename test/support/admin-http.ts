import { hostParam, mintSessionToken } from "./admin-browser";

/**
 * The embedded admin's requests without a browser: the session token both as `id_token` on
 * the URL (the admin's first document request) and as `Authorization: Bearer` (App Bridge's
 * fetches), from an ordinary desktop Chrome (the Shopify library answers bot-like user agents
 * with 410). Pages answer with their server-rendered HTML (Remix single fetch encodes data
 * requests as turbo-stream, so tests read the page as the merchant would); resource routes
 * answer with their own body.
 */
export const ADMIN_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

export function adminUrl(appUrl: string, pathname: string, shop: string, token: string): URL {
  const u = new URL(pathname, appUrl);
  for (const [k, v] of Object.entries({ embedded: "1", shop, host: hostParam(shop), id_token: token })) u.searchParams.set(k, v);
  return u;
}

/** A request to an admin route as `shop`'s session. */
export function adminFetch(appUrl: string, shop: string, pathname: string, init: { method?: string; body?: URLSearchParams; token?: string } = {}): Promise<Response> {
  const token = init.token ?? mintSessionToken({ shop });
  return fetch(adminUrl(appUrl, pathname, shop, token), {
    method: init.method ?? "GET",
    redirect: "manual",
    body: init.body,
    headers: { Authorization: `Bearer ${token}`, "User-Agent": ADMIN_USER_AGENT },
  });
}

/** Saves the Settings page's form as the merchant does (the route's action); the page it answers with. */
export async function saveSettingsOverHttp(appUrl: string, shop: string, form: Record<string, string>): Promise<{ saved: boolean; html: string }> {
  const fields = { attributionLookbackDays: "30", sessionTimeoutMinutes: "30", retentionDays: "180", deliveryThresholdPercent: "95", proxySubpath: "trueline", ...form };
  const res = await adminFetch(appUrl, shop, "/app/settings", { method: "POST", body: new URLSearchParams(fields) });
  const html = await res.text();
  if (res.status !== 200) throw new Error(`settings answered ${res.status}: ${html.slice(0, 300)}`);
  const saved = html.includes("Settings saved");
  if (saved === html.includes("Settings were not saved")) throw new Error(`settings page shows neither outcome: ${html.slice(0, 300)}`);
  return { saved, html };
}
