/**
 * Webhooks that do not carry revenue themselves but say something about an
 * order: a completed draft, a subscription billing attempt, a subscription
 * contract's origin order, an order edit. The service stores these links and
 * passes them to classifyOrderKind as hints (an order webhook and its related
 * webhook arrive in any order, so the service re-classifies when a link lands
 * after the order).
 *
 * Wired by services/order-links.server.ts (ADR 0024): each link is stored (data/order-links),
 * the order it names is reconciled again, and reconciliation reads the links of an order
 * (inheritFromDraft, applyLinkedKind, renewalClickIds).
 */

import { exactIdAt, resolveId, type ExactIds } from "./exact-ids";
import { parseTags, type OrderKindHints } from "./order-kind";
import { parseNoteAttributes, parseShopifyTime, type MoneyPair, type NoteSignals, type OrderFacts, type UtmParams } from "./order-facts";
import type { ConversionClickIds } from "~/core/conversions/conversion";
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
  /** What the draft knew that its order inherits (ADR 0024). No raw email or phone. */
  customerId?: string | null;
  /** Staff member who made the draft, when the payload or a note attribute names one. */
  staffId?: string | null;
  /** UTMs from note attributes ("utm_source") or tags ("utm_source:instagram"): a chat or sales link. */
  utm?: UtmParams;
  signals?: NoteSignals;
  noteAttributes?: Array<{ name: string; value: string }>;
  tags?: string[];
}

const UTM_KEYS: Record<string, keyof UtmParams> = {
  utm_source: "source",
  utm_medium: "medium",
  utm_campaign: "campaign",
  utm_term: "term",
  utm_content: "content",
  utm_id: "id",
};
/** Note attribute names a staff tool or sales link uses for the staff member. */
const STAFF_ATTRIBUTES = new Set(["staff", "staff_member", "staff_id", "sales_agent", "sales_rep", "_staff"]);

/** UTMs a chat or sales link left on a draft: note attributes first, then "utm_x:value" / "utm_x=value" tags. */
export function draftUtms(noteAttributes: ReadonlyArray<{ name: string; value: string }>, tags: readonly string[]): UtmParams {
  const utm: UtmParams = {};
  for (const { name, value } of noteAttributes) {
    const key = UTM_KEYS[name.trim().toLowerCase().replace(/^_+/, "")];
    const v = value.trim().slice(0, 200);
    if (key && v) utm[key] ??= v;
  }
  for (const tag of tags) {
    const m = /^(utm_[a-z]+)\s*[:=]\s*(.+)$/.exec(tag);
    const key = m ? UTM_KEYS[m[1]!] : undefined;
    if (key && m) utm[key] ??= m[2]!.trim().slice(0, 200);
  }
  return utm;
}

export function toDraftOrderLink(draft: DraftOrderWebhook, exactIds: ExactIds | null): DraftOrderLink | null {
  const draftOrderId = exactIds?.id ?? resolveId(null, draft.id);
  if (draftOrderId === null) return null;
  const noteAttributes = (draft.note_attributes ?? []).filter((a): a is { name: string; value: string } => a !== null).slice(0, 50);
  const tags = parseTags(draft.tags);
  const staffAttribute = noteAttributes.find((a) => STAFF_ATTRIBUTES.has(a.name.trim().toLowerCase()))?.value.trim().slice(0, 100) || null;
  return {
    draftOrderId,
    name: text(draft.name),
    status: text(draft.status),
    orderId: draft.order_id === null || draft.order_id === undefined ? null : (exactIds?.orderId ?? resolveId(null, draft.order_id)),
    completedAt: parseShopifyTime(draft.completed_at),
    updatedAt: parseShopifyTime(draft.updated_at),
    customerId: exactIds?.customerId ?? resolveId(exactIds?.byPath["customer.id"] ?? null, draft.customer?.id ?? null),
    staffId: resolveId(exactIds?.byPath["user_id"] ?? null, draft.user_id ?? null) ?? staffAttribute,
    utm: draftUtms(noteAttributes, tags),
    signals: parseNoteAttributes(noteAttributes),
    noteAttributes,
    tags,
  };
}

function describeUtm(utm: UtmParams): string {
  return (Object.entries(utm) as Array<[string, string | undefined]>)
    .filter(([, v]) => v)
    .map(([k, v]) => `utm_${k}=${v}`)
    .join(", ");
}

/**
 * The order a completed draft became inherits what the draft knew and the order lacks: the
 * customer, the staff member, note attributes and tags (and with them the UTMs and click ids of
 * the chat or sales link that started it). The order's own values win. Returns the sentences
 * for the order's explanation.
 */
export function inheritFromDraft(facts: OrderFacts, draft: DraftOrderLink): { facts: OrderFacts & { draftUtm?: UtmParams; draftOrderId?: string }; explanation: string[] } {
  const got: string[] = [];
  const customerId = facts.customerId ?? draft.customerId ?? null;
  if (!facts.customerId && draft.customerId) got.push(`the customer (${draft.customerId})`);
  const userId = facts.userId ?? draft.staffId ?? null;
  if (draft.staffId) got.push(`the staff member (${draft.staffId})`);
  const names = new Set(facts.noteAttributes.map((a) => a.name));
  const addedAttributes = (draft.noteAttributes ?? []).filter((a) => !names.has(a.name));
  const tags = [...new Set([...facts.tags, ...(draft.tags ?? [])])];
  const addedTags = tags.length - facts.tags.length;
  const signals: NoteSignals = {
    clickIds: { ...(draft.signals?.clickIds ?? {}), ...facts.noteSignals.clickIds },
    cookies: { ...(draft.signals?.cookies ?? {}), ...facts.noteSignals.cookies },
  };
  const utm: UtmParams = { ...(draft.utm ?? {}), ...facts.landing.utm };
  const utmText = describeUtm(draft.utm ?? {});
  if (utmText) got.push(`the link's UTMs (${utmText})`);
  const clickNames = Object.keys(draft.signals?.clickIds ?? {});
  if (clickNames.length) got.push(`click id${clickNames.length > 1 ? "s" : ""} ${clickNames.join(", ")}`);
  if (addedAttributes.length) got.push(`${addedAttributes.length} note attribute${addedAttributes.length > 1 ? "s" : ""}`);
  if (addedTags > 0) got.push(`${addedTags} tag${addedTags > 1 ? "s" : ""}`);
  const label = draft.name ? `draft order ${draft.name} (${draft.draftOrderId})` : `draft order ${draft.draftOrderId}`;
  const sentence = got.length ? `Completed from ${label}: inherited ${got.join(", ")} from the draft.` : `Completed from ${label}; the draft added nothing the order lacked.`;
  return {
    facts: {
      ...facts,
      customerId,
      userId,
      noteAttributes: [...facts.noteAttributes, ...addedAttributes],
      noteSignals: signals,
      tags,
      landing: { ...facts.landing, utm },
      draftUtm: draft.utm ?? {},
      draftOrderId: draft.draftOrderId,
    },
    explanation: [sentence],
  };
}

/**
 * The kind an order has once its links are known (a link may land after the order): a
 * successful billing attempt makes a renewal; a completed draft makes a draft (unless a
 * stronger marker already decided: renewal, POS); a contract's origin makes a subscription's
 * first order (only of a plain online or other-channel order). Same precedence as classifyOrderKind.
 */
export function applyLinkedKind(facts: OrderFacts, hints: OrderKindHints): OrderFacts {
  if (facts.kind === "subscription_renewal") return facts;
  if (hints.fromSubscriptionBillingAttempt) return { ...facts, kind: "subscription_renewal", kindReason: "a subscription billing attempt created this order" };
  if (facts.kind === "pos" || facts.kind === "draft") return facts;
  if (hints.completedDraftOrderId) return { ...facts, kind: "draft", kindReason: `completed from draft order ${hints.completedDraftOrderId}` };
  if (hints.isSubscriptionOrigin && (facts.kind === "online" || facts.kind === "other_channel")) {
    return { ...facts, kind: "subscription_first", kindReason: "a subscription contract names this order as the one that started it" };
  }
  return facts;
}

/**
 * How long after a click each platform still credits a conversion to it, at most (its longest
 * click-through window; the destination READMEs link the docs). A renewal credited to the
 * acquiring channel carries the first order's identifiers only while the renewal falls inside
 * that window, counted from the first order (the click came before it, so this never extends
 * a window). Browser ids (fbp, ttp, scid, GA client id) are not clicks: they stay.
 */
export const CLICK_WINDOW_DAYS: Partial<Record<keyof ConversionClickIds, number>> = {
  gclid: 90,
  gbraid: 90,
  wbraid: 90,
  msclkid: 90,
  fbclid: 7,
  fbc: 7,
  ttclid: 28,
  sccid: 28,
  epik: 30,
  gaSessionId: 0,
};

export function renewalClickIds(
  origin: ConversionClickIds,
  originAt: number,
  renewalAt: number,
): { kept: ConversionClickIds; dropped: string[] } {
  const kept: ConversionClickIds = {};
  const dropped: string[] = [];
  const ageDays = (renewalAt - originAt) / 86_400_000;
  for (const [key, value] of Object.entries(origin) as Array<[keyof ConversionClickIds, string | undefined]>) {
    if (!value) continue;
    const window = CLICK_WINDOW_DAYS[key];
    if (window !== undefined && ageDays > window) dropped.push(key);
    else kept[key] = value;
  }
  return { kept, dropped };
}

/** A version of an order whose total or line list changed after the purchase was reported. */
export interface OrderRestatement {
  /** The changed version's updated_at (unix ms): the edit's event id and adjustment time. */
  versionMs: number;
  total: MoneyPair;
  /** "line list and total changed", … */
  what: string;
  /** orders/edited that explains it, when it arrived (edit id, app). */
  editId?: string | null;
  appId?: string | null;
}

function lineSignature(f: OrderFacts): string {
  return f.lineItems
    .map((l) => `${l.lineItemId ?? l.variantId ?? l.title}:${l.currentQuantity ?? l.quantity}`)
    .sort()
    .join("|");
}

/** The restatement a newer version makes, or null when neither its total nor its lines changed. */
export function restatementOf(previous: OrderFacts, next: OrderFacts): OrderRestatement | null {
  if (next.updatedAt <= previous.updatedAt) return null;
  const totalChanged =
    previous.totals.total.shop.amount !== next.totals.total.shop.amount || previous.totals.total.presentment.amount !== next.totals.total.presentment.amount;
  const linesChanged = lineSignature(previous) !== lineSignature(next);
  if (!totalChanged && !linesChanged) return null;
  const what = totalChanged && linesChanged ? "line list and total changed" : totalChanged ? "total changed" : "line list changed";
  return { versionMs: next.updatedAt, total: next.totals.total, what };
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
