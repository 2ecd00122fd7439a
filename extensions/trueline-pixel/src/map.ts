/**
 * Shopify customer event → PixelEvent (the schema's shape). Pure.
 *
 * Inputs are typed loosely on purpose: Shopify documents most fields as nullable
 * and the pixel must never throw on a surprising payload, so every read is
 * optional-chained and every value is checked against the schema's limits here
 * (a field the server would reject costs us the whole event).
 * Event shapes: @shopify/web-pixels-extension 2.18.0 types, and
 * https://shopify.dev/docs/api/web-pixels-api/standard-events
 */
import { STANDARD_EVENT_NAMES, type CustomValue, type PixelEvent, type Product } from "./contract";
import { cut, stripClickIds } from "./identity";

interface Money {
  amount?: number | null;
  currencyCode?: string | null;
}
interface Variant {
  id?: string | null;
  sku?: string | null;
  title?: string | null;
  untranslatedTitle?: string | null;
  price?: Money | null;
  product?: { id?: string | null; title?: string | null; untranslatedTitle?: string | null } | null;
}
interface Checkout {
  token?: string | null;
  email?: string | null;
  phone?: string | null;
  smsMarketingPhone?: string | null;
  currencyCode?: string | null;
  totalPrice?: Money | null;
  shippingAddress?: { phone?: string | null } | null;
  lineItems?: Array<{ quantity?: number | null; variant?: Variant | null } | null> | null;
  order?: { id?: string | null; customer?: { id?: string | null } | null } | null;
}
interface Cart {
  id?: string | null;
  cost?: { totalAmount?: Money | null } | null;
  lines?: Array<{ quantity?: number | null; merchandise?: Variant | null } | null> | null;
}
export interface ShopifyEvent {
  id?: string;
  name?: string;
  type?: string;
  clientId?: string;
  timestamp?: string;
  context?: {
    document?: { location?: { href?: string } | null; referrer?: string | null; title?: string | null } | null;
  } | null;
  data?: {
    checkout?: Checkout | null;
    productVariant?: Variant | null;
    cartLine?: { quantity?: number | null; merchandise?: Variant | null; cost?: { totalAmount?: Money | null } | null } | null;
    cart?: Cart | null;
    collection?: { productVariants?: Array<Variant | null> | null } | null;
    searchResult?: { query?: string | null; productVariants?: Array<Variant | null> | null } | null;
    alert?: { type?: string | null; message?: string | null } | null;
    error?: { type?: string | null; message?: string | null } | null;
  } | null;
  customData?: unknown;
}

/** What the page knew when the pixel loaded (RegisterInit.data). */
export interface PageData {
  customerId?: string | null;
  cartId?: string | null;
}

const STANDARD = new Set<string>(STANDARD_EVENT_NAMES);
const MAX_PRODUCTS = 50; // PixelEventSchema.products.max(50)
const MAX_CUSTOM_KEYS = 50; // not a schema limit: keeps one event far below the body cap

/** MoneyV2 amounts are JS numbers (floating point): round to cents, schema range 0..1e12. */
function money(amount: unknown): number | undefined {
  return typeof amount === "number" && Number.isFinite(amount) && amount >= 0 && amount <= 1e12
    ? Math.round(amount * 100) / 100
    : undefined;
}

function quantity(n: unknown): number | undefined {
  return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 100000 ? n : undefined;
}

function currency(code: unknown): string | undefined {
  return typeof code === "string" && /^[A-Z]{3}$/.test(code) ? code : undefined;
}

/**
 * Numeric tail of a Shopify id: "gid://shopify/OrderIdentity/5912345678901" →
 * "5912345678901" (orders are matched on numeric tails; docs/platform/shopify.md, Web pixel).
 * An id without a numeric tail is kept as is.
 */
export function idTail(id: unknown, max = 64): string | undefined {
  if (typeof id !== "string" || id === "") return undefined;
  return (/(\d+)$/.exec(id)?.[1] ?? id).slice(0, max);
}

/**
 * Cart token from a cart id: "gid://shopify/Cart/<token>?key=<secret>" → "<token>",
 * the value orders carry as `cart_token`. The `key` query part is dropped: it is a
 * cart access secret, not an identifier.
 */
export function cartToken(id: unknown): string | undefined {
  if (typeof id !== "string") return undefined;
  return cut(id.split("?")[0]?.split("/").pop(), 256);
}

function product(v: Variant | null | undefined, qty?: number | null): Product | undefined {
  if (!v) return undefined;
  return {
    productId: idTail(v.product?.id),
    variantId: idTail(v.id),
    sku: cut(v.sku, 128),
    title: cut(v.product?.untranslatedTitle || v.product?.title || v.untranslatedTitle || v.title, 256),
    price: money(v.price?.amount),
    quantity: quantity(qty),
  };
}

function products(items: Array<Product | undefined>): Product[] | undefined {
  const out = items.filter((p): p is Product => p !== undefined).slice(0, MAX_PRODUCTS);
  return out.length > 0 ? out : undefined;
}

function customData(raw: unknown): Record<string, CustomValue> | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const out: Record<string, CustomValue> = {};
  let count = 0;
  for (const [key, value] of Object.entries(raw)) {
    if (key.length > 64 || count >= MAX_CUSTOM_KEYS) continue;
    count++;
    if (value === null || typeof value === "boolean") out[key] = value;
    else if (typeof value === "number") out[key] = Number.isFinite(value) ? value : null;
    else if (typeof value === "string") out[key] = value.slice(0, 512);
    else {
      // Nested objects/arrays travel as JSON text (the schema only takes scalars).
      let json: string | undefined;
      try {
        json = JSON.stringify(value);
      } catch {
        json = undefined; // circular or BigInt: unrepresentable
      }
      out[key] = json === undefined ? null : json.slice(0, 512);
    }
  }
  return count > 0 ? out : undefined;
}

/** Shopify custom event name → "custom:<name>" with only the characters the schema allows. */
export function customName(name: unknown): string | undefined {
  const safe = cut(typeof name === "string" ? name.replace(/[^A-Za-z0-9_.:-]/g, "_") : undefined, 64);
  return safe ? `custom:${safe}` : undefined;
}

function isoTimestamp(raw: unknown, now: number): string {
  const t = typeof raw === "string" ? Date.parse(raw) : NaN;
  return new Date(Number.isNaN(t) ? now : t).toISOString();
}

/**
 * Maps one Shopify event. Returns undefined for events the contract does not
 * carry (DOM events, nameless custom events, events without an id).
 * Email and phone are included when present; `redact` removes them (and click
 * ids in URLs) when marketing consent is missing.
 */
export function mapEvent(ev: ShopifyEvent, page: PageData, now: number): PixelEvent | undefined {
  const id = cut(ev.id, 128);
  const name =
    ev.type === "custom" ? customName(ev.name) : ev.name && STANDARD.has(ev.name) ? ev.name : undefined;
  if (!id || !name) return undefined;

  const doc = ev.context?.document;
  const d = ev.data ?? {};
  const out: PixelEvent = {
    id,
    name,
    timestamp: isoTimestamp(ev.timestamp, now),
    url: cut(doc?.location?.href, 2048),
    referrer: cut(doc?.referrer, 2048),
    title: cut(doc?.title, 512),
    cartToken: cartToken(d.cart?.id ?? page.cartId),
    customerId: idTail(page.customerId),
  };

  const co = d.checkout;
  if (co) {
    out.checkoutToken = cut(co.token, 128);
    out.orderId = idTail(co.order?.id, 128);
    out.customerId = idTail(co.order?.customer?.id) ?? out.customerId;
    out.email = cut(co.email, 320);
    out.phone = cut(co.phone || co.smsMarketingPhone || co.shippingAddress?.phone, 64);
    out.value = money(co.totalPrice?.amount);
    out.currency = currency(co.currencyCode ?? co.totalPrice?.currencyCode);
    out.products = products((co.lineItems ?? []).map((li) => product(li?.variant, li?.quantity)));
  } else if (d.productVariant) {
    out.value = money(d.productVariant.price?.amount);
    out.currency = currency(d.productVariant.price?.currencyCode);
    out.products = products([product(d.productVariant)]);
  } else if (d.cartLine) {
    out.value = money(d.cartLine.cost?.totalAmount?.amount);
    out.currency = currency(d.cartLine.cost?.totalAmount?.currencyCode);
    out.products = products([product(d.cartLine.merchandise, d.cartLine.quantity)]);
  } else if (d.cart) {
    out.value = money(d.cart.cost?.totalAmount?.amount);
    out.currency = currency(d.cart.cost?.totalAmount?.currencyCode);
    out.products = products((d.cart.lines ?? []).map((l) => product(l?.merchandise, l?.quantity)));
  } else if (d.collection) {
    out.products = products((d.collection.productVariants ?? []).map((v) => product(v)));
  } else if (d.searchResult) {
    out.searchQuery = cut(d.searchResult.query, 256);
    out.products = products((d.searchResult.productVariants ?? []).map((v) => product(v)));
  } else if (d.alert || d.error) {
    // alert_displayed, and ui_extension_errored reported through the same slot.
    const a = d.alert ?? d.error;
    out.alert = { type: cut(a?.type, 64), message: cut(a?.message, 512) };
  }
  if (ev.type === "custom") out.customData = customData(ev.customData);
  return out;
}

/**
 * The event as it may leave without marketing consent: no email/phone, and no
 * click ids hidden in the page URL or referrer. Applied when the event is queued
 * AND again when it is sent (consent may have been withdrawn in between).
 */
export function redact(e: PixelEvent, adsAllowed: boolean): PixelEvent {
  if (adsAllowed) return e;
  return {
    ...e,
    email: undefined,
    phone: undefined,
    url: e.url && stripClickIds(e.url).slice(0, 2048),
    referrer: e.referrer && stripClickIds(e.referrer).slice(0, 2048),
  };
}
