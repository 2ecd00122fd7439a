/**
 * Identity normalisation and hashing: the ONE place that turns raw personal data
 * into the strings ad platforms hash. Pure (node:crypto + libphonenumber-js only).
 *
 * The rules differ per platform (see docs/platform/ad-platforms.md, "Hashing and
 * normalisation" and "Pitfalls"), so the functions here are building blocks with explicit options;
 * each adapter picks the options its platform documents:
 *   - phone: Meta/Pinterest/Snap hash digits WITHOUT "+", Google/TikTok WITH "+";
 *   - email: Google alone removes dots in gmail.com/googlemail.com local parts;
 *   - city: Meta/Pinterest remove spaces ("menlopark"), Google keeps them.
 *
 * Every function returns `undefined` when nothing usable is left, so callers can
 * simply drop the key instead of hashing an empty string (sha256("") matches nobody
 * and lowers match quality).
 *
 * Lowercasing uses String.prototype.toLowerCase, which is locale-INDEPENDENT
 * (ECMA-262 default case mapping), unlike toLocaleLowerCase: on a Turkish server
 * "I" must still become "i", never "ı" (pitfall §7.1.7). Strings are NFC-normalised
 * first because "raphaël" typed on macOS often arrives decomposed (NFD), and only
 * the NFC bytes hash to what the platforms compute from their pixels.
 */
import { createHash } from "node:crypto";
import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

const SHA256_HEX = /^[a-f0-9]{64}$/;

/** Lowercase hex SHA-256 of the UTF-8 bytes of `value`. */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/**
 * True for a lowercase 64-char hex string. Use it to assert outputs, not to guess
 * whether an input is "already hashed": a 64-hex external id would be mistaken for
 * a hash (pitfall §7.1.9), so callers know per field whether they hold a hash.
 */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

/** NFC + trim + locale-independent lowercase; undefined when empty. */
function basic(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const value = raw.normalize("NFC").trim().toLowerCase();
  return value === "" ? undefined : value;
}

// --------------------------------------------------------------------------- email

const GMAIL_DOMAINS = new Set(["gmail.com", "googlemail.com"]);

/**
 * Plausibility check, not RFC 5322: one "@", a non-empty local part, a dotted
 * domain, no whitespace or control characters. Internationalised (UTF-8) local
 * parts and domains are allowed: Shopify accepts them and platforms hash bytes.
 */
const PLAUSIBLE_EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}.]+(?:\.[^\s@\p{Cc}.]+)+$/u;

/**
 * trim + lowercase (all platforms). `removeGmailDots` is for Google only (GA4 /
 * Google Ads enhanced conversions): "john.smith@gmail.com" → "johnsmith@gmail.com".
 * Meta/TikTok/Pinterest/Snap must NOT get it, or the hash no longer matches the
 * account (pitfall §7.1.3). "+tags" are kept unless the platform documents otherwise (EmailOptions).
 */
export function normalizeEmail(
  raw: string | undefined,
  opts: EmailOptions = {},
): string | undefined {
  const value = basic(raw);
  if (value === undefined || !PLAUSIBLE_EMAIL.test(value)) return undefined;
  const at = value.lastIndexOf("@");
  let local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (opts.stripPlusAlias) {
    const plus = local.indexOf("+");
    if (plus >= 0) local = local.slice(0, plus);
  }
  if (opts.localPart === "no-dots" || (opts.removeGmailDots && GMAIL_DOMAINS.has(domain))) local = local.replaceAll(".", "");
  if (opts.localPart === "alphanumeric") local = local.replace(/[^\p{L}\p{N}]/gu, "");
  return local === "" ? undefined : `${local}@${domain}`;
}

/**
 * How a platform canonicalises an address before hashing, beyond trim + lowercase:
 *  - removeGmailDots: Google (GA4, Google Ads) only, gmail.com/googlemail.com local parts;
 *  - stripPlusAlias: drop "+alias" from the local part (Microsoft UET CAPI, Reddit);
 *  - localPart "no-dots": remove every "." of the local part on any domain (Microsoft UET CAPI);
 *  - localPart "alphanumeric": keep only letters and digits of the local part (Reddit:
 *    "Al.ice$+Apple@Example.Com" → "alice@example.com").
 * The default (no options) is what Meta, TikTok, Pinterest, Snap and X document.
 */
export interface EmailOptions {
  removeGmailDots?: boolean;
  stripPlusAlias?: boolean;
  localPart?: "keep" | "no-dots" | "alphanumeric";
}

// --------------------------------------------------------------------------- phone

/** Characters people and forms put in phone numbers that carry no digits. */
const PHONE_FORMATTING = /[\s().\-/]/g;

function toCountryCode(raw: string | undefined): CountryCode | undefined {
  const code = raw?.trim().toUpperCase();
  // libphonenumber-js throws on an unknown default country; anything that is not two
  // letters is treated as "no default" (the number must then be international).
  return code !== undefined && /^[A-Z]{2}$/.test(code) ? (code as CountryCode) : undefined;
}

function callingCodeOf(country: CountryCode): string | undefined {
  try {
    return getCountryCallingCode(country);
  } catch {
    return undefined; // two letters, but not a country libphonenumber knows
  }
}

function parseValidE164(candidate: string, defaultCountry: CountryCode | undefined): string | undefined {
  try {
    const parsed = parsePhoneNumberFromString(candidate, defaultCountry ? { defaultCountry } : undefined);
    return parsed?.isValid() ? parsed.number : undefined;
  } catch {
    // An unknown default country or a malformed string: not a usable number.
    return undefined;
  }
}

/**
 * Parse with libphonenumber-js and return E.164: "+16505551212" (withPlus) or
 * "16505551212". National numbers need `defaultCountry` (use the billing/shipping
 * country): UK "07911 123456" + GB → 447911123456 (trunk 0 dropped). Numbers that
 * do not validate against the country's numbering plan return undefined; a wrong
 * number is worse than none because it can match somebody else.
 *
 * Tried in order, first valid wins:
 *  1. as typed, with the default country (handles "+", national trunk 0, and the
 *     default country's own international prefix, e.g. 0011 from Australia);
 *  2. a leading "00" read as "+" (the international prefix in most of the world,
 *     and the only way to read "0044…" without a default country);
 *  3. bare digits that start with the default country's calling code, read as
 *     international without "+" ("447911123456" with GB), for stores that save
 *     numbers that way. Without a default country bare digits are NOT guessed:
 *     "6505551212" could be read as +65… and match a stranger.
 */
export function normalizePhone(
  raw: string | undefined,
  opts: { defaultCountry?: string; withPlus: boolean },
): string | undefined {
  if (raw === undefined) return undefined;
  const trimmed = raw.normalize("NFKC").trim();
  if (trimmed === "") return undefined;
  const country = toCountryCode(opts.defaultCountry);
  const compact = trimmed.replace(PHONE_FORMATTING, "");

  const candidates = [trimmed];
  if (compact.startsWith("00")) candidates.push(`+${compact.slice(2)}`);
  if (country !== undefined && /^[1-9][0-9]{6,14}$/.test(compact)) {
    const callingCode = callingCodeOf(country);
    if (callingCode !== undefined && compact.startsWith(callingCode)) candidates.push(`+${compact}`);
  }

  for (const candidate of candidates) {
    const e164 = parseValidE164(candidate, country);
    if (e164 !== undefined) return opts.withPlus ? e164 : e164.slice(1);
  }
  return undefined;
}

// --------------------------------------------------------------- names and address

/** Everything that is not a letter (any script), a combining mark or a space. */
const NOT_LETTER_OR_SPACE = /[^\p{L}\p{M}\s]/gu;
/** Combining marks are kept: after NFC they only remain where no precomposed letter
 * exists (Devanagari vowel signs, the dot of Turkish "İ" → "i̇"), and dropping them
 * would change the word. */
const NOT_LETTER = /[^\p{L}\p{M}]/gu;

/**
 * First/last name: NFC, lowercase, punctuation/digits/symbols removed, UTF-8 letters
 * kept ("Raphaël" → "raphaël", "O'Brien" → "obrien", "Jean-Luc" → "jeanluc").
 * Inner whitespace is collapsed to one space ("Mary  Ann" → "mary ann"): Meta's
 * parameter builder only trims and lowercases, Google trims; neither drops inner
 * spaces.
 */
export function normalizeName(raw: string | undefined): string | undefined {
  const value = basic(raw);
  if (value === undefined) return undefined;
  const cleaned = value.replace(NOT_LETTER_OR_SPACE, "").replace(/\s+/g, " ").trim();
  return cleaned === "" ? undefined : cleaned;
}

/**
 * City: lowercase, no punctuation or digits. Spaces removed ("Menlo Park" →
 * "menlopark", Meta/Pinterest) unless `keepSpaces` (Google sends the city in clear,
 * trimmed, "menlo park").
 */
export function normalizeCity(
  raw: string | undefined,
  opts: { keepSpaces?: boolean } = {},
): string | undefined {
  const value = basic(raw);
  if (value === undefined) return undefined;
  const cleaned = opts.keepSpaces
    ? value.replace(NOT_LETTER_OR_SPACE, "").replace(/\s+/g, " ").trim()
    : value.replace(NOT_LETTER, "");
  return cleaned === "" ? undefined : cleaned;
}

/** US states and DC, so a full name typed in a free-text form still hashes as the code. */
const US_STATE_CODES: Record<string, string> = {
  alabama: "al", alaska: "ak", arizona: "az", arkansas: "ar", california: "ca",
  colorado: "co", connecticut: "ct", delaware: "de", districtofcolumbia: "dc",
  florida: "fl", georgia: "ga", hawaii: "hi", idaho: "id", illinois: "il",
  indiana: "in", iowa: "ia", kansas: "ks", kentucky: "ky", louisiana: "la",
  maine: "me", maryland: "md", massachusetts: "ma", michigan: "mi", minnesota: "mn",
  mississippi: "ms", missouri: "mo", montana: "mt", nebraska: "ne", nevada: "nv",
  newhampshire: "nh", newjersey: "nj", newmexico: "nm", newyork: "ny",
  northcarolina: "nc", northdakota: "nd", ohio: "oh", oklahoma: "ok", oregon: "or",
  pennsylvania: "pa", rhodeisland: "ri", southcarolina: "sc", southdakota: "sd",
  tennessee: "tn", texas: "tx", utah: "ut", vermont: "vt", virginia: "va",
  washington: "wa", westvirginia: "wv", wisconsin: "wi", wyoming: "wy",
  puertorico: "pr",
};

/**
 * State/province: a 2-letter code lowercased ("CA" → "ca", Meta: "2-letter ANSI
 * code, lowercase" for the US); a US state written out maps to its code when the
 * country is US (or unknown); anything else is lowercased with punctuation and
 * spaces removed ("Île-de-France" → "îledefrance", Shopify's "JP-13" → "jp13").
 */
export function normalizeState(raw: string | undefined, country?: string): string | undefined {
  const value = basic(raw);
  if (value === undefined) return undefined;
  const cleaned = value.replace(/[^\p{L}\p{M}\p{N}]/gu, "");
  if (cleaned === "") return undefined;
  const countryCode = normalizeCountry(country);
  if (countryCode === undefined || countryCode === "us") {
    const code = US_STATE_CODES[cleaned];
    if (code !== undefined) return code;
  }
  return cleaned;
}

/**
 * Postal code: lowercase, spaces/dashes/punctuation removed, letters kept for
 * non-US codes ("SW1A 1AA" → "sw1a1aa"; pitfall §7.1.6). US (or no country given
 * and it looks like a US ZIP / ZIP+4): first 5 digits ("94025-1234" → "94025").
 */
export function normalizeZip(raw: string | undefined, country?: string): string | undefined {
  const value = basic(raw);
  if (value === undefined) return undefined;
  const countryCode = normalizeCountry(country);
  const looksLikeUsZip = /^[0-9]{5}(?:[\s-]?[0-9]{4})?$/.test(value);
  if (countryCode === "us" || (countryCode === undefined && looksLikeUsZip)) {
    const digits = value.replace(/[^0-9]/g, "");
    // A US ZIP has five digits; a shorter value (a spreadsheet dropped the leading 0)
    // cannot be repaired without guessing, so it is not sent.
    return digits.length >= 5 ? digits.slice(0, 5) : undefined;
  }
  const cleaned = value.replace(/[^\p{L}\p{N}]/gu, "");
  return cleaned === "" ? undefined : cleaned;
}

/** ISO-3166 alpha-2, lowercase ("US" → "us"); undefined unless exactly two letters. */
export function normalizeCountry(raw: string | undefined): string | undefined {
  const value = basic(raw);
  return value !== undefined && /^[a-z]{2}$/.test(value) ? value : undefined;
}

/** sha256Hex of an already normalised value; undefined passes through. */
export function hashIfPresent(normalized: string | undefined): string | undefined {
  return normalized === undefined || normalized === "" ? undefined : sha256Hex(normalized);
}
