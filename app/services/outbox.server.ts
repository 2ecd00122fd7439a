import type { Prisma } from "@trueline/db-sqlite";
import type { CanonicalConversion } from "~/core/conversions/conversion";
import { decideConsent } from "~/core/consent/consent";
import { destinations as registry } from "~/destinations/registry";
import type { DestinationAdapter, DestinationKind } from "~/destinations/destination";
import { decidePolicy, purposeOf } from "~/destinations/policy";
import { enqueueDeliveries, type NewDelivery } from "~/data/deliveries.server";
import { outboxDestinations, type OutboxDestination } from "~/data/destinations.server";
import { notifyWork } from "~/lib/signals.server";

/**
 * One outbox row per (destination, event id), written in the SAME transaction as the
 * conversion. Destinations that must not receive it get a "skipped" row with the
 * reason, so every conversion is accounted for at every destination.
 */
export async function enqueueConversionDeliveries(
  tx: Prisma.TransactionClient,
  key: Buffer,
  input: {
    shop: string;
    conversionId: string;
    conversion: CanonicalConversion;
    orderKind: string | null;
    now: Date;
    /** Storefront events: destinations that do not want the event get no row at all (orders always get one). */
    onlyWanted?: boolean;
    /** The shop's destinations, when the caller already read them (once per order or pass). */
    destinations?: readonly OutboxDestination[];
  },
): Promise<number> {
  const dests = input.destinations ?? (await outboxDestinations(tx, input.shop));
  const rows: NewDelivery[] = [];
  for (const d of dests) {
    if (!d.enabled) continue;
    const adapter = (registry as Partial<Record<DestinationKind, DestinationAdapter<unknown>>>)[d.kind];
    if (!adapter) continue;
    const base = {
      shop: input.shop,
      destinationId: d.id,
      conversionId: input.conversionId,
      eventId: input.conversion.eventId,
      eventName: input.conversion.name,
      occurredAt: new Date(input.conversion.occurredAt),
      now: input.now,
    };
    const platformName = adapter.eventName(input.conversion.name);
    const policy = decidePolicy(d.policy, input.conversion, input.orderKind);
    const consent = decideConsent(input.conversion.consent, purposeOf(d.kind), d.policy.consent);
    const skip =
      platformName === null
        ? `${adapter.displayName} has no event for ${input.conversion.name}`
        : policy.kind === "skip"
          ? policy.reason
          : consent.kind === "skip"
            ? consent.reason
            : null;
    if (skip && input.onlyWanted) continue;
    rows.push(skip ? { ...base, status: "skipped", reason: skip } : { ...base, status: "pending" });
  }
  const n = await enqueueDeliveries(tx, rows);
  // In the same transaction: on PostgreSQL the NOTIFY is delivered when it commits.
  if (rows.some((r) => r.status === "pending")) await notifyWork(tx);
  return n;
}
