import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STANDIN_KINDS, type Fault } from "../standins";
import { checkInvariants, HOUR, seededRandom, startRig, uniqueOrder, type Rig } from "./rig";

/**
 * Chaos: every platform's fault changes at random while orders keep arriving, over
 * simulated hours (fake clock, real worker loop). Every row must end final, nothing may
 * reach a platform under an id we did not queue, and the worker must keep going.
 * Default: 24 orders; DRILL_LONG=1: 300.
 */

const LONG = process.env.DRILL_LONG === "1";
let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ timeoutMs: 40, seed: 7 });
});
afterAll(async () => {
  await rig?.close();
});

const FAULTS: Fault[] = [
  { type: "status", status: 503 },
  { type: "status", status: 500, afterProcessing: true },
  { type: "status", status: 429, retryAfterSec: 300 },
  { type: "timeout" },
  { type: "timeout", afterProcessing: true },
  { type: "rate-limit-in-body" },
  { type: "latency", ms: 30 },
  { type: "none" },
  { type: "none" },
];

describe("chaos over a simulated working day", () => {
  it("faults switching at random: every row ends final, only our ids reach the platforms, the worker keeps going", async () => {
    const orders = LONG ? 300 : 24;
    const pick = seededRandom(99);
    const realStart = Date.now();
    const start = rig.clock.now();
    const ids: string[] = [];
    let switches = 0;
    for (let i = 0; i < orders; i++) {
      if (i % 4 === 0) {
        for (const kind of STANDIN_KINDS) rig.standins.setFault(kind, { ...FAULTS[Math.floor(pick() * FAULTS.length)]! });
        switches++;
      }
      const order = uniqueOrder(rig.clock.now());
      expect(await rig.postOrder(order)).toBe(200);
      ids.push(`purchase-${order.id}`);
      // Ten simulated minutes between orders, the worker running through them.
      const until = rig.clock.now() + 10 * 60_000;
      await rig.drain({ until, quantumMs: 60_000 });
      rig.clock.set(until);
    }
    for (const kind of STANDIN_KINDS) rig.standins.setFault(kind, { type: "none" });
    await rig.drain({ quantumMs: 60_000 });

    const figures = await checkInvariants(rig, { only: ids });
    for (const kind of STANDIN_KINDS) {
      // Every fault clears well inside the 24 h horizon, so everything is delivered in the end.
      expect(figures[kind]!.statuses, kind).toEqual({ delivered: orders });
    }
    // A delivered row's last attempt is its success; nothing is left leased.
    expect(await rig.db.delivery.count({ where: { lockedBy: { not: null } } })).toBe(0);
    const attempts = await rig.db.deliveryAttempt.groupBy({ by: ["outcome"], _count: { _all: true } });
    console.log(
      `chaos (${LONG ? "DRILL_LONG" : "default"}): ${orders} orders × ${STANDIN_KINDS.length} destinations, ${switches} fault switches, ` +
        `${((rig.clock.now() - start) / HOUR).toFixed(1)} simulated h in ${((Date.now() - realStart) / 1000).toFixed(1)} s; attempts ` +
        JSON.stringify(Object.fromEntries(attempts.map((a) => [a.outcome, a._count._all]))) +
        `; repeats under the same id (the platform's dedup drops them): ` +
        JSON.stringify(Object.fromEntries(STANDIN_KINDS.map((k) => [k, figures[k]!.repeats]))),
    );
  }, 900_000);
});
