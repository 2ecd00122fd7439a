import { z } from "zod";
import type { DeliveryOutcome, EventOutcome, HttpResponseSnapshot } from "../destination";
import { trimForLog } from "../destination";
import { retryAfterMs } from "../shared/retry-after";

/**
 * Reddit CAPI v3 answer → outcome. Success is HTTP 200 with
 *   {"data":{"message":"Successfully processed N conversion events."}}
 * Errors: 400 for an invalid payload (the whole request is refused), 401 for a missing or
 * wrong token, 403 for a token without access to the pixel, 404 for an unknown pixel,
 * 429 rate limited, 5xx. Reddit's error body names the problem in `error.message` (older
 * answers: `message`, or `errors[]`); each shape is read, none is relied on.
 */

const BodySchema = z.object({
  data: z.object({ message: z.string().optional() }).optional(),
  message: z.string().optional(),
  error: z.union([z.string(), z.object({ code: z.union([z.string(), z.number()]).optional(), message: z.string().optional() })]).optional(),
  errors: z.array(z.union([z.string(), z.object({ message: z.string().optional(), field: z.string().optional() })])).optional(),
});
type Body = z.infer<typeof BodySchema>;

function detail(body: Body | undefined, response: HttpResponseSnapshot): string {
  if (body === undefined) return trimForLog(response.body, 300) || "no body";
  const parts: string[] = [];
  if (typeof body.error === "string") parts.push(body.error);
  else if (body.error !== undefined) parts.push([body.error.code, body.error.message].filter((p) => p !== undefined && p !== "").join(": "));
  if (body.message !== undefined) parts.push(body.message);
  for (const e of body.errors ?? []) parts.push(typeof e === "string" ? e : [e.field, e.message].filter(Boolean).join(": "));
  const text = parts.filter((p) => p !== "").join("; ");
  return text === "" ? trimForLog(response.body, 300) || "no body" : text;
}

function retry(reason: string, response: HttpResponseSnapshot): EventOutcome {
  const after = retryAfterMs(response.headers);
  return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
}

export function classifyRedditResponse(response: HttpResponseSnapshot, _eventCount: number): DeliveryOutcome {
  const { status } = response;
  const parsed = BodySchema.safeParse(response.body);
  const body = parsed.success && typeof response.body === "object" && response.body !== null ? parsed.data : undefined;
  const reason = `HTTP ${status}: ${detail(body, response)}`;

  if (status === 429) return retry(`rate limited: ${reason}`, response);
  if (status >= 500) return retry(reason, response);
  if (status === 401 || status === 403) return { kind: "config-error", reason };
  if (status === 404) return { kind: "config-error", reason: `${reason} (check the pixel id)` };
  if (status >= 200 && status < 300) return { kind: "delivered" };
  // 400 and any other 4xx: the payload is wrong; resending cannot fix it.
  return { kind: "fail", reason };
}
