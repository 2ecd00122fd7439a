import { z } from "zod";
import type { DeliveryOutcome, EventOutcome, HttpResponseSnapshot } from "../destination";
import { trimForLog } from "../destination";
import { retryAfterMs } from "../shared/retry-after";

/**
 * UET CAPI answer → outcome. The guide documents HTTP 200 on success and 400/401 with
 *   {"error":{"code":"Unauthorized"|"ValidationError","message":"…",
 *             "details":[{"index":0,"propertyName":"data[0].eventType","errorMessage":"…"}]}}
 * With continueOnValidationError=false (what we send) a 400 means NOTHING of the batch was
 * processed. So the events the details name fail, and the others are retried: they were
 * refused only because they shared a request with a bad event (the outbox re-batches them).
 * Without usable details the whole request fails.
 */

const DetailSchema = z.object({
  index: z.number().int().nonnegative().optional(),
  propertyName: z.string().optional(),
  errorMessage: z.string().optional(),
});

const BodySchema = z.object({
  error: z
    .object({
      code: z.string().optional(),
      message: z.string().optional(),
      details: z.array(DetailSchema).optional(),
    })
    .optional(),
});
type Body = z.infer<typeof BodySchema>;

function describe(response: HttpResponseSnapshot, body: Body | undefined): string {
  const error = body?.error;
  if (error === undefined) return `HTTP ${response.status}: ${trimForLog(response.body, 300) || "no body"}`;
  const code = error.code === undefined ? "" : ` ${error.code}`;
  return `HTTP ${response.status}${code}: ${error.message ?? "no message"}`;
}

function retry(reason: string, response: HttpResponseSnapshot): EventOutcome {
  const after = retryAfterMs(response.headers);
  return after === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: after };
}

function perEvent(body: Body, eventCount: number, response: HttpResponseSnapshot): DeliveryOutcome | undefined {
  const details = body.error?.details ?? [];
  const byIndex = new Map<number, string[]>();
  for (const d of details) {
    if (d.index === undefined || d.index >= eventCount) continue;
    const text = [d.propertyName, d.errorMessage].filter((p) => p !== undefined && p !== "").join(": ");
    byIndex.set(d.index, [...(byIndex.get(d.index) ?? []), text || "invalid"]);
  }
  if (byIndex.size === 0) return undefined;
  const outcomes = Array.from({ length: eventCount }, (_, i): EventOutcome => {
    const problems = byIndex.get(i);
    return problems === undefined
      ? { kind: "retry", reason: `not processed: another event of the batch was invalid (${describe(response, body)})` }
      : { kind: "fail", reason: `Microsoft: ${problems.join("; ")}` };
  });
  return { kind: "per-event", outcomes };
}

export function classifyMicrosoftResponse(response: HttpResponseSnapshot, eventCount: number): DeliveryOutcome {
  const { status } = response;
  const parsed = BodySchema.safeParse(response.body);
  const body = parsed.success && typeof response.body === "object" && response.body !== null ? parsed.data : undefined;

  if (status === 429) return retry(`rate limited: ${describe(response, body)}`, response);
  if (status >= 500) return retry(describe(response, body), response);
  if (status === 401 || status === 403) return { kind: "config-error", reason: describe(response, body) };
  // 404: no such tag id path.
  if (status === 404) return { kind: "config-error", reason: `${describe(response, body)} (check the UET tag id)` };
  if (status >= 200 && status < 300) return { kind: "delivered" };
  if (status === 400 && body !== undefined) {
    const outcomes = perEvent(body, eventCount, response);
    if (outcomes !== undefined) return outcomes;
  }
  // Any other 4xx: the payload is wrong; resending cannot fix it.
  return { kind: "fail", reason: describe(response, body) };
}
