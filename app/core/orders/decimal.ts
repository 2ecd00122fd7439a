/**
 * Money arithmetic on decimal strings, without floats.
 *
 * Shopify sends amounts as decimal strings ("127.44", "1500" for JPY). Adding
 * them as JS numbers drifts (0.1 + 0.2), so every sum here goes through bigint
 * minor units using the currency's ISO 4217 exponent, and comes back as a
 * decimal string with exactly that many fraction digits.
 *
 * Minor units: https://www.iso.org/iso-4217-currency-codes.html (table A.1,
 * column "Minor unit"); mirrored at https://en.wikipedia.org/wiki/ISO_4217#Active_codes.
 */

/** ISO 4217 currencies with no minor unit. */
const ZERO_DECIMALS = new Set([
  "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
]);
/** ISO 4217 currencies with three decimals. */
const THREE_DECIMALS = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);
/** ISO 4217 units of account with four decimals (rare on a storefront, listed for completeness). */
const FOUR_DECIMALS = new Set(["CLF", "UYW"]);

/** Number of fraction digits the currency uses (2 when unknown, the common case). */
export function currencyDecimals(currency: string): number {
  const code = currency.trim().toUpperCase();
  if (ZERO_DECIMALS.has(code)) return 0;
  if (THREE_DECIMALS.has(code)) return 3;
  if (FOUR_DECIMALS.has(code)) return 4;
  return 2;
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/** True for a plain decimal string ("12", "-3.50"); no exponent, no thousands separators. */
export function isDecimalString(value: string): boolean {
  return DECIMAL_RE.test(value);
}

/**
 * "127.44" USD → 12744n; "1500" JPY → 1500n; "1500.00" JPY → 1500n.
 * Digits beyond the currency's exponent are rounded half away from zero
 * (Shopify does not send them; exchange-rate maths might). Null when the
 * string is not a plain decimal.
 */
export function parseMinorUnits(amount: string, currency: string): bigint | null {
  const match = DECIMAL_RE.exec(amount.trim());
  if (!match) return null;
  const negative = match[1] === "-";
  const whole = match[2] ?? "0";
  const fraction = match[3] ?? "";
  const decimals = currencyDecimals(currency);
  const kept = fraction.slice(0, decimals).padEnd(decimals, "0");
  let minor = BigInt(whole + kept);
  const firstDropped = fraction.charAt(decimals);
  if (firstDropped !== "" && firstDropped >= "5") minor += 1n;
  return negative ? -minor : minor;
}

/** 12744n USD → "127.44"; 1500n JPY → "1500"; 1250n KWD → "1.250"; -5n USD → "-0.05". */
export function formatMinorUnits(minor: bigint, currency: string): string {
  const decimals = currencyDecimals(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  const sign = negative && minor !== 0n ? "-" : "";
  return decimals === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

function minorOrThrow(amount: string, currency: string): bigint {
  const minor = parseMinorUnits(amount, currency);
  // Amounts reaching here were validated by the webhook schemas: a bad one is a bug.
  if (minor === null) throw new RangeError(`Not a decimal amount: ${JSON.stringify(amount)}`);
  return minor;
}

/** Rewrites an amount with the currency's fraction digits ("10" USD → "10.00", "1500.00" JPY → "1500"). */
export function normaliseAmount(amount: string, currency: string): string {
  return formatMinorUnits(minorOrThrow(amount, currency), currency);
}

export function addAmounts(amounts: readonly string[], currency: string): string {
  let total = 0n;
  for (const amount of amounts) total += minorOrThrow(amount, currency);
  return formatMinorUnits(total, currency);
}

export function subtractAmount(from: string, amount: string, currency: string): string {
  return formatMinorUnits(minorOrThrow(from, currency) - minorOrThrow(amount, currency), currency);
}

/** -1, 0 or 1, compared at the currency's precision ("10" and "10.00" are equal). */
export function compareAmounts(a: string, b: string, currency: string): -1 | 0 | 1 {
  const x = minorOrThrow(a, currency);
  const y = minorOrThrow(b, currency);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZeroAmount(amount: string, currency: string): boolean {
  return minorOrThrow(amount, currency) === 0n;
}

/**
 * value × numerator / denominator, rounded half away from zero. Used to carry
 * an amount into another currency at the rate implied by two totals of the same
 * order (e.g. a presentment refund → shop currency), never with a float rate.
 */
export function scaleMinorUnits(value: bigint, numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("scaleMinorUnits: zero denominator");
  const product = value * numerator;
  const negative = product < 0n !== denominator < 0n;
  const p = product < 0n ? -product : product;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (p * 2n + d) / (2n * d); // half away from zero on magnitudes
  return negative ? -quotient : quotient;
}
