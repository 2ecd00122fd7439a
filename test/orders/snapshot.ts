import { createHash } from "node:crypto";
import type { Db } from "~/db.server";

/**
 * The state an order pipeline converges on, without what is naturally different between two
 * runs: row ids (cuid), createdAt/updatedAt/processedAt, lease and retry times. Row ids that
 * other rows point to are replaced by what identifies the row: a profile by its identifiers
 * (alias keys), a session by its browser and start time, a conversion by its event id, a
 * destination by its kind. The same replacement runs over text that embeds ids (explanations,
 * conversion payloads, requests as sent, where a profile id may appear raw or SHA-256 hashed).
 */

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** One event a platform stand-in accepted (ReceivedEvent), with the platform it went to. */
export interface ReceivedByPlatform {
  platform: string;
  eventId: string | null;
  eventName: string;
  body: unknown;
  envelope: unknown;
}

export async function snapshotState(db: Db, shop: string, received: ReceivedByPlatform[] = []) {
  const [profiles, aliases, sessions, orders, credits, conversions, destinations, deliveries] = await Promise.all([
    db.profile.findMany({ where: { shop } }),
    db.profileAlias.findMany({ where: { shop } }),
    db.visitSession.findMany({ where: { shop } }),
    db.order.findMany({ where: { shop } }),
    db.attributionCredit.findMany({ where: { shop } }),
    db.conversion.findMany({ where: { shop } }),
    db.destination.findMany({ where: { shop } }),
    db.delivery.findMany({ where: { shop } }),
  ]);

  const keysByProfile = new Map<string, string[]>();
  for (const a of aliases) keysByProfile.set(a.profileId, [...(keysByProfile.get(a.profileId) ?? []), a.key]);
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const live = (id: string): string => {
    let p = byId.get(id);
    for (let hops = 0; p?.mergedIntoId && hops < 20; hops++) p = byId.get(p.mergedIntoId);
    return p?.id ?? id;
  };
  const profileKey = (id: string | null): string | null => {
    if (id === null || id === "") return id;
    const keys = keysByProfile.get(live(id));
    return keys ? `profile[${[...keys].sort().join(" ")}]` : `profile[unknown ${byId.has(id) ? "no aliases" : "missing"}]`;
  };
  const sessionById = new Map(sessions.map((s) => [s.id, s]));
  const sessionKey = (id: string | null): string | null => {
    if (id === null) return null;
    const s = sessionById.get(id);
    return s ? `session[${s.clientId}@${s.startedAt.toISOString()}]` : `session[missing]`;
  };

  // Every way a row id can appear inside text.
  const replacements: Array<[string, string]> = [];
  for (const p of profiles) {
    const key = profileKey(p.id)!;
    replacements.push([p.id, key], [sha256(p.id), `sha256(${key})`], [sha256(p.id.toLowerCase()), `sha256(${key})`]);
  }
  for (const s of sessions) replacements.push([s.id, sessionKey(s.id)!]);
  replacements.sort((a, b) => b[0].length - a[0].length);
  const scrub = (text: string | null): string | null => {
    if (text === null) return null;
    let out = text;
    for (const [from, to] of replacements) if (out.includes(from)) out = out.split(from).join(to);
    return out;
  };
  /** Explanations cite ids shortened (first 8 characters + "…", or the last 8 after "…"). */
  const scrubShort = (text: string, ids: Array<[string | null, string | null]>): string => {
    let out = text;
    for (const [id, key] of ids) {
      if (!id || !key || id.length <= 12) continue;
      out = out.split(`${id.slice(0, 8)}…`).join(key).split(`…${id.slice(-8)}`).join(key);
    }
    return out;
  };
  const kindOf = new Map(destinations.map((d) => [d.id, d.kind]));
  const eventIdOf = new Map(conversions.map((c) => [c.id, c.eventId]));
  const byText = <T>(rows: T[]) => rows.map((r) => ({ r, k: JSON.stringify(r) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.r);

  return {
    profiles: byText(
      profiles
        .filter((p) => !p.mergedIntoId)
        .map((p) => ({ key: profileKey(p.id), customerId: p.customerId, emailHash: p.emailHash, phoneHash: p.phoneHash, identifiers: p.identifiers })),
    ),
    sessions: byText(
      sessions.map((s) => ({
        key: sessionKey(s.id),
        profile: profileKey(s.profileId),
        lastEventAt: s.lastEventAt.toISOString(),
        eventCount: s.eventCount,
        channel: s.channel,
        source: s.source,
        medium: s.medium,
        campaign: s.campaign,
        clickIds: s.clickIds,
      })),
    ),
    orders: byText(
      orders.map((o) => {
        const { id: _id, createdAt: _c, updatedAt: _u, profileId, sessionId, explanation, ...rest } = o;
        return {
          ...rest,
          shopifyCreatedAt: o.shopifyCreatedAt.toISOString(),
          shopifyUpdatedAt: o.shopifyUpdatedAt.toISOString(),
          cancelledAt: o.cancelledAt?.toISOString() ?? null,
          profile: profileKey(profileId),
          session: sessionKey(sessionId),
          explanation: scrubShort(scrub(explanation)!, [
            [sessionId, sessionKey(sessionId)],
            [profileId, profileKey(profileId)],
          ]),
        };
      }),
    ),
    credits: byText(
      credits.map((c) => ({
        orderId: c.orderId,
        model: c.model,
        session: sessionKey(c.sessionId),
        weight: c.weight,
        revenue: c.revenue,
        currency: c.currency,
        channel: c.channel,
        campaign: c.campaign,
        orderAt: c.orderAt.toISOString(),
      })),
    ),
    conversions: byText(
      conversions.map((c) => ({ eventId: c.eventId, name: c.name, orderId: c.orderId, occurredAt: c.occurredAt.toISOString(), payload: scrub(c.payload) })),
    ),
    deliveries: byText(
      deliveries.map((d) => ({
        destination: kindOf.get(d.destinationId) ?? "?",
        conversion: eventIdOf.get(d.conversionId) ?? "?",
        eventId: d.eventId,
        eventName: d.eventName,
        status: d.status,
        attempts: d.attempts,
        occurredAt: d.occurredAt.toISOString(),
        lastError: d.lastError?.replace(/\(fbtrace_id [^)]*\)/, "(fbtrace_id …)") ?? null,
        // The request is the whole batch the row went out in, and batches form in claim
        // order; what each platform received per event is compared below instead.
        sent: d.requestId !== null,
      })),
    ),
    received: byText(received.map((e) => ({ platform: e.platform, eventId: e.eventId, eventName: e.eventName, body: scrub(JSON.stringify(e.body)), envelope: scrub(JSON.stringify(e.envelope)) }))),
  };
}
export type StateSnapshot = Awaited<ReturnType<typeof snapshotState>>;
