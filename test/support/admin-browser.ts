/**
 * Browser harness for the embedded admin: Debian's Chromium (playwright-core,
 * never a downloaded browser; test/support/browser.ts picks it) opening the REAL server's /app pages the way the
 * Shopify admin iframe does.
 *
 * What Shopify provides, stood in for offline:
 *  - the session token: an HS256 JWT signed with the app secret, with the claims
 *    Shopify puts in it (iss/dest/aud/sub/exp/nbf/iat/jti/sid), passed as
 *    `id_token` on the first document request exactly as the admin does;
 *  - App Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js): a small
 *    script that exposes `window.shopify.idToken()` and, like the real one,
 *    adds `Authorization: Bearer <session token>` to the app's own fetches
 *    (Remix loaders/actions after the first page). Nothing else from the CDN
 *    is reachable here; other CDN requests get an empty answer.
 * The offline session is seeded in the database (seedInstalledShop), so the
 * token-exchange strategy finds it and never calls Shopify.
 */
import { createHmac, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "./browser";
import { ROOT } from "./databases";
import { TEST_API_KEY, TEST_API_SECRET } from "./env";

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** A session token as Shopify mints it (https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens). */
export function mintSessionToken(opts: {
  shop: string;
  apiKey?: string;
  secret?: string;
  /** Unix seconds; defaults to now. */
  now?: number;
  ttlSeconds?: number;
  userId?: string;
}): string {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload = {
    iss: `https://${opts.shop}/admin`,
    dest: `https://${opts.shop}`,
    aud: opts.apiKey ?? TEST_API_KEY,
    sub: opts.userId ?? "42",
    exp: now + (opts.ttlSeconds ?? 3600),
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createHmac("sha256", opts.secret ?? TEST_API_SECRET).update(signingInput).digest("base64url");
  return `${signingInput}.${signature}`;
}

/** The `host` query parameter the admin passes: base64 of "admin.shopify.com/store/<name>". */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64url");
}

/** The App Bridge stand-in, with the token baked in (the real one asks the admin frame for it). */
function appBridgeStub(token: string): string {
  return `(() => {
  const token = ${JSON.stringify(token)};
  const toasts = [];
  window.__truelineToasts = toasts;
  window.shopify = {
    config: { apiKey: document.querySelector('meta[name="shopify-api-key"]')?.content ?? "" },
    idToken: async () => token,
    toast: { show: (message, opts) => { toasts.push({ message, ...(opts || {}) }); return "toast-" + toasts.length; }, hide: () => {} },
    loading: () => {},
    saveBar: { show: async () => {}, hide: async () => {}, toggle: async () => {}, leaveConfirmation: async () => {} },
    modal: { show: async () => {}, hide: async () => {}, toggle: async () => {} },
    resourcePicker: async () => undefined,
    environment: { embedded: true, mobile: false, pos: false },
  };
  const original = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, location.href);
    if (url.origin !== location.origin) return original(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + token);
    return original(input, { ...(init || {}), headers });
  };
})();`;
}

export interface AdminBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Absolute URL of an admin path (e.g. "/app/destinations") with the query the admin adds. */
  url(pathname: string): string;
  /** Navigate like the admin does (a fresh document request carrying id_token). */
  open(pathname: string): Promise<void>;
  /** Console errors and failed same-origin requests seen so far. */
  problems(): string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export const SCREENSHOT_DIR = path.join(ROOT, "test-output", "admin");

export async function openAdmin(appUrl: string, shop: string, opts: { token?: string } = {}): Promise<AdminBrowser> {
  const token = opts.token ?? mintSessionToken({ shop });
  const browser = await launchChromium(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]);
  // Headless Chromium announces itself as "HeadlessChrome", which the library's bot
  // filter answers with 410; a merchant's browser is the ordinary desktop Chrome.
  const userAgent = (await browser.newBrowserCDPSession().then((s) => s.send("Browser.getVersion"))).userAgent.replace("HeadlessChrome", "Chrome");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent });
  await context.route("https://cdn.shopify.com/**", (route) => {
    if (route.request().url().includes("app-bridge.js")) {
      return route.fulfill({ status: 200, contentType: "text/javascript", body: appBridgeStub(token) });
    }
    return route.fulfill({ status: 200, contentType: route.request().resourceType() === "stylesheet" ? "text/css" : "text/plain", body: "" });
  });
  // Nothing else may leave the machine. (Playwright tries the LAST registered route first,
  // so this one must not match the CDN, or the App Bridge stand-in above never loads.)
  await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost|cdn\.shopify\.com\/)/, (route) => route.abort());
  const page = await context.newPage();
  const problems: string[] = [];
  const aborted: string[] = [];
  page.on("console", (m) => {
    // Requests to other hosts are aborted on purpose above; their failures are not the app's.
    if (m.type() === "error" && !(m.text().startsWith("Failed to load resource") && !m.location().url.startsWith(appUrl))) {
      problems.push(`console: ${m.text()} (${m.location().url})`);
    }
  });
  page.on("requestfailed", (r) => {
    // Remix's route discovery fetches /__manifest for the links a page renders; a navigation
    // that starts meanwhile aborts that fetch (net::ERR_ABORTED). That is the browser leaving
    // the page, not the app failing; any other failure, or a manifest that errors, still counts.
    const abortedDiscovery = new URL(r.url()).pathname === "/__manifest" && r.failure()?.errorText === "net::ERR_ABORTED";
    if (r.url().startsWith(appUrl) && !abortedDiscovery) problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ""}`);
    else aborted.push(r.url());
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("response", (r) => {
    if (r.url().startsWith(appUrl) && r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
  });
  const url = (pathname: string) => {
    const u = new URL(pathname, appUrl);
    u.searchParams.set("embedded", "1");
    u.searchParams.set("shop", shop);
    u.searchParams.set("host", hostParam(shop));
    u.searchParams.set("id_token", token);
    return u.toString();
  };
  return {
    browser,
    context,
    page,
    url,
    async open(pathname) {
      await page.goto(url(pathname), { waitUntil: "networkidle" });
    },
    problems: () => [...problems],
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close();
    },
  };
}
