import type { CanonicalConversion, CanonicalEventName } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { classifyGa4Response } from "./classify-response";
import { ga4Facts } from "./facts";
import {
  GA4_MAX_BATCH_SIZE,
  GA4_MAX_EVENT_AGE_MS,
  GA4_SECRET_FIELDS,
  Ga4ConfigSchema,
  ga4Url,
  type Ga4Config,
} from "./config";
import { GA4_EVENT_NAMES, ga4Body } from "./map-event";

/**
 * Google Analytics 4 via the Measurement Protocol. See README.md for the field
 * mapping and why a 2xx proves little here.
 */
export const ga4: DestinationAdapter<Ga4Config> = {
  ...ga4Facts,
  kind: "ga4",
  displayName: "Google Analytics 4",
  configSchema: Ga4ConfigSchema,
  secretFields: GA4_SECRET_FIELDS,
  maxEventAgeMs: GA4_MAX_EVENT_AGE_MS,
  maxBatchSize: GA4_MAX_BATCH_SIZE,

  eventName(name: CanonicalEventName): string | null {
    return GA4_EVENT_NAMES[name];
  },

  buildRequest(events: readonly CanonicalConversion[], config: Ga4Config, ctx: BuildContext): BuildResult {
    const conversion = events[0];
    if (conversion === undefined) return { kind: "skip", reason: "no events" };
    if (events.length > GA4_MAX_BATCH_SIZE) {
      // A caller bug, not a platform answer: refuse rather than merge visitors.
      return { kind: "skip", reason: `batch of ${events.length} exceeds ${GA4_MAX_BATCH_SIZE} (one visitor per request)` };
    }
    const name = GA4_EVENT_NAMES[conversion.name];
    if (name === null) return { kind: "skip", reason: `GA4 has no event for "${conversion.name}"` };
    if (ctx.now - conversion.occurredAt > GA4_MAX_EVENT_AGE_MS) {
      // GA4 would not reject it: it would silently re-date it to 72 h ago.
      return { kind: "skip", reason: "older than GA4's 72-hour limit" };
    }
    return {
      kind: "request",
      request: {
        method: "POST",
        url: ga4Url(config, ctx.testMode, ctx.baseUrlOverride),
        // The protocol takes JSON without a content type too; we send it explicitly.
        headers: { "content-type": "application/json" },
        body: ga4Body(conversion, name, config, ctx),
      },
    };
  },

  classifyResponse: classifyGa4Response,
};
