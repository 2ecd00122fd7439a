import "@shopify/shopify-api/adapters/node";
import { createHmac } from "node:crypto";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAppProxySignature } from "./app-proxy-signature.server";

const SECRET = "proxy-test-secret";
const utils = shopifyApi({
  apiKey: "k",
  apiSecretKey: SECRET,
  apiVersion: ApiVersion.October25,
  hostName: "trueline.test",
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: () => undefined },
}).utils;

/** The library's verdict: true / false, or "throws" (repeated, missing or stale). */
async function library(params: URLSearchParams): Promise<boolean | "throws"> {
  try {
    return await utils.validateHmac(params, { signator: "appProxy" });
  } catch {
    return "throws";
  }
}

function ours(params: URLSearchParams): boolean | "throws" {
  const r = checkAppProxySignature(params, SECRET, Math.trunc(Date.now() / 1000));
  return r.ok ? true : r.reason === "invalid-signature" ? false : "throws";
}

/** Sign as Shopify does (written independently: sorted by localeCompare, repeated keys joined). */
function sign(pairs: Array<[string, string]>, secret: string): string {
  const groups = new Map<string, string[]>();
  for (const [k, v] of pairs) if (k !== "signature" && k !== "hmac") groups.set(k, [...(groups.get(k) ?? []), v]);
  const message = [...groups.keys()].sort((a, b) => a.localeCompare(b)).map((k) => `${k}=${groups.get(k)!.join(",")}`).join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

const key = fc.oneof(fc.constantFrom("shop", "timestamp", "path_prefix", "logged_in_customer_id", "clientId", "hmac", "signature", "a", "B", "_x", "ä", "z"), fc.string({ maxLength: 8 }));
const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", ",", "a,b", "é", "\u{1F600}"));

describe("app proxy signature with node:crypto agrees with @shopify/shopify-api's validateHmac", () => {
  it("on generated queries: repeated keys, odd keys and values, good, wrong, missing and stale signatures and timestamps", async () => {
    const now = Math.trunc(Date.now() / 1000);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(key, value), { maxLength: 6 }),
        fc.constantFrom("good", "good", "wrong", "none", "empty", "twice"),
        fc.oneof(fc.constantFrom(0, -30, 89, -89, 91, -91, 3600), fc.integer({ min: -200, max: 200 })),
        fc.constantFrom("int", "missing", "float", "text", "twice"),
        async (extra, sig, skew, tsKind) => {
          const pairs: Array<[string, string]> = [["shop", "a.myshopify.com"], ...extra.filter(([k]) => k !== "timestamp" && k !== "signature")];
          const ts = String(now + skew);
          if (tsKind === "int") pairs.push(["timestamp", ts]);
          if (tsKind === "float") pairs.push(["timestamp", `${ts}.5`]);
          if (tsKind === "text") pairs.push(["timestamp", "soon"]);
          if (tsKind === "twice") pairs.push(["timestamp", ts], ["timestamp", ts]);
          const signature = sign(pairs, SECRET);
          if (sig === "good") pairs.push(["signature", signature]);
          if (sig === "wrong") pairs.push(["signature", sign(pairs, "another secret")]);
          if (sig === "empty") pairs.push(["signature", ""]);
          if (sig === "twice") pairs.push(["signature", signature], ["signature", signature]);
          const params = new URLSearchParams(pairs);
          expect(ours(params)).toBe(await library(params));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("accepts a good signature over repeated keys and refuses a tampered value", async () => {
    const pairs: Array<[string, string]> = [["shop", "a.myshopify.com"], ["timestamp", String(Math.trunc(Date.now() / 1000))], ["ids", "1"], ["ids", "2"], ["path_prefix", "/apps/trueline"]];
    const good = new URLSearchParams([...pairs, ["signature", sign(pairs, SECRET)]]);
    expect(ours(good)).toBe(true);
    expect(await library(good)).toBe(true);
    const tampered = new URLSearchParams(good);
    tampered.set("path_prefix", "/apps/other");
    expect(ours(tampered)).toBe(false);
    expect(await library(tampered)).toBe(false);
  });
});
