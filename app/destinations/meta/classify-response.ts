import { z } from "zod";
import type { EventOutcome, HttpResponseSnapshot } from "../destination";
import { retryAfterMs } from "../shared/retry-after";

/**
 * Meta answers with the standard Graph error envelope on failure and
 * {"events_received": n, "messages": [], "fbtrace_id": "…"} on success.
 * One outcome applies to the whole request: Meta accepts or rejects it as a unit.
 *
 * Error codes: https://developers.facebook.com/docs/graph-api/guides/error-handling
 * Rate limits: https://developers.facebook.com/docs/graph-api/overview/rate-limiting
 * CAPI troubleshooting: https://developers.facebook.com/documentation/ads-commerce/conversions-api/support
 */

const GraphErrorSchema = z.object({
  error: z.object({
    code: z.number(),
    error_subcode: z.number().optional(),
    type: z.string().optional(),
    message: z.string().optional(),
    error_user_title: z.string().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
  }),
});
type GraphError = z.infer<typeof GraphErrorSchema>["error"];

const SuccessSchema = z.object({
  events_received: z.number().optional(),
  messages: z.array(z.unknown()).optional(),
  fbtrace_id: z.string().optional(),
});

/** Rate limiting: retry later (Graph "throttling" codes). */
export const THROTTLE_CODES: ReadonlySet<number> = new Set([
  4, // application request limit reached
  17, // user request limit reached
  32, // page-level rate limit
  341, // application limit reached
  613, // calls to this API exceeded the rate limit
  80004, // too many calls to this ad account (business use case rate limit)
]);

/** Temporary failures on Meta's side: retry. */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  1, // API unknown: "possibly a temporary issue"
  2, // API service: temporary downtime
  368, // temporarily blocked for policy violations: wait, then retry
]);

/** Token or permission problems: retrying cannot help, a person must reconnect. */
function isAuthError(code: number): boolean {
  return (
    code === 190 || // access token invalid or expired (subcodes 458-467)
    code === 102 || // session key invalid or no longer valid
    code === 10 || // permission denied
    (code >= 200 && code <= 299) // API permission family
  );
}

/** Graph code 100 subcodes with a specific meaning for CAPI. */
const SUBCODE_OBJECT_MISSING = 33; // pixel id does not exist or the token cannot see it
const SUBCODE_EVENT_TOO_OLD = 2804003;

function describe(error: GraphError): string {
  const sub = error.error_subcode === undefined ? "" : `/${error.error_subcode}`;
  const title = error.error_user_title ?? error.message ?? "no message";
  const trace = error.fbtrace_id === undefined ? "" : ` (fbtrace_id ${error.fbtrace_id})`;
  return `Graph error ${error.code}${sub}: ${title.slice(0, 300)}${trace}`;
}

function withRetryAfter(reason: string, response: HttpResponseSnapshot): EventOutcome {
  const after = retryAfterMs(response.headers);
  return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
}

function classifyGraphError(error: GraphError, response: HttpResponseSnapshot): EventOutcome {
  const reason = describe(error);
  if (isAuthError(error.code)) return { kind: "config-error", reason };
  if (error.code === 100 && error.error_subcode === SUBCODE_OBJECT_MISSING) {
    return { kind: "config-error", reason: `${reason}; check the pixel id and the token's access to it` };
  }
  if (error.code === 100 && error.error_subcode === SUBCODE_EVENT_TOO_OLD) return { kind: "fail", reason };
  if (THROTTLE_CODES.has(error.code)) return withRetryAfter(`throttled: ${reason}`, response);
  if (TRANSIENT_CODES.has(error.code) || error.is_transient === true) return withRetryAfter(reason, response);
  // Graph reports server trouble with 5xx even for codes we do not know.
  if (response.status >= 500) return withRetryAfter(reason, response);
  return { kind: "fail", reason };
}

export function classifyResponse(response: HttpResponseSnapshot, eventCount: number): EventOutcome {
  const { status } = response;

  const graphError = GraphErrorSchema.safeParse(response.body);
  if (graphError.success) return classifyGraphError(graphError.data.error, response);

  if (status >= 200 && status < 300) {
    const body = SuccessSchema.safeParse(response.body);
    const received = body.success ? body.data.events_received : undefined;
    if (received !== undefined && received !== eventCount) {
      return { kind: "delivered", note: `Meta reported ${received} of ${eventCount} events received` };
    }
    const messages = body.success ? (body.data.messages ?? []) : [];
    return messages.length > 0
      ? { kind: "delivered", note: JSON.stringify(messages).slice(0, 500) }
      : { kind: "delivered" };
  }

  // No Graph envelope (proxy, load balancer, outage page): decide on the status.
  if (status === 429) return withRetryAfter("HTTP 429 Too Many Requests", response);
  if (status === 408 || status >= 500) return withRetryAfter(`HTTP ${status}`, response);
  if (status === 401 || status === 403) return { kind: "config-error", reason: `HTTP ${status}: token rejected` };
  return { kind: "fail", reason: `HTTP ${status}: unexpected response` };
}
