/**
 * Vitest global setup: when this run includes a test that drives a browser (a
 * `*.browser.test.ts` file, or any test file calling `launchChromium` / `openAdmin`), make
 * sure there is a Chromium (scripts/ensure-browser.mjs: use the machine's, else install
 * Debian's, else fail with one line naming what to install). Runs without browser tests never
 * look for one. The test processes find the same executable through test/support/browser.ts.
 */
import { readFileSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { ensureBrowser } from "../scripts/ensure-browser.mjs";

const DRIVES_A_BROWSER = /\b(launchChromium|openAdmin)\s*\(/;

function drivesBrowser(file: string): boolean {
  if (file.endsWith(".browser.test.ts")) return true;
  try {
    return DRIVES_A_BROWSER.test(readFileSync(file, "utf8"));
  } catch {
    return false;
  }
}

export default function setup(project: TestProject): void {
  // The files this run will execute are collected before global setup runs; when that list
  // cannot be read, assume the browser is needed.
  const files = (project.vitest.state as { getPaths?: () => string[] }).getPaths?.() ?? [];
  if (files.length > 0 && !files.some(drivesBrowser)) return;
  try {
    process.env.CHROMIUM_PATH = ensureBrowser();
  } catch (e) {
    // One line, no stack, and not vitest's "No test files found" after it: what is missing and
    // what to install. (This setup runs first, so there is nothing to tear down yet.)
    console.error((e as Error).message);
    process.exit(1);
  }
}
