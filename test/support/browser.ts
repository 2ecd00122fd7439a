/**
 * The one place the browser tests get their Chromium from (docs/machines.md, "Browser").
 * scripts/ensure-browser.mjs decides (CHROMIUM_PATH, /usr/bin/chromium, `chromium` on PATH)
 * and, run by `npm test` and by test/browser-global-setup.ts, installs Debian's package when
 * the machine has none. Never a browser downloaded by Playwright.
 */
import { chromium, type Browser, type LaunchOptions } from "playwright-core";
import { findBrowser, NO_BROWSER_LINE } from "../../scripts/ensure-browser.mjs";

/** The Chromium executable the tests drive; throws the one line naming what to install. */
export function chromiumPath(): string {
  const found = findBrowser(process.env);
  if (!found) throw new Error(NO_BROWSER_LINE);
  return found;
}

/** Launches that Chromium headless with the given extra arguments. */
export function launchChromium(args: string[], options: Omit<LaunchOptions, "executablePath" | "args"> = {}): Promise<Browser> {
  return chromium.launch({ ...options, executablePath: chromiumPath(), args });
}
