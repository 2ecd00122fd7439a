/**
 * Trueline web pixel entry point (built by the Shopify CLI, and by ../build.mjs
 * for the size check and the browser tests). All logic lives in pixel.ts.
 * https://shopify.dev/docs/api/web-pixels-api
 */
import { register } from "@shopify/web-pixels-extension";
import { newVisitorId } from "./identity";
import { startPixel, type Env } from "./pixel";

const env: Env = {
  fetch: (url, init) => fetch(url, init),
  now: () => Date.now(),
  newId: () => newVisitorId(crypto),
  random: () => Math.random(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

register((api) => {
  try {
    startPixel(api, env);
  } catch {
    // Never break the storefront, whatever the sandbox hands us.
  }
});
