import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { classifyKlaviyoResponse } from "./classify-response";
import {
  KLAVIYO_MAX_BATCH_SIZE,
  KLAVIYO_MAX_EVENT_AGE_MS,
  KLAVIYO_REVISION,
  KLAVIYO_SECRET_FIELDS,
  KlaviyoConfigSchema,
  eventsUrl,
  type KlaviyoConfig,
} from "./config";
import { klaviyoFacts } from "./facts";
import { KLAVIYO_METRIC_NAMES, mapEvent, profileAttributes } from "./map-event";

/**
 * Klaviyo Events API adapter: one Create Event request per conversion. See README.md.
 */

function unsendableReason(conversion: CanonicalConversion, ctx: BuildContext): string | null {
  if (KLAVIYO_METRIC_NAMES[conversion.name] === null) return `Klaviyo has no metric for "${conversion.name}"`;
  if (ctx.now - conversion.occurredAt > KLAVIYO_MAX_EVENT_AGE_MS) return "older than the 30-day limit we apply to Klaviyo";
  const profile = profileAttributes(conversion.user);
  // Without an address or number Klaviyo would create a profile no flow can reach.
  if (profile.email === undefined && profile.phone_number === undefined) return "no email or phone number for a Klaviyo profile";
  return null;
}

function buildRequest(events: readonly CanonicalConversion[], config: KlaviyoConfig, ctx: BuildContext): BuildResult {
  if (events.length === 0) return { kind: "skip", reason: "no events" };
  if (events.length > KLAVIYO_MAX_BATCH_SIZE) {
    return { kind: "skip", reason: `batch of ${events.length} exceeds ${KLAVIYO_MAX_BATCH_SIZE}` };
  }
  const event = events[0]!;
  const reason = unsendableReason(event, ctx);
  if (reason !== null) return { kind: "skip", reason: `${event.eventId}: ${reason}` };
  return {
    kind: "request",
    request: {
      method: "POST",
      url: eventsUrl(ctx.baseUrlOverride),
      headers: {
        authorization: `Klaviyo-API-Key ${config.privateApiKey}`,
        revision: KLAVIYO_REVISION,
        accept: "application/vnd.api+json",
        "content-type": "application/vnd.api+json",
      },
      body: mapEvent(event, KLAVIYO_METRIC_NAMES[event.name] ?? event.name, ctx),
    },
  };
}

export const klaviyo: DestinationAdapter<KlaviyoConfig> = {
  ...klaviyoFacts,
  kind: "klaviyo",
  displayName: "Klaviyo",
  configSchema: KlaviyoConfigSchema,
  secretFields: KLAVIYO_SECRET_FIELDS,
  maxEventAgeMs: KLAVIYO_MAX_EVENT_AGE_MS,
  maxBatchSize: KLAVIYO_MAX_BATCH_SIZE,
  eventName: (name) => KLAVIYO_METRIC_NAMES[name],
  buildRequest,
  classifyResponse: classifyKlaviyoResponse,
};
