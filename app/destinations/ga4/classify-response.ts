import type { DeliveryOutcome, HttpResponseSnapshot } from "../destination";
import { trimForLog } from "../destination";
import { retryAfterMs } from "../shared/retry-after";

/**
 * GA4 Measurement Protocol response → outcome.
 *
 * IMPORTANT: /mp/collect answers 2xx (usually 204, empty body) even when the
 * payload is malformed or the events are dropped: Google documents that the
 * protocol returns 2xx whenever the HTTP request was received (sending-events
 * and reference pages, developers.google.com/analytics/devguides/collection/protocol/ga4). A 2xx from
 * production therefore proves transport only; correctness is checked with test
 * mode, which posts the same body to /debug/mp/collect and gets
 * `{"validationMessages":[{fieldPath, description, validationCode}]}` back
 * (https://developers.google.com/analytics/devguides/collection/protocol/ga4/validating-events).
 *
 * Google also says a non-2xx means "fix the request, don't retry the same one".
 * We still retry 429 and 5xx, which are transport/overload answers, not verdicts
 * on the payload.
 */

interface ValidationMessage {
  fieldPath?: unknown;
  description?: unknown;
  validationCode?: unknown;
}

function validationMessages(body: unknown): ValidationMessage[] | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const messages = (body as { validationMessages?: unknown }).validationMessages;
  return Array.isArray(messages) ? (messages as ValidationMessage[]) : undefined;
}

function describe(message: ValidationMessage): string {
  const code = typeof message.validationCode === "string" ? message.validationCode : "INVALID";
  const path = typeof message.fieldPath === "string" && message.fieldPath !== "" ? ` at ${message.fieldPath}` : "";
  const text = typeof message.description === "string" ? `: ${message.description}` : "";
  return `${code}${path}${text}`;
}

export function classifyGa4Response(response: HttpResponseSnapshot, _eventCount: number): DeliveryOutcome {
  const { status } = response;

  if (status >= 200 && status < 300) {
    const messages = validationMessages(response.body);
    if (messages === undefined) {
      return { kind: "delivered", note: "GA4 accepted the hit (2xx is returned even for invalid payloads; use test mode to validate)" };
    }
    if (messages.length === 0) {
      return { kind: "delivered", note: "validated by /debug/mp/collect (not recorded)" };
    }
    // The validation server only reports payload problems (names, values,
    // limits, reserved names): resending the same body cannot succeed.
    return { kind: "fail", reason: `GA4 validation: ${messages.map(describe).join("; ")}` };
  }

  if (status === 429) {
    const after = retryAfterMs(response.headers);
    return after === undefined
      ? { kind: "retry", reason: "GA4 rate limited (429)" }
      : { kind: "retry", reason: "GA4 rate limited (429)", retryAfterMs: after };
  }
  if (status >= 500) {
    const after = retryAfterMs(response.headers);
    const reason = `GA4 server error (${status})`;
    return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
  }
  if (status === 401 || status === 403) {
    return { kind: "config-error", reason: `GA4 refused the credentials (${status}): check measurement id and API secret` };
  }
  // 400/404/413 (body ≥ 130 kB) …: the request itself is wrong.
  return { kind: "fail", reason: `GA4 rejected the request (${status}): ${trimForLog(response.body, 500)}` };
}
