#!/usr/bin/env node
// Apply migrations to DATABASE_URL with `prisma migrate deploy` (JS schema engine):
// prisma/sqlite for file: URLs (the default), prisma/postgres for postgres URLs.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export function migrate(url = process.env.DATABASE_URL ?? "file:./data/trueline.sqlite", { quiet = false } = {}) {
  const provider = url.startsWith("file:") ? "sqlite" : "postgres";
  if (provider === "sqlite") {
    const file = url.slice("file:".length).split("?")[0];
    mkdirSync(path.dirname(path.resolve(root, file)), { recursive: true });
  }
  execFileSync(
    process.execPath,
    [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy", "--config", path.join(root, `prisma/${provider}.config.ts`)],
    { cwd: root, env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" }, stdio: quiet ? "pipe" : "inherit" },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) migrate();
