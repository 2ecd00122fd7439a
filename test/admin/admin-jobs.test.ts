import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { providerOf } from "~/db.server";
import { claimAdminJob, createAdminJob } from "~/data/admin-jobs.server";
import { pauseDestination } from "~/data/destinations.server";
import { REPLAY_CHUNK, startReplayAllFailed } from "~/services/replay.server";
import { startApp, type RunningApp } from "../support/app-server";
import { createTestDatabase } from "../support/databases";
import { TEST_SHOP } from "../support/env";
import { openDb, seedDestination, seedInstalledShop } from "../support/seed";
import { waitFor } from "../support/wait";
import { META_CREDENTIALS } from "../standins";

/**
 * Background admin jobs across connections and processes: a job is claimed under a
 * lease (SKIP LOCKED on PostgreSQL, an atomic UPDATE … RETURNING on SQLite), so two
 * claimers never hold one job at once and two worker processes never run a chunk twice.
 */
describe("admin jobs: one job, one runner at a time", () => {
  let url: string;
  let drop: () => Promise<void>;
  let db: Db;
  let db2: Db;
  const workers: RunningApp[] = [];

  beforeAll(async () => {
    const database = await createTestDatabase();
    url = database.url;
    drop = database.drop;
    db = await openDb(url);
    db2 = await openDb(url);
    await seedInstalledShop(db, TEST_SHOP);
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await db?.$disconnect();
    await db2?.$disconnect();
    await drop?.();
  });

  it("two connections racing to claim never get the same job", async () => {
    const now = new Date();
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) ids.add((await createAdminJob(db, { shop: TEST_SHOP, kind: "race_test", params: {}, total: 1, now: new Date(now.getTime() - 1000 + i) })).id);
    const claimed: string[] = [];
    for (let round = 0; round < 12; round++) {
      const got = await Promise.all(
        [db, db2, db, db2].map((d, i) => claimAdminJob(d, providerOf(url), { now, leaseMs: 600_000, workerId: `w${i}`, kinds: ["race_test"] })),
      );
      claimed.push(...got.flatMap((j) => (j ? [j.id] : [])));
    }
    expect(claimed.length).toBe(ids.size);
    expect(new Set(claimed).size).toBe(claimed.length);
    // Leases held: nothing is left to claim until one expires.
    expect(await claimAdminJob(db, providerOf(url), { now, leaseMs: 1, workerId: "late", kinds: ["race_test"] })).toBeNull();
    // An expired lease is claimed again (a dead worker's job resumes).
    const later = new Date(now.getTime() + 600_001);
    expect(await claimAdminJob(db, providerOf(url), { now: later, leaseMs: 1000, workerId: "rescuer", kinds: ["race_test"] })).not.toBeNull();
    await db.adminJob.deleteMany({ where: { kind: "race_test" } });
  });

  it("two worker processes share a bulk replay: every chunk runs once and the progress ends exact", async () => {
    const dest = await seedDestination(db, TEST_SHOP, "meta", { ...META_CREDENTIALS });
    // Paused: the outbox leaves the re-queued rows alone, so only the job touches them.
    await pauseDestination(db, dest.id, "test: hold deliveries", new Date());
    const n = REPLAY_CHUNK * 4 + 37;
    const at = new Date(Date.now() - 3_600_000);
    await db.delivery.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        shop: TEST_SHOP,
        destinationId: dest.id,
        conversionId: `conv-${i}`,
        eventId: `ev-${String(i).padStart(5, "0")}`,
        eventName: "purchase",
        status: "failed",
        lastError: "test failure",
        nextAttemptAt: at,
        occurredAt: at,
        firstQueuedAt: at,
      })),
    });
    // One delivered row of the same destination: a replay must never touch it.
    await db.delivery.create({ data: { shop: TEST_SHOP, destinationId: dest.id, conversionId: "conv-d", eventId: "ev-delivered", eventName: "purchase", status: "delivered", nextAttemptAt: at, occurredAt: at, deliveredAt: at } });

    const started = await startReplayAllFailed(db, TEST_SHOP, { destinationId: dest.id }, new Date());
    expect(started.kind).toBe("started");
    if (started.kind !== "started") return;
    expect(started.job.total).toBe(n);
    // A second start while it runs is refused, not queued twice.
    expect((await startReplayAllFailed(db, TEST_SHOP, {}, new Date())).kind).toBe("already-running");

    for (let i = 0; i < 2; i++) workers.push(await startApp({ databaseUrl: url, args: ["--worker-only"] }));
    const job = await waitFor(async () => {
      const j = await db.adminJob.findUniqueOrThrow({ where: { id: started.job.id } });
      return j.status === "done" || j.status === "failed" ? j : undefined;
    }, { what: "replay job finished" });
    expect(job).toMatchObject({ status: "done", done: n, total: n, lockedBy: null, lockedUntil: null });

    const chunks = workers.flatMap((w, wi) =>
      w
        .output()
        .split("\n")
        .filter((l) => l.includes('"msg":"admin job chunk"'))
        .map((l) => ({ worker: wi, ...(JSON.parse(l) as { jobId: string; from: string; handled: number; kept: boolean }) })),
    ).filter((c) => c.jobId === started.job.id);
    const kept = chunks.filter((c) => c.kept);
    expect(kept.reduce((s, c) => s + c.handled, 0)).toBe(n);
    // No chunk (identified by where it started) ran twice, in either process.
    expect(new Set(chunks.map((c) => c.from)).size).toBe(chunks.length);
    expect(chunks.every((c) => c.kept)).toBe(true);

    const rows = await db.delivery.groupBy({ by: ["status"], where: { shop: TEST_SHOP, destinationId: dest.id }, _count: { _all: true } });
    expect(Object.fromEntries(rows.map((r) => [r.status, r._count._all]))).toEqual({ pending: n, delivered: 1 });
  });
});
