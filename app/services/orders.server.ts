import type { Prisma } from "@trueline/db-sqlite";
import { readStoredIdentity } from "~/core/events/stored-identity";
import { decodeConsentBits } from "~/core/consent/bits";
import type { CanonicalConversion } from "~/core/conversions/conversion";
import { cancelConversion, orderRefundConversions, purchaseConversion, type ConversionEnrichment } from "~/core/orders/build-conversions";
import { currencyDecimals, addAmounts } from "~/core/orders/decimal";
import { toOrderFacts, type OrderFacts } from "~/core/orders/order-facts";
import { OrderEditWebhookSchema, OrderWebhookSchema, RefundWebhookSchema, extractExactIds } from "~/core/orders/order-webhook.schema";
import { inRefundOrder, toRefundFacts, type RefundFacts } from "~/core/orders/refund-facts";
import { matchOrder, type Candidate, type MatchEvidence, type MatchResult } from "~/core/reconcile/match-order";
import { attribute, splitRevenue, ATTRIBUTION_MODELS } from "~/core/attribution/models";
import { emailMatchKey, phoneMatchKey } from "~/core/identity/match-keys";
import { identifierKey } from "~/core/sessions/profile-merge";
import type { Channel } from "~/core/sessions/channel";
import { lockShopIdentity, resolveProfileDetailed } from "~/data/identity.server";
import { deleteOrderAttribution, insertAttributionCredits, sessionsOfProfileBetween, type NewAttributionCredit } from "~/data/attribution.server";
import { saveOrderConversions } from "~/data/conversions.server";
import { outboxDestinations } from "~/data/destinations.server";
import { transaction } from "~/data/sql.server";
import {
  clientOfSession,
  findProfile,
  hasUnsessionisedShopperEvents,
  latestConsentOfClient,
  latestSessionOfProfileBefore,
  profilesOfKeys,
  readEventsNamingOrder,
} from "~/data/order-evidence.server";
import { findOrder, insertOrder, ordersByIds, updateOrder, type OrderRecord } from "~/data/orders.server";
import { readShopSettings, type ShopSettings } from "~/data/shops.server";
import { botSessionIdsOfProfile, latestSessionOfProfileBeforeExcept } from "~/data/bot-sessions.server";
import { releaseWaitingRefunds } from "~/data/webhooks.server";
import { enqueueConversionDeliveries } from "./outbox.server";
import type { HandlerResult, ProcessDeps } from "./webhook-handler";

import { redactOrderFacts } from "~/core/orders/redact";
import {
  applyLinkedKind,
  hintsForOrder,
  inheritFromDraft,
  renewalClickIds,
  restatementOf,
  toOrderEditFacts,
  type BillingAttemptLink,
  type DraftOrderLink,
  type OrderEditFacts,
  type OrderRestatement,
  type SubscriptionOriginLink,
} from "~/core/orders/order-links";
import { orderEditConversions } from "~/core/orders/build-conversions";
import { creditsOfOrder } from "~/data/attribution.server";
import { contractsOfCustomer, findOrderLink, linksOfOrder } from "~/data/order-links.server";
import { conversionsOfEvents } from "~/data/conversions.server";
import { purchaseEventId } from "~/core/conversions/event-id";
import type { ConversionClickIds } from "~/core/conversions/conversion";
import { CLOCK_SKEW_MS } from "~/core/reconcile/match-order";

type Tx = Prisma.TransactionClient;
type EventRow = Awaited<ReturnType<typeof readEventsNamingOrder>>[number];

/**
 * What an Order row keeps in `facts`: the latest version's facts, every refund recorded
 * for the order (kept across versions, without the staff note), and whether the buyer's
 * personal data was removed (customers/redact).
 */
export type StoredOrderFacts = OrderFacts & {
  refunds?: RefundFacts[];
  redacted?: boolean;
  /** Versions whose total or line list changed after the purchase was reported (ADR 0026). */
  restatements?: OrderRestatement[];
  /** orders/edited deliveries for this order (what was added and removed, by which app). */
  edits?: OrderEditFacts[];
};

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function candidateFromEvent(e: EventRow): Candidate {
  const identity = readStoredIdentity(e.identity);
  const clickIds: Record<string, string> = {};
  for (const [k, v] of Object.entries(identity.clickIds ?? {})) clickIds[k] = v.value;
  return { profileId: e.profileId ?? "", sessionId: e.sessionId, eventId: e.eventId, at: e.occurredAt.getTime(), clickIds, cookies: identity.cookies ?? {} };
}

/** The pixel's events that name this very order (its id, checkout token or cart token), latest first. */
interface ExactEvents {
  byOrderId: EventRow | null;
  byCheckoutToken: EventRow | null;
  byCartToken: EventRow | null;
}

async function exactEvents(tx: Tx, shop: string, f: Pick<OrderFacts, "orderId" | "checkoutToken" | "cartToken">, settings?: ShopSettings): Promise<ExactEvents> {
  // One statement for the three lookups (each an index: [shop, orderId], [shop, checkoutToken],
  // [shop, cartToken]), and no ORDER BY in SQL: with one, SQLite walks the (shop, occurredAt)
  // index and filters, i.e. reads every event of the shop when the order has none. A checkout
  // has a handful of events; the latest of each kind is picked here (ties: the greater event
  // id, for a stable answer).
  // Bot filtering on (the shop's setting): events the pixel marked as a bot's are no evidence.
  const skipBots = (settings ?? (await readShopSettings(tx, shop))).botFiltering;
  const rows = (await readEventsNamingOrder(tx, shop, f)).filter((e) => !(skipBots && e.isBot));
  const latest = (pick: (e: EventRow) => boolean): EventRow | null =>
    rows.filter(pick).reduce<EventRow | null>((best, e) => (!best || e.occurredAt > best.occurredAt || (e.occurredAt.getTime() === best.occurredAt.getTime() && e.eventId > best.eventId) ? e : best), null);
  return {
    byOrderId: latest((e) => e.orderId === f.orderId),
    byCheckoutToken: f.checkoutToken ? latest((e) => e.checkoutToken === f.checkoutToken) : null,
    byCartToken: f.cartToken ? latest((e) => e.cartToken === f.cartToken) : null,
  };
}

/**
 * What the storefront saw of the profile an identifier belongs to: its latest session that
 * started before the order. A profile known only from other orders (no session) is not
 * evidence: the storefront never saw it, and counting it would make an order's match depend
 * on which other orders happened to be processed first. With bot filtering on, a bot's
 * session is skipped (the latest session of a shopper's, if any).
 */
async function candidatesForProfile(tx: Tx, shop: string, profileId: string | undefined, before: number, cache: Map<string, Candidate[]>, skipBots: boolean): Promise<Candidate[]> {
  if (!profileId) return [];
  const known = cache.get(profileId);
  if (known) return known;
  const bots = skipBots ? await botSessionIdsOfProfile(tx, shop, profileId) : [];
  const [session, profile] = await Promise.all([
    bots.length ? latestSessionOfProfileBeforeExcept(tx, shop, profileId, new Date(before), bots) : latestSessionOfProfileBefore(tx, shop, profileId, new Date(before)),
    findProfile(tx, profileId),
  ]);
  let out: Candidate[] = [];
  if (session && profile) {
    const ids = JSON.parse(profile.identifiers) as { clickIds?: Record<string, { value: string }>; cookies?: Record<string, { value: string }> };
    const clickIds: Record<string, string> = {};
    for (const [k, v] of Object.entries(ids.clickIds ?? {})) clickIds[k] = v.value;
    const cookies: Record<string, string> = {};
    for (const [k, v] of Object.entries(ids.cookies ?? {})) cookies[k] = v.value;
    out = [{ profileId: profile.id, sessionId: session.id, at: session.startedAt.getTime(), clickIds, cookies }];
  }
  cache.set(profileId, out);
  return out;
}

/** Gather the pixel's evidence for an order, best first (the decision is core/reconcile). */
async function gatherEvidence(
  tx: Tx,
  shop: string,
  f: OrderFacts,
  exact: ExactEvents,
  skipBots: boolean,
): Promise<{ evidence: MatchEvidence; consentBits: string | null; pageUrl: string | null }> {
  const evidence: MatchEvidence = {};
  let consentBits: string | null = null;
  let pageUrl: string | null = null;
  const take = (e: EventRow | null): Candidate | undefined => {
    if (!e) return undefined;
    consentBits ??= e.consent;
    pageUrl ??= e.url;
    return candidateFromEvent(e);
  };
  evidence.byOrderId = take(exact.byOrderId);
  evidence.byCheckoutToken = take(exact.byCheckoutToken);
  evidence.byCartToken = take(exact.byCartToken);
  const before = f.createdAt;
  // The order's identifiers' profiles: one alias lookup for all of them ([shop, key] unique).
  const keys = {
    customer: f.customerId ? identifierKey("customer", f.customerId) : null,
    email: emailMatchKey(f.email) ? identifierKey("email", emailMatchKey(f.email)!) : null,
    phone: phoneMatchKey(f.phone, f.billingAddress?.countryCode ?? undefined) ? identifierKey("phone", phoneMatchKey(f.phone, f.billingAddress?.countryCode ?? undefined)!) : null,
  };
  const wanted = Object.values(keys).filter((k): k is string => k !== null);
  const aliases = wanted.length ? await profilesOfKeys(tx, shop, wanted) : [];
  const profileOf = (key: string | null) => (key ? aliases.find((a) => a.key === key)?.profileId : undefined);
  const cache = new Map<string, Candidate[]>();
  if (keys.customer) evidence.byCustomerId = await candidatesForProfile(tx, shop, profileOf(keys.customer), before, cache, skipBots);
  if (keys.email) evidence.byEmailHash = await candidatesForProfile(tx, shop, profileOf(keys.email), before, cache, skipBots);
  if (keys.phone) evidence.byPhoneHash = await candidatesForProfile(tx, shop, profileOf(keys.phone), before, cache, skipBots);
  return { evidence, consentBits, pageUrl };
}

/**
 * Consent when no event named the order: what the browser of the matched session had
 * granted by the time of the order (its latest event then; index [shop, clientId, occurredAt]).
 */
async function consentOfSession(tx: Tx, shop: string, sessionId: string | null, orderAt: number): Promise<string | null> {
  if (!sessionId) return null;
  const session = await clientOfSession(tx, sessionId);
  if (!session) return null;
  return latestConsentOfClient(tx, shop, session.clientId, new Date(orderAt + CLOCK_SKEW_MS));
}

async function writeAttribution(tx: Tx, shop: string, f: OrderFacts, profileId: string | null, lookbackDays: number, skipBots: boolean, stored: boolean): Promise<void> {
  // An order stored for the first time has no credits yet.
  if (stored) await deleteOrderAttribution(tx, shop, f.orderId);
  if (!profileId || f.isTest) return;
  const lookbackMs = lookbackDays * 86_400_000;
  // Bot filtering on: a bot's sessions earn no credit.
  const bots = new Set(skipBots ? await botSessionIdsOfProfile(tx, shop, profileId) : []);
  const sessions = (await sessionsOfProfileBetween(tx, shop, profileId, new Date(f.createdAt - lookbackMs), new Date(f.createdAt))).filter((s) => !bots.has(s.id));
  if (sessions.length === 0) return;
  const byId = new Map(sessions.map((s) => [s.id, s]));
  const credits = attribute(
    sessions.map((s) => ({ sessionId: s.id, at: s.startedAt.getTime(), channel: s.channel as Channel, campaign: s.campaign, isDirect: s.channel === "direct" })),
    { conversionAt: f.createdAt, lookbackMs },
  );
  const revenue = f.totals.total.shop.amount;
  const decimals = currencyDecimals(f.currency);
  const rows: NewAttributionCredit[] = [];
  for (const model of ATTRIBUTION_MODELS) {
    const weights = credits[model].filter((c) => c.weight > 0);
    if (weights.length === 0) continue;
    const shares = splitRevenue(revenue, weights, decimals);
    shares.forEach((share, i) => {
      const s = byId.get(share.sessionId)!;
      rows.push({ shop, orderId: f.orderId, sessionId: share.sessionId, model, weight: weights[i]!.weight, revenue: share.amount, currency: f.currency, channel: s.channel, campaign: s.campaign, orderAt: new Date(f.createdAt) });
    });
  }
  if (rows.length) await insertAttributionCredits(tx, rows);
}

/**
 * The page a web conversion is attributed to when the pixel did not report one: the
 * order's landing page on the shop's domain (platforms such as Snapchat require a URL
 * for web events).
 */
function sourceUrlOf(shop: string, f: OrderFacts): string | undefined {
  if (f.kind !== "online" && f.kind !== "subscription_first" && f.kind !== "upsell") return undefined;
  const landing = f.landingSite ?? "/";
  if (/^https?:\/\//.test(landing)) return landing;
  return `https://${shop}${landing.startsWith("/") ? landing : `/${landing}`}`;
}

interface ReconcileInput {
  shop: string;
  facts: StoredOrderFacts;
  settings: ShopSettings;
  at: Date;
  existing: OrderRecord | null;
  /** The profile the order's own identifiers resolved to (used when no evidence names one). */
  identityProfileId: string | null;
  /** The events naming the order, when the caller already looked them up (once per order). */
  exact?: ExactEvents;
}

interface ReconcileOutcome {
  match: MatchResult | null;
  refunds: ReturnType<typeof orderRefundConversions>;
}

/**
 * Everything an order's state is made of, recomputed from its stored facts and what the
 * storefront saw: match and explanation, attribution credits, and its purchase, cancel and
 * refund conversions (with their outbox rows). A function of the facts and the storefront
 * data only, so running it again, or after other orders, gives the same result.
 */
async function reconcileOrder(tx: Tx, deps: Pick<ProcessDeps, "key">, input: ReconcileInput): Promise<ReconcileOutcome> {
  const { shop, facts: stored, settings, at, existing } = input;
  if (stored.redacted) return rewriteRedactedOrder(tx, deps, input);
  // What other webhooks said about this order (ADR 0024): the draft it came from, the contract
  // it started or renews. Applied on every reconcile; the stored facts stay the order's own.
  const linked = await linkedFacts(tx, shop, stored, settings);
  const f: StoredOrderFacts = linked.facts;
  const exact = input.exact ?? (await exactEvents(tx, shop, f, settings));
  const { evidence, consentBits: eventConsent, pageUrl } = await gatherEvidence(tx, shop, f, exact, settings.botFiltering);
  const match: MatchResult = matchOrder(f, evidence, { lookbackMs: settings.attributionLookbackDays * 86_400_000 });
  const profileId = match.profileId ?? input.identityProfileId;
  const consentBits = eventConsent ?? (await consentOfSession(tx, shop, match.sessionId, f.createdAt));
  const renewal = linked.renewal;
  const enrichment: ConversionEnrichment = {
    // A renewal is charged without the buyer: it carries no session's click ids, only (when the
    // shop credits renewals to the acquiring channel) the first order's, within each window.
    clickIds: renewal ? {} : match.inherited.clickIds,
    cookies: renewal ? {} : match.inherited.cookies,
    consent: decodeConsentBits(consentBits),
    profileId: profileId ?? undefined,
    sourceUrl: pageUrl ?? sourceUrlOf(shop, f),
    ...(renewal?.credit ? { acquisitionClickIds: renewal.clickIds } : {}),
  };
  const refunds = orderRefundConversions(f.refunds ?? [], f, enrichment);
  const emailHash = emailMatchKey(f.email) ?? null;
  const phoneHash = phoneMatchKey(f.phone, f.billingAddress?.countryCode ?? undefined) ?? null;
  const orderData = {
    ...moneyAndStatus(f, refunds),
    name: f.name,
    kind: f.kind,
    isTest: f.isTest,
    sourceName: f.sourceName,
    shopifyCreatedAt: new Date(f.createdAt),
    customerId: f.customerId,
    emailHash,
    phoneHash,
    checkoutToken: f.checkoutToken,
    cartToken: f.cartToken,
    matchStatus: match.status,
    matchMethod: match.method,
    profileId,
    sessionId: match.sessionId,
    // Refunds capped at what was left to refund are flagged where the merchant reads about the order.
    explanation: JSON.stringify([
      ...match.explanation,
      ...linked.explanation,
      ...editSentences(f),
      ...refunds.flatMap((r) => (r.clampNote ? [r.clampNote] : [])),
    ]),
    // The order's own facts are stored; links are applied again on every reconcile.
    facts: JSON.stringify(stored),
  };
  if (existing) await updateOrder(tx, existing.id, orderData);
  else await insertOrder(tx, shop, f.orderId, orderData);
  if (renewal) await writeRenewalAttribution(tx, shop, f, renewal);
  else await writeAttribution(tx, shop, f, profileId, settings.attributionLookbackDays, settings.botFiltering, existing !== null);
  await writeConversions(tx, deps, shop, f, enrichment, refunds, at);
  return { match, refunds };
}

/** What the order's links add: its effective facts (kind, inherited draft data) and sentences. */
interface LinkedFacts {
  facts: StoredOrderFacts;
  explanation: string[];
  /** Set for a subscription renewal: its contract, first order, and how it is credited. */
  renewal: RenewalCredit | null;
}

interface RenewalCredit {
  contractId: string | null;
  originOrderId: string | null;
  /** The shop credits renewals to the channel that acquired the subscriber. */
  credit: boolean;
  clickIds: ConversionClickIds;
}

function parseLink<T>(text: string): T {
  return JSON.parse(text) as T;
}

async function linkedFacts(tx: Tx, shop: string, stored: StoredOrderFacts, settings: ShopSettings): Promise<LinkedFacts> {
  const rows = await linksOfOrder(tx, shop, stored.orderId);
  const drafts = rows.filter((r) => r.kind === "draft").map((r) => parseLink<DraftOrderLink>(r.facts));
  const attempts = rows.filter((r) => r.kind === "billing").map((r) => parseLink<BillingAttemptLink>(r.facts));
  const origins = rows.filter((r) => r.kind === "contract").map((r) => parseLink<SubscriptionOriginLink>(r.facts));
  const explanation: string[] = [];
  let facts: StoredOrderFacts = applyLinkedKind(stored, hintsForOrder(stored.orderId, { drafts, billingAttempts: attempts, subscriptionOrigins: origins }));
  const draft = drafts.find((d) => d.orderId === stored.orderId);
  if (draft) {
    const inherited = inheritFromDraft(facts, draft);
    facts = { ...facts, ...inherited.facts };
    explanation.push(...inherited.explanation);
  }
  for (const o of origins) explanation.push(`Started subscription contract ${o.subscriptionContractId}: its renewals are linked to this order.`);
  if (facts.kind !== "subscription_renewal") return { facts, explanation, renewal: null };

  // The renewal's contract: the billing attempt that charged it, else the customer's only contract.
  let contractId = attempts.find((a) => a.orderId === stored.orderId && a.status === "success")?.subscriptionContractId ?? null;
  let how = "the billing attempt that charged it";
  if (contractId === null && facts.customerId) {
    const contracts = await contractsOfCustomer(tx, shop, facts.customerId);
    if (contracts.length === 1) {
      contractId = contracts[0]!.linkId;
      how = "its customer's only subscription contract";
    }
  }
  const contract = contractId ? await findOrderLink(tx, shop, "contract", contractId) : null;
  const originOrderId = contract?.orderId ?? null;
  const credit = settings.renewalAttribution === "acquiring_channel";
  const renewal: RenewalCredit = { contractId, originOrderId, credit, clickIds: {} };
  if (contractId === null) {
    explanation.push("Subscription renewal: no subscription contract names it yet (linked when subscription_contracts/* or a billing attempt arrives).");
  } else {
    explanation.push(`Renewal of subscription contract ${contractId} (by ${how})${originOrderId ? `, which order ${originOrderId} started` : ""}.`);
  }
  if (!credit) {
    explanation.push("Not credited to any ad channel: the shop's setting keeps subscription renewals unattributed.");
    // Renewals may copy the contract's cart attributes (an old click id): none is sent.
    const quiet: StoredOrderFacts = { ...facts, noteSignals: { clickIds: {}, cookies: {} }, landing: { ...facts.landing, clickIds: {} } };
    return { facts: quiet, explanation, renewal };
  }
  if (!originOrderId) {
    explanation.push("Renewals are credited to the channel that acquired the subscriber, but the first order is not known yet.");
    return { facts, explanation, renewal };
  }
  const [purchase] = await conversionsOfEvents(tx, shop, [purchaseEventId(originOrderId)]);
  const origin = await findOrder(tx, shop, originOrderId);
  if (purchase && origin) {
    const originIds = (JSON.parse(purchase.payload) as CanonicalConversion).clickIds ?? {};
    const { kept, dropped } = renewalClickIds(originIds, origin.shopifyCreatedAt.getTime(), facts.createdAt);
    renewal.clickIds = kept;
    const keptNames = Object.keys(kept);
    explanation.push(
      `Credited to the channel that acquired the subscriber (order ${originOrderId})` +
        (keptNames.length ? `, with its identifiers ${keptNames.join(", ")}` : "") +
        (dropped.length ? `; ${dropped.join(", ")} left out: older than that platform's click window` : "") +
        ".",
    );
  } else {
    explanation.push(`Credited to the channel that acquired the subscriber, but order ${originOrderId} has not been received yet.`);
  }
  return { facts, explanation, renewal };
}

/**
 * A renewal's credits: none when the shop keeps renewals unattributed; else the first order's
 * credits (same sessions, channels, campaigns and weights per model), the renewal's revenue split
 * by them, marked as renewal so reports show them apart (ADR 0025).
 */
async function writeRenewalAttribution(tx: Tx, shop: string, f: OrderFacts, renewal: RenewalCredit): Promise<void> {
  await deleteOrderAttribution(tx, shop, f.orderId);
  if (!renewal.credit || !renewal.originOrderId || f.isTest) return;
  const origin = await creditsOfOrder(tx, shop, renewal.originOrderId);
  if (origin.length === 0) return;
  const decimals = currencyDecimals(f.currency);
  const rows: NewAttributionCredit[] = [];
  for (const model of ATTRIBUTION_MODELS) {
    const mine = origin.filter((c) => c.model === model);
    if (mine.length === 0) continue;
    const shares = splitRevenue(f.totals.total.shop.amount, mine.map((c) => ({ sessionId: c.sessionId, weight: c.weight })), decimals);
    shares.forEach((share, i) => {
      const c = mine[i]!;
      rows.push({ shop, orderId: f.orderId, sessionId: c.sessionId, model, weight: c.weight, revenue: share.amount, currency: f.currency, channel: c.channel, campaign: c.campaign, orderAt: new Date(f.createdAt), renewal: true });
    });
  }
  if (rows.length) await insertAttributionCredits(tx, rows);
}

function editSentences(f: StoredOrderFacts): string[] {
  const out: string[] = [];
  for (const e of f.edits ?? []) {
    const by = e.appId ? ` by app ${e.appId}` : "";
    out.push(`Edited${by} (edit ${e.editId ?? "?"}): ${e.added.length} line(s) added, ${e.removed.length} removed.`);
  }
  for (const r of f.restatements ?? []) {
    out.push(`Version of ${new Date(r.versionMs).toISOString()}: ${r.what} after the purchase was reported; the new total (${r.total.shop.amount} ${r.total.shop.currency}) is restated where a platform takes restatements.`);
  }
  return out;
}

function moneyAndStatus(f: StoredOrderFacts, refunds: ReturnType<typeof orderRefundConversions>) {
  const refunded = refunds.flatMap((r) => (r.result.kind === "conversion" && r.result.conversion.value ? [r.result.conversion.value.shop.amount] : []));
  return {
    shopifyUpdatedAt: new Date(f.updatedAt),
    cancelledAt: f.cancelledAt ? new Date(f.cancelledAt) : null,
    financialStatus: f.financialStatus,
    currency: f.currency,
    totalPrice: f.totals.total.shop.amount,
    presentmentCurrency: f.presentmentCurrency,
    presentmentTotal: f.totals.total.presentment.amount,
    refundedTotal: refunded.length ? addAmounts(refunded, f.currency) : "0",
    facts: JSON.stringify(f),
  };
}

async function writeConversions(
  tx: Tx,
  deps: Pick<ProcessDeps, "key">,
  shop: string,
  f: StoredOrderFacts,
  enrichment: ConversionEnrichment,
  refunds: ReturnType<typeof orderRefundConversions>,
  at: Date,
): Promise<void> {
  const conversions: CanonicalConversion[] = [purchaseConversion(f, enrichment)];
  const cancel = cancelConversion(f, enrichment);
  if (cancel.kind === "conversion") conversions.push(cancel.conversion);
  for (const r of refunds) if (r.result.kind === "conversion") conversions.push(r.result.conversion);
  conversions.push(...orderEditConversions(f.restatements ?? [], f, enrichment, refunds));
  // One upsert for all of the order's conversions, the destinations read once.
  const ids = await saveOrderConversions(
    tx,
    conversions.map((c) => ({ shop, eventId: c.eventId, name: c.name, orderId: c.orderId ?? null, occurredAt: new Date(c.occurredAt), payload: JSON.stringify(c) })),
  );
  const destinations = await outboxDestinations(tx, shop);
  for (const c of conversions) {
    await enqueueConversionDeliveries(tx, deps.key, { shop, conversionId: ids.get(c.eventId)!, conversion: c, orderKind: f.kind, now: at, destinations });
  }
}

/**
 * An order whose buyer asked to be forgotten: later versions and refunds still move the
 * money (status, totals, refunds, cancellation), but nothing about the person is stored or
 * sent again, and the match, explanation and credits stay as the redaction left them.
 */
async function rewriteRedactedOrder(tx: Tx, deps: Pick<ProcessDeps, "key">, input: ReconcileInput): Promise<ReconcileOutcome> {
  const f = input.facts;
  const enrichment: ConversionEnrichment = { clickIds: {}, cookies: {}, consent: null };
  const refunds = orderRefundConversions(f.refunds ?? [], f, enrichment);
  if (input.existing) await updateOrder(tx, input.existing.id, moneyAndStatus(f, refunds));
  await writeConversions(tx, deps, input.shop, f, enrichment, refunds, input.at);
  return { match: null, refunds };
}

/**
 * Orders that new storefront evidence can change (a merge, a later session of their profile,
 * events naming them sessionised after they were reconciled): reconcile them again, so each
 * ends up matched against the same identity graph whatever order things arrived in. Rows
 * not yet delivered carry the new payload; see ADR 0005.
 */
async function reconcileOrdersById(tx: Tx, deps: Pick<ProcessDeps, "key">, shop: string, orderIds: readonly string[], settings: ShopSettings, at: Date): Promise<number> {
  if (orderIds.length === 0) return 0;
  const orders = await ordersByIds(tx, shop, orderIds);
  orders.sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  let n = 0;
  for (const o of orders) {
    const facts = JSON.parse(o.facts) as StoredOrderFacts;
    if (facts.redacted) continue;
    await reconcileOrder(tx, deps, { shop, facts, settings, at, existing: o, identityProfileId: o.profileId });
    n++;
  }
  return n;
}

/**
 * Sessionising found evidence that can change these orders (ADR 0005): reconcile them again,
 * inside the pass's own transaction (the caller holds it), under the shop's identity lock.
 * Returns how many were reconciled.
 */
export async function reconcileOrdersAgainInTx(tx: Tx, deps: Pick<ProcessDeps, "db" | "provider" | "key">, shop: string, orderIds: readonly string[], at: Date): Promise<number> {
  if (orderIds.length === 0) return 0;
  await lockShopIdentity(tx, deps.provider, shop);
  const settings = await readShopSettings(tx, shop);
  return reconcileOrdersById(tx, deps, shop, orderIds, settings, at);
}

/**
 * What a newer version keeps of the previous one: its edits, and its restatements plus this
 * one's. A newer version that changes nothing moves the last restatement's time up to its own:
 * a restatement is stamped with the newest version that still carries its total and lines. So
 * versions arriving out of order (v1, v3, then v2 ignored as older) store what v1, v2, v3 store,
 * and a replay converges (issue 13; the conversion's id does not depend on the time).
 */
function laterVersion(previous: StoredOrderFacts, next: OrderFacts): Pick<StoredOrderFacts, "restatements" | "edits"> {
  const r = restatementOf(previous, next);
  const before = previous.restatements ?? [];
  const last = before.at(-1);
  const restatements = r
    ? [...before, r]
    : last && next.updatedAt > last.versionMs
      ? [...before.slice(0, -1), { ...last, versionMs: next.updatedAt }]
      : before;
  return { restatements, edits: previous.edits ?? [] };
}

/**
 * How long an order waits, after its webhook was received, for the pixel events received
 * before it to be sessionised (ADR 0005). Past it the order goes ahead; sessionising
 * reconciles it again when those events are processed.
 */
export const ORDER_WAIT_FOR_EVENTS_MS = 120_000;

/**
 * orders/create|updated|paid|cancelled. Versioned by the order's own updated_at: an
 * older or repeated version changes nothing, so any delivery order and any number of
 * repeats converge on the same state.
 */
export async function applyOrderWebhook(deps: ProcessDeps, shop: string, raw: string, at: Date, opts: { receivedAt?: Date } = {}): Promise<HandlerResult> {
  const parsed = OrderWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: `order payload is malformed: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}` };
  const settings = await readShopSettings(deps.db, shop);
  const factsResult = toOrderFacts(parsed.data, extractExactIds(raw), { upsellAppIds: settings.upsellAppIds });
  if (factsResult.kind === "invalid") return { kind: "rejected", reason: factsResult.reason };
  const f = factsResult.facts;

  return transaction(
    deps.db,
    async (tx): Promise<HandlerResult> => {
      await lockShopIdentity(tx, deps.provider, shop);
      const existing = await findOrder(tx, shop, f.orderId);
      if (existing && existing.shopifyUpdatedAt.getTime() >= f.updatedAt) {
        if (existing.shopifyUpdatedAt.getTime() === f.updatedAt) return { kind: "processed", note: "same version already applied" };
        // An older version arriving after a newer one: ignored, except that when it shows the
        // stored version changed the total or lines and no restatement says so yet, the one the
        // versions in order would have recorded is added (stamped with the stored version), so
        // the order converges whatever order its versions arrive in (replay, ADR 0005).
        const stored = JSON.parse(existing.facts) as StoredOrderFacts;
        const missed = !stored.redacted && (stored.restatements ?? []).length === 0 ? restatementOf(f, stored) : null;
        if (missed === null) return { kind: "processed", note: "older version ignored" };
        await reconcileOrder(tx, deps, { shop, facts: { ...stored, restatements: [missed] }, settings, at, existing, identityProfileId: existing.profileId });
        return { kind: "processed", note: "older version: the newer one's restatement recorded" };
      }
      const previous = existing ? (JSON.parse(existing.facts) as StoredOrderFacts) : null;
      const exact = await exactEvents(tx, shop, f, settings);
      // The storefront's events for this checkout are stored but not yet sessionised: wait for them.
      if ([exact.byOrderId, exact.byCheckoutToken, exact.byCartToken].some((e) => e && !e.processedAt)) {
        return { kind: "retry-later", reason: "storefront events for this checkout are still being processed" };
      }
      // ADR 0005: the order waits (bounded) until the pixel events received before its webhook
      // that could change its match are sessionised (its browsers' events, its customer id,
      // email or phone), so its match does not depend on the worker's pace. Other shoppers'
      // backlog cannot change it and does not hold it.
      if (opts.receivedAt && at.getTime() - opts.receivedAt.getTime() < ORDER_WAIT_FOR_EVENTS_MS) {
        const clientIds = [...new Set([exact.byOrderId, exact.byCheckoutToken, exact.byCartToken].flatMap((e) => (e ? [e.clientId] : [])))];
        const who = { clientIds, customerId: f.customerId ?? null, emailHash: emailMatchKey(f.email) ?? null, phoneHash: phoneMatchKey(f.phone, f.billingAddress?.countryCode ?? undefined) ?? null };
        if (await hasUnsessionisedShopperEvents(tx, shop, opts.receivedAt, who)) {
          return { kind: "retry-later", reason: "storefront events of this shopper received before this order are still being processed" };
        }
      }
      if (previous?.redacted) {
        const facts: StoredOrderFacts = redactOrderFacts({ ...f, refunds: previous.refunds ?? [], ...laterVersion(previous, f) });
        await reconcileOrder(tx, deps, { shop, facts, settings, at, existing, identityProfileId: null });
        return { kind: "processed", note: `${f.kind} order updated; its buyer's personal data stays removed (customers/redact)` };
      }
      // The order proves who bought: its customer id, email and phone, and the browser the
      // pixel saw check out, are one shopper. Linked first, so the evidence below sees them.
      const browser = exact.byOrderId ?? exact.byCheckoutToken ?? exact.byCartToken;
      const identity = await resolveProfileDetailed(
        tx,
        shop,
        { customerId: f.customerId, emailHash: emailMatchKey(f.email) ?? null, phoneHash: phoneMatchKey(f.phone, f.billingAddress?.countryCode ?? undefined) ?? null, clientId: browser?.clientId ?? null },
        new Date(f.createdAt),
      );
      // The same shape whichever version is stored first (a later version first, its older ones
      // then ignored, must store what the versions in order store): replays converge (ADR 0005).
      const facts: StoredOrderFacts = { ...f, refunds: previous?.refunds ?? [], ...(previous ? laterVersion(previous, f) : { restatements: [], edits: [] }) };
      // The events were read before the merge moved them: give them the profile they now belong to.
      const moved = new Set(identity.merged);
      const follow = (e: EventRow | null): EventRow | null => (e && e.profileId && moved.has(e.profileId) ? { ...e, profileId: identity.profileId } : e);
      const current: ExactEvents = { byOrderId: follow(exact.byOrderId), byCheckoutToken: follow(exact.byCheckoutToken), byCartToken: follow(exact.byCartToken) };
      const { match } = await reconcileOrder(tx, deps, { shop, facts, settings, at, existing, identityProfileId: identity.profileId, exact: current });
      const again = await reconcileOrdersById(tx, deps, shop, identity.revisitOrderIds.filter((id) => id !== f.orderId), settings, at);
      if (!existing) await releaseWaitingRefunds(tx, shop, f.orderId);
      const note = `${f.kind} order ${match?.status ?? "unmatched"} (${match?.method ?? "none"})`;
      return { kind: "processed", note: again > 0 ? `${note}; ${again} other order(s) of the same shopper reconciled again` : note };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

/**
 * refunds/create: the refund is recorded on its order (once per refund id) and every refund
 * of the order is valued again in a fixed order (allocateRefunds), capped at the order total.
 */
export async function applyRefundWebhook(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = RefundWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: `refund payload is malformed: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}` };
  const rf = toRefundFacts(parsed.data, extractExactIds(raw));
  if (rf.kind === "invalid") return { kind: "rejected", reason: rf.reason };
  const refund: RefundFacts = { ...rf.facts, note: null }; // the staff note may name the buyer
  const settings = await readShopSettings(deps.db, shop);
  return transaction(
    deps.db,
    async (tx): Promise<HandlerResult> => {
      await lockShopIdentity(tx, deps.provider, shop);
      const order = await findOrder(tx, shop, refund.orderId);
      if (!order) return { kind: "retry-later", reason: `order ${refund.orderId} not received yet` };
      const facts = JSON.parse(order.facts) as StoredOrderFacts;
      if ((facts.refunds ?? []).some((r) => r.refundId === refund.refundId)) return { kind: "processed", note: "refund already recorded" };
      // Kept in valuation order, so the stored facts do not depend on the order refunds arrived in.
      const next: StoredOrderFacts = { ...facts, refunds: inRefundOrder([...(facts.refunds ?? []), refund]) };
      const { refunds } = await reconcileOrder(tx, deps, { shop, facts: next, settings, at, existing: order, identityProfileId: order.profileId });
      const mine = refunds.find((r) => r.refundId === refund.refundId);
      if (!mine || mine.result.kind === "skip") return { kind: "processed", note: `refund recorded; not forwarded: ${mine?.result.kind === "skip" ? mine.result.reason : "no value"}` };
      return { kind: "processed", note: mine.clampNote ? `refund recorded; ${mine.clampNote}` : "refund recorded" };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

/**
 * orders/edited: only the edit (lines added and removed, the app that made it), not the new
 * total; orders/updated brings that, and its version records the restatement (laterVersion).
 * The edit is kept on the order for its explanation, once per edit id.
 */
export async function applyOrderEditWebhook(deps: ProcessDeps, shop: string, raw: string, at: Date): Promise<HandlerResult> {
  const parsed = OrderEditWebhookSchema.safeParse(parseJson(raw));
  if (!parsed.success) return { kind: "rejected", reason: `orders/edited payload is malformed: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}` };
  const edit = toOrderEditFacts(parsed.data, extractExactIds(raw));
  if (!edit) return { kind: "rejected", reason: "orders/edited names no order" };
  const settings = await readShopSettings(deps.db, shop);
  return deps.db.$transaction(
    async (tx): Promise<HandlerResult> => {
      await lockShopIdentity(tx, deps.provider, shop);
      const order = await findOrder(tx, shop, edit.orderId);
      if (!order) return { kind: "retry-later", reason: `order ${edit.orderId} not received yet` };
      const facts = JSON.parse(order.facts) as StoredOrderFacts;
      if ((facts.edits ?? []).some((e) => e.editId !== null && e.editId === edit.editId)) return { kind: "processed", note: "edit already recorded" };
      const next: StoredOrderFacts = { ...facts, edits: [...(facts.edits ?? []), edit].sort((a, b) => (a.committedAt ?? 0) - (b.committedAt ?? 0)) };
      await reconcileOrder(tx, deps, { shop, facts: next, settings, at, existing: order, identityProfileId: order.profileId });
      return { kind: "processed", note: `edit recorded: ${edit.added.length} line(s) added, ${edit.removed.length} removed; the new total comes with orders/updated` };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
