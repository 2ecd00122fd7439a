import { prisma, type Db } from "~/db.server";
import { decodeKey, env } from "~/env.server";
import { companionScript, planCompanion, type CompanionPlan } from "~/destinations/browser-companion";
import { listDestinations } from "~/data/destinations.server";

export interface CompanionView {
  script: string;
  tags: Array<{ kind: string; label: string; tagId: string; events: string[] }>;
  skipped: CompanionPlan["skipped"];
}

/**
 * The browser companion for one shop (ADR 0028): the custom pixel code generated from the
 * shop's own destinations (public settings and event switches only; no secret goes in).
 */
export async function loadCompanion(db: Db, key: Buffer, shop: string): Promise<CompanionView> {
  const destinations = await listDestinations(db, key, shop);
  const plan = planCompanion(
    destinations.map((d) => ({ kind: d.kind, label: d.label, enabled: d.enabled && !d.pausedAt, publicConfig: d.publicConfig, events: d.policy.events })),
  );
  const labels = new Map(destinations.map((d) => [d.kind, d.label]));
  return {
    script: companionScript(shop, plan),
    tags: plan.tags.map((t) => ({ kind: t.kind, label: labels.get(t.kind) ?? t.kind, tagId: t.tagId, events: Object.values(t.events) })),
    skipped: plan.skipped,
  };
}

/** The live database and key, for the admin route. */
export function companionDeps(): { db: Db; key: Buffer } {
  return { db: prisma(), key: decodeKey(env().ENCRYPTION_KEY)! };
}
