import { z } from "zod";
import type { EventOutcome, HttpResponseSnapshot } from "../destination";
import { retryAfterMs } from "../shared/retry-after";

/**
 * TikTok's Business API answers HTTP 200 for most errors and puts the result in
 * the body: {"code": 0, "message": "OK", "request_id": "…", "data": {}}.
 * The HTTP status only matters when the body has no code (gateways, outages).
 *
 * Codes: TikTok's Events API docs
 * (https://business-api.tiktok.com/portal/docs?id=1771100865818625) and the handling
 * in RudderStack's open-source tiktok_ads network handler.
 */

/** Accepted. */
export const CODE_OK = 0;
/** Partial success: some events were dropped; the message lists them. */
export const CODE_PARTIAL_SUCCESS = 20001;
/** Too many requests: back off and retry. */
export const CODE_RATE_LIMIT = 40100;
/** Treated as a server-side error and retried by RudderStack's TikTok handler [oss]. */
export const CODE_RETRYABLE_40700 = 40700;
/**
 * Auth problems a person must fix (pause the connection): 40001 no permission
 * for this pixel/advertiser, 40104 access token missing, 40105 access token
 * invalid or revoked. (40104 is from TikTok's return-code list, not yet seen live.)
 */
export const AUTH_CODES: ReadonlySet<number> = new Set([40001, 40104, 40105]);
/** 5xxxx are TikTok-side system errors in the return-code list: retry (not yet seen live). */
const isSystemError = (code: number) => code >= 50000 && code < 60000;

const BodySchema = z.object({
  code: z.number(),
  message: z.string().optional(),
  request_id: z.string().optional(),
});
type Body = z.infer<typeof BodySchema>;

function describe(body: Body): string {
  const message = (body.message ?? "no message").slice(0, 300);
  const request = body.request_id === undefined ? "" : ` (request_id ${body.request_id})`;
  return `TikTok code ${body.code}: ${message}${request}`;
}

function retry(reason: string, response: HttpResponseSnapshot): EventOutcome {
  const after = retryAfterMs(response.headers);
  return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
}

export function classifyResponse(response: HttpResponseSnapshot, _eventCount: number): EventOutcome {
  const { status } = response;

  // Transport-level answers first: a gateway 429/5xx may still carry a JSON body.
  if (status === 429) return retry("HTTP 429 Too Many Requests", response);
  if (status >= 500) return retry(`HTTP ${status}`, response);

  const parsed = BodySchema.safeParse(response.body);
  if (parsed.success) {
    const body = parsed.data;
    const reason = describe(body);
    if (body.code === CODE_OK && status >= 200 && status < 300) return { kind: "delivered" };
    // TikTok does not say which events were dropped in a machine-readable way,
    // and retrying would not fix them; the accepted ones are delivered.
    if (body.code === CODE_PARTIAL_SUCCESS) return { kind: "delivered", note: `partial success: ${reason}` };
    if (body.code === CODE_RATE_LIMIT) return retry(`throttled: ${reason}`, response);
    if (body.code === CODE_RETRYABLE_40700 || isSystemError(body.code)) return retry(reason, response);
    if (AUTH_CODES.has(body.code)) return { kind: "config-error", reason };
    return { kind: "fail", reason };
  }

  if (status === 401 || status === 403) return { kind: "config-error", reason: `HTTP ${status}: token rejected` };
  if (status === 408) return retry("HTTP 408", response);
  // A 2xx without TikTok's envelope (cut short, garbled by a proxy) cannot be confirmed as
  // accepted, and cannot be read as a refusal either: send it again under the same event ids
  // (TikTok deduplicates on event_id), so nothing is lost and nothing counted twice.
  if (status >= 200 && status < 300) return retry(`HTTP ${status} without a TikTok code: not confirmed, re-sent under the same event ids`, response);
  return { kind: "fail", reason: `HTTP ${status}: unexpected response without a TikTok code` };
}
