/**
 * `npm run demo`: the whole pipeline offline, on the embedded default (SQLite, one process).
 * Starts the real server, a demo shop with an offline session and a destination per registered platform aimed
 * at local stand-ins of the ad platforms, then drives storefront traffic and orders through
 * the same HTTP endpoints Shopify would call, signed the way Shopify signs them, and prints
 * what happened. `--keep` leaves the server running for a look around.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { startStandins, STANDIN_KINDS } from "../test/standins";
import { startApp } from "../test/support/app-server";
import { openDb, seedDestination, seedInstalledShop } from "../test/support/seed";
import { TEST_API_SECRET } from "../test/support/env";
import { destinations } from "~/destinations/registry";
import type { DestinationAdapter, DestinationKind } from "~/destinations/destination";
import { DEMO_GOALS, DEMO_POLICY, GOALS_SEEDED, runScenario, summarize, printSummary, waitForQuiet } from "./demo/scenario";

const ROOT = path.resolve(import.meta.dirname, "..");
const keep = process.argv.includes("--keep");
const SHOP = "trueline-demo.myshopify.com";

async function main() {
  const started = Date.now();
  // Always the current sources: build (about 15 s) unless told the build is fresh.
  if (process.env.DEMO_SKIP_BUILD !== "1" || !existsSync(path.join(ROOT, "build/server/index.js"))) {
    process.stdout.write("building the app… ");
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], { cwd: ROOT, stdio: "pipe" });
    process.stdout.write("done\n");
  }
  const dataDir = path.join(ROOT, "data");
  mkdirSync(dataDir, { recursive: true });
  const dbFile = path.join(dataDir, "demo.sqlite");
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
  const databaseUrl = `file:${dbFile}`;
  execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });

  const standins = await startStandins();
  const db = await openDb(databaseUrl);
  await seedInstalledShop(db, SHOP);
  const registry = destinations as Partial<Record<DestinationKind, DestinationAdapter<unknown>>>;
  for (const kind of STANDIN_KINDS) {
    if (!registry[kind]) continue;
    // Custom goals are saved through each destination's page by the scenario (Google Ads's here: see GOALS_SEEDED).
    await seedDestination(db, SHOP, kind, { ...standins.credentials[kind] }, { ...DEMO_POLICY, ...(GOALS_SEEDED.has(kind) ? { goals: DEMO_GOALS[kind] } : {}) });
  }
  const app = await startApp({
    databaseUrl,
    env: { DESTINATION_BASE_URLS: JSON.stringify(standins.urls), PORT: keep ? process.env.PORT ?? "3000" : "0", LOG_LEVEL: "warn" },
  });
  console.log(`server: ${app.url}  database: ${path.relative(ROOT, dbFile)}  stand-ins: ${STANDIN_KINDS.length}`);

  const scenario = await runScenario({ appUrl: app.url, shop: SHOP, secret: TEST_API_SECRET, standins });
  await waitForQuiet(db, SHOP);
  const summary = await summarize(db, SHOP, standins, scenario);
  printSummary(summary, Date.now() - started);

  if (keep) {
    console.log(`\nThe server keeps running at ${app.url} (Ctrl-C to stop).`);
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  }
  await app.stop();
  await standins.close();
  await db.$disconnect();
  if (summary.problems.length > 0) {
    console.error(`demo: ${summary.problems.length} problem(s):\n- ${summary.problems.join("\n- ")}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error("demo failed:", error);
  process.exit(1);
});
