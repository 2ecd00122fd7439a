import { DraftOrderWebhookSchema, SubscriptionBillingAttemptWebhookSchema, SubscriptionContractWebhookSchema, extractExactIds } from "~/core/orders/order-webhook.schema";
import { toBillingAttemptLink, toDraftOrderLink, toSubscriptionOriginLink } from "~/core/orders/order-links";
import { findOrderLink, orderIdsOfCustomerOfKind, renewalOrderIdsOfContract, upsertOrderLink } from "~/data/order-links.server";
import { findOrder } from "~/data/orders.server";
import { reconcileOrdersAgainInTx } from "./orders.server";
import type { HandlerResult, ProcessDeps } from "./webhook-handler";

/**
 * Webhooks that carry no revenue but say something about an order (ADR 0024): each is stored
 * as a link, and the orders it names are reconciled again, so an order and its link converge on
 * the same state whichever arrives first (reconciliation reads the links: services/orders.server.ts).
 */

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function issue(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return `${error.issues[0]?.path.join(".")} ${error.issues[0]?.message}`;
}

/** draft_orders/create|update: what the draft knows, kept for the order it becomes. */
export async function applyDraftOrderWebhook(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = DraftOrderWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: `draft order payload is malformed: ${issue(parsed.error)}` };
  const link = toDraftOrderLink(parsed.data, extractExactIds(raw));
  if (!link) return { kind: "rejected", reason: "draft order has no id" };
  return deps.db.$transaction(
    async (tx): Promise<HandlerResult> => {
      const version = link.updatedAt === null ? null : new Date(link.updatedAt);
      const written = await upsertOrderLink(tx, shop, { kind: "draft", linkId: link.draftOrderId, orderId: link.orderId, relatedId: null, facts: JSON.stringify(link), version });
      if (written === "older") return { kind: "processed", note: "older draft version ignored" };
      if (!link.orderId) return { kind: "processed", note: `draft ${link.name ?? link.draftOrderId} recorded (${link.status ?? "open"}); its order inherits it when completed` };
      const n = await reconcileOrdersAgainInTx(tx, deps, shop, [link.orderId], at);
      return { kind: "processed", note: n ? `draft completed as order ${link.orderId}; the order reconciled with what the draft knew` : `draft completed as order ${link.orderId}; applied when the order arrives` };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

/** subscription_contracts/create|update: the contract and the order that started it. */
export async function applySubscriptionContractWebhook(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = SubscriptionContractWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: `subscription contract payload is malformed: ${issue(parsed.error)}` };
  const link = toSubscriptionOriginLink(parsed.data, extractExactIds(raw));
  if (!link) return { kind: "rejected", reason: "subscription contract has no id" };
  return deps.db.$transaction(
    async (tx): Promise<HandlerResult> => {
      await upsertOrderLink(tx, shop, { kind: "contract", linkId: link.subscriptionContractId, orderId: link.originOrderId, relatedId: link.customerId, facts: JSON.stringify(link), version: null });
      // The first order (now a subscription's first order), and every renewal linked to the contract.
      const renewals = await renewalOrderIdsOfContract(tx, shop, link.subscriptionContractId);
      const byCustomer = link.customerId ? await orderIdsOfCustomerOfKind(tx, shop, link.customerId, "subscription_renewal") : [];
      const ids = [...new Set([...(link.originOrderId ? [link.originOrderId] : []), ...renewals, ...byCustomer])];
      const n = await reconcileOrdersAgainInTx(tx, deps, shop, ids, at);
      return { kind: "processed", note: `contract ${link.subscriptionContractId} linked to first order ${link.originOrderId ?? "unknown"}; ${n} order(s) reconciled` };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

/** subscription_billing_attempts/success|failure: the renewal order a contract's charge created. */
export async function applyBillingAttemptWebhook(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = SubscriptionBillingAttemptWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: `billing attempt payload is malformed: ${issue(parsed.error)}` };
  const link = toBillingAttemptLink(parsed.data, extractExactIds(raw));
  if (!link) return { kind: "rejected", reason: "billing attempt names no subscription contract" };
  if (link.status !== "success" || !link.orderId) return { kind: "processed", note: `billing attempt ${link.status}${link.errorCode ? ` (${link.errorCode})` : ""}: no renewal order` };
  const orderId = link.orderId;
  return deps.db.$transaction(
    async (tx): Promise<HandlerResult> => {
      const linkId = `${link.subscriptionContractId}:${link.idempotencyKey ?? orderId}`;
      await upsertOrderLink(tx, shop, { kind: "billing", linkId, orderId, relatedId: link.subscriptionContractId, facts: JSON.stringify(link), version: null });
      const known = (await findOrder(tx, shop, orderId)) !== null;
      const contract = await findOrderLink(tx, shop, "contract", link.subscriptionContractId);
      if (known) await reconcileOrdersAgainInTx(tx, deps, shop, [orderId], at);
      return { kind: "processed", note: `renewal order ${orderId} linked to contract ${link.subscriptionContractId}${contract ? "" : " (contract not received yet)"}${known ? "" : "; applied when the order arrives"}` };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
