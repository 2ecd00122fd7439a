import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getGrant } from "~/data/oauth-grants.server";
import { LINKEDIN_PROVIDER, LINKEDIN_RECONNECT_REASON } from "~/services/linkedin-auth.server";
import { linkedinOAuth, revokeLinkedInGrants } from "../standins";
import { adminFetch } from "../support/admin-http";
import { TEST_SHOP } from "../support/env";
import { testKey } from "../support/seed";
import { checkInvariants, HOUR, RIG_LINKEDIN_REDIRECT_URI, startRig, statusCounts, uniqueOrder, type Rig } from "../faults/rig";

/**
 * Issue 14 for LinkedIn (ADR 0045): the real server runs the consent flow and the callback over
 * HTTP; the real worker (injected clock) delivers; LinkedIn's OAuth endpoints and the
 * Conversions API are stand-ins whose access tokens live 60 days on the stand-in clock.
 * Connect → deliver → 59.5 days later the token is refreshed before it expires → an access
 * token LinkedIn forgets early is renewed on 401 → the member revokes the app: the destination
 * pauses with "Reconnect LinkedIn", orders wait → reconnect → they go out. Every order reaches
 * LinkedIn exactly once.
 */

const DAY = 24 * HOUR;
const QUANTUM_MS = 5 * 60_000;

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ kinds: ["linkedin"], timeoutMs: 5_000, seed: 45, linkedinOAuth: true });
  linkedinOAuth.reset();
  linkedinOAuth.redirectUris.add(RIG_LINKEDIN_REDIRECT_URI);
});
afterAll(async () => {
  await rig?.close();
});

async function connectOverHttp(): Promise<void> {
  const page = await adminFetch(rig.app.url, TEST_SHOP, "/app/destinations/linkedin", { method: "POST", body: new URLSearchParams({ intent: "linkedin-connect" }) });
  const html = await page.text();
  expect(page.status, html.slice(0, 300)).toBe(200);
  const href = /data-testid="linkedin-connect-url" href="([^"]+)"/.exec(html)?.[1];
  expect(href, "the page offers the consent URL").toBeDefined();
  const consentUrl = new URL(href!.replace(/&amp;/g, "&"));
  expect(`${consentUrl.origin}${consentUrl.pathname}`).toBe(`${new URL(rig.standins.urls.linkedin).origin}/oauth/v2/authorization`);
  expect(Object.fromEntries(consentUrl.searchParams)).toMatchObject({ response_type: "code", scope: "rw_conversions r_ads", redirect_uri: RIG_LINKEDIN_REDIRECT_URI });
  const consent = await fetch(consentUrl, { redirect: "manual" });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(RIG_LINKEDIN_REDIRECT_URI);
  const callback = await fetch(new URL(`${back.pathname}${back.search}`, rig.app.url), { redirect: "manual" });
  expect(callback.status, await callback.clone().text()).toBe(302);
  expect(callback.headers.get("location")).toContain(`https://${TEST_SHOP}/admin/apps/`);
  expect(callback.headers.get("location")).toContain("/app/destinations/linkedin");
}

describe("LinkedIn OAuth across access-token expiry and revocation (fake clock)", () => {
  it("a forged state or a Google state is refused and stores nothing", async () => {
    const forged = await fetch(new URL("/oauth/linkedin/callback?code=AQTx&state=eyJ2IjoxfQ.bad", rig.app.url), { redirect: "manual" });
    expect(forged.status).toBe(403);
    expect(await getGrant(rig.db, testKey(), TEST_SHOP, LINKEDIN_PROVIDER)).toBeNull();
    expect(linkedinOAuth.counts.exchanges, "no code was exchanged for a forged state").toBe(0);
  });

  it("the settings form asks for no access token when the server has a LinkedIn app", async () => {
    const html = await (await adminFetch(rig.app.url, TEST_SHOP, "/app/destinations/linkedin")).text();
    expect(html).toContain("Connect LinkedIn");
    expect(html).not.toContain('name="config.accessToken"');
    expect(html).toContain('name="config.purchaseRuleId"');
  });

  it("delivers, refreshes before expiry and on 401, pauses on a revoked grant, resumes on reconnect, loses and repeats nothing", async () => {
    const destId = rig.destinationIds.linkedin!;
    await connectOverHttp();
    expect((await getGrant(rig.db, testKey(), TEST_SHOP, LINKEDIN_PROVIDER))?.status).toBe("active");
    expect(linkedinOAuth.counts.exchanges).toBe(1);

    const eventIds: string[] = [];
    const order = async (n: number) => {
      for (let i = 0; i < n; i++) {
        // Placed on the real clock (the server's), delivered on the worker's fake clock.
        const o = uniqueOrder(Date.now());
        expect(await rig.postOrder(o)).toBe(200);
        eventIds.push(`purchase-${o.id}`);
      }
      await rig.drain({ quantumMs: QUANTUM_MS });
    };
    const delivered = async () => (await statusCounts(rig.db, destId)).delivered ?? 0;

    await order(3);
    expect(await delivered()).toBe(3);
    expect(linkedinOAuth.counts.refreshes, "a fresh 60-day token needs no refresh").toBe(0);

    // 59.5 days on: inside the one-day margin, the token is refreshed before LinkedIn would refuse it.
    rig.clock.set(rig.clock.now() + 59.5 * DAY);
    // Let the worker's housekeeping (retention sweep) run for the jump before new webhooks arrive:
    // they are stored on the real clock, which is now 59 days "old" for the sweep.
    await rig.drain({ quantumMs: QUANTUM_MS });
    const refusedBefore = rig.standins.rejected("linkedin").length;
    await order(2);
    expect(await delivered()).toBe(5);
    expect(linkedinOAuth.counts.refreshes).toBe(1);
    expect(rig.standins.rejected("linkedin").length, "no request was refused for an expired token").toBe(refusedBefore);

    // LinkedIn forgets the access token early (401): renewed once and re-sent.
    linkedinOAuth.accessTokens.clear();
    await order(1);
    expect(await delivered()).toBe(6);
    expect(linkedinOAuth.counts.refreshes).toBe(2);

    // The member removes the app in LinkedIn: the refresh token is revoked.
    expect(revokeLinkedInGrants()).toBe(1);
    await order(2);
    const dest = await rig.db.destination.findUniqueOrThrow({ where: { id: destId } });
    expect(dest.pausedAt, "paused, not looping").not.toBeNull();
    expect(dest.pausedReason).toContain(LINKEDIN_RECONNECT_REASON);
    expect(dest.pausedReason).toContain("invalid_grant");
    const held = await statusCounts(rig.db, destId);
    expect(held.failed ?? 0, "nothing failed while waiting").toBe(0);
    expect(held.delivered).toBe(6);
    expect((held.pending ?? 0) + (held.retrying ?? 0), "the orders placed after the revocation wait").toBe(2);
    const requestsWhilePaused = rig.standins.requests("linkedin");
    rig.clock.advance(HOUR);
    await rig.drain({ quantumMs: QUANTUM_MS });
    expect(rig.standins.requests("linkedin"), "paused: no more tries").toBe(requestsWhilePaused);
    const admin = await (await adminFetch(rig.app.url, TEST_SHOP, "/app/destinations/linkedin")).text();
    expect(admin).toContain("Reconnect LinkedIn");

    // Reconnect: what waited goes out, and delivery goes on.
    await connectOverHttp();
    expect((await rig.db.destination.findUniqueOrThrow({ where: { id: destId } })).pausedAt).toBeNull();
    await rig.drain({ quantumMs: QUANTUM_MS });
    await order(2);

    const figures = await checkInvariants(rig, { only: eventIds });
    const li = figures.linkedin!;
    expect(li.statuses).toEqual({ delivered: eventIds.length });
    const received = new Set(rig.standins.received("linkedin").map((e) => e.eventId));
    expect(eventIds.every((id) => received.has(id)), "every order reached LinkedIn").toBe(true);
    expect(rig.standins.dedupedCount("linkedin"), "nothing sent twice").toBe(0);
    expect(li.repeats).toBe(0);
    expect(linkedinOAuth.counts.exchanges).toBe(2);
    console.log(
      `linkedin drill: ${eventIds.length} orders over ${((rig.clock.now() - Date.now()) / DAY).toFixed(1)} simulated days ahead; ` +
        `${linkedinOAuth.counts.refreshes} refreshes, ${linkedinOAuth.counts.exchanges} code exchanges, ${linkedinOAuth.counts.invalidGrant} invalid_grant; repeats ${li.repeats}`,
    );
  }, 600_000);
});
