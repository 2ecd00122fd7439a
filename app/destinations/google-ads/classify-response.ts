import { z } from "zod";
import type { DeliveryOutcome, EventOutcome, HttpResponseSnapshot } from "../destination";
import { trimForLog } from "../destination";
import { retryAfterMs } from "../shared/retry-after";
import { GOOGLE_ADS_API_VERSION } from "./config";

/**
 * Google Ads API response → outcome.
 *
 * - Row problems come back with HTTP 200 in `partialFailureError` (a google.rpc.Status
 *   whose details hold a GoogleAdsFailure); each error's location names the row:
 *   fieldPathElements [{fieldName:"conversions", index:N}, …]. Rows without an error
 *   were uploaded (their `results[]` entry is non-empty; empty for failed rows).
 * - Anything outside the rows (auth, quota, malformed request) is an RPC-level error:
 *   non-2xx with {"error":{code,message,status,details:[GoogleAdsFailure]}}.
 * Docs: https://developers.google.com/google-ads/api/docs/best-practices/partial-failures
 *       https://developers.google.com/google-ads/api/docs/best-practices/error-types
 * Row error codes: ConversionUploadErrorEnum
 *       https://developers.google.com/google-ads/api/reference/rpc/latest/ConversionUploadErrorEnum.ConversionUploadError
 */

const ErrorSchema = z.object({
  /** One key naming the error family, e.g. {"conversionUploadError":"TOO_RECENT_EVENT"}. */
  errorCode: z.record(z.string(), z.unknown()).optional(),
  message: z.string().optional(),
  location: z
    .object({
      fieldPathElements: z
        .array(z.object({ fieldName: z.string().optional(), index: z.number().int().optional() }))
        .optional(),
    })
    .optional(),
  details: z
    .object({ quotaErrorDetails: z.object({ retryDelay: z.string().optional() }).optional() })
    .optional(),
});
type GoogleAdsError = z.infer<typeof ErrorSchema>;

const FailureSchema = z.object({ errors: z.array(z.unknown()) });

const StatusSchema = z.object({
  code: z.number().optional(),
  message: z.string().optional(),
  status: z.string().optional(),
  details: z.array(z.unknown()).optional(),
});
type RpcStatus = z.infer<typeof StatusSchema>;

const SuccessSchema = z.object({
  partialFailureError: StatusSchema.optional(),
  jobId: z.union([z.string(), z.number()]).optional(),
});

const ErrorEnvelopeSchema = z.object({ error: StatusSchema });

/** Our event id is the order id, so these mean "an earlier attempt already landed". */
export const ALREADY_UPLOADED: ReadonlySet<string> = new Set([
  "ORDER_ID_ALREADY_IN_USE", // "includes an order ID that was previously recorded"
  "CLICK_CONVERSION_ALREADY_EXISTS", // same click and conversion_date_time as an existing conversion
]);

/** "Retry after 6 hours have passed" / "Try importing again in 6 hours". */
export const RETRY_IN_SIX_HOURS: ReadonlySet<string> = new Set(["TOO_RECENT_EVENT", "TOO_RECENT_CONVERSION_ACTION"]);
export const SIX_HOURS_MS = 6 * 60 * 60 * 1000;

/** Account or conversion-action settings the merchant has to fix in Google Ads. */
/*
 * CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS is deliberately not an account-setup
 * error: it only concerns rows uploaded without a click id (uploadWithoutClickId), so those
 * rows fail with the reason and the clicked ones keep going (no pause).
 */
export const ACCOUNT_SETUP_ERRORS: ReadonlySet<string> = new Set([
  "UNAUTHORIZED_CUSTOMER",
  "INVALID_CUSTOMER_FOR_CLICK", // the click belongs to another account: wrong customer id configured
  "NO_CONVERSION_ACTION_FOUND",
  "INVALID_CONVERSION_ACTION", // older versions' name for a missing/unusable action
  "INVALID_CONVERSION_ACTION_TYPE", // not an "Import from clicks" action
  "CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS", // enhanced conversions need the terms accepted
  "CUSTOMER_DATA_POLICY_PROHIBITS_ENHANCED_CONVERSIONS",
  "ONE_PER_CLICK_CONVERSION_ACTION_NOT_PERMITTED_WITH_BRAID",
  "EXTERNAL_ATTRIBUTION_DATA_NOT_SET_FOR_EXTERNALLY_ATTRIBUTED_CONVERSION_ACTION",
  "ORDER_ID_NOT_PERMITTED_FOR_EXTERNALLY_ATTRIBUTED_CONVERSION_ACTION",
  "EXTERNALLY_ATTRIBUTED_CONVERSION_ACTION_NOT_PERMITTED_WITH_USER_IDENTIFIER",
]);

/** ConversionAdjustmentUploadError codes (adjustments.ts), by what to do about them. */
export const ADJUSTMENT_ALREADY_MADE: ReadonlySet<string> = new Set(["CONVERSION_ALREADY_RETRACTED"]);
export const ADJUSTMENT_RETRY_LATER: ReadonlySet<string> = new Set(["CONVERSION_NOT_FOUND", "TOO_RECENT_CONVERSION_ACTION"]);
export const ADJUSTMENT_SETUP_ERRORS: ReadonlySet<string> = new Set(["CANNOT_RESTATE_CONVERSION_ACTION_THAT_ALWAYS_USES_DEFAULT_CONVERSION_VALUE"]);

/** Error families that mean credentials/permissions, whatever the code. */
const AUTH_FAMILIES = new Set(["authenticationError", "authorizationError"]);
/** Error families that are temporary on Google's side. */
const TRANSIENT_FAMILIES = new Set(["quotaError", "internalError", "databaseError"]);

function errorCodeOf(error: GoogleAdsError): { family: string; code: string } {
  const entry = Object.entries(error.errorCode ?? {})[0];
  return entry === undefined ? { family: "unknown", code: "UNKNOWN" } : { family: entry[0], code: String(entry[1]) };
}

function describe(error: GoogleAdsError): string {
  const { code } = errorCodeOf(error);
  return error.message === undefined ? code : `${code}: ${error.message.slice(0, 300)}`;
}

/** google.protobuf.Duration in JSON ("30s", "1.5s") → ms. */
function durationMs(raw: string | undefined): number | undefined {
  const match = raw === undefined ? null : /^([0-9]+(?:\.[0-9]+)?)s$/.exec(raw.trim());
  return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) * 1000);
}

function retry(reason: string, afterMs: number | undefined): EventOutcome {
  return afterMs === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: afterMs };
}

/** One GoogleAdsError → the outcome for the row (or request) it applies to. */
export function classifyError(error: GoogleAdsError, response: HttpResponseSnapshot): EventOutcome {
  const { family, code } = errorCodeOf(error);
  const reason = describe(error);
  if (family === "conversionUploadError") {
    if (ALREADY_UPLOADED.has(code)) return { kind: "delivered", note: `already uploaded (${code})` };
    if (RETRY_IN_SIX_HOURS.has(code)) return retry(reason, SIX_HOURS_MS);
    if (ACCOUNT_SETUP_ERRORS.has(code)) return { kind: "config-error", reason };
    return { kind: "fail", reason };
  }
  if (family === "conversionAdjustmentUploadError") {
    // Adjustments (adjustments.ts). A repeat of a retraction that landed is done; a purchase
    // Google has not processed yet is found later; a setting of the action is the merchant's to fix.
    if (ADJUSTMENT_ALREADY_MADE.has(code)) return { kind: "delivered", note: `already adjusted (${code})` };
    if (ADJUSTMENT_RETRY_LATER.has(code)) return retry(reason, SIX_HOURS_MS);
    if (ACCOUNT_SETUP_ERRORS.has(code) || ADJUSTMENT_SETUP_ERRORS.has(code)) return { kind: "config-error", reason };
    return { kind: "fail", reason };
  }
  if (AUTH_FAMILIES.has(family)) return { kind: "config-error", reason };
  if (TRANSIENT_FAMILIES.has(family)) {
    return retry(reason, retryAfterMs(response.headers) ?? durationMs(error.details?.quotaErrorDetails?.retryDelay));
  }
  return { kind: "fail", reason };
}

/** The more serious outcome wins when a row carries several errors. */
const SEVERITY: Record<EventOutcome["kind"], number> = { delivered: 0, retry: 1, fail: 2, "config-error": 3 };
function worse(a: EventOutcome | undefined, b: EventOutcome): EventOutcome {
  return a === undefined || SEVERITY[b.kind] > SEVERITY[a.kind] ? b : a;
}

function errorsOf(status: RpcStatus): GoogleAdsError[] {
  return (status.details ?? []).flatMap((detail) => {
    const failure = FailureSchema.safeParse(detail);
    if (!failure.success) return [];
    return failure.data.errors.flatMap((raw) => {
      const parsed = ErrorSchema.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    });
  });
}

/** Row index of a partial-failure error: fieldPathElements[0] = {fieldName:"conversions", index}. */
function rowIndex(error: GoogleAdsError): number | undefined {
  const element = error.location?.fieldPathElements?.find((e) => e.fieldName === "conversions");
  return element?.index;
}

function classifyPartialFailure(
  status: RpcStatus,
  eventCount: number,
  response: HttpResponseSnapshot,
): DeliveryOutcome {
  const errors = errorsOf(status);
  const perRow: (EventOutcome | undefined)[] = Array.from({ length: eventCount }, () => undefined);
  let unplaced: EventOutcome | undefined;
  for (const error of errors) {
    const outcome = classifyError(error, response);
    const index = rowIndex(error);
    if (index !== undefined && index >= 0 && index < eventCount) perRow[index] = worse(perRow[index], outcome);
    else unplaced = worse(unplaced, outcome);
  }
  if (errors.length === 0) {
    // A partial failure we cannot read: do not claim delivery, do not loop either.
    unplaced = { kind: "fail", reason: `partial failure: ${status.message ?? trimForLog(status, 300)}` };
  }
  // An error we cannot pin to a row applies to every row it could be about.
  const outcomes = perRow.map((o) => (unplaced === undefined ? (o ?? { kind: "delivered" as const }) : worse(o, unplaced)));
  return { kind: "per-event", outcomes };
}

function classifyRpcError(status: RpcStatus | undefined, response: HttpResponseSnapshot): EventOutcome {
  const errors = status === undefined ? [] : errorsOf(status);
  const summary =
    (errors.length > 0 ? errors.map(describe).join("; ") : (status?.message ?? trimForLog(response.body, 300))) ||
    "no details";
  const reason = `HTTP ${response.status}${status?.status ? ` ${status.status}` : ""}: ${summary}`;

  if (response.status === 429 || status?.status === "RESOURCE_EXHAUSTED") {
    const delay = errors.map((e) => durationMs(e.details?.quotaErrorDetails?.retryDelay)).find((d) => d !== undefined);
    return retry(reason, retryAfterMs(response.headers) ?? delay);
  }
  if (response.status >= 500) return retry(reason, retryAfterMs(response.headers));
  if (response.status === 401 || response.status === 403) return { kind: "config-error", reason };
  if (response.status === 404) {
    return {
      kind: "config-error",
      reason: `${reason} (customer id not found, or API ${GOOGLE_ADS_API_VERSION} has been sunset)`,
    };
  }
  // 400 INVALID_ARGUMENT and friends: let the GoogleAdsFailure decide (an auth
  // family error is a config problem even with status 400), else the payload is wrong.
  const worst = errors.reduce<EventOutcome | undefined>((acc, e) => worse(acc, classifyError(e, response)), undefined);
  if (worst === undefined || worst.kind === "delivered") return { kind: "fail", reason };
  return worst.kind === "retry" ? retry(reason, worst.retryAfterMs) : { kind: worst.kind, reason };
}

export function classifyGoogleAdsResponse(response: HttpResponseSnapshot, eventCount: number): DeliveryOutcome {
  if (response.status >= 200 && response.status < 300) {
    const body = SuccessSchema.safeParse(response.body);
    const partial = body.success ? body.data.partialFailureError : undefined;
    // An empty Status ({}) can appear in JSON for "no error"; only a code or details count.
    if (partial !== undefined && ((partial.code ?? 0) !== 0 || (partial.details?.length ?? 0) > 0)) {
      return classifyPartialFailure(partial, eventCount, response);
    }
    const jobId = body.success ? body.data.jobId : undefined;
    return jobId === undefined ? { kind: "delivered" } : { kind: "delivered", note: `job ${jobId}` };
  }
  const envelope = ErrorEnvelopeSchema.safeParse(response.body);
  return classifyRpcError(envelope.success ? envelope.data.error : undefined, response);
}
