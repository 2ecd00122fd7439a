import { CustomerCreatedSchema, customerCreatedConversion } from "~/core/conversions/customer-created";
import { extractExactIds } from "~/core/orders/exact-ids";
import { saveConversion } from "~/data/conversions.server";
import { listDestinations } from "~/data/destinations.server";
import { wantsConversion } from "~/destinations/policy";
import { enqueueConversionDeliveries } from "./outbox.server";
import type { HandlerResult, ProcessDeps } from "./webhook-handler";

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * customers/create → a goal conversion for every destination whose goal mapping names
 * "customers/create" (ADR 0039). The conversion and its outbox rows are written in one
 * transaction; Shopify's retries of the same customer map to the same event id, so they are
 * stored once. Destinations that map nothing get no row (like storefront events).
 */
export async function handleCustomerCreated(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = CustomerCreatedSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: `customers/create payload is malformed: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}` };
  const customerId = extractExactIds(raw)?.id ?? null;
  if (customerId === null) return { kind: "rejected", reason: "customers/create carries no customer id" };
  const conversion = customerCreatedConversion(parsed.data, customerId, at.getTime());
  return deps.db.$transaction(async (tx): Promise<HandlerResult> => {
    const dests = (await listDestinations(tx as never, deps.key, shop)).filter((d) => d.enabled && wantsConversion(d.policy, conversion));
    if (dests.length === 0) return { kind: "processed", note: "no destination sends new customer accounts as a goal" };
    const row = await saveConversion(tx, { shop, eventId: conversion.eventId, name: "goal:customers/create", occurredAt: new Date(conversion.occurredAt), payload: JSON.stringify(conversion) }, "keep");
    const queued = await enqueueConversionDeliveries(tx, deps.key, { shop, conversionId: row.id, conversion, orderKind: null, now: at, onlyWanted: true, destinations: dests });
    return { kind: "processed", note: `new customer account queued as a goal for ${queued} destination(s)` };
  });
}
