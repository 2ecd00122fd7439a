import { z } from "zod";

/**
 * Webhook payloads Trueline reads, as Shopify sends them (REST-shaped JSON,
 * https://shopify.dev/docs/apps/build/webhooks/delivery-structure).
 *
 * Only the fields we use are declared; zod strips every other key, so the
 * stored/processed object never carries data we did not ask for. Shopify adds
 * fields over API versions and omits some (include_fields, protected customer
 * data), so almost everything is optional, and a malformed optional field
 * degrades to null (`.catch`) instead of sinking the whole order: a retry would
 * not fix the shape, and the revenue is still real.
 *
 * Ids: the parsed numbers are NOT exact above 2^53. Always read ids through
 * extractExactIds(rawBody) (re-exported below) or the admin_graphql_api_id gid.
 */

export { extractExactIds, exactIdAt, exactIdList, resolveId } from "./exact-ids";
export type { ExactIds } from "./exact-ids";

/** Parsed id: a number (possibly rounded!) or, in some payloads, a string. */
const IdSchema = z.union([z.number(), z.string()]);
const optId = IdSchema.nullish().catch(null);
const optString = z.string().nullish().catch(null);
const optBoolean = z.boolean().nullish().catch(null);
const optInt = z.number().int().nullish().catch(null);

/** Shopify money strings; a number (seen in some app-made payloads) is turned into its decimal string. */
const DecimalSchema = z
  .union([z.string(), z.number().finite()])
  .transform((v) => (typeof v === "number" ? String(v) : v.trim()))
  .pipe(z.string().regex(/^-?\d+(\.\d+)?$/));
const optDecimal = DecimalSchema.nullish().catch(null);
const CurrencySchema = z.string().regex(/^[A-Z]{3}$/);
const optCurrency = CurrencySchema.nullish().catch(null);

const MoneySchema = z.object({ amount: DecimalSchema, currency_code: CurrencySchema });
/** `*_set` fields: the same amount in the shop's currency and the buyer's (presentment) currency. */
export const MoneySetSchema = z.object({ shop_money: MoneySchema, presentment_money: MoneySchema });
export type MoneySet = z.infer<typeof MoneySetSchema>;
const optMoneySet = MoneySetSchema.nullish().catch(null);

/**
 * An array whose elements are validated one by one: a bad element becomes null
 * (its index is kept, which keeps exact-id paths like "line_items.2.id" valid)
 * instead of failing the whole payload.
 */
function lenientArray<T extends z.ZodType>(element: T) {
  return z
    .array(z.unknown())
    .nullish()
    .catch(null)
    .transform((items): Array<z.output<T> | null> =>
      (items ?? []).map((item) => {
        const parsed = element.safeParse(item);
        return parsed.success ? parsed.data : null;
      }),
    );
}

export const AddressSchema = z.object({
  first_name: optString,
  last_name: optString,
  name: optString,
  address1: optString,
  address2: optString,
  city: optString,
  province: optString,
  province_code: optString,
  zip: optString,
  country: optString,
  country_code: optString,
  phone: optString,
  company: optString,
});
export type Address = z.infer<typeof AddressSchema>;
const optAddress = AddressSchema.nullish().catch(null);

export const CustomerSchema = z.object({
  id: optId,
  admin_graphql_api_id: optString,
  email: optString,
  phone: optString,
  first_name: optString,
  last_name: optString,
});
const optCustomer = CustomerSchema.nullish().catch(null);

/** Cart attributes ({name, value}); values may be non-strings in app-made orders. */
export const NoteAttributeSchema = z.object({
  name: z.string(),
  value: z
    .union([z.string(), z.number(), z.boolean(), z.null()])
    .optional()
    .transform((v) => (v === null || v === undefined ? "" : String(v))),
});

/**
 * Selling-plan marker on a line item. The storefront Ajax Cart API documents
 * `selling_plan_allocation.selling_plan.{id,name}`; public order-processing
 * code checks the same key on REST order line items [3p], which is why it is
 * read here. Absent on most payloads.
 */
const SellingPlanAllocationSchema = z.object({
  selling_plan: z.object({ id: optId, name: optString }).nullish().catch(null),
});

export const LineItemSchema = z.object({
  id: IdSchema,
  admin_graphql_api_id: optString,
  product_id: optId,
  variant_id: optId,
  sku: optString,
  title: optString,
  variant_title: optString,
  name: optString,
  quantity: z.number().int().nonnegative(),
  current_quantity: optInt,
  price: optDecimal,
  price_set: optMoneySet,
  total_discount: optDecimal,
  total_discount_set: optMoneySet,
  gift_card: optBoolean,
  selling_plan_allocation: SellingPlanAllocationSchema.nullish().catch(null),
});
export type LineItem = z.infer<typeof LineItemSchema>;

const ClientDetailsSchema = z.object({
  browser_ip: optString,
  user_agent: optString,
  accept_language: optString,
});

/** orders/create, orders/updated, orders/paid, orders/cancelled (the Order REST resource). */
export const OrderWebhookSchema = z.object({
  id: IdSchema,
  admin_graphql_api_id: optString,
  name: optString,
  order_number: optInt,
  /** App that created the order (online store checkout 580111 [3p], POS 129785 [recall]). */
  app_id: optId,
  source_name: optString,
  source_identifier: optString,
  source_url: optString,
  reference: optString,
  location_id: optId,
  user_id: optId,
  device_id: optId,
  checkout_id: optId,
  checkout_token: optString,
  cart_token: optString,
  landing_site: optString,
  landing_site_ref: optString,
  referring_site: optString,
  note_attributes: lenientArray(NoteAttributeSchema),
  browser_ip: optString,
  client_details: ClientDetailsSchema.nullish().catch(null),
  customer: optCustomer,
  email: optString,
  contact_email: optString,
  phone: optString,
  billing_address: optAddress,
  shipping_address: optAddress,
  /** Shop currency. */
  currency: optCurrency,
  /** Buyer's currency. */
  presentment_currency: optCurrency,
  total_price: optDecimal,
  total_price_set: optMoneySet,
  current_total_price: optDecimal,
  current_total_price_set: optMoneySet,
  subtotal_price_set: optMoneySet,
  total_tax_set: optMoneySet,
  total_discounts_set: optMoneySet,
  total_shipping_price_set: optMoneySet,
  financial_status: optString,
  cancelled_at: optString,
  cancel_reason: optString,
  processed_at: optString,
  created_at: z.string(),
  updated_at: optString,
  test: z.boolean().nullish().catch(null),
  /** Comma-separated in REST payloads ("VIP, Subscription First Order"). */
  tags: optString,
  line_items: lenientArray(LineItemSchema),
});
export type OrderWebhook = z.infer<typeof OrderWebhookSchema>;

const RefundLineItemSchema = z.object({
  id: optId,
  line_item_id: optId,
  quantity: z.number().int().nonnegative(),
  subtotal: optDecimal,
  subtotal_set: optMoneySet,
  total_tax_set: optMoneySet,
  line_item: z
    .object({ product_id: optId, variant_id: optId, sku: optString, title: optString })
    .nullish()
    .catch(null),
});

/** A payment transaction ({kind, status, amount, currency}); refunds carry kind "refund". */
export const TransactionSchema = z.object({
  id: optId,
  kind: z.string(),
  status: z.string(),
  amount: DecimalSchema,
  currency: optCurrency,
  gateway: optString,
  parent_id: optId,
});
export type Transaction = z.infer<typeof TransactionSchema>;

/** refunds/create. There is no top-level total: the money moved is in `transactions`. */
export const RefundWebhookSchema = z.object({
  id: IdSchema,
  admin_graphql_api_id: optString,
  order_id: IdSchema,
  created_at: optString,
  processed_at: optString,
  note: optString,
  user_id: optId,
  refund_line_items: lenientArray(RefundLineItemSchema),
  transactions: lenientArray(TransactionSchema),
});
export type RefundWebhook = z.infer<typeof RefundWebhookSchema>;

/** draft_orders/create, draft_orders/update. Count revenue from the order it becomes, not from the draft. */
export const DraftOrderWebhookSchema = z.object({
  id: IdSchema,
  admin_graphql_api_id: optString,
  name: optString,
  /** "open" | "invoice_sent" | "completed". */
  status: optString,
  /** Null until the draft is completed. */
  order_id: optId,
  email: optString,
  currency: optCurrency,
  total_price: optDecimal,
  created_at: optString,
  updated_at: optString,
  completed_at: optString,
  invoice_sent_at: optString,
  customer: optCustomer,
  tags: optString,
  note_attributes: lenientArray(NoteAttributeSchema),
  /** The staff member, when the payload names one (not in Shopify's REST sample; read if present). */
  user_id: optId,
});
export type DraftOrderWebhook = z.infer<typeof DraftOrderWebhookSchema>;

/**
 * subscription_billing_attempts/success|failure|challenged. Only for contracts
 * this app owns (read_own_subscription_contracts); `id` is null in Shopify's
 * documented sample, the attempt is keyed by `idempotency_key`.
 */
export const SubscriptionBillingAttemptWebhookSchema = z.object({
  id: optId,
  admin_graphql_api_id: optString,
  idempotency_key: optString,
  order_id: optId,
  admin_graphql_api_order_id: optString,
  subscription_contract_id: IdSchema,
  admin_graphql_api_subscription_contract_id: optString,
  ready: optBoolean,
  error_message: optString,
  error_code: optString,
});
export type SubscriptionBillingAttemptWebhook = z.infer<typeof SubscriptionBillingAttemptWebhookSchema>;

/** subscription_contracts/create|update: `origin_order_id` is the order that started the subscription. */
export const SubscriptionContractWebhookSchema = z.object({
  id: IdSchema,
  admin_graphql_api_id: optString,
  origin_order_id: optId,
  admin_graphql_api_origin_order_id: optString,
  customer_id: optId,
  status: optString,
  revision_id: optString,
});
export type SubscriptionContractWebhook = z.infer<typeof SubscriptionContractWebhookSchema>;

/**
 * orders/edited: only the edit, not the order [recall, matches public handlers
 * that re-fetch the order from `order_edit.order_id`]. A native post-purchase
 * upsell (Checkout::PostPurchase applyChangeset) adds lines to the SAME order
 * and arrives this way plus orders/updated. `committed_at` exists from 2024-07
 * (https://shopify.dev/changelog/new-committed_at-timestamp-added-to-orders-edited-webhook-payload).
 */
const EditDeltaSchema = z.object({ id: IdSchema, delta: z.number().int() });
export const OrderEditWebhookSchema = z.object({
  order_edit: z.object({
    id: IdSchema,
    app_id: optId,
    created_at: optString,
    committed_at: optString,
    order_id: IdSchema,
    user_id: optId,
    line_items: z
      .object({ additions: lenientArray(EditDeltaSchema), removals: lenientArray(EditDeltaSchema) })
      .nullish()
      .catch(null),
  }),
});
export type OrderEditWebhook = z.infer<typeof OrderEditWebhookSchema>;

/*
 * Mandatory compliance topics (https://shopify.dev/docs/apps/build/privacy-law-compliance).
 * The customer object may hold only an email [3p forum], so every field is optional.
 */
const ComplianceCustomerSchema = z.object({ id: optId, email: optString, phone: optString });

export const CustomersDataRequestWebhookSchema = z.object({
  shop_id: IdSchema,
  shop_domain: z.string(),
  customer: ComplianceCustomerSchema.nullish().catch(null),
  orders_requested: z.array(IdSchema).nullish().catch(null),
  data_request: z.object({ id: optId }).nullish().catch(null),
});
export type CustomersDataRequestWebhook = z.infer<typeof CustomersDataRequestWebhookSchema>;

export const CustomersRedactWebhookSchema = z.object({
  shop_id: IdSchema,
  shop_domain: z.string(),
  customer: ComplianceCustomerSchema.nullish().catch(null),
  orders_to_redact: z.array(IdSchema).nullish().catch(null),
});
export type CustomersRedactWebhook = z.infer<typeof CustomersRedactWebhookSchema>;

/** Sent 48 h after uninstall: delete everything for the shop. */
export const ShopRedactWebhookSchema = z.object({
  shop_id: IdSchema,
  shop_domain: z.string(),
});
export type ShopRedactWebhook = z.infer<typeof ShopRedactWebhookSchema>;
