import { z } from "zod";
import type { DeliveryOutcome, EventOutcome, HttpResponseSnapshot } from "../destination";
import { trimForLog } from "../destination";
import { retryAfterMs } from "../shared/retry-after";

/**
 * X Ads API answer → outcome. Success: HTTP 200
 *   {"data":{"conversions_processed":N,"debug_id":"…"},"request":{"params":{…}}}
 * Errors use the Ads API envelope {"errors":[{"code":"…","message":"…","parameter":"…"}],"request":…}:
 * 400 INVALID_PARAMETER / MISSING_PARAMETER (whole request refused), 401 UNAUTHORIZED_ACCESS /
 * NOT_AUTHORIZED (OAuth signature, tokens), 403 UNAUTHORIZED_CLIENT_APPLICATION (no Ads API access),
 * 404 NOT_FOUND (pixel), 429 TOO_MANY_REQUESTS (rate limit, reset in x-rate-limit-reset),
 * 5xx OVER_CAPACITY / SERVICE_UNAVAILABLE.
 * (The Ads API's general error codes; the conversions page lists none, so the HTTP status decides.)
 */

const BodySchema = z.object({
  data: z.object({ conversions_processed: z.number().optional(), debug_id: z.string().optional() }).optional(),
  errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional(), parameter: z.string().optional() })).optional(),
});
type Body = z.infer<typeof BodySchema>;

function describe(response: HttpResponseSnapshot, body: Body | undefined): string {
  const errors = body?.errors ?? [];
  if (errors.length === 0) return `HTTP ${response.status}: ${trimForLog(response.body, 300) || "no body"}`;
  const text = errors
    .map((e) => [e.code, e.parameter === undefined ? undefined : `(${e.parameter})`, e.message].filter((p) => p !== undefined && p !== "").join(" "))
    .join("; ");
  return `HTTP ${response.status}: ${text}`;
}

/** Retry-After, else X's own x-rate-limit-reset (epoch seconds) measured against Date. */
function waitMs(response: HttpResponseSnapshot): number | undefined {
  const after = retryAfterMs(response.headers);
  if (after !== undefined) return after;
  const header = (name: string) => Object.entries(response.headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const reset = Number(header("x-rate-limit-reset"));
  const date = Date.parse(header("date") ?? "");
  if (!Number.isFinite(reset) || !Number.isFinite(date)) return undefined;
  return Math.max(0, reset * 1000 - date);
}

function retry(reason: string, response: HttpResponseSnapshot): EventOutcome {
  const after = waitMs(response);
  return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
}

export function classifyXResponse(response: HttpResponseSnapshot, _eventCount: number): DeliveryOutcome {
  const { status } = response;
  const parsed = BodySchema.safeParse(response.body);
  const body = parsed.success && typeof response.body === "object" && response.body !== null ? parsed.data : undefined;

  if (status === 429) return retry(`rate limited: ${describe(response, body)}`, response);
  if (status >= 500) return retry(describe(response, body), response);
  if (status === 401 || status === 403) return { kind: "config-error", reason: describe(response, body) };
  if (status === 404) return { kind: "config-error", reason: `${describe(response, body)} (check the pixel id)` };
  if (status >= 200 && status < 300) return { kind: "delivered" };
  return { kind: "fail", reason: describe(response, body) };
}
