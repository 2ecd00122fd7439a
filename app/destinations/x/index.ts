import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult, DestinationAdapter } from "../destination";
import { classifyXResponse } from "./classify-response";
import { X_MAX_BATCH_SIZE, X_MAX_EVENT_AGE_MS, X_SECRET_FIELDS, XConfigSchema, conversionsUrl, type XConfig } from "./config";
import { xFacts } from "./facts";
import { X_EVENT_TYPES, configuredEventId, mapConversion, mapIdentifiers, type XConversion, type XRequestBody } from "./map-event";
import { oauth1Header } from "./oauth1";

/** X Conversions API adapter. See README.md for the mapping, signing and errors. */

function buildRequest(events: readonly CanonicalConversion[], config: XConfig, ctx: BuildContext): BuildResult {
  if (events.length === 0) return { kind: "skip", reason: "no events" };
  if (events.length > X_MAX_BATCH_SIZE) return { kind: "skip", reason: `batch of ${events.length} exceeds ${X_MAX_BATCH_SIZE}` };

  const problems: string[] = [];
  const conversions: XConversion[] = [];
  for (const event of events) {
    const type = X_EVENT_TYPES[event.name];
    const eventId = configuredEventId(config, event.name);
    const identifiers = mapIdentifiers(event);
    if (type === null) problems.push(`${event.eventId}: X has no event for "${event.name}"`);
    else if (eventId === undefined) problems.push(`${event.eventId}: no X event id is set for ${type.type}`);
    else if (ctx.now - event.occurredAt > X_MAX_EVENT_AGE_MS) problems.push(`${event.eventId}: older than X's 30-day attribution window`);
    // "At least one identifier object (twclid, hashed_email or hashed_phone_number) is required."
    else if (identifiers.length === 0) problems.push(`${event.eventId}: X needs a twclid, an email or a phone number`);
    else conversions.push(mapConversion(event, eventId, identifiers, config, ctx));
  }
  if (problems.length > 0) return { kind: "skip", reason: problems.join("; ") };

  const body: XRequestBody = { conversions };
  const url = conversionsUrl(config, ctx.baseUrlOverride);
  const authorization = oauth1Header(
    "POST",
    url,
    body,
    { consumerKey: config.consumerKey, consumerSecret: config.consumerSecret, token: config.accessToken, tokenSecret: config.accessTokenSecret },
    ctx.now,
  );
  return {
    kind: "request",
    request: { method: "POST", url, headers: { "content-type": "application/json", authorization }, body },
  };
}

export const x: DestinationAdapter<XConfig> = {
  ...xFacts,
  kind: "x",
  displayName: "X (Twitter)",
  configSchema: XConfigSchema,
  secretFields: X_SECRET_FIELDS,
  maxEventAgeMs: X_MAX_EVENT_AGE_MS,
  maxBatchSize: X_MAX_BATCH_SIZE,
  eventName: (name) => X_EVENT_TYPES[name]?.type ?? null,
  buildRequest,
  classifyResponse: classifyXResponse,
};
