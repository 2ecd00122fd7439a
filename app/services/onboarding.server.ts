import type { Db } from "~/db.server";
import { pixelEventArrival } from "~/data/pixel-event-stats.server";
import { readShopSettings } from "~/data/shops.server";
import { runAdminGraphql, type AdminGraphql } from "~/lib/admin-graphql.server";

/**
 * Onboarding checklist: (1) the web pixel is active on the shop, created or updated
 * through the Admin GraphQL API with the settings extensions/trueline-pixel declares
 * (proxyPath); (2) the app proxy answers (events reached us through it); (3) events
 * keep arriving. Each failure comes back with what to do about it.
 */

const DAY_MS = 86_400_000;

/** [app_proxy] prefix in shopify.app.toml; the subpath is the merchant's setting. */
const APP_PROXY_PREFIX = "apps";

export interface PixelSettings {
  proxyPath: string;
}

export async function pixelSettingsFor(db: Db, shop: string): Promise<PixelSettings> {
  const settings = await readShopSettings(db, shop);
  return { proxyPath: `/${APP_PROXY_PREFIX}/${settings.proxySubpath}` };
}

export type PixelState =
  | { kind: "active"; id: string; settings: Record<string, unknown> | null; settingsCurrent: boolean }
  | { kind: "missing" }
  | { kind: "error"; message: string; fix: string };

export type ActivateResult =
  | { kind: "activated"; id: string; created: boolean }
  | { kind: "user-errors"; errors: Array<{ field: string; message: string; code: string | null }>; fix: string }
  | { kind: "error"; message: string; fix: string };

const WEB_PIXEL_QUERY = `#graphql
  query TruelineWebPixel { webPixel { id settings } }`;

const WEB_PIXEL_CREATE = `#graphql
  mutation TruelineWebPixelCreate($webPixel: WebPixelInput!) {
    webPixelCreate(webPixel: $webPixel) { userErrors { code field message } webPixel { id settings } }
  }`;

const WEB_PIXEL_UPDATE = `#graphql
  mutation TruelineWebPixelUpdate($id: ID!, $webPixel: WebPixelInput!) {
    webPixelUpdate(id: $id, webPixel: $webPixel) { userErrors { code field message } webPixel { id settings } }
  }`;

interface WebPixelNode {
  id: string;
  settings: unknown;
}
interface MutationPayload {
  userErrors: Array<{ code?: string | null; field?: string[] | null; message: string }>;
  webPixel: WebPixelNode | null;
}

/** Shopify answers `webPixel` for an app without one with this error instead of null. */
const isNoPixelMessage = (m: string) => /no web pixel/i.test(m);
const isAccessDenied = (m: string) => /access denied|write_pixels|read_customer_events/i.test(m);

function fixFor(messages: string[]): string {
  if (messages.some(isAccessDenied)) {
    return "Trueline is missing the write_pixels / read_customer_events permissions. Open Trueline from Apps in your Shopify admin so Shopify asks you to approve them, then try again.";
  }
  return "Try again in a minute. If it keeps failing, contact Trueline support with the message above.";
}

const NETWORK_FIX = "Shopify could not be reached. Check that you are online and try again in a minute; nothing was changed.";

function parseSettings(value: unknown): Record<string, unknown> | null {
  const raw = typeof value === "string" ? safeJson(value) : value;
  return raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
}
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function getPixelState(graphql: AdminGraphql, wanted: PixelSettings): Promise<PixelState> {
  const result = await runAdminGraphql<{ webPixel: WebPixelNode | null }>(graphql, WEB_PIXEL_QUERY);
  if (result.kind === "network-error") return { kind: "error", message: result.message, fix: NETWORK_FIX };
  if (result.kind === "graphql-errors") {
    if (result.messages.every(isNoPixelMessage)) return { kind: "missing" };
    return { kind: "error", message: result.messages.join("; "), fix: fixFor(result.messages) };
  }
  const pixel = result.data.webPixel;
  if (!pixel) return { kind: "missing" };
  const settings = parseSettings(pixel.settings);
  return { kind: "active", id: pixel.id, settings, settingsCurrent: settings?.proxyPath === wanted.proxyPath };
}

/** Create the shop's web pixel, or update its settings when it exists. */
export async function activatePixel(graphql: AdminGraphql, settings: PixelSettings): Promise<ActivateResult> {
  const state = await getPixelState(graphql, settings);
  if (state.kind === "error") return state;
  const variables = { webPixel: { settings: JSON.stringify(settings) } };
  const result =
    state.kind === "active"
      ? await runAdminGraphql<{ webPixelUpdate: MutationPayload }>(graphql, WEB_PIXEL_UPDATE, { id: state.id, ...variables })
      : await runAdminGraphql<{ webPixelCreate: MutationPayload }>(graphql, WEB_PIXEL_CREATE, variables);
  if (result.kind === "network-error") return { kind: "error", message: result.message, fix: NETWORK_FIX };
  if (result.kind === "graphql-errors") return { kind: "error", message: result.messages.join("; "), fix: fixFor(result.messages) };
  const payload = "webPixelUpdate" in result.data ? result.data.webPixelUpdate : result.data.webPixelCreate;
  if (payload.userErrors.length > 0 || !payload.webPixel) {
    const errors = payload.userErrors.map((e) => ({ field: (e.field ?? []).join("."), message: e.message, code: e.code ?? null }));
    return {
      kind: "user-errors",
      errors: errors.length ? errors : [{ field: "", message: "Shopify did not return the pixel", code: null }],
      fix: errors.some((e) => e.code === "INVALID_SETTINGS" || e.field.includes("settings"))
        ? `Shopify refused the pixel settings. Check the app proxy subpath in Trueline's Settings (now ${settings.proxyPath}) matches the app proxy in your store, then activate again.`
        : "Activate again. If Shopify keeps refusing, reinstall Trueline from the Shopify App Store listing.",
    };
  }
  return { kind: "activated", id: payload.webPixel.id, created: state.kind === "missing" };
}

export interface ArrivalChecks {
  shop: string;
  proxyPath: string;
  storefrontUrl: string;
  eventsTotal: number;
  events24h: number;
  lastEventAt: string | null;
  lastEventName: string | null;
}

/** Steps 2 and 3: what reached us through the app proxy (scoped by shop). */
export async function getArrivalChecks(db: Db, shop: string, now: number): Promise<ArrivalChecks> {
  const [settings, arrival] = await Promise.all([pixelSettingsFor(db, shop), pixelEventArrival(db, shop, new Date(now - DAY_MS))]);
  return {
    shop,
    proxyPath: settings.proxyPath,
    storefrontUrl: `https://${shop}`,
    eventsTotal: arrival.total,
    events24h: arrival.since,
    lastEventAt: arrival.lastReceivedAt?.toISOString() ?? null,
    lastEventName: arrival.lastEventName,
  };
}

export interface OnboardingData {
  settings: PixelSettings;
  pixel: PixelState;
  arrival: ArrivalChecks;
}

/** Everything the onboarding page shows. */
export async function loadOnboarding(db: Db, graphql: AdminGraphql, shop: string, now: number): Promise<OnboardingData> {
  const settings = await pixelSettingsFor(db, shop);
  const [pixel, arrival] = await Promise.all([getPixelState(graphql, settings), getArrivalChecks(db, shop, now)]);
  return { settings, pixel, arrival };
}

/** Step 1's button: create or update the pixel with this shop's settings. */
export async function activatePixelForShop(db: Db, graphql: AdminGraphql, shop: string): Promise<ActivateResult> {
  return activatePixel(graphql, await pixelSettingsFor(db, shop));
}
