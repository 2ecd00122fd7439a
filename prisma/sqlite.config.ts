// Prisma CLI config for the embedded default (SQLite through better-sqlite3).
// Uses the JS schema engine through the driver adapter: nothing is downloaded.
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

const url = process.env.DATABASE_URL ?? "file:./data/trueline.sqlite";
process.env.DATABASE_URL = url; // the schema's env("DATABASE_URL") must resolve for the CLI

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "sqlite/schema.prisma",
  migrations: { path: "sqlite/migrations" },
  async adapter() {
    return new PrismaBetterSQLite3({ url });
  },
});
