import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerOf, type Db } from "~/db.server";
import { pauseDestination } from "~/data/destinations.server";
import { runAdminJobsTick } from "~/jobs/admin-jobs.server";
import { createLogger } from "~/lib/logger.server";
import { DIAGNOSTICS_EVERY_MS, platformDiagnosticsHandler, scheduleDiagnosticsReads } from "~/services/platform-diagnostics.server";
import { startStandins, type Standins } from "../standins";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP } from "../support/env";
import { openDb, seedDestination, seedInstalledShop, testKey } from "../support/seed";

/**
 * The read-back schedule with a fake clock (ADR 0041): a destination is read when it was never
 * read or its last read is six hours old, one job per shop at a time, only enabled and unpaused
 * destinations of platforms that publish a read-back; reads older than 30 days are pruned.
 */
describe("platform read-back schedule (fake clock)", () => {
  let db: Db;
  let url: string;
  let drop: () => Promise<void>;
  let standins: Standins;
  const ids: Record<string, string> = {};
  const t0 = Date.parse("2026-12-01T00:00:00Z");
  const log = createLogger({ level: "error" });

  beforeAll(async () => {
    const database = await createTestDatabase();
    ({ url, drop } = database);
    db = await openDb(url);
    standins = await startStandins({ now: () => t0 });
    await seedInstalledShop(db, TEST_SHOP);
    for (const kind of ["meta", "pinterest", "tiktok"] as const) ids[kind] = (await seedDestination(db, TEST_SHOP, kind, { ...standins.credentials[kind] })).id;
    await pauseDestination(db, ids.pinterest!, "test: paused", new Date(t0));
  });
  afterAll(async () => {
    await standins?.close();
    await db?.$disconnect();
    await drop?.();
  });

  const runJobs = async (at: number) => {
    const handlers = [platformDiagnosticsHandler({ key: testKey(), baseUrls: standins.urls })];
    let chunks = 0;
    while ((await runAdminJobsTick({ db, provider: providerOf(url), workerId: "w-test", log, now: () => at }, handlers)) > 0) chunks++;
    return chunks;
  };
  const schedule = (at: number) => scheduleDiagnosticsReads({ db, now: new Date(at) });

  it("reads what was never read, then again only after six hours", async () => {
    expect(await schedule(t0)).toBe(1);
    // One job at a time per shop.
    expect(await schedule(t0)).toBe(0);
    const job = await db.adminJob.findFirstOrThrow({ where: { shop: TEST_SHOP, kind: "platform_diagnostics" } });
    // Meta only: Pinterest is paused, TikTok has no read-back.
    expect(job.total).toBe(1);
    expect(await runJobs(t0)).toBe(2); // one read, one chunk that finds nothing left
    expect((await db.adminJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("done");
    const rows = await db.platformDiagnostic.findMany({ where: { shop: TEST_SHOP } });
    expect(rows.map((r) => [r.kind, r.status, r.fetchedAt.getTime()])).toEqual([["meta", "ok", t0]]);
    expect(standins.reads("meta")).toHaveLength(1);

    expect(await schedule(t0 + DIAGNOSTICS_EVERY_MS - 1)).toBe(0);
    expect(await schedule(t0 + DIAGNOSTICS_EVERY_MS)).toBe(1);
    await runJobs(t0 + DIAGNOSTICS_EVERY_MS);
    expect(standins.reads("meta")).toHaveLength(2);
  });

  it("keeps 30 days of reads (and always the newest)", async () => {
    const day = 86_400_000;
    for (let d = 1; d <= 40; d += 13) {
      expect(await schedule(t0 + d * day)).toBe(1);
      await runJobs(t0 + d * day);
    }
    // Reads at t0, t0+6h, +1d, +14d, +27d, +40d: the pruning at +40d keeps those within 30 days.
    const kept = (await db.platformDiagnostic.findMany({ where: { destinationId: ids.meta }, orderBy: { fetchedAt: "asc" } })).map((r) => (r.fetchedAt.getTime() - t0) / day);
    expect(kept).toEqual([14, 27, 40]);
  });
});
