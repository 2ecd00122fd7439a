import { describe, expect, test } from "vitest";
import { COOKIE_LIFETIME_S, MAX_COOKIE_AGE_S, restoreFromEvents, type ClientEventIdentity } from "./restore";

const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2026, 11, 6, 8, 0, 0);

function ev(over: Partial<ClientEventIdentity>): ClientEventIdentity {
  return { receivedAt: NOW - DAY, consent: "1111", visitorId: "tlv-1", identity: {}, ...over };
}

describe("restoreFromEvents", () => {
  test("the newest value of each cookie, with what is left of its lifetime", () => {
    const out = restoreFromEvents(
      [
        ev({ receivedAt: NOW - 10 * DAY, identity: { cookies: { _fbp: "fb.1.1.old", _ga: "GA1.1.1.1" } } }),
        ev({ receivedAt: NOW - 2 * DAY, identity: { cookies: { _fbp: "fb.1.2.new", _ttp: "ttp-1" } } }),
      ],
      NOW,
    );
    expect(out.cookies._fbp).toEqual({ value: "fb.1.2.new", maxAge: COOKIE_LIFETIME_S._fbp - 2 * 24 * 3600 });
    // _ga lives 2 years, but no browser keeps a cookie past 400 days.
    expect(out.cookies._ga).toEqual({ value: "GA1.1.1.1", maxAge: MAX_COOKIE_AGE_S });
    expect(out.cookies._ttp?.value).toBe("ttp-1");
    expect(out.visitorId).toBe("tlv-1");
  });

  test("a cookie past its lifetime is not restored, even when an older report of another value would still live", () => {
    const out = restoreFromEvents([ev({ receivedAt: NOW - 91 * DAY, identity: { cookies: { _fbp: "fb.1.1.x", _ga: "GA1.1.2.2" } } })], NOW);
    expect(out.cookies._fbp).toBeUndefined();
    expect(out.cookies._ga?.value).toBe("GA1.1.2.2");
  });

  test("events without ads consent (marketing and sale of data) give nothing", () => {
    for (const consent of ["1000", "1100", "1011", "0111", "junk"]) {
      expect(restoreFromEvents([ev({ consent, identity: { cookies: { _fbp: "fb.1.1.x" }, clickIds: { gclid: { value: "g", at: 1 } } } })], NOW)).toEqual({
        visitorId: null,
        clickIds: {},
        cookies: {},
      });
    }
  });

  test("values that cannot be written back as a cookie, and names not on the list, are skipped", () => {
    const out = restoreFromEvents([ev({ identity: { cookies: { _fbp: "a;b=c", _epik: "x y", _ga_session: "GS1.1.1", _scid: "ok-1" } } })], NOW);
    expect(out.cookies).toEqual({ _scid: { value: "ok-1", maxAge: expect.any(Number) } });
  });
});
