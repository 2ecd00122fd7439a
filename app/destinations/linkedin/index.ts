import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { classifyLinkedInResponse } from "./classify-response";
import {
  LINKEDIN_API_VERSION,
  LINKEDIN_MAX_BATCH_SIZE,
  LINKEDIN_MAX_EVENT_AGE_MS,
  LINKEDIN_SECRET_FIELDS,
  LinkedInConfigSchema,
  RESTLI_PROTOCOL_VERSION,
  RULE_KEY,
  conversionEventsUrl,
  type LinkedInConfig,
} from "./config";
import { linkedinFacts } from "./facts";
import { LINKEDIN_CONVERSION_TYPES, mapEvent, userIds, type LinkedInRequestBody } from "./map-event";

/**
 * LinkedIn Conversions API adapter: one BATCH_CREATE of up to 5,000 conversion events;
 * LinkedIn answers per element, in request order. See README.md.
 */

function ruleFor(conversion: CanonicalConversion, config: LinkedInConfig): string | undefined {
  const key = RULE_KEY[conversion.name];
  return key === undefined ? undefined : config[key];
}

/** Why an event cannot go to LinkedIn, or null. */
function unsendableReason(conversion: CanonicalConversion, config: LinkedInConfig, ctx: BuildContext): string | null {
  const type = LINKEDIN_CONVERSION_TYPES[conversion.name];
  if (type === null) return `LinkedIn has no conversion type for "${conversion.name}"`;
  if (ruleFor(conversion, config) === undefined) return `no LinkedIn conversion rule is set for "${conversion.name}" (${type})`;
  if (ctx.now - conversion.occurredAt > LINKEDIN_MAX_EVENT_AGE_MS) return "older than LinkedIn's 90-day limit";
  if (userIds(conversion).length === 0) return "no identifier LinkedIn can match (email or li_fat_id)";
  return null;
}

function buildRequest(events: readonly CanonicalConversion[], config: LinkedInConfig, ctx: BuildContext): BuildResult {
  if (events.length === 0) return { kind: "skip", reason: "no events" };
  if (events.length > LINKEDIN_MAX_BATCH_SIZE) {
    return { kind: "skip", reason: `batch of ${events.length} exceeds ${LINKEDIN_MAX_BATCH_SIZE}` };
  }
  const problems = events.flatMap((event) => {
    const reason = unsendableReason(event, config, ctx);
    return reason === null ? [] : [`${event.eventId}: ${reason}`];
  });
  if (problems.length > 0) return { kind: "skip", reason: problems.join("; ") };

  const body: LinkedInRequestBody = {
    elements: events.map((event) => mapEvent(event, ruleFor(event, config) ?? "", ctx)),
  };
  return {
    kind: "request",
    request: {
      method: "POST",
      url: conversionEventsUrl(ctx.baseUrlOverride),
      headers: {
        authorization: `Bearer ${config.accessToken}`,
        "content-type": "application/json",
        "linkedin-version": LINKEDIN_API_VERSION,
        "x-restli-protocol-version": RESTLI_PROTOCOL_VERSION,
        "x-restli-method": "BATCH_CREATE",
      },
      body,
    },
  };
}

export const linkedin: DestinationAdapter<LinkedInConfig> = {
  ...linkedinFacts,
  kind: "linkedin",
  displayName: "LinkedIn",
  configSchema: LinkedInConfigSchema,
  secretFields: LINKEDIN_SECRET_FIELDS,
  maxEventAgeMs: LINKEDIN_MAX_EVENT_AGE_MS,
  maxBatchSize: LINKEDIN_MAX_BATCH_SIZE,
  eventName: (name) => LINKEDIN_CONVERSION_TYPES[name],
  buildRequest,
  classifyResponse: classifyLinkedInResponse,
};
