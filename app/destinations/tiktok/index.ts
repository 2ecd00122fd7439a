import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { withBaseUrl } from "../shared/url";
import { classifyResponse } from "./classify-response";
import { tiktokFacts } from "./facts";
import {
  TIKTOK_MAX_BATCH_SIZE,
  TIKTOK_MAX_EVENT_AGE_MS,
  TIKTOK_SECRET_FIELDS,
  TikTokConfigSchema,
  endpoint,
  type TikTokConfig,
} from "./config";
import { TIKTOK_EVENT_NAMES, mapEvent, tiktokEventName, type TikTokRequestBody } from "./map-event";

/**
 * TikTok Events API 2.0 adapter: one POST to /event/track/ carrying up to
 * TIKTOK_MAX_BATCH_SIZE web events for one pixel. See README.md.
 */

function unsendableReason(conversion: CanonicalConversion, ctx: BuildContext): string | null {
  if (TIKTOK_EVENT_NAMES[conversion.name] === null) return `TikTok has no event for "${conversion.name}"`;
  if (ctx.now - conversion.occurredAt > TIKTOK_MAX_EVENT_AGE_MS) return "older than TikTok's 28-day attribution window";
  return null;
}

function buildRequest(events: readonly CanonicalConversion[], config: TikTokConfig, ctx: BuildContext): BuildResult {
  if (events.length === 0) return { kind: "skip", reason: "no events" };
  if (events.length > TIKTOK_MAX_BATCH_SIZE) {
    return { kind: "skip", reason: `batch of ${events.length} exceeds ${TIKTOK_MAX_BATCH_SIZE}` };
  }
  const problems = events.flatMap((event) => {
    const reason = unsendableReason(event, ctx);
    return reason === null ? [] : [`${event.eventId}: ${reason}`];
  });
  // No per-event skip in the contract: refuse the batch rather than report the
  // unsendable events as delivered.
  if (problems.length > 0) return { kind: "skip", reason: problems.join("; ") };

  const body: TikTokRequestBody = {
    event_source: "web",
    event_source_id: config.pixelCode,
    data: events.map((event) => mapEvent(event, tiktokEventName(event.name, config) ?? event.name, config, ctx)),
  };
  // Routes events to Events Manager → Test events; never in production.
  if (ctx.testMode && config.testEventCode !== undefined) body.test_event_code = config.testEventCode;

  return {
    kind: "request",
    request: {
      method: "POST",
      url: withBaseUrl(endpoint(), ctx.baseUrlOverride),
      headers: { "access-token": config.accessToken, "content-type": "application/json" },
      body,
    },
  };
}

export const tiktok: DestinationAdapter<TikTokConfig> = {
  ...tiktokFacts,
  kind: "tiktok",
  displayName: "TikTok",
  configSchema: TikTokConfigSchema,
  secretFields: TIKTOK_SECRET_FIELDS,
  maxEventAgeMs: TIKTOK_MAX_EVENT_AGE_MS,
  maxBatchSize: TIKTOK_MAX_BATCH_SIZE,
  // The default purchase name; a connection may send CompletePayment/PlaceAnOrder instead.
  eventName: (name) => TIKTOK_EVENT_NAMES[name],
  buildRequest,
  classifyResponse,
};
