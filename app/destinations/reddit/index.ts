import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { classifyRedditResponse } from "./classify-response";
import {
  REDDIT_MAX_BATCH_SIZE,
  REDDIT_MAX_EVENT_AGE_MS,
  REDDIT_SECRET_FIELDS,
  RedditConfigSchema,
  eventsUrl,
  type RedditConfig,
} from "./config";
import { redditFacts } from "./facts";
import { REDDIT_EVENT_NAMES, mapEvent, type RedditRequestBody } from "./map-event";

/** Reddit Conversions API v3 adapter. See README.md for the mapping and errors. */

function unsendableReason(conversion: CanonicalConversion, ctx: BuildContext): string | null {
  if (REDDIT_EVENT_NAMES[conversion.name] === null) return `Reddit has no event for "${conversion.name}"`;
  if (ctx.now - conversion.occurredAt > REDDIT_MAX_EVENT_AGE_MS) return "older than Reddit's 7-day limit";
  return null;
}

function buildRequest(events: readonly CanonicalConversion[], config: RedditConfig, ctx: BuildContext): BuildResult {
  if (events.length === 0) return { kind: "skip", reason: "no events" };
  if (events.length > REDDIT_MAX_BATCH_SIZE) {
    return { kind: "skip", reason: `batch of ${events.length} exceeds ${REDDIT_MAX_BATCH_SIZE}` };
  }
  // Reddit refuses a request as a whole, so a batch with an event it would refuse is not sent.
  const problems = events.flatMap((event) => {
    const reason = unsendableReason(event, ctx);
    return reason === null ? [] : [`${event.eventId}: ${reason}`];
  });
  if (problems.length > 0) return { kind: "skip", reason: problems.join("; ") };

  const testId = ctx.testMode ? config.testEventCode?.trim() : undefined;
  const body: RedditRequestBody = {
    data: {
      ...(testId ? { test_id: testId } : {}),
      events: events.map((event) => mapEvent(event, REDDIT_EVENT_NAMES[event.name] ?? "", event.clickIds, config, ctx)),
    },
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

export const reddit: DestinationAdapter<RedditConfig> = {
  ...redditFacts,
  kind: "reddit",
  displayName: "Reddit",
  configSchema: RedditConfigSchema,
  secretFields: REDDIT_SECRET_FIELDS,
  maxEventAgeMs: REDDIT_MAX_EVENT_AGE_MS,
  maxBatchSize: REDDIT_MAX_BATCH_SIZE,
  eventName: (name) => REDDIT_EVENT_NAMES[name],
  buildRequest,
  classifyResponse: classifyRedditResponse,
};
