/**
 * Webhooks that do not carry revenue themselves but say something about an
 * order: a completed draft, a subscription billing attempt, a subscription
 * contract's origin order, an order edit. The service stores these links and
 * passes them to classifyOrderKind as hints (an order webhook and its related
 * webhook arrive in any order, so the service re-classifies when a link lands
 * after the order).
 *
 * Not wired yet: no service stores these links, so classifyOrderKind gets no hints today.
 * Kept for issue 13 (draft orders and subscriptions), which wires it; ADR 0018 says why.
 */

import { exactIdAt, resolveId, type ExactIds } from "./exact-ids";
import type { OrderKindHints } from "./order-kind";
import { parseShopifyTime } from "./order-facts";
import type {
  DraftOrderWebhook,
  OrderEditWebhook,
  SubscriptionBillingAttemptWebhook,
  SubscriptionContractWebhook,
} from "./order-webhook.schema";
import { numericShopifyId } from "~/core/conversions/event-id";

function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function gidTail(value: string | null | undefined): string | null {
  return value ? numericShopifyId(value) : null;
}

export interface DraftOrderLink {
  draftOrderId: string;
  /** "#D12" */
  name: string | null;
  /** "open" | "invoice_sent" | "completed" */
  status: string | null;
  /** The order the draft became; null until completed. */
  orderId: string | null;
  completedAt: number | null;
  updatedAt: number | null;
}

export function toDraftOrderLink(draft: DraftOrderWebhook, exactIds: ExactIds | null): DraftOrderLink | null {
  const draftOrderId = exactIds?.id ?? resolveId(null, draft.id);
  if (draftOrderId === null) return null;
  return {
    draftOrderId,
    name: text(draft.name),
    status: text(draft.status),
    orderId: draft.order_id === null || draft.order_id === undefined ? null : (exactIds?.orderId ?? resolveId(null, draft.order_id)),
    completedAt: parseShopifyTime(draft.completed_at),
    updatedAt: parseShopifyTime(draft.updated_at),
  };
}

export interface BillingAttemptLink {
  subscriptionContractId: string;
  /** The renewal order; null on failure or while 3-D Secure is pending. */
  orderId: string | null;
  idempotencyKey: string | null;
  /** success: an order exists; failure: error_code set; pending: not ready (challenged). */
  status: "success" | "failure" | "pending";
  errorCode: string | null;
}

export function toBillingAttemptLink(
  attempt: SubscriptionBillingAttemptWebhook,
  exactIds: ExactIds | null,
): BillingAttemptLink | null {
  const subscriptionContractId =
    exactIds?.subscriptionContractId ??
    gidTail(attempt.admin_graphql_api_subscription_contract_id) ??
    resolveId(null, attempt.subscription_contract_id);
  if (subscriptionContractId === null) return null;
  const orderId =
    attempt.order_id === null || attempt.order_id === undefined
      ? gidTail(attempt.admin_graphql_api_order_id)
      : (exactIds?.orderId ?? gidTail(attempt.admin_graphql_api_order_id) ?? resolveId(null, attempt.order_id));
  const errorCode = text(attempt.error_code);
  const status = errorCode !== null ? "failure" : orderId !== null ? "success" : attempt.ready === false ? "pending" : "failure";
  return { subscriptionContractId, orderId, idempotencyKey: text(attempt.idempotency_key), status, errorCode };
}

export interface SubscriptionOriginLink {
  subscriptionContractId: string;
  /** The checkout order that started the subscription. */
  originOrderId: string | null;
  customerId: string | null;
  status: string | null;
}

export function toSubscriptionOriginLink(
  contract: SubscriptionContractWebhook,
  exactIds: ExactIds | null,
): SubscriptionOriginLink | null {
  const subscriptionContractId = exactIds?.id ?? resolveId(null, contract.id);
  if (subscriptionContractId === null) return null;
  const originOrderId =
    gidTail(contract.admin_graphql_api_origin_order_id) ??
    resolveId(exactIds?.byPath["origin_order_id"] ?? null, contract.origin_order_id);
  return {
    subscriptionContractId,
    originOrderId,
    customerId: exactIds?.customerId ?? resolveId(null, contract.customer_id),
    status: text(contract.status),
  };
}

export interface OrderEditFacts {
  editId: string | null;
  orderId: string;
  /** App that made the edit (a post-purchase upsell app, for native upsells). */
  appId: string | null;
  committedAt: number | null;
  added: Array<{ lineItemId: string; quantity: number }>;
  removed: Array<{ lineItemId: string; quantity: number }>;
}

export function toOrderEditFacts(edit: OrderEditWebhook, exactIds: ExactIds | null): OrderEditFacts | null {
  const e = edit.order_edit;
  const orderId = resolveId(exactIds?.byPath["order_edit.order_id"] ?? null, e.order_id);
  if (orderId === null) return null;
  const deltas = (list: "additions" | "removals") =>
    (e.line_items?.[list] ?? []).flatMap((delta, index) => {
      if (delta === null) return [];
      const lineItemId = resolveId(exactIdAt(exactIds, `order_edit.line_items.${list}.${index}.id`), delta.id);
      return lineItemId === null ? [] : [{ lineItemId, quantity: delta.delta }];
    });
  return {
    editId: resolveId(exactIds?.byPath["order_edit.id"] ?? null, e.id),
    orderId,
    appId: resolveId(exactIds?.byPath["order_edit.app_id"] ?? null, e.app_id),
    committedAt: parseShopifyTime(e.committed_at ?? e.created_at),
    added: deltas("additions"),
    removed: deltas("removals"),
  };
}

/** Hints for classifyOrderKind from links the service stored for `orderId`. */
export function hintsForOrder(
  orderId: string,
  links: {
    drafts?: readonly DraftOrderLink[];
    billingAttempts?: readonly BillingAttemptLink[];
    subscriptionOrigins?: readonly SubscriptionOriginLink[];
    upsellAppIds?: readonly string[];
  },
): OrderKindHints {
  const draft = links.drafts?.find((d) => d.orderId === orderId);
  return {
    completedDraftOrderId: draft?.draftOrderId ?? null,
    fromSubscriptionBillingAttempt: links.billingAttempts?.some((a) => a.orderId === orderId && a.status === "success") ?? false,
    isSubscriptionOrigin: links.subscriptionOrigins?.some((c) => c.originOrderId === orderId) ?? false,
    upsellAppIds: links.upsellAppIds ?? [],
  };
}
