// Stand-in for Shopify's STRICT pixel sandbox, which is a web worker: no DOM, no
// document.cookie; the pixel reaches the storefront's cookies and storage only
// through async proxies that run in the top frame (docs/platform/shopify.md, "Web pixel").
// The host page (host.html) answers those proxy calls with the REAL page storage.
//
// Protocol (page → worker): boot {init, settings, bundleUrl} | publish {event} |
// consent {customerPrivacy} | rpc-result {id, value|error}.
// (worker → page): ready {subscriptions, privacySubscriptions} | rpc {...} | error {message}.
"use strict";

const subscribers = new Map(); // analytics.subscribe(name) → callbacks
const privacySubscribers = []; // [name, callback]
const pending = new Map();
let rpcSeq = 0;

function report(kind, err) {
  postMessage({ t: "error", message: `${kind}: ${(err && err.stack) || err}` });
}
self.addEventListener("error", (e) => report("error", e.message));
self.addEventListener("unhandledrejection", (e) => report("unhandledrejection", e.reason));

function rpc(target, method, args) {
  return new Promise((resolve, reject) => {
    const id = ++rpcSeq;
    pending.set(id, { resolve, reject });
    postMessage({ t: "rpc", id, target, method, args });
  });
}

function storage(target) {
  return {
    getItem: (key) => rpc(target, "getItem", [key]),
    setItem: (key, value) => rpc(target, "setItem", [key, value]),
    removeItem: (key) => rpc(target, "removeItem", [key]),
    key: (index) => rpc(target, "key", [index]),
    length: () => rpc(target, "length", []),
    clear: () => rpc(target, "clear", []),
  };
}

// Meta names a pixel may subscribe to besides the event's own name (@shopify/web-pixels-extension types).
function metaNames(event) {
  if (event.type === "standard") return ["all_standard_events", "all_events"];
  if (event.type === "custom") return ["all_custom_events", "all_events"];
  if (event.type === "dom") return ["all_dom_events", "all_events"];
  return [];
}

function call(cb, payload) {
  try {
    cb(payload);
  } catch (err) {
    report("callback threw", err);
  }
}

self.onmessage = (message) => {
  const msg = message.data;
  switch (msg.t) {
    case "rpc-result": {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (p) msg.error ? p.reject(new Error(msg.error)) : p.resolve(msg.value);
      break;
    }
    case "boot": {
      const api = {
        settings: msg.settings,
        init: msg.init,
        analytics: {
          subscribe(name, cb) {
            const list = subscribers.get(name) || [];
            list.push(cb);
            subscribers.set(name, list);
            return () => list.splice(list.indexOf(cb), 1).length === 1;
          },
        },
        browser: {
          cookie: {
            get: (name) => rpc("cookie", "get", [name]),
            set: (cookieOrName, value) => rpc("cookie", "set", [cookieOrName, value]),
          },
          localStorage: storage("localStorage"),
          sessionStorage: storage("sessionStorage"),
          sendBeacon: () => Promise.resolve(false),
        },
        customerPrivacy: {
          subscribe(name, cb) {
            privacySubscribers.push([name, cb]);
            return () => true;
          },
        },
        _pixelInfo: {},
      };
      // What @shopify/web-pixels-extension's register() calls.
      self.shopify = {
        extend(point, extend) {
          if (point !== "WebPixel::Render") throw new Error(`unknown extension point ${point}`);
          extend(api);
        },
      };
      try {
        importScripts(msg.bundleUrl);
      } catch (err) {
        report("bundle failed", err);
      }
      postMessage({
        t: "ready",
        subscriptions: [...subscribers.keys()],
        privacySubscriptions: privacySubscribers.map(([name]) => name),
      });
      break;
    }
    case "publish": {
      const event = msg.event;
      for (const name of [event.name, ...metaNames(event)]) {
        for (const cb of subscribers.get(name) || []) call(cb, structuredClone(event));
      }
      break;
    }
    case "consent": {
      for (const [name, cb] of privacySubscribers) {
        if (name === "visitorConsentCollected") call(cb, { customerPrivacy: msg.customerPrivacy });
      }
      break;
    }
  }
};
