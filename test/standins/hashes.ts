/**
 * Known test inputs and the SHA-256 digests each platform expects for them, for OUR tests to
 * assert on (a stand-in cannot invert a hash, so "phone hashed with the '+'" is only caught by
 * comparing with these). The normalised forms follow docs/platform/ad-platforms.md
 * ("Hashing and normalisation", "Pitfalls"): Meta/Snap/Pinterest phone = digits with country code and no '+', Google (GA4,
 * Google Ads) phone = E.164 with '+', TikTok phone = E.164 with '+' (our notes'
 * choice), Google-only gmail dot removal, Meta/Pinterest city without spaces.
 *
 * The digests are computed here with node:crypto, independently of the adapters under test;
 * standins.test.ts pins them to literals produced by `printf '%s' value | sha256sum`.
 */
import { createHash } from "node:crypto";

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** The raw customer data tests feed to adapters (deliberately untidy: spaces, case, symbols, ZIP+4). */
export const TEST_CUSTOMER = {
  email: " John.Smith@Gmail.com ",
  phone: "+1 (650) 555-1212",
  firstName: "Mary",
  lastName: "Smith",
  city: "Menlo Park",
  state: "CA",
  zip: "94025-1234",
  country: "US",
  externalId: "cust-8842",
  ip: "203.0.113.7",
  userAgent:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
} as const;

/** TEST_CUSTOMER after each platform family's normalisation, before hashing. */
export const TEST_CUSTOMER_NORMALISED = {
  email: "john.smith@gmail.com",
  /** Google removes dots in the local part of gmail.com/googlemail.com addresses. */
  emailGoogle: "johnsmith@gmail.com",
  phoneDigits: "16505551212",
  phoneE164: "+16505551212",
  firstName: "mary",
  lastName: "smith",
  city: "menlopark",
  state: "ca",
  zip: "94025",
  country: "us",
  externalId: "cust-8842",
} as const;

export function expectedHashes() {
  const n = TEST_CUSTOMER_NORMALISED;
  const h = sha256Hex;
  return {
    meta: {
      em: h(n.email),
      ph: h(n.phoneDigits),
      fn: h(n.firstName),
      ln: h(n.lastName),
      ct: h(n.city),
      st: h(n.state),
      zp: h(n.zip),
      country: h(n.country),
      external_id: h(n.externalId),
    },
    tiktok: {
      email: h(n.email),
      phone: h(n.phoneE164),
      external_id: h(n.externalId),
      first_name: h(n.firstName),
      last_name: h(n.lastName),
      zip_code: h(n.zip),
    },
    pinterest: {
      em: h(n.email),
      ph: h(n.phoneDigits),
      fn: h(n.firstName),
      ln: h(n.lastName),
      ct: h(n.city),
      st: h(n.state),
      zp: h(n.zip),
      country: h(n.country),
      external_id: h(n.externalId),
    },
    snapchat: {
      em: h(n.email),
      ph: h(n.phoneDigits),
      fn: h(n.firstName),
      ln: h(n.lastName),
      ct: h(n.city),
      st: h(n.state),
      zp: h(n.zip),
      country: h(n.country),
      external_id: h(n.externalId),
    },
    /** GA4 user_data and Google Ads user_identifiers. */
    google: {
      email: h(n.emailGoogle),
      phone: h(n.phoneE164),
      first_name: h(n.firstName),
      last_name: h(n.lastName),
    },
    /** Digests of common mistakes, to assert an adapter did NOT send them. */
    mistakes: {
      phoneWithPlus: h(n.phoneE164),
      phoneWithoutPlus: h(n.phoneDigits),
      emailUntrimmed: h(TEST_CUSTOMER.email.toLowerCase()),
      emailNotLowercased: h(TEST_CUSTOMER.email.trim()),
      emailGmailDotsKept: h(n.email),
      cityWithSpace: h("menlo park"),
    },
  };
}
