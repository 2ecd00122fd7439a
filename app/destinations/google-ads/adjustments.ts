import type { CanonicalConversion } from "~/core/conversions/conversion";
import type { BuildContext, BuildResult } from "../destination";
import { decimalToNumber } from "../shared/money";
import { withBaseUrl } from "../shared/url";
import { GOOGLE_ADS_API_VERSION, GOOGLE_ADS_ORIGIN, conversionActionResourceName, type GoogleAdsConfig } from "./config";
import { conversionDateTime, pickClickId } from "./map-event";

/**
 * Refunds, cancellations and order edits as conversion ADJUSTMENTS of the purchase already
 * uploaded (ConversionAdjustmentUploadService.UploadConversionAdjustments, ADR 0026):
 * POST https://googleads.googleapis.com/{version}/customers/{customerId}:uploadConversionAdjustments
 * https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers/uploadConversionAdjustments
 * https://developers.google.com/google-ads/api/docs/conversions/upload-adjustments
 *
 * - The purchase is found by its order id: the purchase's event id (`purchase-{orderId}`),
 *   which mapConversion sends as ClickConversion.order_id.
 * - RETRACTION: a cancellation, or a refund that leaves nothing (value and count go to zero).
 *   RESTATEMENT: a partial refund or an edit; `adjusted_value` is the purchase's value AFTER
 *   the change (100 → 70 is sent as 70), never the refunded amount.
 * - `adjustment_date_time` is when the change happened: it must come after the conversion
 *   (ADJUSTMENT_PRECEDES_CONVERSION), and a second restatement must carry a later time than the
 *   first or Google drops it as a duplicate. The refund's processed_at, the cancellation time and
 *   the edited version's updated_at are each fixed by Shopify, so a retry is byte-identical.
 * - Adjustments reach back 54 days at most (CONVERSION_EXPIRED); older ones are skipped here.
 * - No purchase was uploaded without a Google click id, so neither is an adjustment.
 */

export const GOOGLE_ADS_MAX_ADJUSTMENT_AGE_MS = 54 * 24 * 60 * 60 * 1000 - 10 * 60 * 1000;

export interface ConversionAdjustmentBody {
  conversionAdjustments: Array<{
    conversionAction: string;
    adjustmentType: "RETRACTION" | "RESTATEMENT";
    adjustmentDateTime: string;
    orderId: string;
    restatementValue?: { adjustedValue: number; currencyCode: string };
  }>;
  partialFailure: true;
  validateOnly: boolean;
}

export function uploadConversionAdjustmentsUrl(config: GoogleAdsConfig, baseUrlOverride?: string): string {
  return withBaseUrl(`${GOOGLE_ADS_ORIGIN}/${GOOGLE_ADS_API_VERSION}/customers/${config.customerId}:uploadConversionAdjustments`, baseUrlOverride);
}

/** The adjustment request for a refund, cancel or order_edit, or why there is none. */
export function buildAdjustmentRequest(
  conversion: CanonicalConversion,
  config: GoogleAdsConfig,
  ctx: BuildContext,
  headers: Record<string, string>,
): BuildResult {
  const adjustment = conversion.adjustment;
  if (adjustment === undefined) return { kind: "skip", reason: `no purchase to adjust for "${conversion.name}"` };
  if (pickClickId(conversion.clickIds) === undefined) {
    return { kind: "skip", reason: "no Google click id: the purchase was never uploaded, so there is nothing to adjust" };
  }
  if (ctx.now - adjustment.purchaseOccurredAt > GOOGLE_ADS_MAX_ADJUSTMENT_AGE_MS) {
    return { kind: "skip", reason: "the purchase is older than the 54 days Google Ads accepts adjustments for" };
  }
  // Never before the conversion itself (a refund stamped in the same second as the order).
  const at = Math.max(conversion.occurredAt, adjustment.purchaseOccurredAt + 1000);
  const row: ConversionAdjustmentBody["conversionAdjustments"][number] = {
    conversionAction: conversionActionResourceName(config),
    adjustmentType: adjustment.type === "retraction" ? "RETRACTION" : "RESTATEMENT",
    adjustmentDateTime: conversionDateTime(at),
    orderId: adjustment.purchaseEventId,
  };
  if (adjustment.type === "restatement") {
    const money = adjustment.remaining?.[ctx.currency];
    const value = decimalToNumber(money?.amount);
    if (money === undefined || value === undefined) return { kind: "skip", reason: "a restatement without the value left after it" };
    row.restatementValue = { adjustedValue: value, currencyCode: money.currency };
  }
  const body: ConversionAdjustmentBody = { conversionAdjustments: [row], partialFailure: true, validateOnly: ctx.testMode };
  return { kind: "request", request: { method: "POST", url: uploadConversionAdjustmentsUrl(config, ctx.baseUrlOverride), headers, body } };
}
