import type { Prisma } from "@trueline/db-sqlite";
import type { CanonicalConversion } from "~/core/conversions/conversion";
import { decideConsent } from "~/core/consent/consent";
import { destinations as registry } from "~/destinations/registry";
import type { DestinationAdapter, DestinationKind } from "~/destinations/destination";
import { decidePolicy, purposeOf } from "~/destinations/policy";
import { resolveGoal } from "~/core/conversions/goals";
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
    // A goal conversion takes the name this destination's goal mapping gives its source (ADR 0039);
    // the row keeps that name, and the sender sends the conversion under it.
    const goal = resolveGoal(input.conversion, d.policy.goals);
    const conversion = goal.kind === "goal" ? goal.conversion : input.conversion;
    const base = {
      shop: input.shop,
      destinationId: d.id,
      conversionId: input.conversionId,
      eventId: conversion.eventId,
      eventName: goal.kind === "goal" ? conversion.name : `goal:${input.conversion.goal?.source ?? ""}`,
      occurredAt: new Date(conversion.occurredAt),
      now: input.now,
    };
    const platformName = adapter.eventName(conversion.name);
    const policy = decidePolicy(d.policy, conversion, input.orderKind);
    const consent = decideConsent(conversion.consent, purposeOf(d.kind), d.policy.consent);
    const skip =
      goal.kind === "unmapped"
        ? goal.reason
        : platformName === null
        ? adapter.noEventReason?.(conversion.name) ?? `${adapter.displayName} has no event for ${conversion.name}`
        : policy.kind === "skip"
          ? policy.reason
          : consent.kind === "skip"
            ? consent.reason
            : consent.kind === "anonymous" && adapter.refusesAnonymous
              ? `${consent.reason}; ${adapter.refusesAnonymous}`
              : null;
    // A goal the merchant mapped here but that cannot go (no platform event, consent) keeps its
    // row with the reason: the mapping asked for it, so its absence is explained.
    if (skip && input.onlyWanted && !(input.conversion.goal && goal.kind === "goal")) continue;
    rows.push(skip ? { ...base, status: "skipped", reason: skip } : { ...base, status: "pending" });
  }
  const n = await enqueueDeliveries(tx, rows);
  // In the same transaction: on PostgreSQL the NOTIFY is delivered when it commits.
  if (rows.some((r) => r.status === "pending")) await notifyWork(tx);
  return n;
}
