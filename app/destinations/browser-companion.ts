import type { CanonicalEventName } from "~/core/conversions/conversion";
import { FORWARDED_STOREFRONT_EVENTS } from "~/core/events/storefront-conversion";
import type { DestinationKind } from "./destination";
import { GA4_EVENT_NAMES } from "./ga4/map-event";
import { META_EVENT_NAMES } from "./meta/map-event";
import { PINTEREST_EVENT_NAMES } from "./pinterest/map-event";
import { SNAPCHAT_EVENT_NAMES } from "./snapchat/map-event";
import { TIKTOK_EVENT_NAMES } from "./tiktok/map-event";

/**
 * The browser companion (ADR 0028): a Shopify custom pixel ("Settings → Customer events →
 * Add custom pixel") generated per shop, that loads each enabled platform's own browser tag
 * and fires the standard events under the SAME event ids the server sends (ADR 0004), so each
 * platform counts a conversion once whether it saw it from the browser, the server or both.
 *
 * The ids are computed in the browser exactly as the server computes them:
 * - storefront events: Shopify's customer event id (`event.id`), the id the Trueline pixel
 *   stores and the server forwards (app/core/events/storefront-conversion.ts);
 * - purchase: `purchase-<numeric order id>` from `checkout_completed`'s `checkout.order.id`
 *   (numeric tail of the gid, app/core/conversions/event-id.ts).
 * test/pixel/companion.browser.test.ts runs the script in Chromium and compares.
 */

export type CompanionKind = Extract<DestinationKind, "meta" | "tiktok" | "ga4" | "pinterest" | "snapchat">;
export const COMPANION_KINDS: readonly CompanionKind[] = ["meta", "tiktok", "ga4", "pinterest", "snapchat"];

/** One platform's browser tag in the companion: its id and the event names it fires. */
export interface CompanionTag {
  kind: CompanionKind;
  /** Meta pixel id, TikTok pixel code, GA4 measurement id, Pinterest tag id, Snap pixel id. */
  tagId: string;
  /** canonical event → the tag's event name (only the events the destination forwards). */
  events: Partial<Record<CanonicalEventName, string>>;
}

export interface CompanionDestination {
  kind: DestinationKind;
  label: string;
  enabled: boolean;
  publicConfig: Record<string, unknown>;
  events: Partial<Record<CanonicalEventName, boolean>>;
}

export interface CompanionPlan {
  tags: CompanionTag[];
  /** Destinations that get no browser tag, with the reason in a merchant's words. */
  skipped: Array<{ kind: DestinationKind; label: string; reason: string }>;
}

/** Shopify customer event → canonical event, for the events the browser tags take. */
export const COMPANION_SHOPIFY_EVENTS: Readonly<Record<string, CanonicalEventName>> = {
  ...FORWARDED_STOREFRONT_EVENTS,
  checkout_completed: "purchase",
};

/**
 * The Pinterest tag spells its events differently from the API for Conversions
 * (https://help.pinterest.com/en/business/article/add-event-codes): API name → tag name.
 * API events without a tag equivalent (add_payment_info) are not fired in the browser.
 */
const PINTEREST_TAG_NAMES: Readonly<Record<string, string>> = {
  page_visit: "pagevisit",
  search: "search",
  add_to_cart: "addtocart",
  checkout: "checkout",
  custom: "custom",
};

const TAG_ID: Record<CompanionKind, { field: string; pattern: RegExp; missing: string }> = {
  meta: { field: "pixelId", pattern: /^[0-9]{5,20}$/, missing: "no pixel id" },
  tiktok: { field: "pixelCode", pattern: /^[A-Za-z0-9]{8,40}$/, missing: "no pixel code" },
  ga4: { field: "measurementId", pattern: /^G-[A-Z0-9]{4,20}$/, missing: "no measurement id" },
  pinterest: { field: "tagId", pattern: /^[0-9]{5,20}$/, missing: "no tag id: add the Pinterest tag id in the destination's settings" },
  snapchat: { field: "pixelId", pattern: /^[A-Za-z0-9-]{8,64}$/, missing: "no pixel id" },
};

function tagEventName(kind: CompanionKind, event: CanonicalEventName, config: Record<string, unknown>): string | null {
  switch (kind) {
    case "meta":
      return META_EVENT_NAMES[event];
    case "tiktok":
      // Same name as the server sends (ttq.track), purchase as configured (Purchase, CompletePayment, PlaceAnOrder).
      return event === "purchase" && typeof config.purchaseEventName === "string" ? config.purchaseEventName : TIKTOK_EVENT_NAMES[event];
    case "ga4":
      return GA4_EVENT_NAMES[event];
    case "pinterest": {
      const api = PINTEREST_EVENT_NAMES[event];
      return api ? (PINTEREST_TAG_NAMES[api] ?? null) : null;
    }
    case "snapchat":
      return SNAPCHAT_EVENT_NAMES[event];
  }
}

/** Which destinations get a browser tag, from their public settings and event switches. */
export function planCompanion(destinations: readonly CompanionDestination[]): CompanionPlan {
  const plan: CompanionPlan = { tags: [], skipped: [] };
  const browserEvents = [...new Set(Object.values(COMPANION_SHOPIFY_EVENTS))];
  for (const d of destinations) {
    if (!(COMPANION_KINDS as readonly string[]).includes(d.kind)) {
      plan.skipped.push({ kind: d.kind, label: d.label, reason: "no browser tag to deduplicate with (its conversions come from the server only)" });
      continue;
    }
    const kind = d.kind as CompanionKind;
    if (!d.enabled) {
      plan.skipped.push({ kind, label: d.label, reason: "paused or switched off" });
      continue;
    }
    const spec = TAG_ID[kind];
    const tagId = d.publicConfig[spec.field];
    if (typeof tagId !== "string" || !spec.pattern.test(tagId)) {
      plan.skipped.push({ kind, label: d.label, reason: spec.missing });
      continue;
    }
    const events: Partial<Record<CanonicalEventName, string>> = {};
    for (const e of browserEvents) {
      const name = d.events[e] ? tagEventName(kind, e, d.publicConfig) : null;
      if (name) events[e] = name;
    }
    if (Object.keys(events).length === 0) {
      plan.skipped.push({ kind, label: d.label, reason: "none of its storefront events or purchases is switched on" });
      continue;
    }
    // One tag per platform: a second destination of the same kind would load the tag twice.
    if (plan.tags.some((t) => t.kind === kind)) {
      plan.skipped.push({ kind, label: d.label, reason: "another destination of this platform already has the browser tag" });
      continue;
    }
    plan.tags.push({ kind, tagId, events });
  }
  return plan;
}

/** The runtime part of the script: plain ES2015, no dependency, runs in Shopify's custom pixel sandbox. */
const RUNTIME = String.raw`
  var EVENTS = __EVENTS__;
  var w = window;
  function digits(raw) {
    var tail = String(raw == null ? "" : raw).trim().split("/").pop() || "";
    var d = tail.split("?")[0];
    return /^[0-9]{1,24}$/.test(d) ? d : null;
  }
  // ADR 0004: the ids the server sends for the same Shopify event.
  function eventIdOf(event, canonical) {
    if (canonical !== "purchase") return typeof event.id === "string" && event.id ? event.id : null;
    var order = event.data && event.data.checkout && event.data.checkout.order;
    var id = order && digits(order.id);
    return id ? "purchase-" + id : null;
  }
  function num(x) { var n = Number(x); return isFinite(n) ? n : undefined; }
  function factsOf(event, canonical) {
    var d = event.data || {};
    var f = { value: undefined, currency: undefined, items: [], query: undefined, orderId: undefined };
    var variantItem = function (v, qty) {
      if (!v) return;
      f.items.push({ id: String(v.id || (v.product && v.product.id) || ""), productId: v.product && v.product.id, title: v.product && v.product.title, price: v.price && num(v.price.amount), quantity: qty || 1 });
    };
    if (canonical === "view_content" && d.productVariant) {
      variantItem(d.productVariant, 1);
      f.value = d.productVariant.price && num(d.productVariant.price.amount);
      f.currency = d.productVariant.price && d.productVariant.price.currencyCode;
    } else if (canonical === "add_to_cart" && d.cartLine) {
      variantItem(d.cartLine.merchandise, d.cartLine.quantity);
      var cost = d.cartLine.cost && d.cartLine.cost.totalAmount;
      f.value = cost && num(cost.amount);
      f.currency = cost && cost.currencyCode;
    } else if (d.checkout) {
      (d.checkout.lineItems || []).forEach(function (l) { variantItem(l.variant, l.quantity); });
      f.value = d.checkout.totalPrice && num(d.checkout.totalPrice.amount);
      f.currency = (d.checkout.totalPrice && d.checkout.totalPrice.currencyCode) || d.checkout.currencyCode;
      f.orderId = d.checkout.order && digits(d.checkout.order.id);
    } else if (canonical === "search" && d.searchResult) {
      f.query = d.searchResult.query;
    }
    f.items = f.items.filter(function (i) { return i.id; });
    return f;
  }
  function inject(src) {
    var s = document.createElement("script");
    s.async = true;
    s.src = src;
    (document.head || document.documentElement).appendChild(s);
  }
  var TAGS = {
    meta: {
      load: function (id) {
        if (!w.fbq) {
          var q = (w.fbq = function () { q.callMethod ? q.callMethod.apply(q, arguments) : q.queue.push(arguments); });
          w._fbq = w._fbq || q; q.push = q; q.loaded = true; q.version = "2.0"; q.queue = [];
          inject("https://connect.facebook.net/en_US/fbevents.js");
        }
        w.fbq("init", id);
      },
      fire: function (id, name, eventId, f) {
        var p = {};
        if (f.value !== undefined && f.currency) { p.value = f.value; p.currency = f.currency; }
        if (f.items.length) { p.content_ids = f.items.map(function (i) { return i.id; }); p.content_type = "product"; p.num_items = f.items.reduce(function (n, i) { return n + i.quantity; }, 0); }
        if (f.query) p.search_string = f.query;
        w.fbq("trackSingle", id, name, p, { eventID: eventId });
      },
    },
    tiktok: {
      load: function (id) {
        if (!w.ttq) {
          var t = (w.ttq = []);
          w.TiktokAnalyticsObject = "ttq";
          t.methods = ["page", "track", "identify", "instances", "debug", "on", "off", "once", "ready", "alias", "group", "enableCookie", "disableCookie", "holdConsent", "revokeConsent", "grantConsent"];
          t.setAndDefer = function (o, m) { o[m] = function () { o.push([m].concat(Array.prototype.slice.call(arguments, 0))); }; };
          for (var i = 0; i < t.methods.length; i++) t.setAndDefer(t, t.methods[i]);
          t.instance = function (code) { for (var e = t._i[code] || [], n = 0; n < t.methods.length; n++) t.setAndDefer(e, t.methods[n]); return e; };
          t.load = function (code, opts) {
            var src = "https://analytics.tiktok.com/i18n/pixel/events.js";
            t._i = t._i || {}; t._i[code] = []; t._i[code]._u = src;
            t._t = t._t || {}; t._t[code] = +new Date();
            t._o = t._o || {}; t._o[code] = opts || {};
            inject(src + "?sdkid=" + code + "&lib=ttq");
          };
        }
        w.ttq.load(id);
      },
      fire: function (id, name, eventId, f) {
        var p = {};
        if (f.value !== undefined && f.currency) { p.value = f.value; p.currency = f.currency; }
        if (f.items.length) p.contents = f.items.map(function (i) { return { content_id: i.id, content_type: "product", quantity: i.quantity, price: i.price }; });
        if (f.query) p.query = f.query;
        w.ttq.instance(id).track(name, p, { event_id: eventId });
      },
    },
    ga4: {
      load: function (id) {
        if (!w.gtag) {
          w.dataLayer = w.dataLayer || [];
          w.gtag = function () { w.dataLayer.push(arguments); };
          w.gtag("js", new Date());
          inject("https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(id));
        }
        // Page views are sent by the companion (with the event id), not by gtag's config.
        w.gtag("config", id, { send_page_view: false });
      },
      fire: function (id, name, eventId, f, event) {
        var p = { send_to: id, event_id: eventId };
        var loc = event.context && event.context.document && event.context.document.location;
        if (loc && loc.href) p.page_location = loc.href;
        if (f.value !== undefined && f.currency) { p.value = f.value; p.currency = f.currency; }
        if (f.items.length) p.items = f.items.map(function (i) { return { item_id: i.id, item_name: i.title, price: i.price, quantity: i.quantity }; });
        if (f.query) p.search_term = f.query;
        // GA4 keeps one purchase per transaction_id: the server sends the same order id.
        if (name === "purchase" && f.orderId) p.transaction_id = f.orderId;
        w.gtag("event", name, p);
      },
    },
    pinterest: {
      load: function (id) {
        if (!w.pintrk) {
          var q = (w.pintrk = function () { q.queue.push(Array.prototype.slice.call(arguments)); });
          q.queue = []; q.version = "3.0";
          inject("https://s.pinimg.com/ct/core.js");
        }
        w.pintrk("load", id);
      },
      fire: function (id, name, eventId, f) {
        var p = { event_id: eventId };
        if (f.value !== undefined && f.currency) { p.value = f.value; p.currency = f.currency; }
        if (f.items.length) { p.line_items = f.items.map(function (i) { return { product_id: i.id, product_name: i.title, product_price: i.price, product_quantity: i.quantity }; }); p.order_quantity = f.items.reduce(function (n, i) { return n + i.quantity; }, 0); }
        if (f.orderId) p.order_id = f.orderId;
        if (f.query) p.search_query = f.query;
        w.pintrk("track", name, p);
      },
    },
    snapchat: {
      load: function (id) {
        if (!w.snaptr) {
          var a = (w.snaptr = function () { a.handleRequest ? a.handleRequest.apply(a, arguments) : a.queue.push(arguments); });
          a.queue = [];
          inject("https://sc-static.net/scevent.min.js");
        }
        w.snaptr("init", id, {});
      },
      fire: function (id, name, eventId, f) {
        var p = { client_dedup_id: eventId };
        if (f.value !== undefined && f.currency) { p.price = f.value; p.currency = f.currency; }
        if (f.items.length) { p.item_ids = f.items.map(function (i) { return i.id; }); p.number_items = f.items.reduce(function (n, i) { return n + i.quantity; }, 0); }
        if (f.orderId) p.transaction_id = f.orderId;
        if (f.query) p.search_string = f.query;
        w.snaptr("track", name, p);
      },
    },
  };

  // Consent: the tags load and fire only when the shopper allows marketing and the sale of
  // data (as the server's own rule for ad identifiers). Events before a decision wait.
  var allowed = null, loaded = false, held = [];
  function decide(p) {
    allowed = !!(p && p.analyticsProcessingAllowed && p.marketingAllowed && p.saleOfDataAllowed);
    if (!allowed) { held = []; return; }
    if (!loaded) {
      loaded = true;
      CONFIG.forEach(function (c) { try { TAGS[c.kind].load(c.tagId); } catch (e) {} });
    }
    var queue = held; held = [];
    queue.forEach(handle);
  }
  function handle(event) {
    var canonical = EVENTS[event.name];
    if (!canonical) return;
    if (allowed === null) { if (held.length < 50) held.push(event); return; }
    if (!allowed) return;
    var eventId = eventIdOf(event, canonical);
    if (!eventId) return;
    var f = factsOf(event, canonical);
    CONFIG.forEach(function (c) {
      var name = c.events[canonical];
      if (name) { try { TAGS[c.kind].fire(c.tagId, name, eventId, f, event); } catch (e) {} }
    });
  }
  analytics.subscribe("all_standard_events", function (event) { try { handle(event); } catch (e) {} });
  try {
    customerPrivacy.subscribe("visitorConsentCollected", function (e) { decide(e && e.customerPrivacy); });
  } catch (e) {}
  var initial = (typeof init !== "undefined" && init && init.customerPrivacy) || null;
  if (initial && initial.analyticsProcessingAllowed && initial.marketingAllowed && initial.saleOfDataAllowed) decide(initial);
`;

/**
 * The custom pixel's code for one shop, ready to paste. Deterministic (same plan, same
 * text), so the admin can show whether the pasted copy is current.
 */
export function companionScript(shop: string, plan: Pick<CompanionPlan, "tags">): string {
  const config = plan.tags.map((t) => ({ kind: t.kind, tagId: t.tagId, events: t.events }));
  const header = [
    `// Trueline browser companion for ${shop.replace(/[^a-z0-9.-]/gi, "")}.`,
    "// Shopify admin → Settings → Customer events → Add custom pixel → paste this code →",
    "// Customer privacy: Permission \"Marketing\", Data sale \"Data collected qualifies as data sale\" → Save → Connect.",
    "// Generated by Trueline from your destinations; after changing them, copy it again from the",
    "// Trueline admin (Browser companion). It fires each platform's browser events with the same",
    "// event ids as Trueline's server events, so each platform counts every conversion once.",
    `// Platforms: ${config.length ? config.map((c) => `${c.kind} ${c.tagId}`).join(", ") : "none"}.`,
  ].join("\n");
  const events = JSON.stringify(COMPANION_SHOPIFY_EVENTS);
  return `${header}\n(function () {\n  var CONFIG = ${JSON.stringify(config)};${RUNTIME.replace("__EVENTS__", events)}})();\n`;
}
