import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getGrant, takeRefreshLease } from "~/data/oauth-grants.server";
import { googleAdsAccessToken, GOOGLE_PROVIDER, RECONNECT_REASON } from "~/services/google-ads-auth.server";
import { GOOGLE_OAUTH_CREDENTIALS, googleOAuth, revokeGoogleGrants } from "../standins";
import { accessTokenValid } from "../standins/google-oauth";
import { adminFetch } from "../support/admin-http";
import { TEST_SHOP } from "../support/env";
import { testKey } from "../support/seed";
import { checkInvariants, HOUR, RIG_GOOGLE_REDIRECT_URI, startRig, statusCounts, uniqueOrder, type Rig } from "../faults/rig";

/**
 * Issue 14's "done when" for Google Ads: delivery keeps going across access-token expiry on a
 * fake clock. The real server takes the orders and runs the OAuth callback; the real worker
 * (injected clock) delivers; Google's token endpoint and the Ads API are stand-ins whose
 * access tokens expire every simulated hour (3,599 s). Connect over HTTP → 4 h of orders →
 * the merchant revokes access at Google → the destination pauses with "Reconnect", orders keep
 * arriving and wait → reconnect over HTTP → they go out → 4 more hours. Every order reaches
 * Google exactly once; nothing fails, nothing is dropped, nothing loops.
 */

const EVERY_MS = 10 * 60_000;
const QUANTUM_MS = 5 * 60_000;

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ kinds: ["google-ads"], timeoutMs: 5_000, seed: 14 });
  googleOAuth.redirectUris.add(RIG_GOOGLE_REDIRECT_URI);
});
afterAll(async () => {
  await rig?.close();
});

/** The merchant clicks "Connect Google Ads", allows access at Google, and lands back in the admin. */
async function connectOverHttp(): Promise<void> {
  const page = await adminFetch(rig.app.url, TEST_SHOP, "/app/destinations/google-ads", { method: "POST", body: new URLSearchParams({ intent: "google-connect" }) });
  const html = await page.text();
  expect(page.status, html.slice(0, 300)).toBe(200);
  const href = /data-testid="google-connect-url" href="([^"]+)"/.exec(html)?.[1];
  expect(href, "the page offers the consent URL").toBeDefined();
  const consentUrl = new URL(href!.replace(/&amp;/g, "&"));
  expect(consentUrl.origin).toBe(new URL(rig.standins.urls["google-ads"]).origin);
  expect(Object.fromEntries(consentUrl.searchParams)).toMatchObject({
    response_type: "code",
    access_type: "offline",
    prompt: "consent",
    scope: "https://www.googleapis.com/auth/adwords",
    redirect_uri: RIG_GOOGLE_REDIRECT_URI,
  });
  const consent = await fetch(consentUrl, { redirect: "manual" });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(RIG_GOOGLE_REDIRECT_URI);
  // The browser follows Google's redirect to our server (here: its real address).
  const callback = await fetch(new URL(`${back.pathname}${back.search}`, rig.app.url), { redirect: "manual" });
  expect(callback.status, await callback.clone().text()).toBe(302);
  expect(callback.headers.get("location")).toContain(`https://${TEST_SHOP}/admin/apps/`);
}

describe("Google Ads across access-token expiry (fake clock)", () => {
  it("a forged or replayed state is refused and stores nothing", async () => {
    const forged = await fetch(new URL("/oauth/google-ads/callback?code=4/0x&state=eyJ2IjoxfQ.bad", rig.app.url), { redirect: "manual" });
    expect(forged.status).toBe(403);
    expect(await getGrant(rig.db, testKey(), TEST_SHOP, GOOGLE_PROVIDER)).toBeNull();
  });

  it("keeps delivering for hours of hourly tokens, pauses on a revoked grant, resumes on reconnect, loses and repeats nothing", async () => {
    const destId = rig.destinationIds["google-ads"]!;
    await connectOverHttp();
    expect((await getGrant(rig.db, testKey(), TEST_SHOP, GOOGLE_PROVIDER))?.status).toBe("active");

    const t0 = rig.clock.now();
    const eventIds: string[] = [];
    const placeOrdersUntil = async (until: number) => {
      while (rig.clock.now() + EVERY_MS <= until) {
        await rig.drain({ until: rig.clock.now() + EVERY_MS, quantumMs: QUANTUM_MS });
        rig.clock.set(rig.clock.now() + EVERY_MS);
        const order = uniqueOrder(rig.clock.now());
        expect(await rig.postOrder(order)).toBe(200);
        eventIds.push(`purchase-${order.id}`);
      }
      await rig.drain({ until, quantumMs: QUANTUM_MS });
    };

    // Four hours: tokens expire every hour and are refreshed ahead of time.
    await placeOrdersUntil(t0 + 4 * HOUR);
    const refreshesBefore = googleOAuth.counts.refreshes;
    expect(refreshesBefore, "about one refresh per simulated hour").toBeGreaterThanOrEqual(3);
    expect(refreshesBefore).toBeLessThanOrEqual(6);
    const beforeRevoke = eventIds.length;
    expect((await statusCounts(rig.db, destId)).delivered).toBe(beforeRevoke);

    // The merchant removes Trueline's access in their Google account.
    expect(revokeGoogleGrants()).toBeGreaterThanOrEqual(1);
    await placeOrdersUntil(t0 + 5 * HOUR);
    const dest = await rig.db.destination.findUniqueOrThrow({ where: { id: destId } });
    expect(dest.pausedAt, "paused, not looping").not.toBeNull();
    expect(dest.pausedReason).toContain(RECONNECT_REASON);
    expect(dest.pausedReason).toContain("invalid_grant");
    const held = await statusCounts(rig.db, destId);
    expect(held.failed ?? 0, "nothing failed while waiting").toBe(0);
    expect(held.delivered).toBeLessThan(eventIds.length);
    expect((held.pending ?? 0) + (held.retrying ?? 0), "the orders of the paused hour wait").toBe(eventIds.length - held.delivered!);
    const invalidGrants = googleOAuth.counts.invalidGrant;
    expect(invalidGrants).toBeGreaterThanOrEqual(1);
    // Paused means no more tries: another simulated hour changes nothing at Google.
    const requestsWhilePaused = rig.standins.requests("google-ads");
    rig.clock.advance(HOUR);
    await rig.drain({ quantumMs: QUANTUM_MS });
    expect(rig.standins.requests("google-ads")).toBe(requestsWhilePaused);
    const admin = await (await adminFetch(rig.app.url, TEST_SHOP, "/app/destinations/google-ads")).text();
    expect(admin).toContain("Reconnect Google Ads");

    // Reconnect: what waited goes out, then four more hours.
    await connectOverHttp();
    expect((await rig.db.destination.findUniqueOrThrow({ where: { id: destId } })).pausedAt).toBeNull();
    await rig.drain({ quantumMs: QUANTUM_MS });
    await placeOrdersUntil(rig.clock.now() + 4 * HOUR);
    await rig.drain({ quantumMs: QUANTUM_MS });

    const simulatedH = (rig.clock.now() - t0) / HOUR;
    expect(simulatedH).toBeGreaterThanOrEqual(9);
    const figures = await checkInvariants(rig, { only: eventIds });
    const g = figures["google-ads"]!;
    expect(g.statuses).toEqual({ delivered: eventIds.length });
    const received = new Set(rig.standins.received("google-ads").filter((e) => !e.test).map((e) => e.eventId));
    expect(eventIds.every((id) => received.has(id)), "every order reached Google").toBe(true);
    expect(rig.standins.dedupedCount("google-ads"), "nothing sent twice").toBe(0);
    expect(g.repeats).toBe(0);
    console.log(
      `google-ads drill: ${eventIds.length} orders over ${simulatedH.toFixed(1)} simulated h; ` +
        `${googleOAuth.counts.refreshes} refreshes, ${googleOAuth.counts.exchanges} code exchanges, ` +
        `${googleOAuth.counts.invalidGrant} invalid_grant; delivered ${g.statuses.delivered}, repeats ${g.repeats}`,
    );
    expect(googleOAuth.counts.exchanges).toBe(2);
  }, 900_000); // 10 simulated hours: ~40 s on SQLite, longer on PostgreSQL on a loaded 2-core machine

  it("concurrent sends share one refresh (in process), and the grant row lets one process refresh at a time", async () => {
    const grant = await getGrant(rig.db, testKey(), TEST_SHOP, GOOGLE_PROVIDER);
    expect(grant?.status).toBe("active");
    // Let the token run out, then ask for it 25 times at once.
    rig.clock.advance(2 * HOUR);
    const deps = { db: rig.db, key: testKey(), now: rig.clock.now, google: rig.google };
    const before = googleOAuth.counts.refreshes;
    const tokens = await Promise.all(Array.from({ length: 25 }, () => googleAdsAccessToken(deps, TEST_SHOP)));
    expect(googleOAuth.counts.refreshes - before).toBe(1);
    expect(new Set(tokens.map((t) => (t.kind === "token" ? t.accessToken : t.kind))).size).toBe(1);

    // Two processes read the same version: only one may take the refresh.
    const row = (await getGrant(rig.db, testKey(), TEST_SHOP, GOOGLE_PROVIDER))!;
    const now = new Date(rig.clock.now());
    const taken = await Promise.all([takeRefreshLease(rig.db, row.id, row.version, now, 30_000), takeRefreshLease(rig.db, row.id, row.version, now, 30_000)]);
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it("Disconnect revokes the grant at Google (the token is refused afterwards) and deletes our copy, even when Google does not answer", async () => {
    const disconnect = async () => {
      const page = await adminFetch(rig.app.url, TEST_SHOP, "/app/destinations/google-ads", { method: "POST", body: new URLSearchParams({ intent: "google-disconnect" }) });
      expect(page.status, (await page.clone().text()).slice(0, 300)).toBe(200);
    };
    await connectOverHttp();
    const grant = (await getGrant(rig.db, testKey(), TEST_SHOP, GOOGLE_PROVIDER))!;
    expect(grant.status).toBe("active");
    expect(accessTokenValid(grant.accessToken, rig.clock.now()), "the access token works before").toBe(true);
    const before = googleOAuth.revocations.length;

    await disconnect();
    expect(googleOAuth.revocations.slice(before), "one revocation of the refresh token reached Google").toEqual([{ token: grant.refreshToken, kind: "refresh", status: 200 }]);
    expect(await getGrant(rig.db, testKey(), TEST_SHOP, GOOGLE_PROVIDER), "our copy is gone").toBeNull();
    // Afterwards Google refuses the token: a refresh is invalid_grant, the access token is dead.
    const refresh = await fetch(new URL("/token", rig.standins.urls["google-ads"]), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: grant.refreshToken, client_id: GOOGLE_OAUTH_CREDENTIALS.clientId, client_secret: GOOGLE_OAUTH_CREDENTIALS.clientSecret }),
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe("invalid_grant");
    expect(accessTokenValid(grant.accessToken, rig.clock.now())).toBe(false);

    // Google unavailable: our copy is deleted all the same (best effort), the grant stays live at Google.
    await connectOverHttp();
    const second = (await getGrant(rig.db, testKey(), TEST_SHOP, GOOGLE_PROVIDER))!;
    googleOAuth.revokeUnavailable = true;
    try {
      await disconnect();
    } finally {
      googleOAuth.revokeUnavailable = false;
    }
    expect(googleOAuth.revocations.at(-1)).toEqual({ token: second.refreshToken, kind: "refresh", status: 503 });
    expect(await getGrant(rig.db, testKey(), TEST_SHOP, GOOGLE_PROVIDER)).toBeNull();
    expect(googleOAuth.grants.get(second.refreshToken)?.revoked).toBe(false);
  });
});
