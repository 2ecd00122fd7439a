import type { OrderKind } from "./order-kind";

/**
 * The merchant's words for each order kind: `one` names a single order (order page),
 * `many` names the kind as a group (a destination's "which orders to send" switches).
 * The Record type makes a new kind without words a compile error.
 */
export const ORDER_KIND_LABELS: Readonly<Record<OrderKind, { one: string; many: string }>> = {
  online: { one: "Online store", many: "Online store orders" },
  draft: { one: "Draft order", many: "Draft orders (invoices)" },
  pos: { one: "Point of sale", many: "Point of sale" },
  subscription_first: { one: "First subscription order", many: "First subscription order" },
  subscription_renewal: { one: "Subscription renewal", many: "Subscription renewals" },
  upsell: { one: "Post-purchase upsell", many: "Post-purchase upsells" },
  other_channel: { one: "Other sales channel", many: "Other sales channels" },
};

/** Words for a stored kind (a string from the database); unknown kinds read as themselves. */
export function orderKindLabel(kind: string, form: "one" | "many" = "one"): string {
  return (ORDER_KIND_LABELS as Record<string, { one: string; many: string } | undefined>)[kind]?.[form] ?? kind;
}
