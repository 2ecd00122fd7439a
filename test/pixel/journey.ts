/**
 * A realistic shopper journey as Shopify's pixel manager would publish it, typed
 * against @shopify/web-pixels-extension 2.18.0 so the fixtures cannot drift from
 * Shopify's event shapes. Values are fabricated.
 *
 * Journey: Facebook ad click (utm + fbclid) → search → collection → product
 * (view, add to cart, a theme custom event) → cart (view, remove a line) →
 * checkout (started, discount alert, contact, address, shipping, payment, a
 * checkout UI extension error) → thank-you page (checkout_completed).
 */
import {
  AlertDisplayedType,
  UiExtensionErrorType,
  type Cart,
  type Checkout,
  type PixelEvents,
  type ProductVariant,
} from "@shopify/web-pixels-extension";

/** Case-sensitive, as Meta issues it (docs/platform/ad-platforms.md, Meta). */
export const FBCLID = "IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk";
/** The storefront the shopper sees (event context). Not where the pixel posts: that is init.data.shop.storefrontUrl. */
export const STORE = "https://trueline-demo.example";
export const CHECKOUT_TOKEN = "Z2NwLWV1cm9wZS13ZXN0NDowMUo5SzJQUTdNNFhWTjhCM0ZSRFlHNlc1SA";
export const ORDER_GID = "gid://shopify/OrderIdentity/5912345678901";
export const ORDER_ID = "5912345678901";
export const CART_GID = "gid://shopify/Cart/Z2NwLWV1cm9wZS13ZXN0NDowMUo5SzJOVjRCRTdYRw?key=0f5b1a9e1c2d3e4f";
export const CART_TOKEN = "Z2NwLWV1cm9wZS13ZXN0NDowMUo5SzJOVjRCRTdYRw";
export const EMAIL = "Jane.Doe@Example.com";
export const PHONE = "+33612345678";

export const PAGES = {
  landing: `${STORE}/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring_linen&fbclid=${FBCLID}`,
  search: `${STORE}/search?q=linen`,
  collection: `${STORE}/collections/summer-linen`,
  product: `${STORE}/products/linen-shirt?variant=44556677`,
  cart: `${STORE}/cart`,
  checkout: `${STORE}/checkouts/cn/${CHECKOUT_TOKEN}/information`,
  thankYou: `${STORE}/checkouts/cn/${CHECKOUT_TOKEN}/thank-you`,
} as const;

/** Cookies other tags (Meta, GA4, TikTok, Snap, Pinterest) had already set on the storefront. */
export const PLATFORM_COOKIES = {
  _fbp: "fb.1.1596403881668.1116446470",
  _ga: "GA1.1.1234567890.1700000000",
  _ga_TRUE1234: "GS2.1.s1777626000$o3$g1$t1777626100$j60$l0$h0",
  _ttp: "01JTTPx9Zc3m6RkK8s0vQ2hT5a",
  _scid: "4c1e2a3b-5d6f-4a7b-8c9d-0e1f2a3b4c5d",
  _epik: "dj0yJnU9YUZ3N2xqS1pDcFhLM0x3",
} as const;

export const linenShirt: ProductVariant = {
  id: "44556677",
  title: "Blue / M",
  untranslatedTitle: "Blue / M",
  sku: "LS-BLUE-M",
  price: { amount: 39.9, currencyCode: "EUR" },
  image: { src: "https://cdn.shopify.com/s/files/1/0000/0001/products/linen-shirt-blue.jpg" },
  product: {
    id: "112233",
    title: "Chemise en lin",
    untranslatedTitle: "Linen Shirt",
    type: "Shirts",
    url: "/products/linen-shirt",
    vendor: "Trueline Demo",
  },
};

export const linenShorts: ProductVariant = {
  id: "44556688",
  title: "Sand / 32",
  untranslatedTitle: "Sand / 32",
  sku: "LSH-SAND-32",
  price: { amount: 29.5, currencyCode: "EUR" },
  image: null,
  product: {
    id: "112244",
    title: "Short en lin",
    untranslatedTitle: "Linen Shorts",
    type: "Shorts",
    url: "/products/linen-shorts",
    vendor: "Trueline Demo",
  },
};

const cart: Cart = {
  id: CART_GID,
  attributes: [],
  cost: { totalAmount: { amount: 79.8, currencyCode: "EUR" } },
  lines: [
    {
      cost: { totalAmount: { amount: 79.8, currencyCode: "EUR" } },
      merchandise: linenShirt,
      quantity: 2,
    },
  ],
  totalQuantity: 2,
};

const address = {
  address1: "12 rue des Lilas",
  address2: null,
  city: "Lyon",
  country: "France",
  countryCode: "FR",
  firstName: "Jane",
  lastName: "Doe",
  phone: PHONE,
  province: null,
  provinceCode: null,
  zip: "69003",
};

/** The checkout as it looks at each step (Shopify fills it in progressively). */
export function checkout(step: "started" | "contact" | "address" | "shipping" | "payment" | "completed"): Checkout {
  const after = (s: typeof step) =>
    ["started", "contact", "address", "shipping", "payment", "completed"].indexOf(step) >=
    ["started", "contact", "address", "shipping", "payment", "completed"].indexOf(s);
  return {
    attributes: [],
    billingAddress: after("address") ? address : null,
    buyerAcceptsEmailMarketing: false,
    buyerAcceptsSmsMarketing: false,
    currencyCode: "EUR",
    delivery: after("shipping")
      ? {
          selectedDeliveryOptions: [
            {
              cost: { amount: 5, currencyCode: "EUR" },
              costAfterDiscounts: { amount: 5, currencyCode: "EUR" },
              description: null,
              handle: "standard",
              title: "Colissimo",
              type: "shipping",
            },
          ],
        }
      : null,
    discountApplications: [],
    discountsAmount: { amount: 0, currencyCode: "EUR" },
    email: after("contact") ? EMAIL : null,
    lineItems: [
      {
        discountAllocations: [],
        finalLinePrice: { amount: 79.8, currencyCode: "EUR" },
        id: "gid://shopify/CheckoutLineItem/1",
        properties: [],
        quantity: 2,
        sellingPlanAllocation: null,
        title: "Linen Shirt",
        variant: linenShirt,
      },
    ],
    localization: {
      country: { isoCode: "FR" },
      language: { isoCode: "fr" },
      market: { handle: "fr", id: "gid://shopify/Market/1" },
    },
    order: step === "completed" ? { id: ORDER_GID, customer: { id: "gid://shopify/Customer/777", isFirstOrder: true } } : null,
    phone: after("contact") ? PHONE : null,
    shippingAddress: after("address") ? address : null,
    shippingLine: after("shipping") ? { price: { amount: 5, currencyCode: "EUR" } } : null,
    smsMarketingPhone: null,
    subtotalPrice: { amount: 79.8, currencyCode: "EUR" },
    token: CHECKOUT_TOKEN,
    totalPrice: { amount: after("shipping") ? 84.80000000000001 : 79.8, currencyCode: "EUR" }, // floats, as Shopify sends them
    totalTax: { amount: 14.13, currencyCode: "EUR" },
    transactions:
      step === "completed"
        ? [{ amount: { amount: 84.8, currencyCode: "EUR" }, gateway: "shopify_payments", paymentMethod: { name: "visa", type: "creditCard" } }]
        : [],
  };
}

type DataOf<K extends keyof PixelEvents> = PixelEvents[K] extends { data: infer D } ? D : never;

/** Payloads per standard event, keyed by event name. */
export const data = {
  page_viewed: {},
  search_submitted: { searchResult: { query: "linen", productVariants: [linenShirt, linenShorts] } },
  collection_viewed: {
    collection: { id: "gid://shopify/Collection/3001", title: "Summer linen", productVariants: [linenShirt, linenShorts] },
  },
  product_viewed: { productVariant: linenShirt },
  product_added_to_cart: {
    cartLine: { cost: { totalAmount: { amount: 79.8, currencyCode: "EUR" } }, merchandise: linenShirt, quantity: 2 },
  },
  cart_viewed: { cart },
  product_removed_from_cart: {
    cartLine: { cost: { totalAmount: { amount: 29.5, currencyCode: "EUR" } }, merchandise: linenShorts, quantity: 1 },
  },
  checkout_started: { checkout: checkout("started") },
  alert_displayed: {
    alert: { message: "This discount code has expired", target: "discountCode", type: AlertDisplayedType.DiscountError, value: "SPRING10" },
  },
  checkout_contact_info_submitted: { checkout: checkout("contact") },
  checkout_address_info_submitted: { checkout: checkout("address") },
  checkout_shipping_info_submitted: { checkout: checkout("shipping") },
  payment_info_submitted: { checkout: checkout("payment") },
  ui_extension_errored: {
    error: {
      apiVersion: "2025-07",
      appId: "gid://shopify/App/123",
      appName: "Gift Notes",
      appVersion: "1.4.0",
      extensionName: "gift-note",
      extensionTarget: "purchase.checkout.block.render",
      message: "Cannot read properties of undefined (reading 'note')",
      placementReference: null,
      trace: "at render (gift-note.js:1:200)",
      type: UiExtensionErrorType.ExtensionUsageError,
    },
  },
  checkout_completed: { checkout: checkout("completed") },
} satisfies { [K in keyof PixelEvents & string]?: DataOf<K> };

/** A theme's custom event (Shopify.analytics.publish("size_guide_opened", {...})). */
export const SIZE_GUIDE = { name: "size_guide_opened", customData: { productId: "112233", unit: "cm", fromQuiz: false } };
