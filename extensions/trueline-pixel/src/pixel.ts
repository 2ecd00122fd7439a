/**
 * The Trueline pixel runtime: consent, identity, batching and transport.
 *
 * Runs inside Shopify's STRICT sandbox (a web worker: no DOM, no document.cookie;
 * top-frame cookies/storage only through the async `browser.*` proxies).
 * Everything the outside world provides (fetch, clock, randomness, timers) comes
 * in through `Env` so the same code is unit-tested in Node and run for real in
 * Chromium by test/pixel.
 *
 * Consent model (the extension TOML only requires analytics; see its comment):
 *   - no analytics consent     → nothing is sent or stored. Events seen before
 *                                the visitor has decided are held in memory only
 *                                and dropped if the visitor declines.
 *   - analytics                → events + Shopify's clientId + UTM. No email/phone,
 *                                no click ids (also stripped from URLs), no
 *                                platform cookies, no visitor id, nothing written.
 *   - analytics + marketing    → additionally click ids, platform cookies,
 *     (+ sale of data allowed)   email/phone, and the persisted visitor id; _fbc
 *                                is written for a new fbclid.
 *   Withdrawal is honoured live: analytics off stops all sending (queued and
 *   retrying batches are dropped); marketing off deletes what we persisted.
 *   Every batch records the consent it was sent under.
 */
import {
  MAX_BATCH_BYTES,
  STANDARD_EVENT_NAMES,
  type Batch,
  type BatchContext,
  type ClickIds,
  type Consent,
  type PixelEvent,
  type RestoreResponse,
} from "./contract";
import {
  CLICK_IDS_KEY,
  VISITOR_KEY,
  cookiesToRestore,
  cut,
  fbcToWrite,
  mergeClickIds,
  parseCookies,
  platformCookies,
  readClickIds,
  readUtm,
  sanitizeClickIds,
  validVisitorId,
} from "./identity";
import { mapEvent, redact, type PageData, type ShopifyEvent } from "./map";

export const DEFAULT_PROXY_PATH = "/apps/trueline";
/** Flush the queue this long after the first unsent event… */
export const FLUSH_DELAY_MS = 1000;
/** …or as soon as this many events are queued. */
export const FLUSH_AT_EVENTS = 10;
/** Events per POST (the server accepts up to MAX_EVENTS_PER_BATCH = 50). */
export const EVENTS_PER_POST = 25;
/** A failed POST is retried this many times (so at most 4 attempts), then dropped. */
export const MAX_RETRIES = 3;
/** Backoff before retry n (0-based): BASE · 2^n plus up to 250 ms of jitter. */
export const RETRY_BASE_MS = 1000;
export const RESTORE_TIMEOUT_MS = 3000;
/** Events kept in memory while the visitor has not decided on consent yet. */
const HOLD_CAP = 50;
/** Sent at once, not after the flush delay: the thank-you page may be closed right away. */
const IMMEDIATE = new Set(["checkout_completed"]);
// Also sent at once: the first event of a landing page (a URL with UTM or click ids).
// The sandbox dies with the page, so a shopper who clicks on within the flush delay
// would otherwise take the campaign data of the visit with them.
const YEAR_S = 365 * 24 * 3600;
const FBC_MAX_AGE_S = 90 * 24 * 3600; // Meta's pixel keeps _fbc for 90 days

export interface Privacy {
  analyticsProcessingAllowed?: boolean;
  marketingAllowed?: boolean;
  preferencesProcessingAllowed?: boolean;
  saleOfDataAllowed?: boolean;
}

/** The subset of Shopify's ExtensionApi the pixel uses (structurally compatible). */
export interface PixelApi {
  settings: Record<string, unknown>;
  analytics: { subscribe(name: string, callback: (event: ShopifyEvent) => void): unknown };
  browser: {
    cookie: { get(name?: string): Promise<string>; set(cookieOrName: string, value?: string): Promise<unknown> };
    localStorage: {
      getItem(key: string): Promise<string | null>;
      setItem(key: string, value: string): Promise<unknown>;
      removeItem(key: string): Promise<unknown>;
    };
  };
  init: {
    context?: {
      document?: { location?: { href?: string } | null } | null;
      navigator?: { userAgent?: string | null; language?: string | null } | null;
      window?: { screen?: { width?: number | null; height?: number | null } | null } | null;
    } | null;
    data?: {
      shop?: { myshopifyDomain?: string | null; storefrontUrl?: string | null } | null;
      customer?: { id?: string | null } | null;
      cart?: { id?: string | null } | null;
    } | null;
    customerPrivacy?: Privacy | null;
  };
  customerPrivacy: { subscribe(name: string, callback: (event: { customerPrivacy?: Privacy | null }) => void): unknown };
}

export interface Env {
  fetch(url: string, init: RequestInit): Promise<Response>;
  now(): number;
  newId(): string;
  random(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface AdIds {
  visitorId: string;
  clickIds: ClickIds;
}

export function toConsent(p: Privacy | null | undefined): Consent {
  return {
    analytics: p?.analyticsProcessingAllowed === true,
    marketing: p?.marketingAllowed === true,
    preferences: p?.preferencesProcessingAllowed === true,
    saleOfData: p?.saleOfDataAllowed === true,
  };
}

/**
 * Identifiers for ad platforms need marketing consent AND no sale-of-data opt-out:
 * forwarding click ids/cookies/email to Meta, Google… is "sharing" under US state
 * privacy laws (CCPA/CPRA), which is exactly what that opt-out refuses.
 */
export function adsAllowed(c: Consent): boolean {
  return c.analytics && c.marketing && c.saleOfData;
}

/** `<storefront origin><proxy path>`, e.g. "https://shop.example/apps/trueline". */
export function endpointBase(
  shop: { myshopifyDomain?: string | null; storefrontUrl?: string | null } | null | undefined,
  proxyPath: unknown,
): string | undefined {
  const origin = shop?.storefrontUrl || (shop?.myshopifyDomain ? `https://${shop.myshopifyDomain}` : undefined);
  if (!origin) return undefined;
  const raw = typeof proxyPath === "string" && proxyPath.trim() !== "" ? proxyPath.trim() : DEFAULT_PROXY_PATH;
  const path = raw.startsWith("/") ? raw : `/${raw}`;
  return origin.replace(/\/+$/, "") + path.replace(/\/+$/, "");
}

function batchContext(ctx: PixelApi["init"]["context"]): BatchContext {
  const dim = (n: unknown) => (typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 100000 ? n : undefined);
  const w = dim(ctx?.window?.screen?.width);
  const h = dim(ctx?.window?.screen?.height);
  return {
    userAgent: cut(ctx?.navigator?.userAgent, 1024),
    language: cut(ctx?.navigator?.language, 64),
    screen: w !== undefined && h !== undefined ? { w, h } : undefined,
  };
}

function nonEmpty<T extends object>(o: T): T | undefined {
  return Object.keys(o).length > 0 ? o : undefined;
}

/** Awaits a sandbox call, turning a throw or rejection into `fallback`. */
async function safe<T>(call: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await call();
  } catch {
    return fallback;
  }
}

function parseJson(text: string | null): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Wires the pixel to Shopify's API. Never throws (a pixel must not break the storefront). */
export function startPixel(api: PixelApi, env: Env): void {
  const { browser, init } = api;
  const base = endpointBase(init.data?.shop, api.settings.proxyPath);
  if (!base) return; // no shop domain: nowhere to send; stay silent

  const href = init.context?.document?.location?.href ?? "";
  const secure = href.startsWith("https:") ? "; secure" : "";
  const page: PageData = { customerId: init.data?.customer?.id, cartId: init.data?.cart?.id };
  const utm = readUtm(href);
  // Click ids on THIS page's URL: kept in memory only until marketing consent allows more.
  const landingClickIds = readClickIds(href, env.now());
  let landing = utm !== undefined || nonEmpty(landingClickIds) !== undefined;
  const context = batchContext(init.context);

  let consent = toConsent(init.customerPrivacy);
  let decided = false; // a consent event arrived (the init snapshot may predate the banner)
  let clientId: string | undefined;
  let held: PixelEvent[] = [];
  let queue: PixelEvent[] = [];
  let timer: unknown;
  let adIds: Promise<AdIds | undefined> | undefined; // resolved once per page, reset on withdrawal

  async function restore(cid: string): Promise<Partial<RestoreResponse> | undefined> {
    const abort = new AbortController();
    const t = env.setTimeout(() => abort.abort(), RESTORE_TIMEOUT_MS);
    try {
      const res = await env.fetch(`${base}/restore?clientId=${encodeURIComponent(cid)}`, {
        method: "GET",
        signal: abort.signal,
      });
      return res.ok ? ((await res.json()) as Partial<RestoreResponse>) : undefined;
    } catch {
      return undefined;
    } finally {
      env.clearTimeout(t);
    }
  }

  /**
   * Visitor id + click ids, only ever called with marketing consent. Reads the
   * cookie and localStorage copies; when the `_tl_vid` COOKIE is gone (the jar was
   * cleared or capped: Safari deletes script-set cookies after 7 days) asks the server
   * what this clientId itself reported (ADR 0027): the visitor id when localStorage lost
   * it too, click ids, and the platform cookies the browser lost, set back with their
   * remaining lifetime. Otherwise mints a new id. Then re-persists everything and
   * writes _fbc for a new fbclid.
   */
  async function resolveAdIds(cid: string): Promise<AdIds | undefined> {
    try {
      return await resolveAdIdsOrThrow(cid);
    } catch {
      return undefined; // e.g. no crypto: the batch goes out without ad identifiers
    }
  }

  async function resolveAdIdsOrThrow(cid: string): Promise<AdIds> {
    const jar = parseCookies(await safe(() => browser.cookie.get(), ""));
    let visitorId =
      validVisitorId(jar[VISITOR_KEY]) ??
      validVisitorId(await safe(() => browser.localStorage.getItem(VISITOR_KEY), null));
    let clickIds = sanitizeClickIds(parseJson(await safe(() => browser.localStorage.getItem(CLICK_IDS_KEY), null)));
    let lostCookies: Array<[string, string, number]> = [];
    if (!jar[VISITOR_KEY]) {
      const restored = await restore(cid);
      visitorId ??= validVisitorId(restored?.visitorId);
      clickIds = mergeClickIds(sanitizeClickIds(restored?.clickIds), clickIds);
      lostCookies = cookiesToRestore(restored?.cookies, jar);
    }
    visitorId ??= env.newId();
    clickIds = mergeClickIds(clickIds, landingClickIds);
    const fbclid = landingClickIds.fbclid;
    const fbc = fbclid && fbcToWrite(fbclid, jar._fbc);
    // Consent may have changed while we awaited. The writes are issued synchronously
    // after this check, so a later forget() is ordered after them.
    if (adsAllowed(consent)) {
      const writes: Array<() => Promise<unknown>> = [
        // Re-set on every page: refreshes the expiry.
        () => browser.cookie.set(`${VISITOR_KEY}=${visitorId}; path=/; max-age=${YEAR_S}; samesite=lax${secure}`),
        () => browser.localStorage.setItem(VISITOR_KEY, visitorId),
      ];
      if (nonEmpty(clickIds)) writes.push(() => browser.localStorage.setItem(CLICK_IDS_KEY, JSON.stringify(clickIds)));
      for (const [name, value, maxAge] of lostCookies) {
        if (name === "_fbc" && fbc) continue; // a new ad click wins over the remembered one
        writes.push(() => browser.cookie.set(`${name}=${value}; path=/; max-age=${maxAge}; samesite=lax${secure}`));
      }
      if (fbc) writes.push(() => browser.cookie.set(`_fbc=${fbc}; path=/; max-age=${FBC_MAX_AGE_S}; samesite=lax${secure}`));
      await Promise.all(writes.map((w) => safe(w, undefined)));
    }
    return { visitorId, clickIds };
  }

  /** Marketing consent withdrawn: delete what we persisted for it. */
  function forget(): void {
    adIds = undefined;
    void safe(() => browser.cookie.set(`${VISITOR_KEY}=; path=/; max-age=0; samesite=lax${secure}`), undefined);
    void safe(() => browser.localStorage.removeItem(VISITOR_KEY), undefined);
    void safe(() => browser.localStorage.removeItem(CLICK_IDS_KEY), undefined);
  }

  function splitOversized(events: PixelEvent[], attempt: number): void {
    if (events.length > 1) {
      const mid = events.length >> 1;
      void send(events.slice(0, mid), attempt);
      void send(events.slice(mid), attempt);
      return;
    }
    const only = events[0];
    // One event alone is too big: only products/customData can be that large.
    if (only && (only.products || only.customData)) {
      void send([{ ...only, products: undefined, customData: undefined }], attempt);
    }
  }

  async function send(events: PixelEvent[], attempt: number): Promise<void> {
    let retry = false;
    try {
      const cid = clientId;
      if (!consent.analytics || !cid || events.length === 0) return;
      let ids: AdIds | undefined;
      let jar: Record<string, string> = {};
      if (adsAllowed(consent)) {
        ids = await (adIds ??= resolveAdIds(cid));
        // Read per batch: other tags (Meta, GA) may set their cookies after we loaded.
        jar = parseCookies(await safe(() => browser.cookie.get(), ""));
      }
      // The consent this batch is sent under, checked AFTER the awaits above.
      const c = { ...consent };
      if (!c.analytics) return;
      const ads = adsAllowed(c) && ids !== undefined;
      const batch: Batch = {
        v: 1,
        consent: c,
        identity:
          ads && ids
            ? {
                clientId: cid,
                visitorId: ids.visitorId,
                clickIds: nonEmpty(ids.clickIds),
                cookies: nonEmpty(platformCookies(jar)),
                utm,
              }
            : { clientId: cid, utm },
        context,
        events: events.map((e) => redact(e, ads)),
      };
      const body = JSON.stringify(batch);
      if (new TextEncoder().encode(body).length > MAX_BATCH_BYTES) {
        splitOversized(events, attempt);
        return;
      }
      // A CORS "simple" request (POST + text/plain, no custom headers): no preflight,
      // which the app proxy may not forward. keepalive lets it outlive the page.
      const res = await env.fetch(`${base}/events`, {
        method: "POST",
        keepalive: true,
        headers: { "Content-Type": "text/plain;charset=UTF-8" },
        body,
      });
      // 2xx: done. Other 4xx: the server refused this body; resending will not help.
      retry = res.status >= 500 || res.status === 408 || res.status === 429;
    } catch {
      retry = true; // network failure, keepalive quota exceeded, …
    }
    if (retry && attempt < MAX_RETRIES) {
      const delay = RETRY_BASE_MS * 2 ** attempt + Math.floor(env.random() * 250);
      env.setTimeout(() => void send(events, attempt + 1), delay);
    }
  }

  function flush(): void {
    if (timer !== undefined) env.clearTimeout(timer);
    timer = undefined;
    const events = queue;
    queue = [];
    for (let i = 0; i < events.length; i += EVENTS_PER_POST) void send(events.slice(i, i + EVENTS_PER_POST), 0);
  }

  function onEvent(ev: ShopifyEvent): void {
    clientId = cut(ev.clientId, 128) ?? clientId;
    const mapped = mapEvent(ev, page, env.now());
    if (!mapped) return;
    if (consent.analytics) {
      const ads = adsAllowed(consent);
      // Persist the visitor id / click ids and write _fbc now, not at the first flush.
      if (ads && clientId) adIds ??= resolveAdIds(clientId);
      queue.push(redact(mapped, ads));
      if (IMMEDIATE.has(mapped.name) || landing || queue.length >= FLUSH_AT_EVENTS) flush();
      else timer ??= env.setTimeout(flush, FLUSH_DELAY_MS);
      landing = false;
    } else if (!decided && held.length < HOLD_CAP) {
      held.push(redact(mapped, false));
    }
  }

  function onConsent(p: Privacy | null | undefined): void {
    const before = consent;
    consent = toConsent(p);
    decided = true;
    if (adsAllowed(before) && !adsAllowed(consent)) forget();
    if (!consent.analytics) {
      // Stop: nothing queued, held or retrying may leave any more.
      held = [];
      queue = [];
      if (timer !== undefined) env.clearTimeout(timer);
      timer = undefined;
    } else if (held.length > 0) {
      queue.push(...held);
      held = [];
      flush();
    }
  }

  const guard =
    <T>(fn: (arg: T) => void) =>
    (arg: T): void => {
      try {
        fn(arg);
      } catch {
        // A pixel must never throw into Shopify's event bus.
      }
    };

  for (const name of STANDARD_EVENT_NAMES) api.analytics.subscribe(name, guard(onEvent));
  api.analytics.subscribe(
    "all_custom_events",
    guard((ev: ShopifyEvent) => onEvent({ ...ev, type: "custom" })),
  );
  api.customerPrivacy.subscribe(
    "visitorConsentCollected",
    guard((e: { customerPrivacy?: Privacy | null }) => onConsent(e?.customerPrivacy)),
  );
}
