import { describe, expect, test } from "vitest";
import type { CanonicalConversion, ConversionClickIds } from "~/core/conversions/conversion";
import {
  actionSourceFor,
  cancelConversion,
  conversionClickIds,
  conversionUser,
  gaClientIdFromCookie,
  gaSessionIdFromCookie,
  orderEditConversions,
  orderRefundConversions,
  purchaseConversion,
  refundConversion,
  type ConversionEnrichment,
} from "./build-conversions";
import { extractExactIds } from "./exact-ids";
import { toOrderFacts, type OrderFacts } from "./order-facts";
import { OrderWebhookSchema, RefundWebhookSchema } from "./order-webhook.schema";
import { toRefundFacts, type RefundFacts } from "./refund-facts";
import {
  asWebhook,
  buildDraftCompletedOrder,
  buildJpyOrder,
  buildOnlineOrder,
  buildOtherChannelOrder,
  buildPosOrder,
  buildPostPurchaseEditedOrder,
  buildRefund,
  buildRefundTransaction,
  buildSubscriptionFirstOrder,
  buildSubscriptionRenewalOrder,
  buildTestOrder,
  buildUpsellAppOrder,
  IPHONE_UA,
  type RestOrder,
  type RestRefund,
} from "../../../test/factories/order-factory";

function facts(payload: RestOrder): OrderFacts {
  const { rawBody, parsed } = asWebhook(payload);
  const result = toOrderFacts(OrderWebhookSchema.parse(parsed), extractExactIds(rawBody));
  if (result.kind !== "facts") throw new Error(result.reason);
  return result.facts;
}
function refund(payload: RestRefund): RefundFacts {
  const { rawBody, parsed } = asWebhook(payload);
  const result = toRefundFacts(RefundWebhookSchema.parse(parsed), extractExactIds(rawBody));
  if (result.kind !== "facts") throw new Error(result.reason);
  return result.facts;
}

const NO_ENRICHMENT: ConversionEnrichment = { clickIds: {}, cookies: {}, consent: null };
const consent = { analytics: true, marketing: true, saleOfData: true };
const sessionEnrichment: ConversionEnrichment = {
  clickIds: { fbclid: "IwAR-session-copy", gclid: "Cj0-from-session", ScCid: "snap-1", twclid: "tw-1" },
  cookies: {
    _fbp: "fb.1.1741960000000.1116446470",
    _fbc: "fb.1.1741962000000.IwAR0abc123",
    _ga: "GA1.1.123.456",
    _ga_session: "GS2.1.s1741962000$o3$g1$t1741962150$j0$l0$h0",
    _ttp: "ttp-abc",
    _scid: "scid-1",
    _epik: "epik-cookie",
  },
  consent,
  sourceUrl: "https://shop.example.com/checkouts/cn/hWN1/thank-you",
};

const janeUser = {
  email: "jane.doe@example.com",
  phone: "+15555550123",
  firstName: "Jane",
  lastName: "Doe",
  city: "Springfield",
  state: "NY",
  zip: "12345",
  country: "US",
  externalId: "7301234567890",
  ip: "203.0.113.24",
  userAgent: IPHONE_UA,
};
const trailRunner = {
  id: "8123456789012",
  variantId: "45123456789012",
  sku: "TR-RUN-42",
  title: "Trail Runner",
  quantity: 1,
  price: { shop: "130.00", presentment: "119.60" },
};

describe("purchaseConversion", () => {
  test("online order with the matched session's identifiers", () => {
    const expected: CanonicalConversion = {
      eventId: "purchase-5975031431338",
      name: "purchase",
      occurredAt: 1741962150000, // processed_at
      actionSource: "website",
      sourceUrl: "https://shop.example.com/checkouts/cn/hWN1/thank-you",
      orderId: "5975031431338",
      orderName: "#1042",
      value: { shop: { amount: "127.44", currency: "USD" }, presentment: { amount: "117.24", currency: "EUR" } },
      contents: [trailRunner],
      user: janeUser,
      clickIds: {
        fbclid: "IwAR0abc123", // the order's own landing URL beats the session copy
        gclid: "Cj0-from-session",
        sccid: "snap-1",
        twclid: "tw-1",
        fbc: "fb.1.1741962000000.IwAR0abc123",
        fbp: "fb.1.1741960000000.1116446470",
        gaClientId: "123.456",
        gaSessionId: "1741962000",
        ttp: "ttp-abc",
        scid: "scid-1",
        epik: "epik-cookie",
      },
      consent,
      isTest: false,
    };
    expect(purchaseConversion(facts(buildOnlineOrder()), sessionEnrichment)).toEqual(expected);
  });

  test("POS: physical store, no browser identifiers, no consent", () => {
    expect(purchaseConversion(facts(buildPosOrder()), NO_ENRICHMENT)).toEqual({
      eventId: "purchase-5975031431502",
      name: "purchase",
      occurredAt: 1742139012000,
      actionSource: "physical_store",
      orderId: "5975031431502",
      orderName: "#1044",
      value: { shop: { amount: "86.60", currency: "USD" }, presentment: { amount: "86.60", currency: "USD" } },
      contents: [
        { id: "8123456789100", variantId: "45123456789100", sku: "WB-750", title: "Water Bottle", quantity: 2, price: { shop: "40.00", presentment: "40.00" } },
      ],
      user: {},
      clickIds: {},
      consent: null,
      isTest: false,
    } satisfies CanonicalConversion);
  });

  test("JPY: no decimals, Japanese address", () => {
    const c = purchaseConversion(facts(buildJpyOrder()), NO_ENRICHMENT);
    expect([c.value, c.contents, c.user.state, c.user.country, c.clickIds]).toEqual([
      { shop: { amount: "9800", currency: "JPY" }, presentment: { amount: "9800", currency: "JPY" } },
      [{ id: "8123456789500", variantId: "45123456789500", sku: "MATCHA-SET", title: "Matcha Set", quantity: 2, price: { shop: "4500", presentment: "4500" } }],
      "JP-13",
      "JP",
      {},
    ]);
  });

  test("an order id above 2^53 goes into the event id exactly", () => {
    const c = purchaseConversion(facts(buildOnlineOrder({ id: 820982911946154508n, admin_graphql_api_id: "gid://shopify/Order/820982911946154508" })), NO_ENRICHMENT);
    expect([c.eventId, c.orderId]).toEqual(["purchase-820982911946154508", "820982911946154508"]);
  });

  test("the post-purchase edited order reports the full, edited value", () => {
    const c = purchaseConversion(facts(buildPostPurchaseEditedOrder()), NO_ENRICHMENT);
    expect([c.eventId, c.value, c.contents?.map((x) => x.title)]).toEqual([
      "purchase-5975031431338",
      { shop: { amount: "145.44", currency: "USD" }, presentment: { amount: "133.80", currency: "EUR" } },
      ["Trail Runner", "Trail Socks"],
    ]);
  });

  test("test orders are flagged", () => {
    expect(purchaseConversion(facts(buildTestOrder()), NO_ENRICHMENT).isTest).toBe(true);
  });

  test("occurredAt falls back to created_at when processed_at is missing", () => {
    expect(purchaseConversion(facts(buildOnlineOrder({ processed_at: undefined as unknown as string })), NO_ENRICHMENT).occurredAt).toBe(1741962151000);
  });
});

describe("actionSourceFor", () => {
  test.each<[string, RestOrder, string]>([
    ["online", buildOnlineOrder(), "website"],
    ["subscription first", buildSubscriptionFirstOrder(), "website"],
    ["separate upsell", buildUpsellAppOrder(), "website"],
    ["pos", buildPosOrder(), "physical_store"],
    ["renewal", buildSubscriptionRenewalOrder(), "system_generated"],
    ["draft", buildDraftCompletedOrder(), "other"],
    ["draft paid through its invoice checkout is still a draft", buildDraftCompletedOrder({ checkout_token: "c0ffee00c0ffee00c0ffee00c0ffee00" }), "other"],
    ["other channel without checkout", buildOtherChannelOrder(), "other"],
    ["other channel through a checkout (e.g. a headless storefront)", buildOtherChannelOrder({ checkout_token: "c0ffee00c0ffee00c0ffee00c0ffee00" }), "website"],
  ])("%s → %s", (_name, payload, expected) => {
    expect(actionSourceFor(facts(payload))).toBe(expected);
  });
});

describe("click ids and cookies", () => {
  test.each<[string, string | null]>([
    ["GA1.1.123.456", "123.456"],
    ["GA1.2.1234567890.1700000000", "1234567890.1700000000"],
    ["GA1.3.987.654", "987.654"],
    [" GA1.1.123.456 ", "123.456"],
    ["1234567890.1700000000", "1234567890.1700000000"],
    ["GA1.1.abc.def", null],
    ["GS1.1.1700000000.1.1.1700000100.0.0.0", null],
    ["", null],
  ])("gaClientIdFromCookie(%j) → %j", (cookie, expected) => {
    expect(gaClientIdFromCookie(cookie)).toBe(expected);
  });

  test.each<[string, string | null]>([
    ["GS1.1.1700000000.5.1.1700003600.0.0.0", "1700000000"],
    ["GS2.1.s1741962000$o3$g1$t1741962150$j0$l0$h0", "1741962000"],
    ["GS2.1.s1741962000", "1741962000"],
    ["1741962000", "1741962000"],
    ["GA1.1.123.456", null],
  ])("gaSessionIdFromCookie(%j) → %j", (cookie, expected) => {
    expect(gaSessionIdFromCookie(cookie)).toBe(expected);
  });

  test.each<[string, RestOrder, ConversionEnrichment, ConversionClickIds]>([
    ["landing beats cart attributes beats session", buildOnlineOrder({ note_attributes: [{ name: "fbclid", value: "IwAR-note" }, { name: "gclid", value: "Cj0-note" }] }), { ...NO_ENRICHMENT, clickIds: { gclid: "Cj0-session", msclkid: "ms-session" } }, { fbclid: "IwAR0abc123", gclid: "Cj0-note", msclkid: "ms-session" }],
    ["session cookies beat cart-attribute cookies", buildOnlineOrder({ landing_site: null, note_attributes: [{ name: "_fbp", value: "fbp-note" }, { name: "_fbc", value: "fbc-note" }] }), { ...NO_ENRICHMENT, cookies: { _fbp: "fbp-session" } }, { fbp: "fbp-session", fbc: "fbc-note" }],
    ["epik click id beats the _epik cookie; unusable _ga is dropped", buildOnlineOrder({ landing_site: "/?epik=dj0yJnU9" }), { ...NO_ENRICHMENT, cookies: { _epik: "cookie-epik", _ga: "garbage" } }, { epik: "dj0yJnU9" }],
    ["X's twclid and Reddit's rdt_cid reach their canonical slots", buildOnlineOrder({ landing_site: "/?rdt_cid=rdt-landing" }), { ...NO_ENRICHMENT, clickIds: { twclid: "tw", rdt_cid: "rdt-session" } }, { rdtCid: "rdt-landing", twclid: "tw" }],
    ["unknown keys and blank values are dropped", buildOnlineOrder({ landing_site: null }), { ...NO_ENRICHMENT, clickIds: { some_other_clid: "x", gclid: "  " }, cookies: { _shopify_y: "x" } }, {}],
    ["li_fat_id (LinkedIn) goes to liFatId", buildOnlineOrder({ landing_site: null }), { ...NO_ENRICHMENT, clickIds: { li_fat_id: "li-1" } }, { liFatId: "li-1" }],
  ])("%s", (_name, payload, enrichment, expected) => {
    expect(conversionClickIds(facts(payload), enrichment)).toEqual(expected);
  });
});

describe("conversionUser", () => {
  test("no Shopify customer: the Trueline profile id is the external id", () => {
    expect(conversionUser(facts(buildPosOrder()), { ...NO_ENRICHMENT, profileId: "p_42" })).toEqual({ externalId: "p_42" });
  });

  test("shipping address when there is no billing address", () => {
    const user = conversionUser(facts(buildOnlineOrder({ billing_address: null, customer: null, email: null, contact_email: null })), NO_ENRICHMENT);
    expect(user).toEqual({
      phone: "+15555550123",
      firstName: "Jane",
      lastName: "Doe",
      city: "Springfield",
      state: "NY",
      zip: "12345",
      country: "US",
      ip: "203.0.113.24",
      userAgent: IPHONE_UA,
    });
  });
});

describe("refundConversion", () => {
  const order = facts(buildOnlineOrder());

  test("positive amounts, refunded lines, the order's identifiers", () => {
    expect(refundConversion(refund(buildRefund()), order)).toEqual({
      kind: "conversion",
      notes: ["Converted between EUR and USD at the order's own rate (117.24 EUR = 127.44 USD)."],
      conversion: {
        eventId: "refund-9112345678901",
        name: "refund",
        occurredAt: 1742476500000,
        actionSource: "website",
        orderId: "5975031431338",
        orderName: "#1042",
        value: { shop: { amount: "60.00", currency: "USD" }, presentment: { amount: "55.20", currency: "EUR" } },
        contents: [trailRunner],
        user: janeUser,
        clickIds: { fbclid: "IwAR0abc123" },
        consent: null,
        isTest: false,
        // A partial refund restates the purchase to what is left of it (ADR 0026).
        adjustment: {
          type: "restatement",
          purchaseEventId: "purchase-5975031431338",
          purchaseOccurredAt: order.processedAt ?? order.createdAt,
          remaining: { shop: { amount: "67.44", currency: "USD" }, presentment: { amount: "62.04", currency: "EUR" } },
        },
      },
    });
  });

  test("with the purchase's enrichment the refund carries the same identifiers", () => {
    const result = refundConversion(refund(buildRefund()), order, sessionEnrichment);
    expect(result.kind === "conversion" && [result.conversion.clickIds.fbp, result.conversion.consent, result.conversion.sourceUrl]).toEqual([
      "fb.1.1741960000000.1116446470",
      consent,
      "https://shop.example.com/checkouts/cn/hWN1/thank-you",
    ]);
  });

  test("a refunded line unknown to the stored order still names its product", () => {
    const result = refundConversion(refund(buildRefund()), facts(buildOnlineOrder({ line_items: [] })));
    expect(result.kind === "conversion" && result.conversion.contents).toEqual([
      { id: "8123456789012", variantId: "45123456789012", sku: "TR-RUN-42", title: "Trail Runner", quantity: 1 },
    ]);
  });

  test("restock-only refund is skipped", () => {
    expect(refundConversion(refund(buildRefund({ transactions: [] })), order)).toEqual({
      kind: "skip",
      reason: "no successful refund transaction (restock or adjustment only)",
    });
  });
});

describe("cancelConversion", () => {
  test("cancelled order: the purchase value, at the cancel time", () => {
    const cancelled = facts(buildOnlineOrder({ cancelled_at: "2025-03-15T09:00:00-04:00", cancel_reason: "customer" }));
    expect(cancelConversion(cancelled)).toEqual({
      kind: "conversion",
      notes: ["Cancel reason: customer."],
      conversion: {
        eventId: "cancel-5975031431338",
        name: "cancel",
        occurredAt: 1742043600000,
        actionSource: "website",
        orderId: "5975031431338",
        orderName: "#1042",
        value: { shop: { amount: "127.44", currency: "USD" }, presentment: { amount: "117.24", currency: "EUR" } },
        contents: [trailRunner],
        user: janeUser,
        clickIds: { fbclid: "IwAR0abc123" },
        consent: null,
        isTest: false,
        adjustment: { type: "retraction", purchaseEventId: "purchase-5975031431338", purchaseOccurredAt: cancelled.processedAt ?? cancelled.createdAt },
      },
    });
  });

  test("a refund of everything left retracts the purchase; an edit restates it net of earlier refunds", () => {
    const order = facts(buildOnlineOrder());
    const full = refundConversion(refund(buildRefund()), order, undefined, {
      shop: { amount: "67.44", currency: "USD" },
      presentment: { amount: "62.04", currency: "EUR" },
    });
    expect(full.kind === "conversion" && full.conversion.adjustment?.type).toBe("retraction");
    const edits = orderEditConversions(
      [{ versionMs: 1742500000000, total: { shop: { amount: "150.00", currency: "USD" }, presentment: { amount: "138.00", currency: "EUR" } }, what: "total changed" }],
      order,
      { clickIds: {}, cookies: {}, consent: null },
      orderRefundConversions([refund(buildRefund())], order),
    );
    expect(edits.map((c) => [c.eventId, c.name, c.adjustment?.type, c.adjustment?.remaining?.shop.amount])).toEqual([
      ["order_edit-5975031431338-1", "order_edit", "restatement", "90.00"],
    ]);
  });

  test("an order that is not cancelled is skipped", () => {
    expect(cancelConversion(facts(buildOnlineOrder()))).toEqual({ kind: "skip", reason: "order is not cancelled" });
  });
});

describe("orderRefundConversions", () => {
  test("every refund of the order, valued in a fixed order, identity and click ids as on the purchase", () => {
    const order = facts(buildOnlineOrder());
    const enrichment: ConversionEnrichment = { clickIds: { fbclid: "IwAR0abc123" }, cookies: { _fbp: "fb.1.1710000000000.1234567890" }, consent: { analytics: true, marketing: true, saleOfData: true } };
    const late = refund(buildRefund({ id: 9100000000002n, processed_at: "2025-03-21T09:00:00Z", transactions: [buildRefundTransaction({ id: 71n, amount: "60.00" })] }));
    const early = refund(buildRefund({ id: 9100000000001n, processed_at: "2025-03-20T09:00:00Z", transactions: [buildRefundTransaction({ id: 72n, amount: "100.00" })] }));
    const out = orderRefundConversions([late, early], order, enrichment);
    expect(out.map((r) => [r.refundId, r.result.kind === "conversion" ? r.result.conversion.value : null, r.clampNote])).toEqual([
      ["9100000000001", { shop: { amount: "108.70", currency: "USD" }, presentment: { amount: "100.00", currency: "EUR" } }, null],
      ["9100000000002", { shop: { amount: "18.74", currency: "USD" }, presentment: { amount: "17.24", currency: "EUR" } }, "Refund of 60.00 EUR exceeds the 17.24 EUR left to refund on order #1042; capped."],
    ]);
    const purchase = purchaseConversion(order, enrichment);
    for (const r of out) {
      if (r.result.kind !== "conversion") throw new Error("expected a conversion");
      expect({ user: r.result.conversion.user, clickIds: r.result.conversion.clickIds, consent: r.result.conversion.consent }).toEqual({ user: purchase.user, clickIds: purchase.clickIds, consent: purchase.consent });
    }
  });
});
