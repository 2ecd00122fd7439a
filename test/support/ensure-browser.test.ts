import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureBrowser, findBrowser, NO_BROWSER_LINE } from "../../scripts/ensure-browser.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "ensure-browser-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const nowhere = path.join(dir, "no-such-chromium");

function fakeChromium(name: string, mode = 0o755): string {
  const file = path.join(dir, name);
  writeFileSync(file, "#!/bin/sh\necho Chromium 0\n");
  chmodSync(file, mode);
  return file;
}

describe("ensure-browser: which Chromium the browser tests drive", () => {
  it("takes CHROMIUM_PATH first, then the Debian path, then `chromium` on PATH", () => {
    const explicit = fakeChromium("explicit");
    const debian = fakeChromium("debian");
    const binDir = mkdtempSync(path.join(dir, "bin-"));
    const onPath = path.join(binDir, "chromium");
    writeFileSync(onPath, "#!/bin/sh\n");
    chmodSync(onPath, 0o755);
    expect(findBrowser({ CHROMIUM_PATH: explicit, PATH: binDir }, debian)).toBe(explicit);
    expect(findBrowser({ PATH: binDir }, debian)).toBe(debian);
    expect(findBrowser({ PATH: binDir }, nowhere)).toBe(onPath);
    expect(findBrowser({ PATH: dir }, nowhere)).toBeUndefined();
  });

  it("refuses a CHROMIUM_PATH that is not an executable file instead of silently using another", () => {
    const notExecutable = fakeChromium("not-executable", 0o644);
    expect(() => findBrowser({ CHROMIUM_PATH: notExecutable }, fakeChromium("debian2"))).toThrow(/CHROMIUM_PATH=.*not an executable/);
  });

  it("with no browser and installing forbidden, fails with the one line naming what to install", () => {
    const logged: string[] = [];
    expect(() => ensureBrowser({ env: { PATH: dir, TRUELINE_NO_BROWSER_INSTALL: "1" }, debianPath: nowhere, log: (l) => logged.push(l) })).toThrow(NO_BROWSER_LINE);
    expect(NO_BROWSER_LINE).toMatch(/apt-get install -y chromium/);
    expect(NO_BROWSER_LINE).not.toContain("\n");
    expect(logged).toEqual([]); // it did not try to install
  });

  it("run as a command, it prints the path it found", () => {
    const explicit = fakeChromium("explicit-cli");
    const r = spawnSync(process.execPath, [path.join(import.meta.dirname, "..", "..", "scripts", "ensure-browser.mjs")], {
      env: { ...process.env, CHROMIUM_PATH: explicit },
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`browser tests: Chromium at ${explicit}`);
  });
});
