import type { Prisma } from "@trueline/db-sqlite";
import type { Db, DbProvider } from "~/db.server";
import { asBool, asDate, asDateOrNull, asNumber, asStringOrNull, newId, runnerOf, statement, type Statement } from "./sql.server";

/**
 * The queries of sessionising (app/services/visits.server.ts), one function per operation.
 * The pass's reads and writes are prepared statements on the driver (app/data/sql.server.ts,
 * ADR 0043): through Prisma's query API each cost ~0.5 ms of CPU, and the pass shares SQLite's
 * one writer and the event loop with ingest. The pass's writes are set-based: one statement
 * for all continued sessions, one for all events processed.
 */

type Tx = Db | Prisma.TransactionClient;

const OLDEST_UNPROCESSED = statement(
  "visits.oldest-unprocessed",
  `SELECT "receivedAt" FROM "PixelEvent" WHERE "PixelEvent"."processedAt" IS NULL ORDER BY "PixelEvent"."processedAt" ASC, "PixelEvent"."occurredAt" ASC, "PixelEvent"."id" ASC LIMIT 1`,
);

/**
 * When the next pixel event to sessionise (the claim's first, in [processedAt, occurredAt, id]
 * order) was received, or null when none is waiting: the ingest-pressure guard's measure of
 * how old the backlog is. Read from the claim's own index, so no index on receivedAt is kept
 * up to date on every insert and every processed event for it (issue 10).
 */
export async function oldestUnprocessedPixelEvent(db: Tx): Promise<{ receivedAt: Date } | null> {
  const [row] = await runnerOf(db).all(OLDEST_UNPROCESSED, []);
  return row ? { receivedAt: asDate(row.receivedAt) } : null;
}

const LOCK_PASS = statement("visits.lock-pass", "SELECT 1 AS ok", `SELECT pg_try_advisory_xact_lock(hashtext('trueline:visits')) AS ok`);

/** PostgreSQL: one sessionising pass at a time across all workers (transaction-scoped advisory lock); false when another pass holds it. */
export async function tryLockVisitsPass(tx: Prisma.TransactionClient): Promise<boolean> {
  const [row] = await runnerOf(tx).all(LOCK_PASS, []);
  return asBool(row?.ok);
}

/** A stored pixel event as sessionising reads it. */
export interface StoredPixelEvent {
  id: string;
  shop: string;
  eventId: string;
  name: string;
  occurredAt: Date;
  receivedAt: Date;
  clientId: string;
  visitorId: string | null;
  profileId: string | null;
  sessionId: string | null;
  url: string | null;
  referrer: string | null;
  checkoutToken: string | null;
  orderId: string | null;
  cartToken: string | null;
  customerId: string | null;
  emailHash: string | null;
  phoneHash: string | null;
  consent: string;
  isBot: boolean;
  data: string;
  identity: string;
  userAgent: string | null;
  ip: string | null;
  processedAt: Date | null;
}

const EVENT_COLUMNS = [
  "id", "shop", "eventId", "name", "occurredAt", "receivedAt", "clientId", "visitorId", "profileId", "sessionId", "url", "referrer",
  "checkoutToken", "orderId", "cartToken", "customerId", "emailHash", "phoneHash", "consent", "isBot", "data", "identity",
  "userAgent", "ip", "processedAt",
] as const;

/**
 * Ordered by the [processedAt, occurredAt, id] index's own columns: processedAt is NULL in
 * every row here, and naming it lets PostgreSQL walk the index in order (it does not treat
 * IS NULL as an equality when matching sort order), as SQLite does.
 */
const UNPROCESSED = statement(
  "visits.unprocessed",
  `SELECT ${EVENT_COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "PixelEvent" WHERE "PixelEvent"."processedAt" IS NULL
   ORDER BY "PixelEvent"."processedAt" ASC, "PixelEvent"."occurredAt" ASC, "PixelEvent"."id" ASC LIMIT ?`,
);

/** The next pixel events to sessionise, in time order. */
export async function unprocessedPixelEvents(tx: Tx, limit: number): Promise<StoredPixelEvent[]> {
  return (await runnerOf(tx).all(UNPROCESSED, [limit])).map((r) => ({
    id: String(r.id),
    shop: String(r.shop),
    eventId: String(r.eventId),
    name: String(r.name),
    occurredAt: asDate(r.occurredAt),
    receivedAt: asDate(r.receivedAt),
    clientId: String(r.clientId),
    visitorId: asStringOrNull(r.visitorId),
    profileId: asStringOrNull(r.profileId),
    sessionId: asStringOrNull(r.sessionId),
    url: asStringOrNull(r.url),
    referrer: asStringOrNull(r.referrer),
    checkoutToken: asStringOrNull(r.checkoutToken),
    orderId: asStringOrNull(r.orderId),
    cartToken: asStringOrNull(r.cartToken),
    customerId: asStringOrNull(r.customerId),
    emailHash: asStringOrNull(r.emailHash),
    phoneHash: asStringOrNull(r.phoneHash),
    consent: String(r.consent),
    isBot: asBool(r.isBot),
    data: String(r.data),
    identity: String(r.identity),
    userAgent: asStringOrNull(r.userAgent),
    ip: asStringOrNull(r.ip),
    processedAt: asDateOrNull(r.processedAt),
  }));
}

const LATEST_SESSION = statement(
  "visits.latest-session",
  `SELECT "id", "startedAt", "lastEventAt", "campaignKey", "eventCount" FROM "VisitSession"
   WHERE "VisitSession"."shop" = ? AND "VisitSession"."clientId" = ? ORDER BY "VisitSession"."lastEventAt" DESC LIMIT 1`,
);

/** The browser's latest storefront session in this shop (what deciding the next session needs of it). */
export async function latestVisitSession(
  tx: Tx,
  shop: string,
  clientId: string,
): Promise<{ id: string; startedAt: Date; lastEventAt: Date; campaignKey: string | null; eventCount: number } | null> {
  const [r] = await runnerOf(tx).all(LATEST_SESSION, [shop, clientId]);
  return r ? { id: String(r.id), startedAt: asDate(r.startedAt), lastEventAt: asDate(r.lastEventAt), campaignKey: asStringOrNull(r.campaignKey), eventCount: asNumber(r.eventCount) } : null;
}

export interface NewVisitSession {
  shop: string;
  profileId: string;
  clientId: string;
  startedAt: Date;
  lastEventAt: Date;
  eventCount: number;
  channel: string;
  source?: string | null;
  medium?: string | null;
  campaign?: string | null;
  adSet?: string | null;
  ad?: string | null;
  platform?: string | null;
  campaignKey?: string | null;
  landingUrl?: string | null;
  referrer?: string | null;
  clickIds: string;
}

const SESSION_COLUMNS = [
  "id", "shop", "profileId", "clientId", "startedAt", "lastEventAt", "eventCount", "channel", "source", "medium", "campaign", "adSet", "ad",
  "platform", "campaignKey", "landingUrl", "referrer", "clickIds", "createdAt", "updatedAt",
] as const;

const INSERT_SESSION = statement(
  "visits.insert-session",
  `INSERT INTO "VisitSession" (${SESSION_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${SESSION_COLUMNS.map(() => "?").join(", ")})`,
);

export async function createVisitSession(tx: Tx, d: NewVisitSession): Promise<{ id: string }> {
  const id = newId();
  const now = new Date();
  await runnerOf(tx).run(INSERT_SESSION, [
    id, d.shop, d.profileId, d.clientId, d.startedAt, d.lastEventAt, d.eventCount, d.channel, d.source ?? null, d.medium ?? null, d.campaign ?? null,
    d.adSet ?? null, d.ad ?? null, d.platform ?? null, d.campaignKey ?? null, d.landingUrl ?? null, d.referrer ?? null, d.clickIds, now, now,
  ]);
  return { id };
}

/** Statements by row count (a pass writes at most its limit of rows; chunks of CHUNK beyond). */
const CHUNK = 100;
function byCount(cache: Map<number, Statement>, n: number, make: (n: number) => Statement): Statement {
  let st = cache.get(n);
  if (!st) cache.set(n, (st = make(n)));
  return st;
}

/** `(?, ?, …), …` for SQLite; `($1::cast, …), …` for PostgreSQL (VALUES rows need their types there). */
function valueRows(provider: DbProvider, rows: number, casts: readonly string[]): string {
  let n = 0;
  const one = () => `(${casts.map((c) => (provider === "sqlite" ? "?" : `$${++n}${c ? `::${c}` : ""}`)).join(", ")})`;
  return Array.from({ length: rows }, one).join(", ");
}

export interface VisitSessionProgress {
  id: string;
  startedAt: number;
  lastEventAt: number;
  added: number;
  /** The session's profile when known (null keeps the stored one). */
  profileId: string | null;
}

const PROGRESS_CASTS = ["text", "timestamp(3)", "timestamp(3)", "integer", "text"] as const;
const progressWrites = new Map<number, Statement>();
const progressSql = (provider: DbProvider, n: number) =>
  `WITH u ("id", "startedAt", "lastEventAt", "added", "profileId") AS (VALUES ${valueRows(provider, n, PROGRESS_CASTS)})
   UPDATE "VisitSession" SET "startedAt" = u."startedAt", "lastEventAt" = u."lastEventAt", "eventCount" = "VisitSession"."eventCount" + u."added",
     "profileId" = COALESCE(u."profileId", "VisitSession"."profileId"), "updatedAt" = ${provider === "sqlite" ? "?" : `$${n * PROGRESS_CASTS.length + 1}::timestamp(3)`}
   FROM u WHERE "VisitSession"."id" = u."id"`;

/** Continued sessions' final state after a pass (span, events added, profile when known): one statement per CHUNK sessions. */
export async function saveVisitSessionsProgress(tx: Tx, sessions: readonly VisitSessionProgress[]): Promise<void> {
  const now = new Date();
  for (let i = 0; i < sessions.length; i += CHUNK) {
    const chunk = sessions.slice(i, i + CHUNK);
    const st = byCount(progressWrites, chunk.length, (n) => ({ name: `visits.session-progress.${n}`, sqlite: progressSql("sqlite", n), postgres: progressSql("postgres", n) }));
    await runnerOf(tx).run(st, [...chunk.flatMap((u) => [u.id, new Date(u.startedAt), new Date(u.lastEventAt), u.added, u.profileId]), now]);
  }
}

const PROCESSED_CASTS = ["text", "text", "text"] as const;
const processedWrites = new Map<number, Statement>();
const processedSql = (provider: DbProvider, n: number) =>
  `WITH u ("id", "profileId", "sessionId") AS (VALUES ${valueRows(provider, n, PROCESSED_CASTS)})
   UPDATE "PixelEvent" SET "profileId" = u."profileId", "sessionId" = u."sessionId", "processedAt" = ${provider === "sqlite" ? "?" : `$${n * PROCESSED_CASTS.length + 1}::timestamp(3)`}
   FROM u WHERE "PixelEvent"."id" = u."id"`;

/** These events are sessionised: each one's profile and session, and when; one statement per CHUNK events. */
export async function markPixelEventsProcessed(
  tx: Tx,
  events: ReadonlyArray<{ id: string; profileId: string | null; sessionId: string }>,
  processedAt: Date,
): Promise<void> {
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    const st = byCount(processedWrites, chunk.length, (n) => ({ name: `visits.events-processed.${n}`, sqlite: processedSql("sqlite", n), postgres: processedSql("postgres", n) }));
    await runnerOf(tx).run(st, [...chunk.flatMap((e) => [e.id, e.profileId, e.sessionId]), processedAt]);
  }
}

/**
 * Cookie restoration (ADR 0027): the most recent stored events of ONE browser (shop +
 * Shopify clientId), newest first, with what restoration reads of them. Never by profile.
 */
export async function recentEventsOfClient(db: Db, shop: string, clientId: string, limit: number) {
  return db.pixelEvent.findMany({
    where: { shop, clientId },
    orderBy: { occurredAt: "desc" },
    take: limit,
    select: { receivedAt: true, consent: true, visitorId: true, identity: true },
  });
}
