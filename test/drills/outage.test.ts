import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayDeliveries } from "~/data/deliveries.server";
import { STANDIN_KINDS } from "../standins";
import { TEST_SHOP } from "../support/env";
import { checkInvariants, HOUR, startRig, uniqueOrder, type Rig } from "../faults/rig";

/**
 * Outage drill (issue 7 item 3), on a fake clock so the whole 24-hour retry horizon runs
 * in seconds: Meta is down for six simulated hours, Pinterest for thirty. Orders keep
 * arriving for ten hours. Everything whose horizon did not run out is delivered once after
 * recovery; what ran past the horizon is "failed" with the reason, and a replay delivers it.
 *
 * Default: an order every 15 simulated minutes (32 orders), time in 5-minute steps.
 * DRILL_LONG=1: an order every simulated minute (480 orders), time in 1-minute steps.
 */

const LONG = process.env.DRILL_LONG === "1";
const EVERY_MS = LONG ? 60_000 : 15 * 60_000;
const QUANTUM_MS = LONG ? 60_000 : 5 * 60_000;
const META_DOWN_MS = 6 * HOUR;
const PINTEREST_DOWN_MS = 30 * HOUR;

let rig: Rig;
beforeAll(async () => {
  // Platforms here answer at once or with 502/503, never hang: a request timeout well above any
  // answer's time, so a slow (loaded) machine does not turn answers into timeouts.
  rig = await startRig({ timeoutMs: 5_000, seed: 2024 });
});
afterAll(async () => {
  await rig?.close();
});

describe("outage drill", () => {
  it("a platform down six hours gets everything once after recovery; past the 24 h horizon rows fail with the reason and replay delivers them", async () => {
    const realStart = Date.now();
    const t0 = rig.clock.now();
    rig.standins.setFault("meta", { type: "status", status: 503 });
    rig.standins.setFault("pinterest", { type: "status", status: 502 });
    let metaUp = false;
    let pinterestUp = false;
    const recover = () => {
      if (!metaUp && rig.clock.now() >= t0 + META_DOWN_MS) {
        rig.standins.setFault("meta", { type: "none" });
        metaUp = true;
      }
      if (!pinterestUp && rig.clock.now() >= t0 + PINTEREST_DOWN_MS) {
        rig.standins.setFault("pinterest", { type: "none" });
        pinterestUp = true;
      }
    };
    /** Run the worker up to `until`, flipping platforms back up at their recovery times. */
    const runTo = async (until: number) => {
      for (const edge of [t0 + META_DOWN_MS, t0 + PINTEREST_DOWN_MS, until].sort((a, b) => a - b)) {
        if (edge > until || edge < rig.clock.now()) continue;
        await rig.drain({ until: edge, quantumMs: QUANTUM_MS });
        rig.clock.set(edge);
        recover();
      }
    };

    // Orders during [0 h, 5 h) and [7 h, 10 h): none close to the point where a row's
    // horizon (queued + 24 h) meets Pinterest's recovery (30 h), so each one's fate is certain.
    const early: string[] = [];
    const late: string[] = [];
    for (let t = t0; t < t0 + 10 * HOUR; t += EVERY_MS) {
      if (t >= t0 + 5 * HOUR && t < t0 + 7 * HOUR) continue;
      await runTo(t);
      const order = uniqueOrder(rig.clock.now());
      expect(await rig.postOrder(order)).toBe(200);
      (t < t0 + 5 * HOUR ? early : late).push(`purchase-${order.id}`);
    }
    const all = [...early, ...late];
    await runTo(t0 + PINTEREST_DOWN_MS);
    expect([metaUp, pinterestUp]).toEqual([true, true]);
    await rig.drain({ quantumMs: QUANTUM_MS });
    const simulatedH = (rig.clock.now() - t0) / HOUR;

    // Meta: everything delivered once after its six hours down.
    const byKind = async (kind: string, ids: string[]) =>
      rig.db.delivery.findMany({ where: { destinationId: rig.destinationIds[kind], eventId: { in: ids } }, orderBy: { eventId: "asc" } });
    const meta = await byKind("meta", all);
    expect(meta.map((r) => r.status)).toEqual(all.map(() => "delivered"));
    const metaRetried = meta.filter((r) => r.attempts > 1).length;
    expect(metaRetried).toBeGreaterThan(0);
    const before = await checkInvariants(rig, { only: all });
    // Nothing sent twice: a repeat under the same id is allowed only after an attempt that got no
    // answer (then we cannot know whether the platform took it, and its dedup drops the copy).
    expect(before.meta).toMatchObject({ distinct: all.length, unexplainedRepeats: 0 });
    for (const kind of STANDIN_KINDS.filter((k) => k !== "meta" && k !== "pinterest")) {
      expect(before[kind]!.statuses, kind).toEqual({ delivered: all.length });
    }

    // Pinterest: rows queued in the first five hours ran out of horizon before it came back.
    const failed = await byKind("pinterest", early);
    expect(failed.map((r) => r.status)).toEqual(early.map(() => "failed"));
    for (const r of failed) {
      expect(r.lastError).toMatch(/^retry horizon of 24 h after first queueing ran out \(last error: HTTP 502/);
      // Its last attempt was due within the horizon (the simulation runs due rows up to one
      // time step late), and nothing was tried after it.
      const last = await rig.db.deliveryAttempt.findFirst({ where: { deliveryId: r.id }, orderBy: { startedAt: "desc" } });
      expect(last!.startedAt.getTime()).toBeLessThanOrEqual(r.firstQueuedAt.getTime() + 24 * HOUR + QUANTUM_MS);
      expect(last!.startedAt.getTime()).toBeGreaterThan(r.firstQueuedAt.getTime() + 23 * HOUR);
    }
    // …and those queued later, with horizon left, were delivered after recovery.
    expect((await byKind("pinterest", late)).map((r) => r.status)).toEqual(late.map(() => "delivered"));

    // The merchant replays everything that failed: delivered, once.
    const replayed = await replayDeliveries(rig.db, TEST_SHOP, "all-failed", new Date(rig.clock.now()));
    expect(replayed).toBe(early.length);
    await rig.drain({ quantumMs: QUANTUM_MS });
    expect((await byKind("pinterest", all)).map((r) => r.status)).toEqual(all.map(() => "delivered"));
    const after = await checkInvariants(rig, { only: all });
    expect(after.pinterest).toMatchObject({ distinct: all.length, unexplainedRepeats: 0 });

    const attempts = await rig.db.deliveryAttempt.count();
    console.log(
      `outage drill (${LONG ? "DRILL_LONG" : "default"}): ${all.length} orders over 10 h, Meta down 6 h, Pinterest down 30 h; ` +
        `${simulatedH.toFixed(1)} simulated h in ${((Date.now() - realStart) / 1000).toFixed(1)} s; ` +
        `Meta: ${all.length} delivered once (${metaRetried} after retries); Pinterest: ${early.length} failed past the horizon → replayed → delivered, ` +
        `${late.length} delivered after recovery; ${attempts} attempts on record; ` +
        `repeats under the same id after an unanswered attempt: Meta ${before.meta!.repeats}, Pinterest ${after.pinterest!.repeats}`,
    );
  }, LONG ? 3_600_000 : 900_000); // the long form on PostgreSQL takes longer than 15 min on 2 cores
});
