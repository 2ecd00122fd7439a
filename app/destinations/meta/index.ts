import type { CanonicalConversion } from "~/core/conversions/conversion";
import { metaDiagnostics } from "./diagnostics";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { decimalToNumber, pickMoney } from "../shared/money";
import { withBaseUrl } from "../shared/url";
import { classifyResponse } from "./classify-response";
import { metaFacts } from "./facts";
import {
  META_MAX_BATCH_SIZE,
  META_MAX_EVENT_AGE_MS,
  META_SECRET_FIELDS,
  MetaConfigSchema,
  endpoint,
  type MetaConfig,
} from "./config";
import { META_EVENT_NAMES, mapEvent, type MetaRequestBody } from "./map-event";

/**
 * Meta Conversions API adapter. Describes one POST carrying up to
 * META_MAX_BATCH_SIZE server events; the shared sender does the I/O.
 * See README.md for the field mapping and error table.
 */

/**
 * Why an event cannot go to Meta, or null. Meta rejects the WHOLE request when
 * one event is invalid (too old, Purchase without value/currency), so invalid
 * events are caught here instead of costing the rest of the batch.
 */
function unsendableReason(conversion: CanonicalConversion, ctx: BuildContext): string | null {
  if (META_EVENT_NAMES[conversion.name] === null) return `Meta has no event for "${conversion.name}"`;
  if (ctx.now - conversion.occurredAt > META_MAX_EVENT_AGE_MS) return "older than Meta's 7-day limit";
  if (conversion.name === "purchase") {
    const money = pickMoney(conversion, ctx.currency);
    if (decimalToNumber(money?.amount) === undefined || money?.currency === undefined) {
      return "Purchase needs value and currency";
    }
  }
  return null;
}

function buildRequest(events: readonly CanonicalConversion[], config: MetaConfig, ctx: BuildContext): BuildResult {
  if (events.length === 0) return { kind: "skip", reason: "no events" };
  if (events.length > META_MAX_BATCH_SIZE) {
    // A caller bug, not a platform answer: refuse rather than split silently.
    return { kind: "skip", reason: `batch of ${events.length} exceeds ${META_MAX_BATCH_SIZE}` };
  }
  const problems = events.flatMap((event) => {
    const reason = unsendableReason(event, ctx);
    return reason === null ? [] : [`${event.eventId}: ${reason}`];
  });
  // The contract has no per-event skip; sending the rest would report the bad
  // events as delivered, so the batch is refused and the reasons name them.
  if (problems.length > 0) return { kind: "skip", reason: problems.join("; ") };

  const body: MetaRequestBody = {
    data: events.map((event) => mapEvent(event, META_EVENT_NAMES[event.name] ?? event.name, config, ctx)),
  };
  // test_event_code routes events to the Test events tab; never in production.
  if (ctx.testMode && config.testEventCode !== undefined) body.test_event_code = config.testEventCode;

  return {
    kind: "request",
    request: {
      method: "POST",
      url: withBaseUrl(endpoint(config), ctx.baseUrlOverride),
      headers: { "content-type": "application/json" },
      body,
    },
  };
}

export const meta: DestinationAdapter<MetaConfig> = {
  ...metaFacts,
  kind: "meta",
  displayName: "Meta (Facebook & Instagram)",
  configSchema: MetaConfigSchema,
  secretFields: META_SECRET_FIELDS,
  maxEventAgeMs: META_MAX_EVENT_AGE_MS,
  maxBatchSize: META_MAX_BATCH_SIZE,
  eventName: (name) => META_EVENT_NAMES[name],
  buildRequest,
  classifyResponse,
  diagnostics: metaDiagnostics,
};
