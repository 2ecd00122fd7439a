import type { Db, DbProvider } from "~/db.server";
import { readStoredIdentity } from "~/core/events/stored-identity";
import { restoreFromEvents, type RestoreAnswer } from "~/core/identity/restore";
import { classifyChannel } from "~/core/sessions/channel";
import { campaignKeyOf, decideSession, DEFAULT_SESSION_TIMEOUT_MS } from "~/core/sessions/sessionize";
import type { StampedValue } from "~/core/sessions/profile-merge";
import { lockShopIdentity, resolveProfileDetailed } from "~/data/identity.server";
import { ordersNewEvidenceCanChange } from "~/data/order-evidence.server";
import { CLOCK_SKEW_MS } from "~/core/reconcile/match-order";
import { reconcileOrdersAgainInTx } from "./orders.server";
import { readShopSettings } from "~/data/shops.server";
import type { Logger } from "~/lib/logger.server";
import { storefrontConversion, type StoredStorefrontEvent } from "~/core/events/storefront-conversion";
import { outboxDestinations, type OutboxDestination } from "~/data/destinations.server";
import { enqueueConversionDeliveries } from "./outbox.server";
import { wantsConversion } from "~/destinations/policy";
import { msSinceIngest } from "~/lib/signals.server";
import { saveConversion } from "~/data/conversions.server";
import { transaction } from "~/data/sql.server";
import {
  createVisitSession,
  latestVisitSession,
  markPixelEventsProcessed,
  oldestUnprocessedPixelEvent,
  recentEventsOfClient,
  saveVisitSessionsProgress,
  tryLockVisitsPass,
  unprocessedPixelEvents,
} from "~/data/visits.server";

interface Deps {
  db: Db;
  provider: DbProvider;
  key: Buffer;
  log: Logger;
}

/**
 * Turn stored pixel events into profiles and sessions (after the proxy answered).
 * One pass at a time across all workers (PostgreSQL advisory lock), events in time order.
 */
export async function processPixelEventsTick(deps: Deps, limit = deps.provider === "sqlite" ? 25 : 100): Promise<number> {
  // (SQLite: the web process waits while a pass runs, so passes stay short; see worker.server.ts.)
  // During an ingest burst (SQLite: one writer), let the proxy write first unless the
  // backlog is getting old. Small batches keep each write transaction short.
  if (deps.provider === "sqlite" && msSinceIngest() < 250) {
    const oldest = await oldestUnprocessedPixelEvent(deps.db);
    if (!oldest || Date.now() - oldest.receivedAt.getTime() < 30_000) return 0;
  }
  // transaction(): the pass's own queries and the identity and settings reads it makes run as
  // prepared statements on the transaction's driver connection (app/data/sql.server.ts,
  // ADRs 0021 and 0043).
  const pass = await transaction(
    deps.db,
    async (tx): Promise<{ count: number; revisit: Map<string, string[]> }> => {
      const revisit = new Map<string, string[]>();
      if (deps.provider === "postgres") {
        if (!(await tryLockVisitsPass(tx))) return { count: 0, revisit };
      }
      const events = await unprocessedPixelEvents(tx, limit);
      if (events.length === 0) return { count: 0, revisit };
      const settingsByShop = new Map<string, { timeoutMs: number; botFiltering: boolean }>();
      const lastSession = new Map<string, { id: string; startedAt: number; lastEventAt: number; campaignKey: string | null; eventCount: number }>();
      const locked = new Set<string>();
      const destinationsByShop = new Map<string, OutboxDestination[]>();
      // Written once per pass (set-based): each continued session's final state, and the
      // events grouped by the (profile, session) they were given.
      const sessionUpdates = new Map<string, { startedAt: number; lastEventAt: number; added: number; profileId: string | null }>();
      const eventGroups = new Map<string, { profileId: string | null; sessionId: string; ids: string[] }>();
      /** Profiles merged away during this pass → the profile they now belong to. */
      const mergedInto = new Map<string, string>();
      const current = (profileId: string | null): string | null => {
        let p = profileId;
        for (let i = 0; p && mergedInto.has(p) && i < 100; i++) p = mergedInto.get(p)!;
        return p;
      };
      // What this pass can change in orders already reconciled (ADR 0005), per shop.
      const evidence = new Map<string, { orderIds: Set<string>; checkoutTokens: Set<string>; cartTokens: Set<string>; profiles: Map<string, number>; merged: Set<string> }>();
      const evidenceOf = (shop: string) => {
        let e = evidence.get(shop);
        if (!e) evidence.set(shop, (e = { orderIds: new Set(), checkoutTokens: new Set(), cartTokens: new Set(), profiles: new Map(), merged: new Set() }));
        return e;
      };
      for (const e of events) {
        if (!locked.has(e.shop)) {
          await lockShopIdentity(tx, deps.provider, e.shop);
          locked.add(e.shop);
        }
        let settings = settingsByShop.get(e.shop);
        if (!settings) {
          const s = await readShopSettings(tx, e.shop);
          settings = { timeoutMs: s.sessionTimeoutMinutes * 60_000 || DEFAULT_SESSION_TIMEOUT_MS, botFiltering: s.botFiltering };
          settingsByShop.set(e.shop, settings);
        }
        const identity = readStoredIdentity(e.identity);
        const cookies: Record<string, StampedValue> = {};
        for (const [k, v] of Object.entries(identity.cookies ?? {})) cookies[k] = { value: v, at: e.receivedAt.getTime() };
        const resolved = await resolveProfileDetailed(
          tx,
          e.shop,
          { clientId: e.clientId, visitorId: e.visitorId, customerId: e.customerId, emailHash: e.emailHash, phoneHash: e.phoneHash },
          e.occurredAt,
          { clickIds: identity.clickIds, cookies },
        );
        const profileId = resolved.profileId;
        const found = evidenceOf(e.shop);
        for (const m of resolved.merged) if (profileId) mergedInto.set(m, profileId);
        for (const id of resolved.revisitOrderIds) found.merged.add(id);
        if (e.orderId) found.orderIds.add(e.orderId);
        if (e.checkoutToken) found.checkoutTokens.add(e.checkoutToken);
        if (e.cartToken) found.cartTokens.add(e.cartToken);
        if (profileId) found.profiles.set(profileId, Math.min(found.profiles.get(profileId) ?? Infinity, e.occurredAt.getTime()));

        // The landing's own URL decides the channel (remembered click ids do not).
        const channel = classifyChannel({ url: e.url ?? undefined, referrer: e.referrer ?? undefined, shopDomains: [e.shop] });
        const campaignKey = campaignKeyOf(channel);
        const key = `${e.shop}\u0000${e.clientId}`;
        let prev = lastSession.get(key);
        if (!prev) {
          const row = await latestVisitSession(tx, e.shop, e.clientId);
          if (row) prev = { id: row.id, startedAt: row.startedAt.getTime(), lastEventAt: row.lastEventAt.getTime(), campaignKey: row.campaignKey, eventCount: row.eventCount };
        }
        const at = e.occurredAt.getTime();
        const decision = decideSession(prev ?? null, { at, campaignKey }, { timeoutMs: settings.timeoutMs });
        let sessionId: string;
        if (decision.kind === "continue" && prev) {
          sessionId = decision.sessionId;
          const u = sessionUpdates.get(sessionId);
          sessionUpdates.set(sessionId, { startedAt: decision.startedAt, lastEventAt: decision.lastEventAt, added: (u?.added ?? 0) + 1, profileId: profileId ?? u?.profileId ?? null });
          prev = { ...prev, startedAt: decision.startedAt, lastEventAt: decision.lastEventAt, eventCount: prev.eventCount + 1 };
        } else {
          const created = await createVisitSession(tx, {
              shop: e.shop,
              profileId: profileId ?? "",
              clientId: e.clientId,
              startedAt: e.occurredAt,
              lastEventAt: e.occurredAt,
              eventCount: 1,
              channel: channel.channel,
              source: channel.source,
              medium: channel.medium,
              campaign: channel.campaign,
              adSet: channel.adSet,
              ad: channel.ad,
              platform: channel.platform,
              campaignKey,
              landingUrl: e.url,
              referrer: e.referrer,
              clickIds: JSON.stringify(channel.clickId ? { [channel.clickId.key]: channel.clickId.value } : {}),
          });
          sessionId = created.id;
          prev = { id: sessionId, startedAt: at, lastEventAt: at, campaignKey, eventCount: 1 };
        }
        lastSession.set(key, prev);
        const groupKey = `${profileId ?? ""}\u0000${sessionId}`;
        const group = eventGroups.get(groupKey);
        if (group) group.ids.push(e.id);
        else eventGroups.set(groupKey, { profileId, sessionId, ids: [e.id] });

        // Server-side copies of storefront events (same event id as the browser's, so the
        // platforms deduplicate), for destinations that want them; with bot filtering on (the
        // shop's setting), events the pixel marked as a bot's are not forwarded.
        if (!(e.isBot && settings.botFiltering)) {
          const conversion = storefrontConversion({
            eventId: e.eventId,
            name: e.name,
            occurredAt: at,
            url: e.url,
            userAgent: e.userAgent,
            ip: e.ip,
            customerId: e.customerId,
            profileId,
            consent: e.consent,
            data: JSON.parse(e.data) as StoredStorefrontEvent["data"],
            identity: { clickIds: identity.clickIds, cookies: identity.cookies },
          });
          if (conversion) {
            let dests = destinationsByShop.get(e.shop);
            if (!dests) {
              dests = (await outboxDestinations(tx, e.shop)).filter((d) => d.enabled);
              destinationsByShop.set(e.shop, dests);
            }
            if (dests.some((d) => wantsConversion(d.policy, conversion))) {
              const name = conversion.goal ? `goal:${conversion.goal.source}` : conversion.name;
              const row = await saveConversion(tx, { shop: e.shop, eventId: conversion.eventId, name, occurredAt: e.occurredAt, payload: JSON.stringify(conversion) }, "keep");
              await enqueueConversionDeliveries(tx, deps.key, { shop: e.shop, conversionId: row.id, conversion, orderKind: null, now: new Date(), onlyWanted: true, destinations: dests });
            }
          }
        }
      }
      // The pass's writes, set-based: one statement for the continued sessions, one for the
      // events processed; profile ids follow any merge made later in the pass.
      await saveVisitSessionsProgress(
        tx,
        [...sessionUpdates].map(([id, u]) => ({ id, startedAt: u.startedAt, lastEventAt: u.lastEventAt, added: u.added, profileId: current(u.profileId) })),
      );
      await markPixelEventsProcessed(
        tx,
        [...eventGroups.values()].flatMap((g) => {
          const profileId = current(g.profileId);
          return g.ids.map((id) => ({ id, profileId, sessionId: g.sessionId }));
        }),
        new Date(),
      );
      for (const [shop, found] of evidence) {
        const profiles = new Map<string, number>();
        for (const [p, from] of found.profiles) {
          const c = current(p)!;
          profiles.set(c, Math.min(profiles.get(c) ?? Infinity, from));
        }
        const ids = await ordersNewEvidenceCanChange(tx, shop, { orderIds: [...found.orderIds], checkoutTokens: [...found.checkoutTokens], cartTokens: [...found.cartTokens] }, profiles, CLOCK_SKEW_MS);
        const all = [...new Set([...ids, ...found.merged])];
        if (all.length) revisit.set(shop, all);
      }
      // ADR 0005: orders this pass's sessions can change are reconciled again in the pass's own
      // transaction, so the pass and its consequences commit together: a crash between them
      // cannot lose the re-reconciliation, and nobody sees the events processed while the
      // orders still show the state from before them.
      for (const [shop, orderIds] of revisit) await reconcileOrdersAgainInTx(tx, deps, shop, orderIds, new Date());
      return { count: events.length, revisit };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  for (const [shop, orderIds] of pass.revisit) deps.log.info("orders reconciled again after sessionising", { shop, orders: orderIds.length });
  return pass.count;
}

/**
 * Cookie restoration (ADR 0027): the visitor id, click ids and platform cookies one browser
 * reported itself (same shop, same Shopify clientId, with ads consent), each cookie within
 * its own lifetime. Never through the profile: profiles merge on data a stranger can type.
 */
export async function restoreVisitor(db: Db, shop: string, clientId: string, now: number): Promise<RestoreAnswer> {
  const rows = await recentEventsOfClient(db, shop, clientId, RESTORE_LOOKBACK_EVENTS);
  return restoreFromEvents(
    rows.map((r) => ({ receivedAt: r.receivedAt.getTime(), consent: r.consent, visitorId: r.visitorId, identity: readStoredIdentity(r.identity) })),
    now,
  );
}

/** The newest events of a browser read for a restore (its recent cookies are in the last few). */
const RESTORE_LOOKBACK_EVENTS = 200;
