/**
 * Per destination, the share of orders it has been given: delivered plus
 * deliberately skipped (policy or consent said no, with a reason on the row) over
 * every order the destination should see. The outbox writes one purchase row per
 * enabled destination for every order (app/services/outbox.server.ts), so:
 * - an order with a row is expected; delivered/skipped count as handled, pending and
 *   retrying as in flight, failed and expired as lost;
 * - an order WITHOUT a row, received while the destination was enabled (after it
 *   was connected), is expected too and counts as missing: something upstream
 *   dropped it, which is exactly what this number must reveal;
 * - a paused/disabled destination expects no new orders.
 * Broken down by the marketing channel of the order's matched visit
 * ("unattributed" when the order matched no visit).
 */

export const UNATTRIBUTED = "unattributed";

export interface ShareDestination {
  id: string;
  label: string;
  kind: string;
  enabled: boolean;
  /** unix ms the destination was connected */
  createdAt: number;
}

export interface ShareOrder {
  orderId: string;
  /** unix ms Trueline received the order */
  receivedAt: number;
  channel: string | null;
}

export interface ShareRow {
  destinationId: string;
  orderId: string;
  status: string;
}

export interface ShareCounts {
  expected: number;
  delivered: number;
  skipped: number;
  inFlight: number;
  failed: number;
  missing: number;
  /** (delivered + skipped) / expected, in [0, 1]; null when nothing was expected. */
  share: number | null;
}

export interface DestinationShare extends ShareCounts {
  destinationId: string;
  label: string;
  kind: string;
  enabled: boolean;
  /** share below the merchant's threshold (false when nothing was expected). */
  belowThreshold: boolean;
  byChannel: Array<ShareCounts & { channel: string }>;
}

function empty(): ShareCounts {
  return { expected: 0, delivered: 0, skipped: 0, inFlight: 0, failed: 0, missing: 0, share: null };
}

function tally(c: ShareCounts, status: string | null): void {
  c.expected += 1;
  if (status === null) c.missing += 1;
  else if (status === "delivered") c.delivered += 1;
  else if (status === "skipped") c.skipped += 1;
  else if (status === "pending" || status === "retrying") c.inFlight += 1;
  else c.failed += 1;
}

function finish<T extends ShareCounts>(c: T): T {
  c.share = c.expected === 0 ? null : (c.delivered + c.skipped) / c.expected;
  return c;
}

export function deliveryShares(input: {
  destinations: readonly ShareDestination[];
  orders: readonly ShareOrder[];
  rows: readonly ShareRow[];
  thresholdPercent: number;
}): DestinationShare[] {
  const statusOf = new Map<string, string>();
  for (const r of input.rows) statusOf.set(`${r.destinationId}\u0000${r.orderId}`, r.status);
  return input.destinations.map((d) => {
    const total = empty();
    const channels = new Map<string, ShareCounts>();
    for (const o of input.orders) {
      const status = statusOf.get(`${d.id}\u0000${o.orderId}`) ?? null;
      if (status === null && !(d.enabled && o.receivedAt >= d.createdAt)) continue;
      const channel = o.channel ?? UNATTRIBUTED;
      let c = channels.get(channel);
      if (!c) channels.set(channel, (c = empty()));
      tally(total, status);
      tally(c, status);
    }
    finish(total);
    const byChannel = [...channels.entries()]
      .map(([channel, c]) => ({ channel, ...finish(c) }))
      .sort((a, b) => b.expected - a.expected || a.channel.localeCompare(b.channel));
    return {
      destinationId: d.id,
      label: d.label,
      kind: d.kind,
      enabled: d.enabled,
      ...total,
      belowThreshold: total.share !== null && total.share * 100 < input.thresholdPercent,
      byChannel,
    };
  });
}

/** Share of items carrying each identifier; `total` 0 gives null shares. */
export interface Coverage<K extends string> {
  total: number;
  present: Record<K, number>;
}

export const COVERAGE_KEYS = ["emailHash", "phoneHash", "clickId", "platformCookie"] as const;
export type CoverageKey = (typeof COVERAGE_KEYS)[number];

/** Which identifiers one purchase conversion carries (from its stored payload; values never leave this function). */
export function identifiersOf(payload: unknown): Record<CoverageKey, boolean> {
  const p = (payload ?? {}) as { user?: Record<string, unknown>; clickIds?: Record<string, unknown> };
  const user = p.user ?? {};
  const clicks = p.clickIds ?? {};
  const has = (o: Record<string, unknown>, k: string) => typeof o[k] === "string" && (o[k] as string).length > 0;
  return {
    emailHash: has(user, "email"),
    phoneHash: has(user, "phone"),
    clickId: ["fbclid", "gclid", "gbraid", "wbraid", "ttclid", "sccid", "epik", "msclkid", "twclid", "rdtCid"].some((k) => has(clicks, k)),
    platformCookie: ["fbp", "fbc", "ttp", "scid", "gaClientId"].some((k) => has(clicks, k)),
  };
}

export function coverageOf(items: ReadonlyArray<Record<CoverageKey, boolean>>): Coverage<CoverageKey> {
  const present = { emailHash: 0, phoneHash: 0, clickId: 0, platformCookie: 0 };
  for (const it of items) for (const k of COVERAGE_KEYS) if (it[k]) present[k] += 1;
  return { total: items.length, present };
}
