import { isGoalEventName, type CanonicalConversion, type GoalEventName } from "./conversion";

/**
 * Custom goals (ADR 0039). A merchant's own signals become a platform's standard event through
 * a per-destination mapping: source → goal, where a source is the name of a custom event the
 * storefront publishes (`Shopify.analytics.publish("newsletter_signup", …)`, which the pixel
 * sends as "custom:newsletter_signup") or "customers/create" (a customer account was created).
 */

export const CUSTOMER_CREATED_SOURCE = "customers/create";

/** A custom event's name as the pixel sends it after "custom:" (pixel-payload.schema.ts). */
export const CUSTOM_EVENT_SOURCE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** At most this many mapped sources per destination. */
export const MAX_GOAL_MAPPINGS = 50;

/** Whether `source` can be a key of the goal mapping. */
export function isGoalSource(source: string): boolean {
  return source === CUSTOMER_CREATED_SOURCE || CUSTOM_EVENT_SOURCE.test(source);
}

/** The custom event's own name for a stored pixel event name ("custom:lead_form" → "lead_form"), or null. */
export function customEventSource(pixelEventName: string): string | null {
  if (!pixelEventName.startsWith("custom:")) return null;
  const source = pixelEventName.slice("custom:".length);
  return CUSTOM_EVENT_SOURCE.test(source) ? source : null;
}

export type GoalMapping = Readonly<Record<string, GoalEventName>>;

/** The goal this destination's mapping gives a source, or null when it maps it to nothing. */
export function goalFor(mapping: GoalMapping, source: string): GoalEventName | null {
  const goal = Object.prototype.hasOwnProperty.call(mapping, source) ? mapping[source] : undefined;
  return goal !== undefined && isGoalEventName(goal) ? goal : null;
}

export type GoalResolution = { kind: "goal"; conversion: CanonicalConversion } | { kind: "unmapped"; reason: string };

/**
 * The conversion as one destination sends it: a goal conversion takes the name its mapping
 * gives the source; any other conversion is returned unchanged.
 */
export function resolveGoal(conversion: CanonicalConversion, mapping: GoalMapping): GoalResolution {
  if (!conversion.goal) return { kind: "goal", conversion };
  const goal = goalFor(mapping, conversion.goal.source);
  if (goal === null) return { kind: "unmapped", reason: `no goal is set for ${conversion.goal.source} at this destination` };
  return { kind: "goal", conversion: { ...conversion, name: goal } };
}
