/**
 * Browser harness for the Trueline pixel: runs the BUILT bundle
 * (extensions/trueline-pixel/dist/main.js) in headless Chromium, inside a real
 * Web Worker that stands in for Shopify's strict sandbox (sandbox/worker.js),
 * with a top frame (sandbox/host.html) that owns the real cookies and storage.
 *
 * Network layout (all loopback, nothing leaves the machine):
 *   host page   http://127.0.0.1:<h>/           the "storefront" frame + worker
 *   target      StorefrontOptions.storefrontUrl  where the pixel posts:
 *               `${storefrontUrl}${proxyPath}/events`. The tests point it at
 *               startCollector() on http://localhost:<c> — a different origin, so
 *               CORS applies exactly as between Shopify's sandbox and the shop's
 *               app proxy. Point it at startShopifyProxy() (shopify-proxy.ts) in
 *               front of the real app server to exercise the real proxy route.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Context, PixelEvents, RegisterInit } from "@shopify/web-pixels-extension";
import type { Browser, Page } from "playwright-core";
import { launchChromium as launchBrowser } from "../support/browser";
import {
  PixelBatchEnvelopeSchema,
  PixelEventSchema,
  type PixelBatchEnvelope,
  type PixelEvent,
} from "~/core/events/pixel-payload.schema";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, "..", "..");
export const BUNDLE_PATH = join(REPO_ROOT, "extensions", "trueline-pixel", "dist", "main.js");

export type Privacy = RegisterInit["customerPrivacy"];

export const CONSENT_ALL: Privacy = {
  analyticsProcessingAllowed: true,
  marketingAllowed: true,
  preferencesProcessingAllowed: true,
  saleOfDataAllowed: true,
};
export const CONSENT_ANALYTICS_ONLY: Privacy = {
  analyticsProcessingAllowed: true,
  marketingAllowed: false,
  preferencesProcessingAllowed: false,
  saleOfDataAllowed: true,
};
export const CONSENT_NONE: Privacy = {
  analyticsProcessingAllowed: false,
  marketingAllowed: false,
  preferencesProcessingAllowed: false,
  saleOfDataAllowed: false,
};

// ---------------------------------------------------------------------------
// Build

/** Builds the pixel with its own build script; returns the size it reports. */
export function buildPixel(): { bytes: number; output: string } {
  const output = execFileSync(process.execPath, [join(REPO_ROOT, "extensions", "trueline-pixel", "build.mjs")], {
    encoding: "utf8",
  });
  const bytes = Number(/dist\/main\.js (\d+) bytes/.exec(output)?.[1]);
  if (!Number.isInteger(bytes)) throw new Error(`unexpected build output: ${output}`);
  return { bytes, output: output.trim() };
}

// ---------------------------------------------------------------------------
// Chromium (the one test/support/browser.ts picks; docs/machines.md)

export function launchChromium(): Promise<Browser> {
  return launchBrowser([
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ]);
}

// ---------------------------------------------------------------------------
// HTTP helpers

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Serves the harness page, the sandbox worker and the built pixel bundle. */
export async function startSandboxHost(
  bundlePath = BUNDLE_PATH,
): Promise<{ origin: string; close(): Promise<void> }> {
  const files: Record<string, [string, string]> = {
    "/": [join(here, "sandbox", "host.html"), "text/html; charset=utf-8"],
    "/worker.js": [join(here, "sandbox", "worker.js"), "text/javascript; charset=utf-8"],
    "/pixel.js": [bundlePath, "text/javascript; charset=utf-8"],
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://host").pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": file[1], "Cache-Control": "no-store" });
    res.end(readFileSync(file[0])); // read per request: always the current build
  });
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, close: () => close(server) };
}

export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** Status the collector answered with. */
  status: number;
  receivedAt: number;
}

export interface RestoreAnswer {
  status?: number;
  body?: unknown;
}

export interface CollectorOptions {
  /** Status for the n-th POST …/events (1-based). Default 202. */
  postStatus?: (n: number) => number;
  /** Answer for GET …/restore?clientId=… Default: 200 `{ visitorId: null, clickIds: {} }` (unknown visitor). */
  restore?: (clientId: string | null) => RestoreAnswer;
}

export interface Collector {
  /** Give this to StorefrontOptions.storefrontUrl. */
  origin: string;
  requests: ReceivedRequest[];
  /** POSTs to …/events. */
  posts(): ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Stands in for the app proxy endpoint: records every request and answers with
 * `Access-Control-Allow-Origin: *` like the real route must (docs/platform/shopify.md, constraint 3).
 * Listens on 127.0.0.1 but is addressed as `localhost`, a different origin from the
 * host page, so the browser applies CORS (and would preflight a non-simple request).
 */
export async function startCollector(opts: CollectorOptions = {}): Promise<Collector> {
  const requests: ReceivedRequest[] = [];
  let postCount = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://collector");
      const cors = { "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store" };
      let status = 404;
      let body: string | undefined;
      if (req.method === "OPTIONS") {
        status = 204; // recorded, so a test can prove no preflight happened
      } else if (req.method === "POST" && url.pathname.endsWith("/events")) {
        status = opts.postStatus?.(++postCount) ?? 202;
      } else if (req.method === "GET" && url.pathname.endsWith("/restore")) {
        const answer = opts.restore?.(url.searchParams.get("clientId")) ?? { body: { visitorId: null, clickIds: {} } };
        status = answer.status ?? 200;
        body = answer.body === undefined ? undefined : JSON.stringify(answer.body);
      }
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        status,
        receivedAt: Date.now(),
      });
      res.writeHead(status, body === undefined ? cors : { ...cors, "Content-Type": "application/json" });
      res.end(body);
    });
  });
  const port = await listen(server);
  return {
    origin: `http://localhost:${port}`,
    requests,
    posts: () => requests.filter((r) => r.method === "POST"),
    close: () => close(server),
  };
}

// ---------------------------------------------------------------------------
// Parsing what arrived, with the server's REAL schemas

export interface ParsedBatch {
  envelope: PixelBatchEnvelope;
  events: PixelEvent[];
}

/** Parses one POST body exactly as the ingest route must; throws with zod's message on any violation. */
export function parseBatch(body: string): ParsedBatch {
  const envelope = PixelBatchEnvelopeSchema.parse(JSON.parse(body));
  const events = envelope.events.map((e, i) => {
    const r = PixelEventSchema.safeParse(e);
    if (!r.success) throw new Error(`event ${i} rejected by PixelEventSchema: ${r.error.message}`);
    return r.data;
  });
  return { envelope, events };
}

export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---------------------------------------------------------------------------
// The storefront: page loads and Shopify's event publishing

export interface StorefrontOptions {
  /** init.data.shop.storefrontUrl: the origin the pixel posts to (collector, signing proxy, …). */
  storefrontUrl: string;
  /** settings.proxyPath. Default "/apps/trueline". */
  proxyPath?: string;
  myshopifyDomain?: string;
  /** Consent when the first page loads (later pages get the latest one, as on Shopify). */
  consent: Privacy;
  /** Cookies already on the storefront before the pixel first loads. */
  cookies?: Record<string, string>;
}

export interface VisitOptions {
  title?: string;
  referrer?: string;
  cart?: RegisterInit["data"]["cart"];
  customer?: RegisterInit["data"]["customer"];
}

export interface PublishedEvent {
  id: string;
  name: string;
  /** Date.now() in Node right before the event was handed to the sandbox. */
  publishedAt: number;
}

type DataOf<K extends keyof PixelEvents> = PixelEvents[K] extends { data: infer D } ? D : never;

function locationOf(href: string) {
  const u = new URL(href);
  return {
    hash: u.hash,
    host: u.host,
    hostname: u.hostname,
    href: u.href,
    origin: u.origin,
    pathname: u.pathname,
    port: u.port,
    protocol: u.protocol,
    search: u.search,
  };
}

export const SHOPPER_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1";

function contextOf(href: string, referrer: string, title: string): Context {
  const location = locationOf(href);
  return {
    document: { characterSet: "UTF-8", location, referrer, title },
    navigator: { cookieEnabled: true, language: "fr-FR", languages: ["fr-FR", "fr", "en"], userAgent: SHOPPER_UA },
    window: {
      innerHeight: 740,
      innerWidth: 390,
      location,
      origin: location.origin,
      outerHeight: 844,
      outerWidth: 390,
      pageXOffset: 0,
      pageYOffset: 0,
      screen: { height: 844, width: 390 },
      screenX: 0,
      screenY: 0,
      scrollX: 0,
      scrollY: 0,
    },
  };
}

export class Storefront {
  /** Shopify's clientId for this shopper (event.clientId). */
  readonly clientId = randomUUID();
  readonly published: PublishedEvent[] = [];
  private consent: Privacy;
  private context: Context | undefined;
  private seq = 0;

  private constructor(
    readonly page: Page,
    private readonly opts: StorefrontOptions,
  ) {
    this.consent = opts.consent;
  }

  static async open(browser: Browser, hostOrigin: string, opts: StorefrontOptions): Promise<Storefront> {
    const page = await browser.newPage();
    await page.goto(`${hostOrigin}/`);
    if (opts.cookies) {
      await page.evaluate((cookies) => {
        for (const [k, v] of Object.entries(cookies)) document.cookie = `${k}=${v}; path=/`;
      }, opts.cookies);
    }
    return new Storefront(page, opts);
  }

  /**
   * A full page load of `href` on the storefront: the previous sandbox dies (its
   * unsent events are lost, as on a real navigation) and a new one boots with a
   * fresh init. Returns what the pixel subscribed to.
   */
  async visit(href: string, v: VisitOptions = {}): Promise<{ subscriptions: string[]; privacySubscriptions: string[] }> {
    this.context = contextOf(href, v.referrer ?? "", v.title ?? "Trueline Demo");
    const init: RegisterInit = {
      context: this.context,
      data: {
        customer: v.customer ?? null,
        cart: v.cart ?? null,
        shop: {
          countryCode: "FR",
          myshopifyDomain: this.opts.myshopifyDomain ?? "trueline-demo.myshopify.com",
          name: "Trueline Demo",
          paymentSettings: { currencyCode: "EUR" },
          storefrontUrl: this.opts.storefrontUrl,
        },
        purchasingCompany: null,
      },
      customerPrivacy: this.consent,
    };
    const settings = { proxyPath: this.opts.proxyPath ?? "/apps/trueline" };
    return this.page.evaluate(([i, s]) => window.tlHarness.start(i, s), [init, settings] as const);
  }

  private async dispatch(event: Record<string, unknown>): Promise<PublishedEvent> {
    const published = { id: event.id as string, name: event.name as string, publishedAt: Date.now() };
    this.published.push(published);
    await this.page.evaluate((e) => window.tlHarness.publish(e), event);
    return published;
  }

  private envelope(name: string, type: "standard" | "custom") {
    if (!this.context) throw new Error("visit() a page first");
    return {
      id: `sh-${randomUUID()}`,
      name,
      type,
      clientId: this.clientId,
      timestamp: new Date().toISOString(),
      seq: ++this.seq,
      context: this.context,
    };
  }

  /** Publishes a standard event on the current page, as Shopify's pixel manager does. */
  publish<K extends keyof PixelEvents & string>(name: K, data: DataOf<K>): Promise<PublishedEvent> {
    return this.dispatch({ ...this.envelope(name, "standard"), data });
  }

  /** Publishes a theme/app custom event (Shopify.analytics.publish). */
  publishCustom(name: string, customData: Record<string, unknown> | null): Promise<PublishedEvent> {
    return this.dispatch({ ...this.envelope(name, "custom"), customData });
  }

  /** The consent banner reports a decision: customerPrivacy "visitorConsentCollected". */
  async setConsent(consent: Privacy): Promise<void> {
    this.consent = consent;
    await this.page.evaluate((c) => window.tlHarness.consent(c), consent);
  }

  cookies(): Promise<Record<string, string>> {
    return this.page.evaluate(() => window.tlHarness.cookies());
  }

  localStorage(key: string): Promise<string | null> {
    return this.page.evaluate((k) => window.localStorage.getItem(k), key);
  }

  /** Errors thrown inside the sandbox (pixel callbacks, unhandled rejections, bundle load). */
  errors(): Promise<string[]> {
    return this.page.evaluate(() => window.tlHarness.errors);
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

declare global {
  interface Window {
    tlHarness: {
      start(init: unknown, settings: unknown): Promise<{ subscriptions: string[]; privacySubscriptions: string[] }>;
      publish(event: unknown): void;
      consent(customerPrivacy: unknown): void;
      cookies(): Record<string, string>;
      errors: string[];
    };
  }
}
