import type {
  CanonicalConversion,
  ConversionClickIds,
  ConversionUser,
} from "~/core/conversions/conversion";
import { purchaseEventId } from "~/core/conversions/event-id";
import type { BuildContext } from "~/destinations/destination";

/**
 * Shared test factory for every destination adapter's <platform>.cases.ts and the
 * conformance suite. Data only: no clock, no randomness, so fixtures are stable.
 *
 * The default is a realistic web purchase (Shopify order #1042): a buyer with
 * every identity field filled in deliberately "messy" (surrounding spaces, mixed
 * case, a gmail address with a dot, a national-format US phone, an NFC accent, an
 * apostrophe, a ZIP+4) so adapters must normalise, plus browser data, click ids
 * for every platform, two line items, and money in both the shop's currency (USD)
 * and the buyer's (EUR).
 */

/** 2025-11-11T23:05:53Z, the moment order #1042 was paid. */
export const FACTORY_OCCURRED_AT = 1_762_902_353_000;
/** Five minutes later: a typical "now" for building the delivery request. */
export const FACTORY_NOW = FACTORY_OCCURRED_AT + 5 * 60_000;

export const FACTORY_ORDER_ID = "5975031431338";

export const FACTORY_USER: Readonly<ConversionUser> = {
  email: " John.Smith@Gmail.com ",
  phone: "(650) 555-1212", // national format: needs the billing country (US) to become E.164
  firstName: "Rapha\u00ebl", // NFC "Raphaël"
  lastName: "O'Brien",
  city: "Menlo Park",
  state: "CA",
  zip: "94025-1234",
  country: "US",
  externalId: "7364829104562", // Shopify customer id
  ip: "203.0.113.7",
  userAgent:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
};

export const FACTORY_CLICK_IDS: Readonly<ConversionClickIds> = {
  fbclid: "IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk",
  fbc: "fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk",
  fbp: "fb.1.1596403881668.1116446470",
  gclid: "EAIaIQobChMI8ZqL3YDSggMVbBKtBh0ZVg5bEAAYASAAEgJp5fD_BwE",
  gbraid: "0AAAAADdQK7S7Z1H5eCw3W0QkzxpAbCdEf",
  wbraid: "CjkKCQiAwJWdBhCYARIoAGwoQYMo4cGo5Yq1mTKjAWbqsWlC9fXq",
  ttclid: "E.C.P.CtUBxg5Gq8kzJ9hYt1vLmQ2pRaBwXe3N",
  ttp: "2F7h37YkS1j57AYSKTI7IHhJPYH",
  sccid: "7b3a7917-a82a-47e8-9728-e1b3b045abb2",
  scid: "4f6d0a9c-3b1e-4c2a-9f7d-8e5b6a1c2d3e",
  epik: "dj0yJnU9bE1aS0VzZ2RpTzZpUmR4b3ZPVUNKcFB2SHpPRGJqV3MmcD0wJm49dVZXeFhORzZGRjZ0b2JCU0RBeGdqdyZ0PUFBQUFBR1VJbmVj",
  msclkid: "2d7a1f0c9b3e4a5f8c6d1e2f3a4b5c6d",
  twclid: "23opevjt88psuo13lu8d020qkn",
  rdtCid: "AQAAAZWuiA0DAAAAAB_Kb2VYbSMGSUx1ZXGrY2h6bUZb",
  liFatId: "f3a9c2d1-7b4e-4c8a-9e21-5d6f7a8b9c0d",
  gaClientId: "1162820436.1749482504",
  gaSessionId: "1747132561",
};

export type ConversionOverrides = Partial<Omit<CanonicalConversion, "user" | "clickIds">> & {
  /** Merged over FACTORY_USER (set a key to undefined to drop it). */
  user?: Partial<ConversionUser>;
  /** Merged over FACTORY_CLICK_IDS (set a key to undefined to drop it). */
  clickIds?: Partial<ConversionClickIds>;
};

/** The default purchase, with shallow overrides; user/clickIds are merged. */
export function buildConversion(overrides: ConversionOverrides = {}): CanonicalConversion {
  const { user, clickIds, ...rest } = overrides;
  return {
    eventId: purchaseEventId(FACTORY_ORDER_ID),
    name: "purchase",
    occurredAt: FACTORY_OCCURRED_AT,
    actionSource: "website",
    sourceUrl: "https://shop.example.com/checkouts/cn/Z2NwLXVzLWVhc3QxOjAxSjk/thank-you",
    orderId: FACTORY_ORDER_ID,
    orderName: "#1042",
    value: {
      shop: { amount: "142.52", currency: "USD" },
      presentment: { amount: "131.10", currency: "EUR" },
    },
    contents: [
      {
        id: "8123456789012",
        variantId: "45123456789012",
        sku: "TEE-ORG-M",
        title: "Organic Cotton Tee",
        quantity: 1,
        price: { shop: "100.00", presentment: "92.00" },
      },
      {
        id: "8123456789013",
        variantId: "45123456789013",
        sku: "TOTE-CNV",
        title: "Canvas Tote",
        quantity: 2,
        price: { shop: "21.26", presentment: "19.55" },
      },
    ],
    consent: { analytics: true, marketing: true, saleOfData: true },
    isTest: false,
    ...rest,
    user: { ...FACTORY_USER, ...user },
    clickIds: { ...FACTORY_CLICK_IDS, ...clickIds },
  };
}

/** The same conversion with no identity at all (no user data, no click ids). */
export function withoutIdentity(conversion: CanonicalConversion): CanonicalConversion {
  return { ...conversion, user: {}, clickIds: {} };
}

/** A storefront event (no order, no value unless given) built on the same buyer. */
export function buildStorefrontConversion(
  name: Exclude<CanonicalConversion["name"], "purchase" | "refund" | "cancel">,
  overrides: ConversionOverrides = {},
): CanonicalConversion {
  const base = buildConversion({
    eventId: `sh-0a1b2c3d-${name}`,
    name,
    sourceUrl: "https://shop.example.com/products/organic-cotton-tee",
    orderId: undefined,
    orderName: undefined,
    value: undefined,
    contents: undefined,
  });
  const { user, clickIds, ...rest } = overrides;
  return {
    ...base,
    ...rest,
    user: { ...base.user, ...user },
    clickIds: { ...base.clickIds, ...clickIds },
  };
}

/** `n` distinct purchases (ids purchase-1000…), e.g. for batch tests. */
export function buildConversionBatch(n: number, overrides: ConversionOverrides = {}): CanonicalConversion[] {
  return Array.from({ length: n }, (_, i) => {
    const orderId = String(1000 + i);
    return buildConversion({ eventId: purchaseEventId(orderId), orderId, orderName: `#${orderId}`, ...overrides });
  });
}

export function buildContext(overrides: Partial<BuildContext> = {}): BuildContext {
  return { now: FACTORY_NOW, testMode: false, currency: "shop", ...overrides };
}
