/**
 * Identity stitching: which profile does an event or order belong to?
 *
 * A profile is one person. It is reached through alias keys ("email:<sha256>",
 * "visitor:<id>", ...). The rules:
 * - Strong identifiers (customer id, email hash, phone hash) prove identity: when one
 *   event carries strong keys that already point at different profiles, those
 *   profiles are one person and are merged.
 * - Weak identifiers (Trueline's visitor id, Shopify's client id) name a browser, and
 *   browsers are shared. Alone they only attach: they never merge two profiles. When an
 *   event ALSO carries a strong key, the anonymous profile its browser built (one with
 *   no strong key) is merged into the identified one, so the pre-login journey counts.
 *   An identified profile reached only through a browser id is never merged; its
 *   alias is reported as contested and left where it is.
 * - Two profiles with different Shopify customer ids are two accounts: they are never
 *   merged, and a conflict is reported instead.
 * - The survivor is the oldest profile (ties: smallest id), so repeated planning of the
 *   same facts picks the same survivor.
 */

export const IDENTIFIER_KINDS = ["customer", "email", "phone", "visitor", "client"] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];
const STRONG_KINDS: ReadonlySet<IdentifierKind> = new Set(["customer", "email", "phone"]);

export interface ProfileIdentifiers {
  visitorId?: string | null;
  clientId?: string | null;
  customerId?: string | null;
  /** SHA-256 hex of the normalised email. */
  emailHash?: string | null;
  /** SHA-256 hex of the E.164 phone. */
  phoneHash?: string | null;
}

export interface ProfileFacts {
  createdAt: number;
  customerId: string | null;
  /** True when the profile has at least one strong alias (customer, email or phone). */
  identified: boolean;
}

export interface ProfileMergeInput {
  identifiers: ProfileIdentifiers;
  /** identifierKey → profileId for the keys of this event that already exist. */
  aliases: Readonly<Record<string, string>>;
  /** Facts about every profile id found in `aliases`. */
  profiles: Readonly<Record<string, ProfileFacts>>;
}

/** Common fields: `attach` = keys of this event not yet mapped to any profile. */
interface PlanBase {
  attach: string[];
  /** Weak keys of this event that point at a profile not chosen here; they stay there. */
  contested: string[];
}
export type ProfileResolution =
  | ({ kind: "create"; customerId: string | null } & PlanBase)
  | ({ kind: "use"; profileId: string } & PlanBase);

export type ProfileMergePlan =
  | { kind: "none"; reason: string }
  | ProfileResolution
  | ({ kind: "merge"; survivor: string; merge: string[] } & PlanBase)
  | {
      kind: "conflict";
      reason: string;
      customerIds: string[];
      profileIds: string[];
      /** What to do with this event without merging anything. */
      resolution: ProfileResolution;
    };

export function identifierKey(kind: IdentifierKind, value: string): string {
  return `${kind}:${value}`;
}

interface Key {
  kind: IdentifierKind;
  key: string;
  profileId: string | undefined;
}

export function planProfileMerge(input: ProfileMergeInput): ProfileMergePlan {
  const keys = eventKeys(input.identifiers).map((k) => ({ ...k, profileId: input.aliases[k.key] }));
  if (keys.length === 0) return { kind: "none", reason: "no identifiers" };

  const facts = (id: string): ProfileFacts => {
    const f = input.profiles[id];
    if (!f) throw new Error(`planProfileMerge: no facts for profile ${id}`);
    return f;
  };
  const unmapped = keys.filter((k) => k.profileId === undefined).map((k) => k.key);
  const strong = keys.filter((k) => STRONG_KINDS.has(k.kind));
  const weak = keys.filter((k) => !STRONG_KINDS.has(k.kind));
  const eventCustomer = input.identifiers.customerId?.trim() || null;

  // Weak-only event: attach to the browser's profile (visitor id first), never merge.
  if (strong.length === 0) {
    const target = weak.find((k) => k.profileId !== undefined)?.profileId;
    if (target === undefined) return { kind: "create", customerId: null, attach: unmapped, contested: [] };
    return { kind: "use", profileId: target, attach: unmapped, contested: contestedKeys(weak, new Set([target])) };
  }

  const strongProfiles = distinct(strong.map((k) => k.profileId));
  // Anonymous browser profiles join the group: the strong key proves who the browser is now.
  const anonymous = distinct(weak.map((k) => k.profileId)).filter((id) => !facts(id).identified);
  const group = distinct([...strongProfiles, ...anonymous]);
  const customerIds = distinct([eventCustomer, ...group.map((id) => facts(id).customerId)]).sort();
  if (customerIds.length > 1) {
    return {
      kind: "conflict",
      reason: `strong identifiers link different customer ids (${customerIds.join(", ")}); not merging`,
      customerIds,
      profileIds: [...group].sort(),
      resolution: resolveConflict(strong, weak, unmapped, eventCustomer),
    };
  }
  const customerId = customerIds[0] ?? null;

  if (group.length === 0) {
    // New strong keys, browser known only from identified profiles: attach to the
    // browser's profile when its customer id does not clash, else start a new one.
    const viaBrowser = weak.find((k) => {
      if (k.profileId === undefined) return false;
      const c = facts(k.profileId).customerId;
      return c === null || eventCustomer === null || c === eventCustomer;
    })?.profileId;
    if (viaBrowser !== undefined) {
      return { kind: "use", profileId: viaBrowser, attach: unmapped, contested: contestedKeys(weak, new Set([viaBrowser])) };
    }
    return { kind: "create", customerId, attach: unmapped, contested: contestedKeys(weak, new Set()) };
  }

  const [survivor, ...rest] = [...group].sort((a, b) => facts(a).createdAt - facts(b).createdAt || compareIds(a, b));
  if (survivor === undefined) throw new Error("unreachable: group is not empty");
  const contested = contestedKeys(weak, new Set(group));
  if (rest.length === 0) return { kind: "use", profileId: survivor, attach: unmapped, contested };
  return { kind: "merge", survivor, merge: rest, attach: unmapped, contested };
}

/**
 * Keep the event's customer account intact and merge nothing: use the profile that
 * owns the event's customer id (or create it), else the profile of the strongest key
 * (customer > email > phone).
 */
function resolveConflict(strong: Key[], weak: Key[], unmapped: string[], eventCustomer: string | null): ProfileResolution {
  const owner = eventCustomer !== null ? strong.find((k) => k.kind === "customer")?.profileId : strong.find((k) => k.profileId !== undefined)?.profileId;
  if (owner === undefined) {
    return { kind: "create", customerId: eventCustomer, attach: unmapped, contested: contestedKeys(weak, new Set()) };
  }
  return { kind: "use", profileId: owner, attach: unmapped, contested: contestedKeys(weak, new Set([owner])) };
}

function contestedKeys(weak: Key[], chosen: ReadonlySet<string>): string[] {
  return weak.filter((k) => k.profileId !== undefined && !chosen.has(k.profileId)).map((k) => k.key);
}

/** Event keys in IDENTIFIER_KINDS order (strongest first); blanks dropped, values trimmed. */
function eventKeys(ids: ProfileIdentifiers): Array<{ kind: IdentifierKind; key: string }> {
  const raw: Record<IdentifierKind, string | null | undefined> = {
    customer: ids.customerId,
    email: ids.emailHash,
    phone: ids.phoneHash,
    visitor: ids.visitorId,
    client: ids.clientId,
  };
  const out: Array<{ kind: IdentifierKind; key: string }> = [];
  for (const kind of IDENTIFIER_KINDS) {
    const v = raw[kind]?.trim();
    if (v) out.push({ kind, key: identifierKey(kind, v) });
  }
  return out;
}

function distinct<T>(values: ReadonlyArray<T | null | undefined>): T[] {
  const out: T[] = [];
  for (const v of values) {
    if (v !== null && v !== undefined && !out.includes(v)) out.push(v);
  }
  return out;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Stamped ids (click ids with the time they were first seen)
// ---------------------------------------------------------------------------

export interface StampedValue {
  value: string;
  /** First time this value was seen, unix ms. */
  at: number;
}

/**
 * Merge stamped ids (click ids, as the pixel sends them) without mutating the inputs.
 * - Same value: keep the earliest `at` (first seen).
 * - Different value: the one seen later wins (a new ad click replaces the old one),
 *   stamped with its own first-seen time; Meta's fbc must carry the time the CURRENT
 *   fbclid was first seen (https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/fbp-and-fbc).
 *   An older value arriving late never replaces a newer one.
 * - Different values seen at the same millisecond: the lexically larger value wins, so
 *   the result does not depend on arrival order.
 * Merging two maps is commutative. Only the current value per key is kept, so if the SAME
 * value is reported again with an earlier first-seen time after being replaced, that
 * history is gone; the pixel stamps a value once, so this does not arise in practice.
 */
export function mergeStampedIds<K extends string>(
  existing: Readonly<Partial<Record<K, StampedValue>>>,
  incoming: Readonly<Partial<Record<K, StampedValue>>>,
): Partial<Record<K, StampedValue>> {
  const out: Partial<Record<K, StampedValue>> = {};
  for (const [key, v] of Object.entries(existing) as Array<[K, StampedValue | undefined]>) {
    if (v) out[key] = { value: v.value, at: v.at };
  }
  for (const [key, next] of Object.entries(incoming) as Array<[K, StampedValue | undefined]>) {
    if (!next) continue;
    const cur = out[key];
    if (!cur) out[key] = { value: next.value, at: next.at };
    else if (cur.value === next.value) out[key] = { value: cur.value, at: Math.min(cur.at, next.at) };
    else if (next.at > cur.at || (next.at === cur.at && next.value > cur.value)) out[key] = { value: next.value, at: next.at };
  }
  return out;
}
