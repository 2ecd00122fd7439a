import { z } from "zod";
import type { DeliveryOutcome, EventOutcome, HttpResponseSnapshot } from "../destination";
import { trimForLog } from "../destination";
import { retryAfterMs } from "../shared/retry-after";

/**
 * Pinterest events/create response → outcome
 * (https://developers.pinterest.com/docs/api/v5/events-create, responses).
 *
 * 200 ConversionApiResponse:
 *   {"num_events_received":2,"num_events_processed":1,
 *    "events":[{"status":"processed","error_message":null,"warning_message":null},
 *              {"status":"failed","error_message":"…","warning_message":null}]}
 *   `events` is in request order → per-event outcomes.
 * 422 DetailedError {code,message,details}: "Not all events were successfully processed".
 * Errors {code,message}: 400/4196 invalid request, 401/2 authentication failed,
 * 403/29 not permitted, 429/8 rate limit, 503/4197 endpoint ramped down.
 */

const EventResultSchema = z.object({
  status: z.string(),
  error_message: z.string().nullish(),
  warning_message: z.string().nullish(),
});

const ResultsSchema = z.object({
  num_events_received: z.number().optional(),
  num_events_processed: z.number().optional(),
  events: z.array(EventResultSchema),
});

const ErrorSchema = z.object({ code: z.number(), message: z.string().optional() });

/** Pinterest error codes with a fixed meaning for this endpoint (OpenAPI examples). */
export const PINTEREST_CODES = {
  AUTHENTICATION_FAILED: 2,
  RATE_LIMITED: 8,
  NOT_PERMITTED: 29,
  INVALID_REQUEST: 4196,
  RAMPED_DOWN: 4197,
} as const;

function describe(response: HttpResponseSnapshot): string {
  const error = ErrorSchema.safeParse(response.body);
  if (error.success) return `HTTP ${response.status}, Pinterest code ${error.data.code}: ${error.data.message ?? "no message"}`;
  return `HTTP ${response.status}: ${trimForLog(response.body, 300) || "no body"}`;
}

function retry(reason: string, response: HttpResponseSnapshot): EventOutcome {
  const after = retryAfterMs(response.headers);
  return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
}

function eventOutcome(result: z.infer<typeof EventResultSchema>): EventOutcome {
  if (result.status === "processed") {
    return result.warning_message ? { kind: "delivered", note: result.warning_message.slice(0, 500) } : { kind: "delivered" };
  }
  // A failed event is a payload problem (missing user data, bad field): resending fails again.
  return { kind: "fail", reason: `Pinterest: ${result.error_message ?? `event ${result.status}`}`.slice(0, 500) };
}

/** Per-event outcomes when the body lists exactly one result per event sent. */
function perEvent(body: unknown, eventCount: number): DeliveryOutcome | undefined {
  const results = ResultsSchema.safeParse(body);
  if (!results.success || results.data.events.length !== eventCount) return undefined;
  return { kind: "per-event", outcomes: results.data.events.map(eventOutcome) };
}

export function classifyPinterestResponse(response: HttpResponseSnapshot, eventCount: number): DeliveryOutcome {
  const { status } = response;

  if (status >= 200 && status < 300) {
    const outcomes = perEvent(response.body, eventCount);
    if (outcomes !== undefined) return outcomes;
    // 2xx without a readable per-event list: Pinterest accepted the request.
    const counts = ResultsSchema.partial().safeParse(response.body);
    const processed = counts.success ? counts.data.num_events_processed : undefined;
    return processed === undefined
      ? { kind: "delivered" }
      : { kind: "delivered", note: `Pinterest processed ${processed} of ${eventCount} events` };
  }

  if (status === 422) {
    // Partial success. With the per-event list we know which ones failed; without
    // it we cannot tell, and resending would repeat the failures, so the request
    // fails as a whole and the message is kept for a person to read.
    return perEvent(response.body, eventCount) ?? { kind: "fail", reason: `not all events processed: ${describe(response)}` };
  }
  if (status === 429) return retry(`rate limited: ${describe(response)}`, response);
  if (status >= 500) return retry(describe(response), response);
  if (status === 401 || status === 403) return { kind: "config-error", reason: describe(response) };
  // 404: the ad account in the URL does not exist or the token cannot see it.
  if (status === 404) return { kind: "config-error", reason: `${describe(response)} (check the ad account id)` };
  return { kind: "fail", reason: describe(response) };
}
