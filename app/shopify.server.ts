import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { log } from "./lib/logger.server";
import { shopifyApi } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { prisma } from "./db.server";
import { decodeKey, env } from "./env.server";
import { EncryptedSessionStorage } from "./lib/encrypted-session-storage.server";

/** The Admin API version every call and webhook uses (keep shopify.app.toml's [webhooks] in step). */
export const API_VERSION = ApiVersion.October26;

function build() {
  const e = env();
  const sessionStorage = new EncryptedSessionStorage(
    new PrismaSessionStorage(prisma() as never),
    decodeKey(e.ENCRYPTION_KEY)!,
  );
  return shopifyApp({
    apiKey: e.SHOPIFY_API_KEY,
    apiSecretKey: e.SHOPIFY_API_SECRET,
    apiVersion: API_VERSION,
    scopes: e.SCOPES?.split(",").map((s) => s.trim()).filter(Boolean),
    appUrl: e.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage,
    distribution: AppDistribution.AppStore,
    // Shopify's library logs through ours (scrubbed, structured), warnings and up.
    logger: {
      level: LogSeverity.Warning,
      log: (severity, message) => {
        if (severity <= LogSeverity.Error) log.error(message, { source: "shopify" });
        else log.warn(message, { source: "shopify" });
      },
    },
    future: {
      // Embedded auth through token exchange (Shopify-managed installation).
      unstable_newEmbeddedAuthStrategy: true,
      expiringOfflineAccessTokens: true,
    },
  });
}

type ShopifyApp = ReturnType<typeof build>;
declare global {
  // `var` is required: only var declarations become properties of globalThis.
  var truelineShopify: ShopifyApp | undefined;
}

/** Built on first use, after env validation (server.mjs validates env at boot). */
export function shopify(): ShopifyApp {
  globalThis.truelineShopify ??= build();
  return globalThis.truelineShopify;
}

/**
 * Shopify's API library with the same credentials, for checks that need no session
 * (app proxy signature on the hot ingest path). Built once.
 */
let utils: ReturnType<typeof shopifyApi>["utils"] | undefined;
export function shopifyUtils(): ReturnType<typeof shopifyApi>["utils"] {
  if (!utils) {
    const e = env();
    utils = shopifyApi({
      apiKey: e.SHOPIFY_API_KEY,
      apiSecretKey: e.SHOPIFY_API_SECRET,
      apiVersion: API_VERSION,
      hostName: new URL(e.SHOPIFY_APP_URL).host,
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Error, log: (_s, message) => log.error(message, { source: "shopify" }) },
    }).utils;
  }
  return utils;
}

export const authenticate = {
  admin: (request: Request) => shopify().authenticate.admin(request),
  webhook: (request: Request) => shopify().authenticate.webhook(request),
  appProxy: (request: Request) => shopify().authenticate.public.appProxy(request),
};
export const addDocumentResponseHeaders = (request: Request, headers: Headers) =>
  shopify().addDocumentResponseHeaders(request, headers);
export const login = (request: Request) => shopify().login(request);
export const unauthenticatedAdmin = (shop: string) => shopify().unauthenticated.admin(shop);
export const sessionStorage = () => shopify().sessionStorage;
