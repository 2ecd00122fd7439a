import { z } from "zod";
import type { DeliveryOutcome, EventOutcome, HttpResponseSnapshot } from "../destination";
import { trimForLog } from "../destination";
import { retryAfterMs } from "../shared/retry-after";

/**
 * LinkedIn BATCH_CREATE response → outcome.
 *
 * Success: HTTP 200 `{"elements":[{"status":201}, …]}`, one entry per element in request
 * order (Rest.li batch create); an element that failed carries its own status and an
 * `error` object. A 2xx without that list is not a verdict and is retried (safe: dedup on
 * eventId). Request-level errors use LinkedIn's envelope
 * `{"status":401,"serviceErrorCode":65601,"code":"REVOKED_ACCESS_TOKEN","message":"…"}`:
 * 400 invalid body, 401 token invalid/expired/revoked, 403 missing scope or ad-account role,
 * 404 unknown conversion rule, 422 unprocessable element, 426 LinkedIn-Version no longer
 * active, 429 throttled, 5xx.
 * https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
 */

const ErrorSchema = z.object({
  status: z.number().optional(),
  serviceErrorCode: z.number().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
});

const ElementSchema = z.object({
  status: z.number(),
  error: ErrorSchema.optional(),
});
const BatchSchema = z.object({ elements: z.array(ElementSchema) });

function describe(response: HttpResponseSnapshot): string {
  const error = ErrorSchema.safeParse(response.body);
  if (error.success && (error.data.code || error.data.message)) {
    return `HTTP ${response.status}, LinkedIn ${error.data.code ?? "error"}: ${error.data.message ?? "no message"}`;
  }
  return `HTTP ${response.status}: ${trimForLog(response.body, 300) || "no body"}`;
}

function retry(reason: string, response: HttpResponseSnapshot): EventOutcome {
  const after = retryAfterMs(response.headers);
  return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
}

function elementOutcome(element: z.infer<typeof ElementSchema>): EventOutcome {
  if (element.status >= 200 && element.status < 300) return { kind: "delivered" };
  const what = `LinkedIn element ${element.status}${element.error?.code ? ` ${element.error.code}` : ""}: ${element.error?.message ?? "no message"}`.slice(0, 500);
  if (element.status === 429 || element.status >= 500) return { kind: "retry", reason: what };
  return { kind: "fail", reason: what };
}

export function classifyLinkedInResponse(response: HttpResponseSnapshot, eventCount: number): DeliveryOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) {
    const batch = BatchSchema.safeParse(response.body);
    if (batch.success && batch.data.elements.length === eventCount) {
      return { kind: "per-event", outcomes: batch.data.elements.map(elementOutcome) };
    }
    // A single create answers 201 with an empty body; anything else without the per-element
    // list is not LinkedIn's answer (a proxy, a cut-off body): resend, LinkedIn counts one
    // conversion per rule and eventId.
    if (status === 201 && (response.body === "" || response.body === null || response.body === undefined)) return { kind: "delivered" };
    return retry(`unreadable answer: ${describe(response)}`, response);
  }
  if (status === 429) return retry(`rate limited: ${describe(response)}`, response);
  if (status >= 500) return retry(describe(response), response);
  // Expired (60-day lifetime), revoked or wrong token: the merchant must paste a new one.
  if (status === 401) return { kind: "config-error", reason: `${describe(response)} (paste a fresh access token)` };
  // The member lacks rw_conversions or a role on the rule's ad account.
  if (status === 403) return { kind: "config-error", reason: describe(response) };
  if (status === 404) return { kind: "config-error", reason: `${describe(response)} (check the conversion rule ids)` };
  // Our LinkedIn-Version was sunset: nothing can go out until Trueline moves it forward.
  if (status === 426) return { kind: "config-error", reason: `${describe(response)} (API version no longer active)` };
  return { kind: "fail", reason: describe(response) };
}
