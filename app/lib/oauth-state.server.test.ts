import { describe, expect, it } from "vitest";
import { OAUTH_STATE_TTL_MS, signOAuthState, verifyOAuthState } from "./oauth-state.server";

const key = Buffer.alloc(32, 7);
const other = Buffer.alloc(32, 8);
const now = 1_800_000_000_000;

describe("OAuth state", () => {
  it("round-trips the shop it was made for", () => {
    const state = signOAuthState(key, { shop: "a.myshopify.com", purpose: "google-ads", now });
    expect(verifyOAuthState(key, state, { purpose: "google-ads", now: now + 1000 })).toEqual({ ok: true, shop: "a.myshopify.com" });
  });
  it("is unguessable: two states for the same shop and time differ", () => {
    expect(signOAuthState(key, { shop: "a", purpose: "p", now })).not.toBe(signOAuthState(key, { shop: "a", purpose: "p", now }));
  });
  it("refuses another key, a changed shop, another purpose, an expired state and garbage", () => {
    const state = signOAuthState(key, { shop: "a.myshopify.com", purpose: "google-ads", now });
    expect(verifyOAuthState(other, state, { purpose: "google-ads", now })).toEqual({ ok: false, reason: "bad-signature" });
    const [payload, mac] = state.split(".");
    const forged = Buffer.from(Buffer.from(payload!, "base64url").toString().replace("a.myshopify.com", "b.myshopify.com")).toString("base64url");
    expect(verifyOAuthState(key, `${forged}.${mac}`, { purpose: "google-ads", now })).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyOAuthState(key, state, { purpose: "linkedin", now })).toEqual({ ok: false, reason: "wrong-purpose" });
    expect(verifyOAuthState(key, state, { purpose: "google-ads", now: now + OAUTH_STATE_TTL_MS + 1 })).toEqual({ ok: false, reason: "expired" });
    for (const junk of ["", "x", "a.b.c", `${payload}.`]) expect(verifyOAuthState(key, junk, { purpose: "google-ads", now }).ok).toBe(false);
  });
});
