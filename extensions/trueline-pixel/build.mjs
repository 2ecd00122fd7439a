// Bundles src/index.ts into dist/main.js (minified IIFE, as the strict sandbox
// loads it) and prints its size. The Shopify CLI does its own build on deploy;
// this one feeds the size budget and the browser tests in test/pixel.
// Usage: node extensions/trueline-pixel/build.mjs   (from any directory)
import { build } from "esbuild";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, "dist", "main.js");
/** Our budget; Shopify's own hard limit is 128 KB (Shopify CLI web_pixel_extension spec). */
const BUDGET_BYTES = 20 * 1024;

await build({
  entryPoints: [join(here, "src", "index.ts")],
  outfile,
  bundle: true,
  minify: true,
  format: "iife",
  platform: "browser",
  // Browsers Shopify's checkout supports; keeps ??, ?. and async/await native (smaller).
  target: ["es2020"],
  legalComments: "none",
  logLevel: "warning",
});

const bytes = statSync(outfile).size;
console.log(`trueline-pixel: dist/main.js ${bytes} bytes (budget ${BUDGET_BYTES})`);
if (bytes > BUDGET_BYTES) {
  console.log("trueline-pixel: over budget");
  process.exitCode = 1;
}
