import { z } from "zod";
import type { CanonicalConversion } from "./conversion";
import { CUSTOMER_CREATED_SOURCE } from "./goals";

/**
 * customers/create → a goal conversion (ADR 0039). Shopify sends the Customer resource
 * (https://shopify.dev/docs/api/admin-rest/latest/resources/customer). Only what a platform
 * matches on is read: email, phone, names, the default address's city/province/zip/country,
 * and the customer id (exact, from the raw body: ids exceed 2^53). Pure.
 */

const text = z.string().max(512).nullish();

export const CustomerCreatedSchema = z.object({
  id: z.union([z.number(), z.string()]),
  email: text,
  phone: text,
  first_name: text,
  last_name: text,
  created_at: z.string().max(64).nullish(),
  default_address: z
    .object({ city: text, province_code: text, zip: text, country_code: text, phone: text })
    .nullish(),
});
export type CustomerCreated = z.infer<typeof CustomerCreatedSchema>;

/** Deterministic: Shopify's retries of the same customer map to one conversion (ADR 0004). */
export function customerCreatedEventId(customerId: string): string {
  return `customer-created-${customerId}`;
}

const nonEmpty = (v: string | null | undefined) => (v === null || v === undefined || v.trim() === "" ? undefined : v);

/**
 * The conversion for a new customer account. No browser was involved in the webhook, so the
 * consent is null: each destination's "no consent recorded" choice applies (ADR 0006).
 * `at` is the webhook's arrival, used when the body has no readable created_at.
 */
export function customerCreatedConversion(c: CustomerCreated, exactCustomerId: string, at: number): CanonicalConversion {
  const created = c.created_at ? Date.parse(c.created_at) : NaN;
  const a = c.default_address ?? undefined;
  return {
    eventId: customerCreatedEventId(exactCustomerId),
    // A placeholder until each destination's goal mapping names it (goals.ts).
    name: "sign_up",
    occurredAt: Number.isFinite(created) ? created : at,
    actionSource: "other",
    user: Object.fromEntries(
      Object.entries({
        email: nonEmpty(c.email),
        phone: nonEmpty(c.phone) ?? nonEmpty(a?.phone),
        firstName: nonEmpty(c.first_name),
        lastName: nonEmpty(c.last_name),
        city: nonEmpty(a?.city),
        state: nonEmpty(a?.province_code),
        zip: nonEmpty(a?.zip),
        country: nonEmpty(a?.country_code),
        externalId: exactCustomerId,
      }).filter(([, v]) => v !== undefined),
    ),
    clickIds: {},
    consent: null,
    isTest: false,
    goal: { source: CUSTOMER_CREATED_SOURCE },
  };
}
