import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * The OAuth `state` parameter (ADR 0030): "<payload>.<mac>", both base64url. The payload
 * names the shop the consent is for, a random nonce and an expiry; the MAC is HMAC-SHA256
 * under a key derived (HKDF) from ENCRYPTION_KEY, so nobody without the key can make a state
 * for a shop, and a state made for one shop cannot be replayed for another. The callback
 * trusts only the shop inside a valid state.
 */

const PayloadSchema = z.object({ v: z.literal(1), shop: z.string().min(1).max(255), purpose: z.string().min(1).max(64), n: z.string().min(16), exp: z.number().int() });

export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

function stateKey(key: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), "trueline oauth state v1", 32));
}

function mac(key: Buffer, payload: string): string {
  return createHmac("sha256", stateKey(key)).update(payload).digest("base64url");
}

export function signOAuthState(key: Buffer, input: { shop: string; purpose: string; now: number; nonce?: string }): string {
  const payload = Buffer.from(
    JSON.stringify({ v: 1, shop: input.shop, purpose: input.purpose, n: input.nonce ?? randomBytes(18).toString("base64url"), exp: input.now + OAUTH_STATE_TTL_MS }),
  ).toString("base64url");
  return `${payload}.${mac(key, payload)}`;
}

export type StateCheck = { ok: true; shop: string } | { ok: false; reason: "malformed" | "bad-signature" | "expired" | "wrong-purpose" };

export function verifyOAuthState(key: Buffer, state: string, expected: { purpose: string; now: number }): StateCheck {
  const [payload, given, extra] = state.split(".");
  if (!payload || !given || extra !== undefined) return { ok: false, reason: "malformed" };
  const want = Buffer.from(mac(key, payload));
  const got = Buffer.from(given);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: "bad-signature" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const body = PayloadSchema.safeParse(parsed);
  if (!body.success) return { ok: false, reason: "malformed" };
  if (body.data.purpose !== expected.purpose) return { ok: false, reason: "wrong-purpose" };
  if (body.data.exp < expected.now) return { ok: false, reason: "expired" };
  return { ok: true, shop: body.data.shop };
}
