import { z } from "zod";
import type { DeliveryOutcome, EventOutcome, HttpResponseSnapshot } from "../destination";
import { trimForLog } from "../destination";
import { retryAfterMs } from "../shared/retry-after";

/**
 * Snap CAPI v3 response → outcome. Shapes from Snap's own SDK spec
 * (Snapchat/business-sdk-v3-java api/openapi.yaml):
 *
 * /events → EventResponse
 *   {"status":"VALID"|"INVALID","reason":"…","event":<index, errors only>,
 *    "errors":{"codes":[…],"error_msgs":[…]}}
 * /events/validate → ValidateResponse
 *   {"status":"VALID"|"INVALID","test_event":true,"reason":"…",
 *    "event_logs":[{"event":<index>,"status":"…","errors":{codes,error_msgs},"warnings":[…]}]}
 *
 * /validate answers INVALID with HTTP 400 for a missing required field,
 * Purchase without price/currency, an invalid or out-of-range timestamp,
 * unhashed or insufficient PII (VerifySetUp page). 2xx is success, 400 is
 * permanent, 429 and 5xx are retried (Snapchat's Conversions API docs).
 */

const ErrorsSchema = z.object({
  codes: z.array(z.string()).optional(),
  error_msgs: z.array(z.string()).optional(),
});

const EventLogSchema = z.object({
  event: z.number().int().optional(),
  status: z.string().optional(),
  errors: ErrorsSchema.optional(),
  warnings: z.array(z.string()).optional(),
});
type EventLog = z.infer<typeof EventLogSchema>;

const BodySchema = z.object({
  status: z.string().optional(),
  reason: z.string().optional(),
  event: z.number().int().optional(),
  errors: ErrorsSchema.optional(),
  event_logs: z.array(EventLogSchema).optional(),
});
type Body = z.infer<typeof BodySchema>;

function errorText(errors: z.infer<typeof ErrorsSchema> | undefined): string | undefined {
  const codes = errors?.codes ?? [];
  const messages = errors?.error_msgs ?? [];
  const parts = Array.from({ length: Math.max(codes.length, messages.length) }, (_, i) =>
    [codes[i], messages[i]].filter((p) => p !== undefined && p !== "").join(": "),
  ).filter((p) => p !== "");
  return parts.length > 0 ? parts.join("; ") : undefined;
}

function describe(response: HttpResponseSnapshot, body: Body | undefined): string {
  if (body === undefined) return `HTTP ${response.status}: ${trimForLog(response.body, 300) || "no body"}`;
  const status = body.status === undefined ? "" : ` ${body.status}`;
  const index = body.event === undefined ? "" : ` (event ${body.event})`;
  const detail = errorText(body.errors) ?? body.reason ?? "no reason given";
  return `HTTP ${response.status}${status}${index}: ${detail}`;
}

function retry(reason: string, response: HttpResponseSnapshot): EventOutcome {
  const after = retryAfterMs(response.headers);
  return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
}

function logOutcome(log: EventLog): EventOutcome {
  if (log.status === "INVALID" || log.status === "FAILURE" || (log.errors && errorText(log.errors) !== undefined)) {
    return { kind: "fail", reason: `Snap: ${errorText(log.errors) ?? log.status ?? "invalid event"}` };
  }
  const warnings = log.warnings?.filter((w) => w !== "") ?? [];
  return warnings.length > 0 ? { kind: "delivered", note: warnings.join("; ").slice(0, 500) } : { kind: "delivered" };
}

/**
 * Per-event outcomes from /validate's event_logs. A log names its event by
 * index (`event`), else by position. Events without a log follow the overall status.
 */
function perEvent(body: Body, eventCount: number): DeliveryOutcome | undefined {
  const logs = body.event_logs;
  if (logs === undefined || logs.length === 0) return undefined;
  const byIndex = new Map<number, EventLog>();
  logs.forEach((log, position) => byIndex.set(log.event ?? position, log));
  const fallback: EventOutcome =
    body.status === "INVALID"
      ? { kind: "fail", reason: `Snap: ${errorText(body.errors) ?? body.reason ?? "request INVALID"}` }
      : { kind: "delivered" };
  const outcomes = Array.from({ length: eventCount }, (_, i) => {
    const log = byIndex.get(i);
    return log === undefined ? fallback : logOutcome(log);
  });
  return { kind: "per-event", outcomes };
}

export function classifySnapchatResponse(response: HttpResponseSnapshot, eventCount: number): DeliveryOutcome {
  const { status } = response;
  const parsed = BodySchema.safeParse(response.body);
  const body = parsed.success && typeof response.body === "object" && response.body !== null ? parsed.data : undefined;

  if (status === 429) return retry(`rate limited: ${describe(response, body)}`, response);
  if (status >= 500) return retry(describe(response, body), response);
  if (status === 401 || status === 403) return { kind: "config-error", reason: describe(response, body) };
  // 404: no such pixel (or the token's organisation does not own it).
  if (status === 404) return { kind: "config-error", reason: `${describe(response, body)} (check the pixel id)` };

  if (body !== undefined) {
    const outcomes = perEvent(body, eventCount);
    if (outcomes !== undefined) return outcomes;
  }
  if (status >= 200 && status < 300) {
    // Snap's success body ({"status":"VALID","reason":…}) carries nothing worth keeping.
    if (body?.status === "INVALID") return { kind: "fail", reason: describe(response, body) };
    return { kind: "delivered" };
  }
  // 400 INVALID and any other 4xx: the payload is wrong; resending cannot fix it.
  return { kind: "fail", reason: describe(response, body) };
}
