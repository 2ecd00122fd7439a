import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { classifyMicrosoftResponse } from "./classify-response";
import {
  MICROSOFT_MAX_BATCH_SIZE,
  MICROSOFT_MAX_EVENT_AGE_MS,
  MICROSOFT_SECRET_FIELDS,
  MicrosoftConfigSchema,
  eventsUrl,
  type MicrosoftConfig,
} from "./config";
import { microsoftFacts } from "./facts";
import { MICROSOFT_EVENT_NAMES, mapEvent, type MicrosoftRequestBody } from "./map-event";

/**
 * Microsoft Advertising UET Conversions API adapter. See README.md for the mapping and errors.
 */

function unsendableReason(conversion: CanonicalConversion, ctx: BuildContext): string | null {
  if (MICROSOFT_EVENT_NAMES[conversion.name] === null) return `Microsoft has no UET event for "${conversion.name}"`;
  if (ctx.now - conversion.occurredAt > MICROSOFT_MAX_EVENT_AGE_MS) return "older than the 90-day conversion window";
  // "eventSourceUrl: Required for pageLoad events."
  if (conversion.name === "page_view" && (conversion.sourceUrl ?? "").trim() === "") return "a page load needs the page URL";
  return null;
}

function buildRequest(events: readonly CanonicalConversion[], config: MicrosoftConfig, ctx: BuildContext): BuildResult {
  if (events.length === 0) return { kind: "skip", reason: "no events" };
  if (events.length > MICROSOFT_MAX_BATCH_SIZE) {
    return { kind: "skip", reason: `batch of ${events.length} exceeds ${MICROSOFT_MAX_BATCH_SIZE}` };
  }
  const problems = events.flatMap((event) => {
    const reason = unsendableReason(event, ctx);
    return reason === null ? [] : [`${event.eventId}: ${reason}`];
  });
  if (problems.length > 0) return { kind: "skip", reason: problems.join("; ") };

  const body: MicrosoftRequestBody = {
    data: events.map((event) => mapEvent(event, config, ctx)),
    // The default, stated: an invalid event stops the whole request, so no event is
    // silently dropped from a batch the platform answered 200 to.
    continueOnValidationError: false,
  };
  return {
    kind: "request",
    request: {
      method: "POST",
      url: eventsUrl(config, ctx.baseUrlOverride),
      headers: { "content-type": "application/json", authorization: `Bearer ${config.accessToken}` },
      body,
    },
  };
}

export const microsoft: DestinationAdapter<MicrosoftConfig> = {
  ...microsoftFacts,
  kind: "microsoft",
  displayName: "Microsoft Advertising",
  configSchema: MicrosoftConfigSchema,
  secretFields: MICROSOFT_SECRET_FIELDS,
  maxEventAgeMs: MICROSOFT_MAX_EVENT_AGE_MS,
  maxBatchSize: MICROSOFT_MAX_BATCH_SIZE,
  eventName: (name) => MICROSOFT_EVENT_NAMES[name],
  buildRequest,
  classifyResponse: classifyMicrosoftResponse,
};
