import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { identifierKey, mergeStampedIds, planProfileMerge, type ProfileFacts, type ProfileIdentifiers, type ProfileMergePlan, type StampedValue } from "./profile-merge";

/**
 * Profiles used by every case:
 *   A  created 100, customer 1, identified
 *   B  created 200, no customer, identified (email only)
 *   C  created 300, anonymous (browser ids only)
 *   D  created  50, customer 2, identified
 *   E  created 200, no customer, identified (same age as B: id tie-break)
 *   F  created  10, anonymous (the oldest)
 */
const PROFILES: Record<string, ProfileFacts> = {
  A: { createdAt: 100, customerId: "1", identified: true },
  B: { createdAt: 200, customerId: null, identified: true },
  C: { createdAt: 300, customerId: null, identified: false },
  D: { createdAt: 50, customerId: "2", identified: true },
  E: { createdAt: 200, customerId: null, identified: true },
  F: { createdAt: 10, customerId: null, identified: false },
};

const cases: Array<{ name: string; ids: ProfileIdentifiers; aliases: Record<string, string>; want: ProfileMergePlan }> = [
  { name: "no identifiers → none", ids: {}, aliases: {}, want: { kind: "none", reason: "no identifiers" } },
  { name: "blank identifiers → none", ids: { visitorId: " ", emailHash: "", customerId: null }, aliases: {}, want: { kind: "none", reason: "no identifiers" } },
  {
    name: "unknown visitor → create",
    ids: { visitorId: "v1" },
    aliases: {},
    want: { kind: "create", customerId: null, attach: ["visitor:v1"], contested: [] },
  },
  {
    name: "unknown visitor + client → create with both",
    ids: { visitorId: "v1", clientId: "c1" },
    aliases: {},
    want: { kind: "create", customerId: null, attach: ["visitor:v1", "client:c1"], contested: [] },
  },
  {
    name: "known visitor → use its profile",
    ids: { visitorId: "v1" },
    aliases: { "visitor:v1": "C" },
    want: { kind: "use", profileId: "C", attach: [], contested: [] },
  },
  {
    name: "known visitor + new client id → attach the client id",
    ids: { visitorId: "v1", clientId: "c1" },
    aliases: { "visitor:v1": "C" },
    want: { kind: "use", profileId: "C", attach: ["client:c1"], contested: [] },
  },
  {
    name: "visitor and client on two anonymous profiles → weak ids never merge; visitor id wins",
    ids: { visitorId: "v1", clientId: "c1" },
    aliases: { "visitor:v1": "C", "client:c1": "F" },
    want: { kind: "use", profileId: "C", attach: [], contested: ["client:c1"] },
  },
  {
    name: "only the client id is known → use it and attach the visitor id",
    ids: { visitorId: "v1", clientId: "c1" },
    aliases: { "client:c1": "F" },
    want: { kind: "use", profileId: "F", attach: ["visitor:v1"], contested: [] },
  },
  {
    name: "new email on an anonymous browser → attach (profile becomes identified)",
    ids: { visitorId: "v1", emailHash: "e1" },
    aliases: { "visitor:v1": "C" },
    want: { kind: "use", profileId: "C", attach: ["email:e1"], contested: [] },
  },
  {
    name: "known email + anonymous browser profile → merge the browser's journey into the older profile",
    ids: { visitorId: "v1", emailHash: "e1" },
    aliases: { "email:e1": "B", "visitor:v1": "C" },
    want: { kind: "merge", survivor: "B", merge: ["C"], attach: [], contested: [] },
  },
  {
    name: "the anonymous profile is older → it survives",
    ids: { visitorId: "v1", emailHash: "e1" },
    aliases: { "email:e1": "B", "visitor:v1": "F" },
    want: { kind: "merge", survivor: "F", merge: ["B"], attach: [], contested: [] },
  },
  {
    name: "email and phone on two profiles, one customer id → merge into the oldest",
    ids: { emailHash: "e1", phoneHash: "p1" },
    aliases: { "email:e1": "B", "phone:p1": "A" },
    want: { kind: "merge", survivor: "A", merge: ["B"], attach: [], contested: [] },
  },
  {
    name: "customer id + email on two profiles → merge, new client id attached",
    ids: { customerId: "1", emailHash: "e1", clientId: "c9" },
    aliases: { "customer:1": "A", "email:e1": "B" },
    want: { kind: "merge", survivor: "A", merge: ["B"], attach: ["client:c9"], contested: [] },
  },
  {
    name: "same creation time → smaller id survives",
    ids: { emailHash: "e1", phoneHash: "p1" },
    aliases: { "email:e1": "E", "phone:p1": "B" },
    want: { kind: "merge", survivor: "B", merge: ["E"], attach: [], contested: [] },
  },
  {
    name: "three profiles → survivor is the oldest, others in age order",
    ids: { emailHash: "e1", phoneHash: "p1", visitorId: "v1" },
    aliases: { "email:e1": "E", "phone:p1": "B", "visitor:v1": "C" },
    want: { kind: "merge", survivor: "B", merge: ["E", "C"], attach: [], contested: [] },
  },
  {
    name: "email and phone on profiles with different customer ids → conflict, use the email's profile",
    ids: { emailHash: "e1", phoneHash: "p1" },
    aliases: { "email:e1": "A", "phone:p1": "D" },
    want: {
      kind: "conflict",
      reason: "strong identifiers link different customer ids (1, 2); not merging",
      customerIds: ["1", "2"],
      profileIds: ["A", "D"],
      resolution: { kind: "use", profileId: "A", attach: [], contested: [] },
    },
  },
  {
    name: "new customer id whose email belongs to another customer → conflict, create the new customer's profile",
    ids: { customerId: "3", emailHash: "e1", visitorId: "v1" },
    aliases: { "email:e1": "A", "visitor:v1": "C" },
    want: {
      kind: "conflict",
      reason: "strong identifiers link different customer ids (1, 3); not merging",
      customerIds: ["1", "3"],
      profileIds: ["A", "C"],
      resolution: { kind: "create", customerId: "3", attach: ["customer:3"], contested: ["visitor:v1"] },
    },
  },
  {
    name: "known customer 2 with customer 1's email → conflict, stay with customer 2",
    ids: { customerId: "2", emailHash: "e1", phoneHash: "p-new" },
    aliases: { "customer:2": "D", "email:e1": "A" },
    want: {
      kind: "conflict",
      reason: "strong identifiers link different customer ids (1, 2); not merging",
      customerIds: ["1", "2"],
      profileIds: ["A", "D"],
      resolution: { kind: "use", profileId: "D", attach: ["phone:p-new"], contested: [] },
    },
  },
  {
    name: "known customer + new email → attach",
    ids: { customerId: "1", emailHash: "e-new" },
    aliases: { "customer:1": "A" },
    want: { kind: "use", profileId: "A", attach: ["email:e-new"], contested: [] },
  },
  {
    name: "new email on a browser of an identified profile → attach to it (browser ids only attach)",
    ids: { visitorId: "v1", emailHash: "e-new" },
    aliases: { "visitor:v1": "A" },
    want: { kind: "use", profileId: "A", attach: ["email:e-new"], contested: [] },
  },
  {
    name: "new customer on a browser of another customer (shared device) → create, browser id stays",
    ids: { visitorId: "v1", customerId: "7" },
    aliases: { "visitor:v1": "A" },
    want: { kind: "create", customerId: "7", attach: ["customer:7"], contested: ["visitor:v1"] },
  },
  {
    name: "shared device: the visitor id falls through to the next compatible browser profile",
    ids: { visitorId: "v1", clientId: "c1", customerId: "7" },
    aliases: { "visitor:v1": "A", "client:c1": "B" },
    want: { kind: "use", profileId: "B", attach: ["customer:7"], contested: ["visitor:v1"] },
  },
  {
    name: "known email, browser belongs to another identified profile → no merge, browser id contested",
    ids: { visitorId: "v1", emailHash: "e1" },
    aliases: { "email:e1": "B", "visitor:v1": "A" },
    want: { kind: "use", profileId: "B", attach: [], contested: ["visitor:v1"] },
  },
  {
    name: "all strong keys on one profile → use it",
    ids: { customerId: "1", emailHash: "e1", phoneHash: "p1" },
    aliases: { "customer:1": "A", "email:e1": "A", "phone:p1": "A" },
    want: { kind: "use", profileId: "A", attach: [], contested: [] },
  },
  {
    name: "order with unknown customer and email → create with both",
    ids: { customerId: "9", emailHash: "e9" },
    aliases: {},
    want: { kind: "create", customerId: "9", attach: ["customer:9", "email:e9"], contested: [] },
  },
  {
    name: "values are trimmed before lookup",
    ids: { emailHash: "  e1 ", visitorId: " v1" },
    aliases: { "email:e1": "B", "visitor:v1": "B" },
    want: { kind: "use", profileId: "B", attach: [], contested: [] },
  },
  {
    name: "alias entries for keys not in the event are ignored",
    ids: { visitorId: "v1" },
    aliases: { "visitor:v1": "C", "email:other": "A" },
    want: { kind: "use", profileId: "C", attach: [], contested: [] },
  },
];

describe("planProfileMerge", () => {
  test.each(cases)("$name", ({ ids, aliases, want }) => {
    expect(planProfileMerge({ identifiers: ids, aliases, profiles: PROFILES })).toEqual(want);
  });

  test("a profile without facts is a caller bug → throws", () => {
    expect(() => planProfileMerge({ identifiers: { emailHash: "e1" }, aliases: { "email:e1": "Z" }, profiles: PROFILES })).toThrow("no facts for profile Z");
  });

  test("identifierKey", () => {
    expect([identifierKey("email", "abc"), identifierKey("customer", "42")]).toEqual(["email:abc", "customer:42"]);
  });

  test("property: never merges profiles with different customer ids, survivor is the oldest", () => {
    const ids = Object.keys(PROFILES);
    const keyNames = ["customer:1", "customer:2", "email:e1", "phone:p1", "visitor:v1", "client:c1"] as const;
    fc.assert(
      fc.property(
        fc.record({ customerId: fc.constantFrom(undefined, "1", "2"), emailHash: fc.constantFrom(undefined, "e1"), phoneHash: fc.constantFrom(undefined, "p1"), visitorId: fc.constantFrom(undefined, "v1"), clientId: fc.constantFrom(undefined, "c1") }),
        fc.tuple(...keyNames.map(() => fc.option(fc.constantFrom(...ids), { nil: undefined }))),
        (identifiers, targets) => {
          const aliases: Record<string, string> = {};
          keyNames.forEach((k, i) => {
            const t = targets[i];
            if (t !== undefined) aliases[k] = t;
          });
          const plan = planProfileMerge({ identifiers, aliases, profiles: PROFILES });
          if (plan.kind !== "merge") return;
          const all = [plan.survivor, ...plan.merge];
          const customers = new Set(all.map((id) => PROFILES[id]?.customerId).filter((c) => c !== null));
          if (identifiers.customerId) customers.add(identifiers.customerId);
          expect(customers.size).toBeLessThanOrEqual(1);
          const ages = all.map((id) => PROFILES[id]?.createdAt ?? NaN);
          expect(Math.min(...ages)).toBe(PROFILES[plan.survivor]?.createdAt);
          // Identified profiles only merge when the event reached them through a strong key.
          for (const id of plan.merge) {
            if (PROFILES[id]?.identified) {
              const reachedStrong = Object.entries(aliases).some(([k, p]) => p === id && !k.startsWith("visitor:") && !k.startsWith("client:") && eventHas(identifiers, k));
              expect(reachedStrong).toBe(true);
            }
          }
        },
      ),
    );
  });
});

function eventHas(ids: Record<string, string | undefined>, key: string): boolean {
  const [kind, value] = key.split(":");
  const field = { customer: "customerId", email: "emailHash", phone: "phoneHash" }[kind as "customer" | "email" | "phone"];
  return ids[field] === value;
}

describe("mergeStampedIds", () => {
  const s = (value: string, at: number): StampedValue => ({ value, at });
  type Ids = Partial<Record<"fbclid" | "gclid", StampedValue>>;
  const cases: Array<{ name: string; existing: Ids; incoming: Ids; want: Ids }> = [
    { name: "nothing stored → take incoming", existing: {}, incoming: { fbclid: s("A", 100) }, want: { fbclid: s("A", 100) } },
    { name: "nothing incoming → keep stored", existing: { fbclid: s("A", 100) }, incoming: {}, want: { fbclid: s("A", 100) } },
    { name: "same value seen again later → first-seen time kept", existing: { fbclid: s("A", 100) }, incoming: { fbclid: s("A", 500) }, want: { fbclid: s("A", 100) } },
    { name: "same value reported with an earlier time → earlier time kept", existing: { fbclid: s("A", 500) }, incoming: { fbclid: s("A", 100) }, want: { fbclid: s("A", 100) } },
    { name: "new click id seen later → replaces, stamped with its own first-seen time", existing: { fbclid: s("A", 100) }, incoming: { fbclid: s("B", 900) }, want: { fbclid: s("B", 900) } },
    { name: "older click id arriving late → ignored", existing: { fbclid: s("B", 900) }, incoming: { fbclid: s("A", 100) }, want: { fbclid: s("B", 900) } },
    { name: "different values at the same ms → larger value wins (order-independent)", existing: { fbclid: s("B", 100) }, incoming: { fbclid: s("A", 100) }, want: { fbclid: s("B", 100) } },
    { name: "same ms, incoming is larger → incoming", existing: { fbclid: s("A", 100) }, incoming: { fbclid: s("B", 100) }, want: { fbclid: s("B", 100) } },
    { name: "keys are independent", existing: { fbclid: s("A", 100) }, incoming: { gclid: s("G", 50) }, want: { fbclid: s("A", 100), gclid: s("G", 50) } },
    { name: "case-different values are different click ids", existing: { gclid: s("abc", 100) }, incoming: { gclid: s("ABC", 200) }, want: { gclid: s("ABC", 200) } },
    { name: "undefined entries are skipped", existing: { fbclid: undefined }, incoming: { gclid: undefined }, want: {} },
  ];
  test.each(cases)("$name", ({ existing, incoming, want }) => {
    expect(mergeStampedIds(existing, incoming)).toEqual(want);
  });

  test("inputs are not mutated", () => {
    const existing = { fbclid: s("A", 100) };
    const incoming = { fbclid: s("B", 200) };
    mergeStampedIds(existing, incoming);
    expect([existing, incoming]).toEqual([{ fbclid: s("A", 100) }, { fbclid: s("B", 200) }]);
  });

  const stamped = fc.record({ value: fc.constantFrom("A", "B", "C"), at: fc.integer({ min: 0, max: 5 }) });
  const ids = fc.record({ fbclid: fc.option(stamped, { nil: undefined }), gclid: fc.option(stamped, { nil: undefined }) }, { requiredKeys: [] });
  test("property: commutative and idempotent (the order of two merges never matters)", () => {
    fc.assert(
      fc.property(ids, ids, (a, b) => {
        expect(mergeStampedIds(a, b)).toEqual(mergeStampedIds(b, a));
        const ab = mergeStampedIds(a, b);
        expect(mergeStampedIds(ab, ab)).toEqual(ab);
        expect(mergeStampedIds(ab, a)).toEqual(ab);
      }),
    );
  });

  test("property: with distinct values, a fold in any order keeps the value seen last", () => {
    const distinct = fc.uniqueArray(fc.record({ value: fc.string({ minLength: 1, maxLength: 3 }), at: fc.integer({ min: 0, max: 1000 }) }), { selector: (v) => v.value, minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(distinct, (stamps) => {
        const winner = [...stamps].sort((x, y) => y.at - x.at || (x.value < y.value ? 1 : -1))[0];
        const folded = stamps.reduce<Partial<Record<"fbclid", StampedValue>>>((acc, v) => mergeStampedIds(acc, { fbclid: v }), {});
        const reversed = [...stamps].reverse().reduce<Partial<Record<"fbclid", StampedValue>>>((acc, v) => mergeStampedIds(acc, { fbclid: v }), {});
        expect([folded, reversed]).toEqual([{ fbclid: winner }, { fbclid: winner }]);
      }),
    );
  });
});
