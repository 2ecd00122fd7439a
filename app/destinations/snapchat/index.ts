import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { decimalToNumber, pickMoney } from "../shared/money";
import { classifySnapchatResponse } from "./classify-response";
import { snapchatFacts } from "./facts";
import {
  SNAPCHAT_MAX_BATCH_SIZE,
  SNAPCHAT_MAX_EVENT_AGE_MS,
  SNAPCHAT_SECRET_FIELDS,
  SnapchatConfigSchema,
  eventsUrl,
  type SnapchatConfig,
} from "./config";
import { SNAPCHAT_EVENT_NAMES, mapEvent, type SnapchatRequestBody } from "./map-event";

/**
 * Snap Conversions API v3 adapter. See README.md for the mapping and error table.
 */

/**
 * Why an event cannot go to Snap, or null. The production endpoint answers one
 * status for the whole request, so an event Snap would reject (Purchase without
 * price/currency, timestamp out of range) would take the rest of the batch
 * with it; it is caught here instead.
 */
function unsendableReason(conversion: CanonicalConversion, ctx: BuildContext): string | null {
  if (SNAPCHAT_EVENT_NAMES[conversion.name] === null) return `Snap has no event for "${conversion.name}"`;
  if (ctx.now - conversion.occurredAt > SNAPCHAT_MAX_EVENT_AGE_MS) return "older than Snap's 37-day limit";
  if (conversion.name === "purchase") {
    const money = pickMoney(conversion, ctx.currency);
    if (decimalToNumber(money?.amount) === undefined || money?.currency === undefined) {
      return "PURCHASE needs value and currency";
    }
  }
  return null;
}

function buildRequest(events: readonly CanonicalConversion[], config: SnapchatConfig, ctx: BuildContext): BuildResult {
  if (events.length === 0) return { kind: "skip", reason: "no events" };
  if (events.length > SNAPCHAT_MAX_BATCH_SIZE) {
    // A caller bug, not a platform answer: refuse rather than split silently.
    return { kind: "skip", reason: `batch of ${events.length} exceeds ${SNAPCHAT_MAX_BATCH_SIZE}` };
  }
  const problems = events.flatMap((event) => {
    const reason = unsendableReason(event, ctx);
    return reason === null ? [] : [`${event.eventId}: ${reason}`];
  });
  // The contract has no per-event skip; sending the rest would report the bad
  // events as delivered, so the batch is refused and the reasons name them.
  if (problems.length > 0) return { kind: "skip", reason: problems.join("; ") };

  const body: SnapchatRequestBody = {
    data: events.map((event) => mapEvent(event, SNAPCHAT_EVENT_NAMES[event.name] ?? event.name, config, ctx)),
  };
  return {
    kind: "request",
    request: {
      method: "POST",
      url: eventsUrl(config, ctx.testMode, ctx.baseUrlOverride),
      headers: { "content-type": "application/json" },
      body,
    },
  };
}

export const snapchat: DestinationAdapter<SnapchatConfig> = {
  ...snapchatFacts,
  kind: "snapchat",
  displayName: "Snapchat",
  configSchema: SnapchatConfigSchema,
  secretFields: SNAPCHAT_SECRET_FIELDS,
  maxEventAgeMs: SNAPCHAT_MAX_EVENT_AGE_MS,
  maxBatchSize: SNAPCHAT_MAX_BATCH_SIZE,
  eventName: (name) => SNAPCHAT_EVENT_NAMES[name],
  buildRequest,
  classifyResponse: classifySnapchatResponse,
};
