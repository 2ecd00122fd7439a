/**
 * Runtime behaviour with a fake Shopify API and fake timers: batching, transport,
 * retries, size splitting, consent transitions and identity persistence.
 * The same code runs for real in Chromium in test/pixel/pixel.browser.test.ts.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { STANDARD_EVENT_NAMES, type Batch, type Consent } from "./contract";
import type { ShopifyEvent } from "./map";
import { endpointBase, startPixel, type Env, type PixelApi, type Privacy } from "./pixel";

const T0 = Date.UTC(2026, 4, 1, 10, 0, 0);
const FBCLID = "IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk";
const LANDING = `https://shop.example/?utm_source=facebook&utm_medium=paid_social&fbclid=${FBCLID}`;
const PRODUCT = "https://shop.example/products/linen-shirt"; // no UTM, no click ids
const EVENTS_URL = "https://shop.example/apps/trueline/events";

const ALL: Privacy = {
  analyticsProcessingAllowed: true,
  marketingAllowed: true,
  preferencesProcessingAllowed: true,
  saleOfDataAllowed: true,
};
const ANALYTICS_ONLY: Privacy = { ...ALL, marketingAllowed: false, preferencesProcessingAllowed: false };
const NONE: Privacy = {
  analyticsProcessingAllowed: false,
  marketingAllowed: false,
  preferencesProcessingAllowed: false,
  saleOfDataAllowed: false,
};
const consentOf = (p: Privacy): Consent => ({
  analytics: p.analyticsProcessingAllowed === true,
  marketing: p.marketingAllowed === true,
  preferences: p.preferencesProcessingAllowed === true,
  saleOfData: p.saleOfDataAllowed === true,
});

interface Call {
  url: string;
  init: RequestInit;
  at: number;
}

/** A Shopify-like sandbox API backed by in-memory cookies and localStorage. */
function sandbox(opts: {
  privacy: Privacy;
  href?: string;
  cookies?: Record<string, string>;
  storage?: Record<string, string>;
  respond?: (call: Call) => Response | Promise<Response>;
  /** cookie.get throws synchronously, every other storage call rejects. */
  brokenBrowser?: boolean;
  /** env.newId throws (no usable crypto). */
  noCrypto?: boolean;
}) {
  const subs = new Map<string, (e: ShopifyEvent) => void>();
  let privacySub: ((e: { customerPrivacy?: Privacy | null }) => void) | undefined;
  const cookies = new Map(Object.entries(opts.cookies ?? {}));
  const storage = new Map(Object.entries(opts.storage ?? {}));
  const cookieWrites: string[] = [];
  const storageWrites: string[] = [];
  const calls: Call[] = [];
  let newIds = 0;

  const api: PixelApi = {
    settings: { proxyPath: "/apps/trueline" },
    analytics: {
      subscribe: (name, cb) => {
        subs.set(name, cb);
        return () => true;
      },
    },
    browser: {
      cookie: {
        get: async (name) =>
          name === undefined ? [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") : (cookies.get(name) ?? ""),
        set: async (c) => {
          cookieWrites.push(c);
          const [pair = "", ...attrs] = c.split(";");
          const eq = pair.indexOf("=");
          const name = pair.slice(0, eq).trim();
          if (attrs.some((a) => a.trim() === "max-age=0")) cookies.delete(name);
          else cookies.set(name, pair.slice(eq + 1));
          return c;
        },
      },
      localStorage: {
        getItem: async (k) => storage.get(k) ?? null,
        setItem: async (k, v) => {
          storageWrites.push(`set ${k}`);
          storage.set(k, v);
        },
        removeItem: async (k) => {
          storageWrites.push(`remove ${k}`);
          storage.delete(k);
        },
      },
    },
    init: {
      context: {
        document: { location: { href: opts.href ?? LANDING } },
        navigator: { userAgent: "Mozilla/5.0 (TestOS) Chromium", language: "fr-FR" },
        window: { screen: { width: 1440, height: 900 } },
      },
      data: { shop: { myshopifyDomain: "trueline-demo.myshopify.com", storefrontUrl: "https://shop.example" }, customer: null, cart: null },
      customerPrivacy: opts.privacy,
    },
    customerPrivacy: {
      subscribe: (_name, cb) => {
        privacySub = cb;
        return () => true;
      },
    },
  };

  const env: Env = {
    fetch: async (url, init) => {
      const call = { url, init, at: Date.now() };
      calls.push(call);
      return opts.respond ? opts.respond(call) : new Response(null, { status: 202 });
    },
    now: () => Date.now(),
    newId: () => {
      if (opts.noCrypto) throw new ReferenceError("crypto is not defined");
      return `vid-new-${++newIds}`;
    },
    random: () => 0,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };

  let seq = 0;
  const publish = (name: string, data: ShopifyEvent["data"] = {}, extra: Partial<ShopifyEvent> = {}) => {
    const custom = extra.type === "custom";
    const ev: ShopifyEvent = {
      id: `ev-${++seq}`,
      name,
      type: "standard",
      clientId: "shopify-client-1",
      timestamp: new Date().toISOString(),
      context: { document: { location: { href: opts.href ?? LANDING }, referrer: "https://l.facebook.com/", title: "Shop" } },
      data,
      ...extra,
    };
    const cb = subs.get(custom ? "all_custom_events" : name);
    if (!cb) throw new Error(`pixel did not subscribe to ${name}`);
    cb(ev);
  };

  if (opts.brokenBrowser) {
    const reject = async () => {
      throw new Error("storage blocked");
    };
    api.browser.cookie = {
      get: () => {
        throw new Error("cookies blocked");
      },
      set: reject,
    };
    api.browser.localStorage = { getItem: reject, setItem: reject, removeItem: reject };
  }
  startPixel(api, env);
  const posts = () => calls.filter((c) => c.init.method === "POST");
  return {
    subs,
    calls,
    posts,
    batches: () => posts().map((c) => JSON.parse(String(c.init.body)) as Batch),
    cookies,
    storage,
    cookieWrites,
    storageWrites,
    publish,
    consent: (p: Privacy) => privacySub?.({ customerPrivacy: p }),
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("subscriptions and endpoint", () => {
  test("subscribes to every standard event of the contract and to all custom events", () => {
    const s = sandbox({ privacy: ALL });
    expect([...s.subs.keys()].sort()).toEqual([...STANDARD_EVENT_NAMES, "all_custom_events"].sort());
  });

  test("endpoint base: storefront URL, else the myshopify domain; proxy path normalised", () => {
    expect(endpointBase({ storefrontUrl: "https://shop.example/", myshopifyDomain: "x.myshopify.com" }, "/apps/trueline/")).toBe(
      "https://shop.example/apps/trueline",
    );
    expect(endpointBase({ storefrontUrl: null, myshopifyDomain: "x.myshopify.com" }, "a/tl")).toBe("https://x.myshopify.com/a/tl");
    expect(endpointBase({ storefrontUrl: null, myshopifyDomain: "x.myshopify.com" }, undefined)).toBe(
      "https://x.myshopify.com/apps/trueline",
    );
    expect(endpointBase({ storefrontUrl: null, myshopifyDomain: null }, "/apps/trueline")).toBeUndefined();
  });
});

describe("batching and transport", () => {
  test("flushes 1 s after the first event, as one CORS-simple keepalive POST", async () => {
    const s = sandbox({ privacy: ANALYTICS_ONLY, href: PRODUCT });
    s.publish("page_viewed");
    s.publish("product_viewed");
    await vi.advanceTimersByTimeAsync(999);
    expect(s.posts()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.posts()).toHaveLength(1);
    const [post] = s.posts();
    expect(post?.url).toBe(EVENTS_URL);
    expect({ ...post?.init, body: undefined }).toEqual({
      method: "POST",
      keepalive: true,
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: undefined,
    });
    expect(s.batches()[0]?.events.map((e) => e.id)).toEqual(["ev-1", "ev-2"]);
  });

  test("sends the first event of a landing page (UTM or click ids) at once, then batches again", async () => {
    const s = sandbox({ privacy: ANALYTICS_ONLY });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(0);
    expect(s.batches().map((b) => b.events.map((e) => e.id))).toEqual([["ev-1"]]);
    s.publish("product_viewed");
    await vi.advanceTimersByTimeAsync(999);
    expect(s.posts()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.batches().map((b) => b.events.map((e) => e.id))).toEqual([["ev-1"], ["ev-2"]]);
  });

  test("flushes at once at 10 queued events, and immediately for checkout_completed", async () => {
    const s = sandbox({ privacy: ANALYTICS_ONLY, href: PRODUCT });
    for (let i = 0; i < 10; i++) s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(0);
    expect(s.batches().map((b) => b.events.length)).toEqual([10]);
    s.publish("checkout_completed", { checkout: { token: "tok", order: { id: "gid://shopify/OrderIdentity/42" } } });
    await vi.advanceTimersByTimeAsync(0);
    expect(s.batches().map((b) => b.events.map((e) => e.name))).toEqual([
      Array(10).fill("page_viewed"),
      ["checkout_completed"],
    ]);
    expect(s.batches()[1]?.events[0]?.orderId).toBe("42");
  });

  test("batch envelope: consent, identity, context", async () => {
    const s = sandbox({ privacy: ANALYTICS_ONLY });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(1000);
    expect({ ...s.batches()[0], events: [] }).toEqual({
      v: 1,
      consent: consentOf(ANALYTICS_ONLY),
      identity: { clientId: "shopify-client-1", utm: { source: "facebook", medium: "paid_social" } },
      context: { userAgent: "Mozilla/5.0 (TestOS) Chromium", language: "fr-FR", screen: { w: 1440, h: 900 } },
      events: [],
    });
  });

  test("retries a failing send 3 times with 1 s / 2 s / 4 s backoff, then drops it", async () => {
    const s = sandbox({ privacy: ANALYTICS_ONLY, respond: () => new Response(null, { status: 503 }) });
    s.publish("checkout_completed", { checkout: { token: "tok" } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.posts().map((c) => c.at - T0)).toEqual([0, 1000, 3000, 7000]);
    const bodies = s.posts().map((c) => c.init.body);
    expect(new Set(bodies).size).toBe(1); // the same batch each time (server dedups on event id)
  });

  test("network errors, 408 and 429 are retried; other 4xx are not", async () => {
    const statuses = [0, 408, 429, 202];
    const s = sandbox({
      privacy: ANALYTICS_ONLY,
      respond: () => {
        const status = statuses.shift();
        if (status === 0) throw new TypeError("Failed to fetch");
        return new Response(null, { status });
      },
    });
    s.publish("checkout_completed", { checkout: { token: "tok" } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.posts()).toHaveLength(4);

    const rejected = sandbox({ privacy: ANALYTICS_ONLY, respond: () => new Response(null, { status: 400 }) });
    rejected.publish("checkout_completed", { checkout: { token: "tok" } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(rejected.posts()).toHaveLength(1);
  });

  test("splits batches over 60 KiB and slims a single oversized event", async () => {
    const s = sandbox({ privacy: ANALYTICS_ONLY });
    const big = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "x".repeat(500)])); // ~26 KB each
    for (let i = 0; i < 6; i++) s.publish("quiz", null, { type: "custom", customData: big });
    await vi.advanceTimersByTimeAsync(1000);
    const sizes = s.posts().map((c) => new TextEncoder().encode(String(c.init.body)).length);
    expect(sizes.every((n) => n <= 60 * 1024)).toBe(true);
    expect(s.batches().flatMap((b) => b.events.map((e) => e.id)).sort()).toEqual(
      ["ev-1", "ev-2", "ev-3", "ev-4", "ev-5", "ev-6"].sort(),
    );

    const huge = sandbox({ privacy: ANALYTICS_ONLY });
    const bigValues = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`.padEnd(64, "k"), "€".repeat(512)]));
    huge.publish("quiz", null, { type: "custom", customData: bigValues }); // 50 × 1.5 KiB of UTF-8 ("€" is 3 bytes) > 60 KiB
    await vi.advanceTimersByTimeAsync(1000);
    expect(huge.batches().map((b) => b.events.map((e) => [e.id, e.customData]))).toEqual([[["ev-1", undefined]]]);
  });
});

describe("consent", () => {
  test("analytics only: clientId + UTM, no ad identifiers, no PII, nothing stored, no restore", async () => {
    const s = sandbox({
      privacy: ANALYTICS_ONLY,
      cookies: { _fbp: "fb.1.1596403881668.1116446470", _ga: "GA1.1.1.2" },
    });
    s.publish("checkout_contact_info_submitted", { checkout: { token: "tok", email: "a@b.co", phone: "+15145550100" } });
    await vi.advanceTimersByTimeAsync(1000);
    const [batch] = s.batches();
    expect(batch?.identity).toEqual({ clientId: "shopify-client-1", utm: { source: "facebook", medium: "paid_social" } });
    expect(batch?.events[0]?.email).toBeUndefined();
    expect(batch?.events[0]?.phone).toBeUndefined();
    expect(batch?.events[0]?.url).toBe("https://shop.example/?utm_source=facebook&utm_medium=paid_social");
    expect(s.calls.map((c) => c.init.method)).toEqual(["POST"]);
    expect(s.cookieWrites).toEqual([]);
    expect(s.storageWrites).toEqual([]);
  });

  test("sale-of-data opt-out withholds ad identifiers even with marketing consent", async () => {
    const s = sandbox({ privacy: { ...ALL, saleOfDataAllowed: false } });
    s.publish("checkout_contact_info_submitted", { checkout: { token: "tok", email: "a@b.co" } });
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.batches()[0]?.identity).toEqual({ clientId: "shopify-client-1", utm: { source: "facebook", medium: "paid_social" } });
    expect(s.batches()[0]?.events[0]?.email).toBeUndefined();
    expect(s.storageWrites).toEqual([]);
  });

  test("events before any consent decision are held in memory, then sent once analytics is granted", async () => {
    const s = sandbox({ privacy: NONE });
    s.publish("page_viewed");
    s.publish("product_viewed");
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.calls).toEqual([]);
    s.consent(ALL);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.batches().map((b) => [b.consent, b.events.map((e) => e.id)])).toEqual([[consentOf(ALL), ["ev-1", "ev-2"]]]);
    // Held events were captured without marketing consent: their URLs stay scrubbed.
    expect(s.batches()[0]?.events[0]?.url).toBe("https://shop.example/?utm_source=facebook&utm_medium=paid_social");
  });

  test("a declined visitor's events are dropped for good", async () => {
    const s = sandbox({ privacy: NONE });
    s.publish("page_viewed");
    s.consent(NONE);
    s.publish("product_viewed");
    s.consent(ALL);
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.posts()).toEqual([]);
  });

  test("marketing withdrawn: persisted ids deleted, later batches carry no ad identifiers", async () => {
    const s = sandbox({ privacy: ALL, cookies: { _fbp: "fb.1.1596403881668.1116446470" } });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.batches()[0]?.identity.visitorId).toBe("vid-new-1");
    expect(s.storage.get("_tl_vid")).toBe("vid-new-1");
    expect(s.cookies.get("_tl_vid")).toBe("vid-new-1");

    s.consent(ANALYTICS_ONLY);
    s.publish("checkout_contact_info_submitted", { checkout: { token: "tok", email: "a@b.co" } });
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.cookies.has("_tl_vid")).toBe(false);
    expect(s.storage.has("_tl_vid")).toBe(false);
    expect(s.storage.has("_tl_clk")).toBe(false);
    const [, second] = s.batches();
    expect(second?.consent).toEqual(consentOf(ANALYTICS_ONLY));
    expect(second?.identity).toEqual({ clientId: "shopify-client-1", utm: { source: "facebook", medium: "paid_social" } });
    expect(second?.events[0]?.email).toBeUndefined();
  });

  test("analytics withdrawn: queued events and pending retries are dropped", async () => {
    let fail = true;
    const s = sandbox({
      privacy: ANALYTICS_ONLY,
      respond: () => new Response(null, { status: fail ? 500 : 202 }),
    });
    s.publish("checkout_completed", { checkout: { token: "tok" } });
    await vi.advanceTimersByTimeAsync(0);
    expect(s.posts()).toHaveLength(1);
    s.publish("page_viewed"); // queued, timer running
    s.consent(NONE);
    fail = false;
    s.publish("product_viewed");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.posts()).toHaveLength(1);
  });
});

describe("identity with marketing consent", () => {
  test("new visitor: restore lookup first, then a new id persisted in cookie and localStorage; _fbc written", async () => {
    const s = sandbox({
      privacy: ALL,
      cookies: { _fbp: "fb.1.1596403881668.1116446470", _ga: "GA1.1.1234567890.1700000000" },
      respond: (call) =>
        call.init.method === "GET"
          ? Response.json({ visitorId: null, clickIds: {} })
          : new Response(null, { status: 202 }),
    });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.calls.map((c) => [c.init.method, c.url])).toEqual([
      ["GET", "https://shop.example/apps/trueline/restore?clientId=shopify-client-1"],
      ["POST", EVENTS_URL],
    ]);
    const fbc = `fb.1.${T0}.${FBCLID}`;
    expect(s.batches()[0]?.identity).toEqual({
      clientId: "shopify-client-1",
      visitorId: "vid-new-1",
      clickIds: { fbclid: { value: FBCLID, at: T0 } },
      cookies: { _fbp: "fb.1.1596403881668.1116446470", _ga: "GA1.1.1234567890.1700000000", _fbc: fbc },
      utm: { source: "facebook", medium: "paid_social" },
    });
    expect(s.cookieWrites.sort()).toEqual(
      [
        "_tl_vid=vid-new-1; path=/; max-age=31536000; samesite=lax; secure",
        `_fbc=${fbc}; path=/; max-age=7776000; samesite=lax; secure`,
      ].sort(),
    );
    expect(JSON.parse(s.storage.get("_tl_clk") ?? "null")).toEqual({ fbclid: { value: FBCLID, at: T0 } });
    // Resolved once per page: no second lookup.
    s.publish("product_viewed");
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.calls.filter((c) => c.init.method === "GET")).toHaveLength(1);
  });

  test("identifiers are persisted at the first event, before the batch is flushed", async () => {
    const s = sandbox({ privacy: ALL, href: PRODUCT, storage: { _tl_clk: JSON.stringify({ gclid: { value: "Cj0KCQ", at: 1 } }) } });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(0);
    expect(s.posts()).toEqual([]);
    expect(s.storage.get("_tl_vid")).toBe("vid-new-1");
    expect(s.cookies.get("_tl_vid")).toBe("vid-new-1");
  });

  test("both copies lost: the server's visitor id and click ids are restored and re-persisted", async () => {
    const s = sandbox({
      privacy: ALL,
      href: "https://shop.example/products/linen-shirt",
      respond: (call) =>
        call.init.method === "GET"
          ? Response.json({ visitorId: "tlv-restored-7", clickIds: { gclid: { value: "Cj0KCQ", at: 1690000000000 }, bogus: 1 } })
          : new Response(null, { status: 202 }),
    });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.batches()[0]?.identity).toEqual({
      clientId: "shopify-client-1",
      visitorId: "tlv-restored-7",
      clickIds: { gclid: { value: "Cj0KCQ", at: 1690000000000 } },
    });
    expect(s.cookies.get("_tl_vid")).toBe("tlv-restored-7");
    expect(s.storage.get("_tl_vid")).toBe("tlv-restored-7");
    expect(JSON.parse(s.storage.get("_tl_clk") ?? "null")).toEqual({ gclid: { value: "Cj0KCQ", at: 1690000000000 } });
  });

  test("a failing restore lookup falls back to a new id", async () => {
    const s = sandbox({
      privacy: ALL,
      respond: (call) => new Response(null, { status: call.init.method === "GET" ? 500 : 202 }),
    });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.batches()[0]?.identity.visitorId).toBe("vid-new-1");
  });

  test("the localStorage copy is reused and the cookie re-created; the lost cookie jar asks the server once; same-fbclid _fbc kept", async () => {
    const existingFbc = `fb.1.1600000000000.${FBCLID}`;
    const s = sandbox({
      privacy: ALL,
      cookies: { _fbc: existingFbc },
      storage: { _tl_vid: "tlv-kept-1", _tl_clk: JSON.stringify({ fbclid: { value: FBCLID, at: 1600000000000 } }) },
    });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.calls.map((c) => c.init.method)).toEqual(["GET", "POST"]);
    expect(s.cookies.get("_tl_vid")).toBe("tlv-kept-1");
    expect(s.cookies.get("_fbc")).toBe(existingFbc);
    expect(s.batches()[0]?.identity.clickIds).toEqual({ fbclid: { value: FBCLID, at: 1600000000000 } });
    expect(s.batches()[0]?.identity.cookies).toEqual({ _fbc: existingFbc });
  });

  test("the cookie copy alone is enough: no lookup", async () => {
    const s = sandbox({ privacy: ALL, cookies: { _tl_vid: "tlv-cookie-1" } });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.calls.map((c) => c.init.method)).toEqual(["POST"]);
    expect(s.storage.get("_tl_vid")).toBe("tlv-cookie-1");
  });

  test("restored platform cookies are set back with their remaining lifetime, only where the browser lost them (ADR 0027)", async () => {
    const s = sandbox({
      privacy: ALL,
      href: PRODUCT,
      cookies: { _ga: "GA1.1.kept.1" },
      respond: (call) =>
        call.init.method === "GET"
          ? Response.json({
              visitorId: "tlv-restored-9",
              clickIds: {},
              cookies: {
                _fbp: { value: "fb.1.1700000000000.42", maxAge: 5000 },
                _ga: { value: "GA1.1.server.2", maxAge: 9000 },
                _ttp: { value: "bad;value", maxAge: 100 },
                _scid: { value: "scid-1", maxAge: 0 },
                _epik: { value: "epik-1", maxAge: 10 ** 9 },
                _tl_other: { value: "x", maxAge: 10 },
              },
            })
          : new Response(null, { status: 202 }),
    });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.cookieWrites.filter((w) => !w.startsWith("_tl_vid="))).toEqual(["_fbp=fb.1.1700000000000.42; path=/; max-age=5000; samesite=lax; secure"]);
    expect(s.cookies.get("_ga")).toBe("GA1.1.kept.1");
    // The batch already carries the restored cookie.
    expect(s.batches()[0]?.identity.cookies).toEqual({ _fbp: "fb.1.1700000000000.42", _ga: "GA1.1.kept.1" });
    expect(s.batches()[0]?.identity.visitorId).toBe("tlv-restored-9");
  });

  test("a hanging restore lookup is abandoned after 3 s", async () => {
    const s = sandbox({
      privacy: ALL,
      respond: (call) =>
        call.init.method === "GET"
          ? new Promise<Response>((_, reject) => call.init.signal?.addEventListener("abort", () => reject(new Error("aborted"))))
          : new Response(null, { status: 202 }),
    });
    s.publish("page_viewed"); // a landing page: sent at once, but the batch waits for the identity
    await vi.advanceTimersByTimeAsync(2999);
    expect(s.posts()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.batches()[0]?.identity.visitorId).toBe("vid-new-1");
  });
});

describe("robustness", () => {
  test("if no visitor id can be minted, batches still go out, without ad identifiers", async () => {
    const s = sandbox({ privacy: ALL, noCrypto: true });
    s.publish("page_viewed");
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.batches().map((b) => b.identity)).toEqual([
      { clientId: "shopify-client-1", utm: { source: "facebook", medium: "paid_social" } },
    ]);
  });


  test("a throwing or rejecting sandbox API never escapes, and events still go out", async () => {
    const s = sandbox({ privacy: ALL, brokenBrowser: true });
    expect(() => s.publish("page_viewed", { productVariant: { price: { amount: Number.NaN } } })).not.toThrow();
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.batches()[0]?.identity).toEqual({
      clientId: "shopify-client-1",
      visitorId: "vid-new-1",
      clickIds: { fbclid: { value: FBCLID, at: T0 } },
      utm: { source: "facebook", medium: "paid_social" },
    });
  });
});
