import { createServer } from "node:net";
import { randomUUID } from "node:crypto";
import type { RestOrder } from "../factories/order-factory";
import { TEST_API_SECRET, TEST_SHOP } from "../support/env";
import { checkoutJourney, pixelBatch, pixelEvent } from "../support/pixel";
import { signedProxyUrl } from "../support/shopify-signing";
import { drillOrder, postOrder } from "./processes";

/** A free loopback port (so a restarted server comes back where the load generator points). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface LoadFigures {
  proxyRequests: number;
  proxyOk: number;
  webhookRequests: number;
  webhookOk: number;
  /** Pixel event ids of batches answered 200 (accepted or already stored). */
  storedEventIds: Set<string>;
  /** Orders whose webhook was answered 200, by webhook id. */
  ackedOrders: Map<string, RestOrder>;
  /** Orders whose webhook never got a 2xx yet (Shopify would retry them). */
  unacked: Map<string, RestOrder>;
  /** Answers by status (0 = no answer: connection refused or reset). */
  statuses: Record<string, number>;
}

/**
 * Steady load against one or more web processes: each lane alternates a storefront batch
 * through the signed app proxy and an orders/create webhook, keeping what got a 2xx.
 * `targets()` is read before every request, so a restarted server is picked up.
 */
export function startLoad(opts: { targets: () => string[]; lanes?: number; pauseMs?: number; salt: number; journeys?: boolean }) {
  const figures: LoadFigures = {
    proxyRequests: 0,
    proxyOk: 0,
    webhookRequests: 0,
    webhookOk: 0,
    storedEventIds: new Set(),
    ackedOrders: new Map(),
    unacked: new Map(),
    statuses: {},
  };
  const count = (status: number) => {
    figures.statuses[status] = (figures.statuses[status] ?? 0) + 1;
  };
  let running = true;
  let n = 0;
  let lastDown = 0;
  const lane = async (laneNo: number) => {
    while (running) {
      n++;
      const targets = opts.targets();
      const base = targets[n % targets.length]!;
      if (n % 2 === 0) {
        const clientId = `crash-${opts.salt}-${laneNo}-${n}`;
        const batch =
          opts.journeys === false
            ? pixelBatch({ clientId, events: [pixelEvent("page_viewed", Date.now() - 1000, { url: "https://shop.example.com/" }), pixelEvent("product_viewed", Date.now(), { url: "https://shop.example.com/p" })] })
            : checkoutJourney({ clientId, checkoutToken: randomUUID().replace(/-/g, ""), orderId: String(9_000_000 + n), email: `shopper.${n}@example.com` });
        figures.proxyRequests++;
        try {
          const res = await fetch(signedProxyUrl(base, "/proxy/events", { shop: TEST_SHOP, secret: TEST_API_SECRET }), {
            method: "POST",
            // Shopify's proxy forwards the shopper's address.
            headers: { "Content-Type": "text/plain;charset=UTF-8", "X-Forwarded-For": `198.51.100.${n % 250}, 10.0.0.1` },
            body: JSON.stringify(batch),
          });
          count(res.status);
          const body = (await res.json().catch(() => null)) as { accepted?: number; duplicates?: number; rejected?: unknown[] } | null;
          if (res.status === 200 && body && (body.rejected ?? []).length === 0) {
            figures.proxyOk++;
            for (const e of batch.events as Array<{ id: string }>) figures.storedEventIds.add(e.id);
          }
        } catch {
          // connection refused/reset while the server is down: not acknowledged, not counted
          count(0);
        }
      } else {
        const order = drillOrder(opts.salt);
        const webhookId = `wh-crash-${opts.salt}-${order.id}`;
        figures.webhookRequests++;
        const status = await postOrder(base, order, webhookId);
        count(status);
        if (status === 200) {
          figures.webhookOk++;
          figures.ackedOrders.set(webhookId, order);
        } else {
          figures.unacked.set(webhookId, order);
        }
      }
      // A client that got no answer backs off a little before trying again.
      const down = (figures.statuses["0"] ?? 0) > lastDown;
      lastDown = figures.statuses["0"] ?? 0;
      const pause = down ? 250 : opts.pauseMs ?? 0;
      if (pause) await new Promise((r) => setTimeout(r, pause));
    }
  };
  const lanes = Array.from({ length: opts.lanes ?? 4 }, (_, i) => lane(i));
  return {
    figures,
    async stop() {
      running = false;
      await Promise.all(lanes);
    },
    /** What Shopify does for a webhook that got no 2xx: send it again (same webhook id) until it does. */
    async redeliverUnacked(base: string) {
      for (const [webhookId, order] of [...figures.unacked]) {
        for (let i = 0; i < 20; i++) {
          const status = await postOrder(base, order, webhookId);
          if (status === 200) {
            figures.unacked.delete(webhookId);
            figures.ackedOrders.set(webhookId, order);
            break;
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      return figures.unacked.size;
    },
  };
}
