/**
 * OrderFacts: the normalised record the services store for an order webhook
 * and every later step (matching, conversions, UI) reads.
 *
 * - Ids are exact decimal strings (from the raw body, see exact-ids.ts).
 * - Amounts stay decimal strings in both the shop and the buyer's currency.
 * - `updatedAt` is the version: Shopify does not order deliveries, so a store
 *   keeps a row only when the incoming updatedAt is newer
 *   (https://shopify.dev/docs/apps/build/webhooks/best-practices).
 * - Personal data (email, phone, names, addresses, IP, user agent) is carried
 *   raw; the caller decides what to hash and what to keep.
 */

import type { Money } from "~/core/conversions/conversion";
import { CLICK_ID_KEYS, COOKIE_KEYS, type ClickIdKey, type CookieKey } from "~/core/events/pixel-payload.schema";
import { addAmounts, formatMinorUnits, parseMinorUnits, subtractAmount } from "./decimal";
import { exactIdAt, resolveId, type ExactIds } from "./exact-ids";
import { classifyOrderKind, parseTags, type OrderKind, type OrderKindHints } from "./order-kind";
import type { Address, MoneySet, OrderWebhook } from "./order-webhook.schema";

export interface MoneyPair {
  shop: Money;
  presentment: Money;
}

export interface AddressFacts {
  firstName: string | null;
  lastName: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCode: string | null;
  phone: string | null;
  company: string | null;
}

export interface OrderLineFacts {
  lineItemId: string | null;
  productId: string | null;
  variantId: string | null;
  sku: string | null;
  title: string | null;
  variantTitle: string | null;
  quantity: number;
  /** Quantity after edits and removals (Shopify's current_quantity); null when not sent. */
  currentQuantity: number | null;
  unitPrice: MoneyPair | null;
  totalDiscount: MoneyPair | null;
  sellingPlan: { id: string | null; name: string | null } | null;
  giftCard: boolean;
}

export interface UtmParams {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
  id?: string;
}

export interface LandingSignals {
  utm: UtmParams;
  clickIds: Partial<Record<ClickIdKey, string>>;
}

/** Click ids and platform cookie values a theme wrote into cart attributes (the pixel cannot). */
export interface NoteSignals {
  clickIds: Partial<Record<ClickIdKey, string>>;
  cookies: Partial<Record<CookieKey, string>>;
}

export interface OrderFacts {
  orderId: string;
  adminGraphqlApiId: string | null;
  /** "#1042" */
  name: string | null;
  kind: OrderKind;
  kindReason: string;
  isTest: boolean;
  sourceName: string | null;
  appId: string | null;
  locationId: string | null;
  /** Staff member (POS, drafts). */
  userId: string | null;
  /** External reference; the subscription contract id on renewals [3p]. */
  sourceIdentifier: string | null;
  /** Unix ms. */
  createdAt: number;
  /** Unix ms; the version for idempotent upserts (createdAt when Shopify omitted updated_at). */
  updatedAt: number;
  processedAt: number | null;
  cancelledAt: number | null;
  cancelReason: string | null;
  financialStatus: string | null;
  /** Shop currency. */
  currency: string;
  /** Buyer's currency. */
  presentmentCurrency: string;
  totals: {
    /** total_price_set: what the buyer paid at checkout (edits included, refunds not subtracted). */
    total: MoneyPair;
    /** current_total_price_set: after edits, returns and refunds. */
    currentTotal: MoneyPair;
    subtotal: MoneyPair | null;
    tax: MoneyPair | null;
    discounts: MoneyPair | null;
    shipping: MoneyPair | null;
  };
  lineItems: OrderLineFacts[];
  customerId: string | null;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  billingAddress: AddressFacts | null;
  shippingAddress: AddressFacts | null;
  browserIp: string | null;
  userAgent: string | null;
  acceptLanguage: string | null;
  checkoutToken: string | null;
  cartToken: string | null;
  checkoutId: string | null;
  /** First landing path/URL of the checkout's session, with its query string. */
  landingSite: string | null;
  landing: LandingSignals;
  referringSite: string | null;
  noteAttributes: Array<{ name: string; value: string }>;
  noteSignals: NoteSignals;
  tags: string[];
}

export type OrderFactsResult = { kind: "facts"; facts: OrderFacts } | { kind: "invalid"; reason: string };

// ---------------------------------------------------------------- small parsers

function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** ISO 8601 with offset → unix ms; null when absent or unparseable. */
export function parseShopifyTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function money(amount: string, currency: string): Money {
  return { amount, currency };
}

/**
 * A `*_set` when present; else the plain shop-currency field. Without the set
 * the presentment amount is unknown, so it falls back to the shop amount (the
 * pair stays internally consistent: amount and currency always agree).
 */
function moneyPair(set: MoneySet | null | undefined, plain: string | null | undefined, currency: string | null): MoneyPair | null {
  if (set) {
    return {
      shop: money(set.shop_money.amount, set.shop_money.currency_code),
      presentment: money(set.presentment_money.amount, set.presentment_money.currency_code),
    };
  }
  if (plain && currency) {
    const shop = money(plain, currency);
    return { shop, presentment: shop };
  }
  return null;
}

function addressFacts(address: Address | null | undefined): AddressFacts | null {
  if (!address) return null;
  const facts: AddressFacts = {
    firstName: text(address.first_name),
    lastName: text(address.last_name),
    address1: text(address.address1),
    address2: text(address.address2),
    city: text(address.city),
    province: text(address.province),
    provinceCode: text(address.province_code),
    zip: text(address.zip),
    country: text(address.country),
    countryCode: text(address.country_code)?.toUpperCase() ?? null,
    phone: text(address.phone),
    company: text(address.company),
  };
  return Object.values(facts).some((v) => v !== null) ? facts : null;
}

const CLICK_ID_BY_LOWER = new Map<string, ClickIdKey>(CLICK_ID_KEYS.map((key) => [key.toLowerCase(), key]));
const MAX_SIGNAL_LENGTH = 512;

function signalValue(raw: string | null | undefined): string | null {
  const value = raw?.trim();
  return value && value.length <= MAX_SIGNAL_LENGTH ? value : null;
}

/**
 * UTMs and click ids from `landing_site` ("/products/x?utm_source=…&fbclid=…",
 * sometimes an absolute URL). Click id names match case-insensitively
 * (Snapchat's is "ScCid"); the first occurrence of a key wins.
 */
export function parseLandingSite(landingSite: string | null | undefined): LandingSignals {
  const signals: LandingSignals = { utm: {}, clickIds: {} };
  if (!landingSite) return signals;
  const withoutFragment = landingSite.split("#")[0] ?? "";
  const queryStart = withoutFragment.indexOf("?");
  if (queryStart < 0) return signals;
  const params = new URLSearchParams(withoutFragment.slice(queryStart + 1));
  const utmKeys: Record<string, keyof UtmParams> = {
    utm_source: "source",
    utm_medium: "medium",
    utm_campaign: "campaign",
    utm_term: "term",
    utm_content: "content",
    utm_id: "id",
  };
  for (const [name, raw] of params) {
    const value = signalValue(raw);
    if (value === null) continue;
    const lower = name.toLowerCase();
    const utmKey = utmKeys[lower];
    if (utmKey !== undefined) {
      signals.utm[utmKey] ??= value;
      continue;
    }
    const clickKey = CLICK_ID_BY_LOWER.get(lower);
    if (clickKey !== undefined) signals.clickIds[clickKey] ??= value;
  }
  return signals;
}

const COOKIE_BY_NOTE_NAME = new Map<string, CookieKey>([
  ...COOKIE_KEYS.map((key): [string, CookieKey] => [key, key]),
  ["fbc", "_fbc"],
  ["fbp", "_fbp"],
  ["ttp", "_ttp"],
  ["scid", "_scid"],
]);
/**
 * Meta's fbc format is "fb.{subdomainIndex}.{creationTime}.{fbclid}"
 * (https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/fbp-and-fbc).
 * _fbp has the same prefix but ends in a random NUMBER, while an fbclid always
 * has letters, so a value of this shape under an unknown attribute name is
 * read as fbc.
 */
const FBC_SHAPE = /^fb\.\d\.\d{10,13}\.(?=[A-Za-z0-9_-]*[A-Za-z_-])[A-Za-z0-9_-]+$/;

/** Click ids / platform cookies a theme wrote as cart attributes (note_attributes). */
export function parseNoteAttributes(attributes: ReadonlyArray<{ name: string; value: string }>): NoteSignals {
  const signals: NoteSignals = { clickIds: {}, cookies: {} };
  for (const { name, value: raw } of attributes) {
    const value = signalValue(raw);
    if (value === null) continue;
    const lower = name.trim().toLowerCase();
    const cookie = COOKIE_BY_NOTE_NAME.get(lower);
    if (cookie !== undefined) {
      signals.cookies[cookie] ??= value;
      continue;
    }
    const clickKey = CLICK_ID_BY_LOWER.get(lower.replace(/^_+/, ""));
    if (clickKey !== undefined) {
      signals.clickIds[clickKey] ??= value;
      continue;
    }
    if (FBC_SHAPE.test(value)) signals.cookies._fbc ??= value;
  }
  return signals;
}

// ---------------------------------------------------------------- toOrderFacts

export function toOrderFacts(order: OrderWebhook, exactIds: ExactIds | null, hints: OrderKindHints = {}): OrderFactsResult {
  // Guard against pairing a payload with another delivery's raw body.
  if (exactIds?.id && typeof order.id === "number" && Number(exactIds.id) !== order.id) {
    return { kind: "invalid", reason: `exact id ${exactIds.id} does not belong to order ${order.id}` };
  }
  const orderId = exactIds?.id ?? resolveId(null, order.id);
  if (orderId === null) {
    return { kind: "invalid", reason: "order id is above 2^53 and no exact id was extracted from the raw body" };
  }
  const createdAt = parseShopifyTime(order.created_at);
  if (createdAt === null) return { kind: "invalid", reason: `unparseable created_at ${JSON.stringify(order.created_at)}` };

  const currency = order.currency ?? order.total_price_set?.shop_money.currency_code ?? null;
  const total = moneyPair(order.total_price_set, order.total_price, currency);
  if (currency === null || total === null) return { kind: "invalid", reason: "order has no total price or currency" };
  const presentmentCurrency =
    order.presentment_currency ?? order.total_price_set?.presentment_money.currency_code ?? currency;

  const kind = classifyOrderKind(order, hints);
  const customer = order.customer ?? null;
  const billing = addressFacts(order.billing_address);
  const shipping = addressFacts(order.shipping_address);
  const noteAttributes = order.note_attributes.filter((a): a is { name: string; value: string } => a !== null);

  const lineItems: OrderLineFacts[] = [];
  order.line_items.forEach((item, index) => {
    if (item === null) return;
    const at = (field: string, parsed: unknown) =>
      resolveId(exactIds?.byPath[`line_items.${index}.${field}`] ?? null, parsed);
    const plan = item.selling_plan_allocation?.selling_plan ?? null;
    lineItems.push({
      lineItemId: exactIdAt(exactIds, `line_items.${index}.id`) ?? resolveId(null, item.id),
      productId: at("product_id", item.product_id),
      variantId: at("variant_id", item.variant_id),
      sku: text(item.sku),
      title: text(item.title) ?? text(item.name),
      variantTitle: text(item.variant_title),
      quantity: item.quantity,
      currentQuantity: item.current_quantity ?? null,
      unitPrice: moneyPair(item.price_set, item.price, currency),
      totalDiscount: moneyPair(item.total_discount_set, item.total_discount, currency),
      sellingPlan: plan
        ? { id: resolveId(exactIds?.byPath[`line_items.${index}.selling_plan_allocation.selling_plan.id`] ?? null, plan.id), name: text(plan.name) }
        : null,
      giftCard: item.gift_card === true,
    });
  });

  const facts: OrderFacts = {
    orderId,
    adminGraphqlApiId: text(order.admin_graphql_api_id),
    name: text(order.name),
    kind: kind.kind,
    kindReason: kind.reason,
    isTest: kind.isTest,
    sourceName: text(order.source_name),
    appId: exactIds?.appId ?? resolveId(null, order.app_id),
    locationId: exactIds?.locationId ?? resolveId(null, order.location_id),
    userId: exactIds?.userId ?? resolveId(null, order.user_id),
    sourceIdentifier: text(order.source_identifier),
    createdAt,
    updatedAt: parseShopifyTime(order.updated_at) ?? createdAt,
    processedAt: parseShopifyTime(order.processed_at),
    cancelledAt: parseShopifyTime(order.cancelled_at),
    cancelReason: text(order.cancel_reason),
    financialStatus: text(order.financial_status),
    currency,
    presentmentCurrency,
    totals: {
      total,
      currentTotal: moneyPair(order.current_total_price_set, order.current_total_price, currency) ?? total,
      subtotal: moneyPair(order.subtotal_price_set, null, currency),
      tax: moneyPair(order.total_tax_set, null, currency),
      discounts: moneyPair(order.total_discounts_set, null, currency),
      shipping: moneyPair(order.total_shipping_price_set, null, currency),
    },
    lineItems,
    customerId: customer ? (exactIds?.customerId ?? resolveId(null, customer.id)) : null,
    email: text(order.email) ?? text(order.contact_email) ?? text(customer?.email),
    phone: text(order.phone) ?? text(customer?.phone),
    firstName: text(customer?.first_name) ?? billing?.firstName ?? shipping?.firstName ?? null,
    lastName: text(customer?.last_name) ?? billing?.lastName ?? shipping?.lastName ?? null,
    billingAddress: billing,
    shippingAddress: shipping,
    browserIp: text(order.browser_ip) ?? text(order.client_details?.browser_ip),
    userAgent: text(order.client_details?.user_agent),
    acceptLanguage: text(order.client_details?.accept_language),
    checkoutToken: text(order.checkout_token),
    cartToken: text(order.cart_token),
    checkoutId: exactIds?.checkoutId ?? resolveId(null, order.checkout_id),
    landingSite: text(order.landing_site),
    landing: parseLandingSite(order.landing_site),
    referringSite: text(order.referring_site),
    noteAttributes,
    noteSignals: parseNoteAttributes(noteAttributes),
    tags: parseTags(order.tags),
  };
  return { kind: "facts", facts };
}

// ---------------------------------------------------------------- versions

export interface OrderVersionDiff {
  /** next.updatedAt > previous.updatedAt: only a newer version should replace the stored one. */
  isNewer: boolean;
  /** Lines that are new, or whose quantity grew (with the added quantity). */
  addedLines: Array<{ line: OrderLineFacts; addedQuantity: number }>;
  /** Sum of unit price × added quantity (before order-level discounts, tax, shipping); null when nothing was added. */
  addedValue: MoneyPair | null;
  /** next.total − previous.total; null when a currency changed between versions. */
  totalDelta: MoneyPair | null;
}

function sumPairs(pairs: MoneyPair[], shopCurrency: string, presentmentCurrency: string): MoneyPair | null {
  if (pairs.some((p) => p.shop.currency !== shopCurrency || p.presentment.currency !== presentmentCurrency)) return null;
  return {
    shop: money(addAmounts(pairs.map((p) => p.shop.amount), shopCurrency), shopCurrency),
    presentment: money(addAmounts(pairs.map((p) => p.presentment.amount), presentmentCurrency), presentmentCurrency),
  };
}

function times(pair: MoneyPair, quantity: number): MoneyPair {
  const scale = (m: Money): Money => {
    const minor = parseMinorUnits(m.amount, m.currency) ?? 0n;
    return money(formatMinorUnits(minor * BigInt(quantity), m.currency), m.currency);
  };
  return { shop: scale(pair.shop), presentment: scale(pair.presentment) };
}

/**
 * What changed between two versions of the same order. Used for Shopify's
 * native post-purchase upsell, which adds the accepted offer to the original
 * order (orders/updated, same id) rather than creating a new one: the added
 * lines and value are the upsell.
 */
export function diffOrderVersions(previous: OrderFacts, next: OrderFacts): OrderVersionDiff {
  const before = new Map<string, number>();
  for (const line of previous.lineItems) {
    if (line.lineItemId !== null) before.set(line.lineItemId, line.currentQuantity ?? line.quantity);
  }
  const addedLines: OrderVersionDiff["addedLines"] = [];
  for (const line of next.lineItems) {
    if (line.lineItemId === null) continue;
    const quantity = line.currentQuantity ?? line.quantity;
    const added = quantity - (before.get(line.lineItemId) ?? 0);
    if (added > 0) addedLines.push({ line, addedQuantity: added });
  }
  const priced = addedLines.flatMap(({ line, addedQuantity }) =>
    line.unitPrice ? [times(line.unitPrice, addedQuantity)] : [],
  );
  const sameCurrencies =
    previous.totals.total.shop.currency === next.totals.total.shop.currency &&
    previous.totals.total.presentment.currency === next.totals.total.presentment.currency;
  const delta = (a: Money, b: Money): Money => money(subtractAmount(b.amount, a.amount, b.currency), b.currency);
  return {
    isNewer: next.updatedAt > previous.updatedAt,
    addedLines,
    addedValue: priced.length === 0 ? null : sumPairs(priced, next.currency, next.presentmentCurrency),
    totalDelta: sameCurrencies
      ? {
          shop: delta(previous.totals.total.shop, next.totals.total.shop),
          presentment: delta(previous.totals.total.presentment, next.totals.total.presentment),
        }
      : null,
  };
}
