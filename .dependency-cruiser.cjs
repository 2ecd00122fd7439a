// The layers of app/, checked by `npm run depcheck` (part of `npm test`).
// Why these rules and how to change them: docs/decisions/0018-one-way-layers.md.
//
// Bottom to top (an arrow is "may import"):
//
//   core          → core                                   (pure: no framework, database, network, env, clock)
//   destinations  → core, destination.ts/policy.ts/shared/, its own platform folder
//   lib           → core, env.server.ts
//   data          → core, destinations, lib, db.server.ts, env.server.ts
//   services      → data, destinations, lib, core, the root modules
//   jobs          → services, data, destinations, lib, core, the root modules
//   controllers   → services, data, destinations, lib, core, the root modules
//   components    → components, core, lib
//   routes        → controllers, services, components, lib, core, the root modules
//
// "Root modules" are the files directly in app/ (env, db, shopify, root, entry). Anything not
// listed in `allowed` below is a violation, so a new folder needs a line here (and in the ADR).

/** Packages that must never reach the pure layers (core, destinations). */
const FRAMEWORK = "^(node_modules/)?(@remix-run|@prisma|@shopify|@trueline/db-|react|react-dom|pg|better-sqlite3|express|isbot)(/|$)";
const TEST_FILE = "\\.test\\.tsx?$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  allowed: [
    // Outside the app: packages, node built-ins, the generated Prisma clients.
    { from: {}, to: { pathNot: "^(app|test)/" } },
    // Within one layer. (Platform folders are kept apart by a forbidden rule below.)
    { from: { path: "^app/([^/]+)/" }, to: { path: "^app/$1/" } },

    { from: { path: "^app/destinations/" }, to: { path: "^app/core/" } },
    { from: { path: "^app/lib/" }, to: { path: ["^app/core/", "^app/env\\.server\\.ts$"] } },
    { from: { path: "^app/data/" }, to: { path: ["^app/(core|destinations|lib)/", "^app/(db|env)\\.server\\.ts$"] } },
    { from: { path: "^app/services/" }, to: { path: ["^app/(core|destinations|lib|data)/", "^app/[^/]+$"] } },
    { from: { path: "^app/jobs/" }, to: { path: ["^app/(core|destinations|lib|data|services)/", "^app/[^/]+$"] } },
    { from: { path: "^app/controllers/" }, to: { path: ["^app/(core|destinations|lib|data|services)/", "^app/[^/]+$"] } },
    { from: { path: "^app/components/" }, to: { path: "^app/(core|lib)/" } },
    { from: { path: "^app/routes/" }, to: { path: ["^app/(core|lib|services|controllers|components)/", "^app/[^/]+$"] } },
    // Root modules: config, database client, Shopify client, document shell.
    { from: { path: "^app/[^/]+$" }, to: { path: ["^app/[^/]+$", "^app/(core|destinations|lib)/"] } },
    // The server entry is the composition root: it also starts the in-process worker.
    { from: { path: "^app/entry\\.server\\.tsx$" }, to: { path: ["^app/jobs/boot\\.server\\.ts$", "^app/controllers/"] } },

    // Unit tests (next to the code) may also use the shared fixtures and factories in test/.
    { from: { path: TEST_FILE }, to: { path: "^test/" } },
    // test/ itself (reached through those imports) may use any layer.
    { from: { path: "^test/" }, to: {} },

  ],
  allowedSeverity: "error",

  forbidden: [
    {
      name: "pure-layers-no-framework",
      comment: "core and destinations describe and decide; they never reach a framework, a database or the network.",
      severity: "error",
      from: { path: "^app/(core|destinations)/", pathNot: TEST_FILE },
      to: { path: FRAMEWORK },
    },
    {
      name: "core-no-io-builtins",
      comment: "core may hash (crypto) but not touch files, sockets, processes or timers of node.",
      severity: "error",
      from: { path: "^app/core/", pathNot: TEST_FILE },
      to: { dependencyTypes: ["core"], pathNot: "^(node:)?crypto$" },
    },
    {
      name: "platform-folders-apart",
      comment: "A platform's folder uses core, destinations/shared and the top-level contract, never another platform.",
      severity: "error",
      from: { path: "^app/destinations/([^/]+)/" },
      to: { path: "^app/destinations/[^/]+/", pathNot: ["^app/destinations/$1/", "^app/destinations/shared/"] },
    },
    {
      name: "services-no-database-client",
      comment:
        "Services query through data/ (one function per operation); they may name the client's types (Prisma.TransactionClient) but not import its values. Model calls on a client passed in are checked by test/architecture/services-query-through-data.test.ts.",
      severity: "error",
      from: { path: "^app/services/", pathNot: TEST_FILE },
      to: { path: "^(node_modules/)?(@prisma|@trueline/db-)", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-test-code-in-production",
      comment: "Fixtures and factories live in test/; production modules never import them.",
      severity: "error",
      from: { path: "^app/", pathNot: TEST_FILE },
      to: { path: ["^test/", TEST_FILE] },
    },
    {
      name: "no-circular",
      comment: "No import cycles, between folders or between files (type-only imports included).",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that does not resolve is a typo or a missing package.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^build/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
