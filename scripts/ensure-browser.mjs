#!/usr/bin/env node
/**
 * Makes sure the browser tests have a Chromium to drive (docs/machines.md, "Browser").
 *
 * The one place that decides which Chromium the tests use. In order:
 *   1. CHROMIUM_PATH, when set (must be an executable file; no fallback if it is not);
 *   2. /usr/bin/chromium (Debian's package);
 *   3. `chromium` on PATH;
 *   4. otherwise install Debian's `chromium` (`apt-get update` then `apt-get install -y chromium`)
 *      when this process may: running as root, or passwordless `sudo -n` works, and apt-get
 *      exists; TRUELINE_NO_BROWSER_INSTALL=1 forbids it;
 *   5. otherwise fail with one line naming what to install.
 *
 * `npm test` runs this first; test/browser-global-setup.ts runs it too, so
 * `npx vitest run test/admin` on a machine without Chromium installs it as well. The
 * browser harnesses read the result through test/support/browser.ts (CHROMIUM_PATH is
 * set for the test processes).
 *
 * Run directly: `node scripts/ensure-browser.mjs` prints the path, or the one line and exits 1.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** The one line printed when no browser can be had. */
export const NO_BROWSER_LINE =
  "No Chromium for the browser tests: install Debian's chromium (`sudo apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium executable.";

function isExecutable(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name, env) {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds a Chromium without installing anything. Returns its path, or undefined.
 * `debianPath` exists for this script's own tests.
 * @param {Record<string, string | undefined>} [env]
 * @param {string} [debianPath]
 * @returns {string | undefined}
 */
export function findBrowser(env = process.env, debianPath = DEBIAN_CHROMIUM) {
  if (env.CHROMIUM_PATH) {
    if (isExecutable(env.CHROMIUM_PATH)) return env.CHROMIUM_PATH;
    throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file. ${NO_BROWSER_LINE}`);
  }
  if (isExecutable(debianPath)) return debianPath;
  return onPath("chromium", env);
}

/** How this process may run apt-get: directly (root), through `sudo -n`, or not at all. */
function installer(env) {
  if (env.TRUELINE_NO_BROWSER_INSTALL === "1") return undefined;
  if (process.platform !== "linux" || !onPath("apt-get", env)) return undefined;
  if (typeof process.getuid === "function" && process.getuid() === 0) return [];
  if (onPath("sudo", env) && spawnSync("sudo", ["-n", "true"], { stdio: "ignore", env }).status === 0) return ["sudo", "-n"];
  return undefined;
}

function run(prefix, args, env) {
  const [cmd, ...rest] = [...prefix, ...args];
  const r = spawnSync(cmd, rest, { stdio: ["ignore", "ignore", "pipe"], env: { ...env, DEBIAN_FRONTEND: "noninteractive" }, encoding: "utf8" });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split("\n").slice(-3).join(" / ");
    throw new Error(`\`${[cmd, ...rest].join(" ")}\` failed (${why}). ${NO_BROWSER_LINE}`);
  }
}

/**
 * Returns the path of a Chromium, installing Debian's package when there is none and this
 * process may. Throws an Error whose message is the one line to show otherwise.
 * @param {{ env?: Record<string, string | undefined>, log?: (line: string) => void, debianPath?: string }} [opts]
 * @returns {string}
 */
export function ensureBrowser({ env = process.env, log = (line) => console.error(line), debianPath = DEBIAN_CHROMIUM } = {}) {
  const found = findBrowser(env, debianPath);
  if (found) return found;
  const prefix = installer(env);
  if (!prefix) throw new Error(NO_BROWSER_LINE);
  log("browser tests: no Chromium on this machine; installing Debian's chromium (apt-get update && apt-get install -y chromium)");
  run(prefix, ["apt-get", "update", "-qq"], env);
  run(prefix, ["apt-get", "install", "-y", "-qq", "chromium"], env);
  const installed = findBrowser(env, debianPath);
  if (!installed) throw new Error(`apt-get installed chromium but no executable appeared at ${debianPath}. ${NO_BROWSER_LINE}`);
  log(`browser tests: installed ${installed}`);
  return installed;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(`browser tests: Chromium at ${ensureBrowser()}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
