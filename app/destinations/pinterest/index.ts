import type { CanonicalConversion } from "~/core/conversions/conversion";
import { pinterestDiagnostics } from "./diagnostics";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { classifyPinterestResponse } from "./classify-response";
import { pinterestFacts } from "./facts";
import {
  PINTEREST_MAX_BATCH_SIZE,
  PINTEREST_MAX_EVENT_AGE_MS,
  PINTEREST_SECRET_FIELDS,
  PinterestConfigSchema,
  eventsUrl,
  type PinterestConfig,
} from "./config";
import { PINTEREST_EVENT_NAMES, mapEvent, type PinterestRequestBody } from "./map-event";

/**
 * Pinterest API for Conversions adapter: one POST with up to 1,000 events;
 * Pinterest answers per event, in request order. See README.md.
 */

/** Why an event cannot go to Pinterest, or null. */
function unsendableReason(conversion: CanonicalConversion, ctx: BuildContext): string | null {
  if (PINTEREST_EVENT_NAMES[conversion.name] === null) return `Pinterest has no event for "${conversion.name}"`;
  if (ctx.now - conversion.occurredAt > PINTEREST_MAX_EVENT_AGE_MS) return "older than the 7-day limit we apply to Pinterest";
  return null;
}

function buildRequest(events: readonly CanonicalConversion[], config: PinterestConfig, ctx: BuildContext): BuildResult {
  if (events.length === 0) return { kind: "skip", reason: "no events" };
  if (events.length > PINTEREST_MAX_BATCH_SIZE) {
    // A caller bug, not a platform answer: refuse rather than split silently.
    return { kind: "skip", reason: `batch of ${events.length} exceeds ${PINTEREST_MAX_BATCH_SIZE}` };
  }
  // The contract has no per-event skip: an event that cannot go out would be
  // reported with the rest, so the batch is refused and the reasons name them.
  const problems = events.flatMap((event) => {
    const reason = unsendableReason(event, ctx);
    return reason === null ? [] : [`${event.eventId}: ${reason}`];
  });
  if (problems.length > 0) return { kind: "skip", reason: problems.join("; ") };

  const body: PinterestRequestBody = {
    data: events.map((event) => mapEvent(event, PINTEREST_EVENT_NAMES[event.name] ?? event.name, config, ctx)),
  };
  return {
    kind: "request",
    request: {
      method: "POST",
      url: eventsUrl(config, ctx.testMode, ctx.baseUrlOverride),
      headers: { authorization: `Bearer ${config.accessToken}`, "content-type": "application/json" },
      body,
    },
  };
}

export const pinterest: DestinationAdapter<PinterestConfig> = {
  ...pinterestFacts,
  kind: "pinterest",
  displayName: "Pinterest",
  configSchema: PinterestConfigSchema,
  secretFields: PINTEREST_SECRET_FIELDS,
  maxEventAgeMs: PINTEREST_MAX_EVENT_AGE_MS,
  maxBatchSize: PINTEREST_MAX_BATCH_SIZE,
  eventName: (name) => PINTEREST_EVENT_NAMES[name],
  buildRequest,
  classifyResponse: classifyPinterestResponse,
  diagnostics: pinterestDiagnostics,
};
