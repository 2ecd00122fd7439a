import { isbot } from "isbot";
import { z } from "zod";
import type { Db } from "~/db.server";
import {
  PixelBatchEnvelopeSchema,
  PixelEventSchema,
  type PixelEvent,
} from "~/core/events/pixel-payload.schema";
import { storedIdentity } from "~/core/events/stored-identity";
import { encodeConsentBits } from "~/core/consent/bits";
import { numericShopifyId } from "~/core/conversions/event-id";
import { emailMatchKey, phoneMatchKey } from "~/core/identity/match-keys";
import { wellFormed, wellFormedDeep } from "~/core/text/well-formed";
import { insertPixelEventGroups, type NewPixelEvent } from "~/data/pixel-events.server";
import { GroupCommit } from "~/lib/group-commit.server";
import { RateLimiter } from "~/lib/rate-limit";
import { noteIngest } from "~/lib/signals.server";

export type IngestResult =
  | { kind: "invalid-json" }
  | { kind: "invalid-batch"; issues: string[] }
  | { kind: "rate-limited"; retryAfterMs: number; scope: "shop" | "ip" | "visitor" }
  | { kind: "no-consent" }
  | { kind: "unstorable" }
  | { kind: "ok"; accepted: number; duplicates: number; rejected: Array<{ index: number; id?: string; reason: string }> };

export interface IngestDeps {
  db: Db;
  now: () => number;
  shopLimiter: RateLimiter;
  visitorLimiter: RateLimiter;
  /** Keyed on the shopper's address (the first of X-Forwarded-For): rotating clientIds does not escape it. */
  ipLimiter?: RateLimiter;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
}

/** The shopper's IP: the first address Shopify's proxy puts in X-Forwarded-For. */
export function clientIp(forwardedFor: string | null | undefined): string | null {
  const first = forwardedFor?.split(",")[0]?.trim() ?? "";
  return /^[0-9a-fA-F:.]{3,45}$/.test(first) ? first : null;
}

/**
 * Bots are marked (stored; with the shop's bot filtering on, never forwarded, matched to an order
 * or credited: visits.server.ts, orders.server.ts): a crawler's user agent (isbot's list), or
 * behaviour no shopper has: a batch of 20+ events whose timestamps span under a second.
 */
export function looksLikeBot(userAgent: string | null, events: readonly unknown[]): boolean {
  if (userAgent && isbot(userAgent)) return true;
  if (events.length < 20) return false;
  const times = events
    .map((e) => Date.parse(String((e as { timestamp?: unknown })?.timestamp)))
    .filter((t) => Number.isFinite(t));
  return times.length >= 20 && Math.max(...times) - Math.min(...times) < 1000;
}

/** A database refusal of the values themselves (PostgreSQL SQLSTATE class 22), wherever the driver puts the code. */
export function isDataException(error: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const o = e as { code?: unknown; originalCode?: unknown; cause?: unknown; meta?: { code?: unknown; driverAdapterError?: unknown } };
    for (const c of [o.code, o.originalCode, o.meta?.code]) if (typeof c === "string" && /^22[0-9A-Z]{3}$/.test(c)) return true;
    e = o.cause ?? o.meta?.driverAdapterError;
  }
  return false;
}

let committer: GroupCommit<NewPixelEvent[], { inserted: number; duplicates: number }> | undefined;
let committerDb: Db | undefined;
function groupCommit(db: Db) {
  if (!committer || committerDb !== db) {
    committer = new GroupCommit((groups) => insertPixelEventGroups(db, groups));
    committerDb = db;
  }
  return committer;
}

/**
 * The pixel's batch, from an authenticated proxy request for `shop`. The body is
 * untrusted: validated per event, unknown fields dropped, personal data hashed on
 * arrival (never stored raw), no revenue taken from it. Durable before the answer.
 */
export async function ingestPixelBatch(
  deps: IngestDeps,
  input: { shop: string; bodyText: string; userAgentHeader: string | null; forwardedFor?: string | null },
): Promise<IngestResult> {
  const now = deps.now();
  const shopWait = deps.shopLimiter.take(input.shop, now);
  if (shopWait > 0) return { kind: "rate-limited", retryAfterMs: shopWait, scope: "shop" };
  const ip = clientIp(input.forwardedFor);
  if (ip && deps.ipLimiter) {
    const ipWait = deps.ipLimiter.take(ip, now);
    if (ipWait > 0) return { kind: "rate-limited", retryAfterMs: ipWait, scope: "ip" };
  }

  let json: unknown;
  try {
    // Every string of the body (keys included) made well-formed here, once, before
    // validation: nothing that reaches the database carries a NUL or a lone surrogate.
    json = wellFormedDeep(JSON.parse(input.bodyText) as unknown);
  } catch {
    return { kind: "invalid-json" };
  }
  const envelope = PixelBatchEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: "invalid-batch", issues: describeIssues(envelope.error) };
  const batch = envelope.data;

  const visitorWait = deps.visitorLimiter.take(`${input.shop}|${batch.identity.clientId}`, now);
  if (visitorWait > 0) return { kind: "rate-limited", retryAfterMs: visitorWait, scope: "visitor" };
  // The pixel sends nothing without analytics consent; if something does, keep nothing.
  if (!batch.consent.analytics) return { kind: "no-consent" };

  const marketing = batch.consent.marketing;
  const userAgentHeader = input.userAgentHeader == null ? null : wellFormed(input.userAgentHeader);
  const userAgent = batch.context?.userAgent ?? userAgentHeader;
  const bot = looksLikeBot(userAgent, batch.events);
  // Click ids and platform cookies are marketing identifiers: kept only with marketing consent.
  const identity = storedIdentity(batch.identity, marketing);

  const rejected: Array<{ index: number; id?: string; reason: string }> = [];
  const rows: NewPixelEvent[] = [];
  const seen = new Set<string>();
  batch.events.forEach((raw, index) => {
    const parsed = PixelEventSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === "string" ? String((raw as { id: string }).id).slice(0, 128) : undefined;
      rejected.push({ index, id, reason: describeIssues(parsed.error).join("; ") });
      return;
    }
    const e: PixelEvent = parsed.data;
    if (seen.has(e.id)) return; // same event twice in one batch
    seen.add(e.id);
    const { email, phone, ...rest } = e;
    rows.push({
      shop: input.shop,
      eventId: e.id,
      name: e.name,
      occurredAt: new Date(e.timestamp),
      receivedAt: new Date(now),
      clientId: batch.identity.clientId,
      visitorId: batch.identity.visitorId ?? null,
      url: e.url ?? null,
      referrer: e.referrer ?? null,
      checkoutToken: e.checkoutToken ?? null,
      orderId: e.orderId ? numericShopifyId(e.orderId) : null,
      cartToken: e.cartToken ?? null,
      customerId: e.customerId ? numericShopifyId(e.customerId) : null,
      emailHash: marketing ? emailMatchKey(email) ?? null : null,
      phoneHash: marketing ? phoneMatchKey(phone) ?? null : null,
      consent: encodeConsentBits(batch.consent),
      isBot: bot,
      data: JSON.stringify(rest),
      identity: JSON.stringify(identity),
      userAgent,
      ip: marketing ? ip : null,
    });
  });

  if (rows.length === 0) return { kind: "ok", accepted: 0, duplicates: 0, rejected };
  let stored: { inserted: number; duplicates: number };
  try {
    stored = await groupCommit(deps.db).submit(rows);
  } catch (error) {
    // The group commit retried this request alone: if the database refused its data
    // (SQLSTATE class 22, "data exception"), the request is at fault, not the server.
    if (isDataException(error)) return { kind: "unstorable" };
    throw error;
  }
  const { inserted, duplicates } = stored;
  // No wake-up: sessionising is not latency-critical; the worker's poll picks it up.
  noteIngest(now);
  return { kind: "ok", accepted: inserted, duplicates: duplicates + (batch.events.length - rejected.length - rows.length), rejected };
}
