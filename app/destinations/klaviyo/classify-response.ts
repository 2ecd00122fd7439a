import { z } from "zod";
import type { DeliveryOutcome, HttpResponseSnapshot } from "../destination";
import { trimForLog } from "../destination";
import { retryAfterMs } from "../shared/retry-after";

/**
 * Klaviyo Create Event response → outcome (one event per request).
 * 202 Accepted, empty body: validated and queued (processing is asynchronous).
 * Errors are JSON:API `{"errors":[{"id","status","code","title","detail","source":{"pointer"}}]}`:
 * 400 invalid (code "invalid"), 401 not_authenticated (missing/invalid key),
 * 403 permission_denied (key without events:write), 404, 405, 409 conflict,
 * 415 unsupported media type, 429 throttled (Retry-After), 5xx.
 * https://developers.klaviyo.com/en/docs/api_overview#errors
 * https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling
 */

const ErrorsSchema = z.object({
  errors: z
    .array(
      z.object({
        code: z.string().optional(),
        title: z.string().optional(),
        detail: z.string().optional(),
        source: z.object({ pointer: z.string().optional() }).optional(),
      }),
    )
    .min(1),
});

function describe(response: HttpResponseSnapshot): string {
  const parsed = ErrorsSchema.safeParse(response.body);
  if (parsed.success) {
    const first = parsed.data.errors[0]!;
    const where = first.source?.pointer ? ` at ${first.source.pointer}` : "";
    return `HTTP ${response.status}, Klaviyo ${first.code ?? "error"}${where}: ${first.detail ?? first.title ?? "no message"}`.slice(0, 500);
  }
  return `HTTP ${response.status}: ${trimForLog(response.body, 300) || "no body"}`;
}

export function classifyKlaviyoResponse(response: HttpResponseSnapshot, _eventCount: number): DeliveryOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) {
    // Klaviyo's answer is 202 with no body. A 2xx with a body it never sends (a proxy page, a
    // garbled answer) is no verdict: resend; unique_id keeps the event single.
    const empty = response.body === "" || response.body === null || response.body === undefined;
    return empty ? { kind: "delivered" } : { kind: "retry", reason: `unexpected answer: ${describe(response)}` };
  }
  if (status === 429 || status >= 500) {
    const after = retryAfterMs(response.headers);
    const reason = status === 429 ? `rate limited: ${describe(response)}` : describe(response);
    return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
  }
  if (status === 401) return { kind: "config-error", reason: `${describe(response)} (paste a valid private API key)` };
  if (status === 403) return { kind: "config-error", reason: `${describe(response)} (the key needs the events:write scope)` };
  // 400/409/415/422…: this event is malformed for Klaviyo; resending repeats the refusal.
  return { kind: "fail", reason: describe(response) };
}
