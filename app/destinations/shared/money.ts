import type { CanonicalConversion, ConversionContent, Money } from "~/core/conversions/conversion";
import type { BuildContext } from "../destination";

/**
 * Shopify sends money as decimal strings ("127.44", "1500" for JPY). Platforms
 * that take a number get Number(amount): amounts are at most a few digits after
 * the point, far inside double precision, so no rounding is introduced.
 * Returns undefined for anything that is not a plain non-negative decimal.
 */
export function decimalToNumber(amount: string | undefined): number | undefined {
  if (amount === undefined) return undefined;
  const trimmed = amount.trim();
  if (!/^[0-9]+(?:\.[0-9]+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** The conversion's value in the money the merchant chose (ctx.currency). */
export function pickMoney(conversion: CanonicalConversion, currency: BuildContext["currency"]): Money | undefined {
  return conversion.value?.[currency];
}

/** Unit price of a line item in the chosen money, as a number. */
export function unitPrice(content: ConversionContent, currency: BuildContext["currency"]): number | undefined {
  return decimalToNumber(content.price?.[currency]);
}
