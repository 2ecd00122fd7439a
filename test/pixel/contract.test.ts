/**
 * The pixel's hand-copied contract (extensions/trueline-pixel/src/contract.ts)
 * against the server's schema (app/core/events/pixel-payload.schema.ts), in Node:
 * same constants, compatible types, and real mapped events accepted.
 * Plus the app-proxy stand-in's signature against the documented test vector.
 */
import { describe, expect, expectTypeOf, test } from "vitest";
import type { z } from "zod";
import * as pixel from "../../extensions/trueline-pixel/src/contract";
import { mapEvent, type ShopifyEvent } from "../../extensions/trueline-pixel/src/map";
import * as schema from "~/core/events/pixel-payload.schema";
import { PAGES, SIZE_GUIDE, data } from "./journey";
import { appProxySignature } from "./shopify-proxy";

describe("pixel contract mirrors the server schema", () => {
  test("same event names, click-id keys, cookie keys and batch limits", () => {
    expect(pixel.STANDARD_EVENT_NAMES).toEqual(schema.STANDARD_EVENT_NAMES);
    expect(pixel.CLICK_ID_KEYS).toEqual(schema.CLICK_ID_KEYS);
    expect(pixel.COOKIE_KEYS).toEqual(schema.COOKIE_KEYS);
    expect(pixel.MAX_EVENTS_PER_BATCH).toBe(schema.MAX_EVENTS_PER_BATCH);
    expect(pixel.MAX_BATCH_BYTES).toBeLessThanOrEqual(schema.MAX_BODY_BYTES);
  });

  test("the pixel's TypeScript types are assignable to the schema's input types", () => {
    expectTypeOf<pixel.PixelEvent>().toExtend<z.input<typeof schema.PixelEventSchema>>();
    expectTypeOf<Omit<pixel.Batch, "events">>().toExtend<Omit<z.input<typeof schema.PixelBatchEnvelopeSchema>, "events">>();
    expectTypeOf<pixel.Identity>().toExtend<z.input<typeof schema.IdentitySchema>>();
  });

  test("every journey event, mapped by the pixel, passes PixelEventSchema", () => {
    const context = { document: { location: { href: PAGES.checkout }, referrer: PAGES.cart, title: "Checkout" } };
    const events: ShopifyEvent[] = [
      ...Object.entries(data).map(([name, d]) => ({
        id: `sh-${name}`,
        name,
        type: "standard",
        clientId: "c",
        timestamp: "2026-05-01T10:00:00.000Z",
        context,
        data: d,
      })),
      { id: "sh-custom", name: SIZE_GUIDE.name, type: "custom", clientId: "c", timestamp: "2026-05-01T10:00:00.000Z", context, customData: SIZE_GUIDE.customData },
    ];
    const mapped = events.map((e) => mapEvent(e, { customerId: "gid://shopify/Customer/777" }, Date.UTC(2026, 4, 1)));
    expect(mapped.map((m) => m?.name)).toEqual([...Object.keys(data), `custom:${SIZE_GUIDE.name}`]);
    const rejected = mapped
      .map((m) => schema.PixelEventSchema.safeParse(m))
      .flatMap((r, i) => (r.success ? [] : [`${events[i]?.name}: ${r.error.message}`]));
    expect(rejected).toEqual([]);
  });

  test("oversized Shopify values are cut to the schema's limits instead of sinking the event", () => {
    const long = (n: number) => "x".repeat(n);
    const variant = {
      id: long(300),
      sku: long(300),
      title: long(600),
      price: { amount: 1e13, currencyCode: "EUR" },
      product: { id: long(300), title: long(600) },
    };
    const ev: ShopifyEvent = {
      id: long(300),
      name: "checkout_completed",
      type: "standard",
      clientId: "c",
      timestamp: "2026-05-01T10:00:00Z",
      context: { document: { location: { href: `https://s.example/?q=${long(5000)}` }, referrer: long(5000), title: long(1000) } },
      data: {
        checkout: {
          token: long(300),
          email: long(400),
          phone: long(100),
          currencyCode: "EURO",
          totalPrice: { amount: -5, currencyCode: "EUR" },
          lineItems: Array.from({ length: 80 }, () => ({ quantity: 1e9, variant })),
          order: { id: `gid://shopify/OrderIdentity/${"9".repeat(300)}`, customer: { id: long(100) } },
        },
      },
    };
    const mapped = mapEvent(ev, {}, 0);
    const parsed = schema.PixelEventSchema.safeParse(mapped);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(mapped?.products).toHaveLength(50);
  });
});

describe("Shopify app proxy stand-in", () => {
  test("signs exactly like Shopify (documented test vector, docs/platform/shopify.md)", () => {
    const query = new URLSearchParams(
      "extra=1&extra=2&shop=some-shop.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555",
    );
    expect(appProxySignature(query, "hush")).toBe("5e2178f38200aed046f7944c03c410698b34595edb3968b0e3ab8d4db12f142f");
  });
});
