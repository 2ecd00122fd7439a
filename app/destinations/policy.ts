import { z } from "zod";
import {
  GOAL_EVENT_NAMES,
  isGoalEventName,
  SWITCHABLE_EVENT_NAMES,
  type CanonicalEventName,
  type SwitchableEventName,
} from "../core/conversions/conversion";
import { goalFor, isGoalSource, MAX_GOAL_MAPPINGS } from "../core/conversions/goals";
import type { DestinationPurpose } from "../core/consent/consent";
import { ORDER_KINDS } from "../core/orders/order-kind";
import type { DestinationKind } from "./destination";
import { destinations } from "./registry";

/**
 * What a merchant decides per destination, independent of the platform:
 * which events go out, which order kinds, consent handling, currency, test mode.
 * Stored as JSON text on Destination.policy and validated on every read.
 */

/** Order kinds a destination can switch on or off: all of them (one list, in core). */
export const POLICY_ORDER_KINDS = ORDER_KINDS;
export type PolicyOrderKind = (typeof POLICY_ORDER_KINDS)[number];

const DEFAULT_EVENTS: Record<SwitchableEventName, boolean> = {
  page_view: false,
  view_content: true,
  search: false,
  add_to_cart: true,
  initiate_checkout: true,
  add_payment_info: true,
  purchase: true,
  // A checkout step like payment info; the browsing steps are opt-in like page views (ADR 0039).
  add_shipping_info: true,
  view_item_list: false,
  view_cart: false,
  remove_from_cart: false,
  // Refunds, cancellations and edits correct revenue already reported: on by default where a
  // platform can take them (ADR 0026); platforms without a way skip them with the reason.
  refund: true,
  cancel: true,
  order_edit: true,
};

/** Renewals are not ad-driven and POS is opt-in (physical_store conversions); the merchant can switch any on. */
const DEFAULT_ORDER_KINDS: Record<PolicyOrderKind, boolean> = {
  online: true,
  draft: true,
  pos: false,
  subscription_first: true,
  subscription_renewal: false,
  upsell: true,
  other_channel: false,
};

export const DestinationPolicySchema = z.object({
  events: z
    .partialRecord(z.enum(SWITCHABLE_EVENT_NAMES as [SwitchableEventName, ...SwitchableEventName[]]), z.boolean())
    .default({})
    .transform((v) => ({ ...DEFAULT_EVENTS, ...v })),
  /**
   * Custom goals (ADR 0039): a custom event's name, or "customers/create", → the goal it is
   * sent as at this destination. A source that is not here is not sent.
   */
  goals: z
    .record(z.string().refine(isGoalSource, "not a custom event name or customers/create"), z.enum(GOAL_EVENT_NAMES))
    .refine((g) => Object.keys(g).length <= MAX_GOAL_MAPPINGS, `at most ${MAX_GOAL_MAPPINGS} goals`)
    .default({}),
  orderKinds: z
    .partialRecord(z.enum(POLICY_ORDER_KINDS), z.boolean())
    .default({})
    .transform((v) => ({ ...DEFAULT_ORDER_KINDS, ...v })),
  includeTestOrders: z.boolean().default(false),
  consent: z
    .object({
      noConsentInfo: z.enum(["send", "anonymous", "skip"]).default("send"),
      declined: z.enum(["skip", "anonymous"]).default("skip"),
    })
    .default({ noConsentInfo: "send", declined: "skip" }),
  currency: z.enum(["shop", "presentment"]).default("presentment"),
  testMode: z.boolean().default(false),
});
export type DestinationPolicy = z.infer<typeof DestinationPolicySchema>;

export function defaultPolicy(): DestinationPolicy {
  return DestinationPolicySchema.parse({});
}

/** The consent purpose of a platform: a fact kept in the platform's folder (facts.ts). */
export function purposeOf(kind: DestinationKind): DestinationPurpose {
  return destinations[kind].purpose;
}

/** Whether this destination takes this storefront conversion at all: its switch, or for a goal, its goal mapping. */
export function wantsConversion(policy: DestinationPolicy, conversion: { name: CanonicalEventName; goal?: { source: string } }): boolean {
  if (conversion.goal) return goalFor(policy.goals, conversion.goal.source) !== null;
  return !isGoalEventName(conversion.name) && policy.events[conversion.name];
}

export type PolicyDecision = { kind: "send" } | { kind: "skip"; reason: string };

/** Whether this destination wants this conversion at all (before consent and the adapter). */
export function decidePolicy(
  policy: DestinationPolicy,
  conversion: { name: CanonicalEventName; isTest: boolean },
  orderKind: string | null,
): PolicyDecision {
  // A goal was chosen by this destination's goal mapping (core/conversions/goals.ts): it has no switch of its own.
  if (!isGoalEventName(conversion.name) && !policy.events[conversion.name]) return { kind: "skip", reason: `event ${conversion.name} is switched off for this destination` };
  if (conversion.isTest && !policy.includeTestOrders) return { kind: "skip", reason: "test order (test orders are not forwarded)" };
  if (orderKind !== null) {
    const on = (policy.orderKinds as Record<string, boolean>)[orderKind];
    if (on === false) return { kind: "skip", reason: `order kind ${orderKind} is not forwarded to this destination` };
  }
  return { kind: "send" };
}
