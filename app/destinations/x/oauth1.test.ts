import { describe, expect, test } from "vitest";
import { baseStringUri, oauth1Header, oauth1Signature, percentEncode } from "./oauth1";

/**
 * The worked example of X's "Creating a signature" page (developer.twitter.com/en/docs/authentication/oauth-1-0a/creating-a-signature):
 * the same parameters must give the published signature. Its `status` is a form field there; the
 * base string sorts every parameter whatever its source, so it is passed in the query here.
 */
describe("OAuth 1.0a HMAC-SHA1", () => {
  test("reproduces the published example signature", () => {
    const url =
      "https://api.twitter.com/1.1/statuses/update.json?include_entities=true&status=" +
      encodeURIComponent("Hello Ladies + Gentlemen, a signed OAuth request!");
    const signature = oauth1Signature(
      "POST",
      url,
      {
        oauth_consumer_key: "xvz1evFS4wEEPTGEFPHBog",
        oauth_nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        oauth_signature_method: "HMAC-SHA1",
        oauth_timestamp: "1318622958",
        oauth_token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        oauth_version: "1.0",
      },
      "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
      "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    );
    expect(signature).toBe("hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
  });

  test("percent-encoding is RFC 3986 (reserved characters encoded, unreserved kept)", () => {
    expect(percentEncode("Ladies + Gentlemen!*'()~._-")).toBe("Ladies%20%2B%20Gentlemen%21%2A%27%28%29~._-");
  });

  test("base string URI drops the query and the default port, keeps a stand-in's port", () => {
    expect(baseStringUri("https://ads-api.x.com:443/12/measurement/conversions/o8z6j?x=1")).toBe("https://ads-api.x.com/12/measurement/conversions/o8z6j");
    expect(baseStringUri("http://127.0.0.1:4999/12/measurement/conversions/o8z6j")).toBe("http://127.0.0.1:4999/12/measurement/conversions/o8z6j");
  });

  test("the header is deterministic, and a different body or second gets a different nonce", () => {
    const creds = { consumerKey: "ck", consumerSecret: "cs", token: "t", tokenSecret: "ts" };
    const url = "https://ads-api.x.com/12/measurement/conversions/o8z6j";
    const a = oauth1Header("POST", url, { conversions: [1] }, creds, 1_700_000_000_000);
    expect(oauth1Header("POST", url, { conversions: [1] }, creds, 1_700_000_000_000)).toBe(a);
    const nonce = (h: string) => /oauth_nonce="([^"]+)"/.exec(h)?.[1];
    expect(nonce(oauth1Header("POST", url, { conversions: [2] }, creds, 1_700_000_000_000))).not.toBe(nonce(a));
    expect(nonce(oauth1Header("POST", url, { conversions: [1] }, creds, 1_700_000_001_000))).not.toBe(nonce(a));
    expect(a).toMatch(/^OAuth oauth_consumer_key="ck", oauth_nonce="[0-9a-f]{32}", oauth_signature="[^"]+", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1700000000", oauth_token="t", oauth_version="1.0"$/);
  });
});
