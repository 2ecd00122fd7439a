#!/usr/bin/env node
// The npm registry mirror on our build machines answers 404 for other platforms' native
// packages (e.g. @rollup/rollup-darwin-arm64), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock ("Missing: … from lock file").
// This adds the missing optional platform entries (os/cpu/libc from the package name,
// no tarball), which npm ci skips on other platforms and fetches on theirs.
// Run after any `npm install` that changes the lock: `node scripts/fix-lock.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const pkgs = lock.packages;
const CPU = { arm: "arm", "arm-eabi": "arm", arm64: "arm64", x64: "x64", ia32: "ia32", loong64: "loong64", ppc64: "ppc64", riscv64: "riscv64", s390x: "s390x" };

function platformOf(name) {
  const m = /^@rollup\/rollup-([a-z0-9]+)-(arm-eabi|arm|arm64|x64|ia32|loong64|ppc64|riscv64|s390x)(?:-(gnueabihf|musleabihf|gnu|musl|msvc))?$/.exec(name);
  if (!m) return null;
  const [, os, cpu, abi] = m;
  const out = { os: [os], cpu: [CPU[cpu]] };
  if (os === "linux" && abi) out.libc = [abi.startsWith("musl") ? "musl" : "glibc"];
  return out;
}

let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const base = path === "" ? "" : `${path}/`;
    const target = `${base}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (pkgs[target] || pkgs[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    pkgs[hoisted] = { version, ...platform, license: "MIT", optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`fix-lock: added ${added} optional platform entries`);
