/**
 * Request builders for the Microsoft, Reddit and X stand-ins, shared by standins.test.ts (the
 * fault tables every platform runs) and standins-14a.test.ts (what each one checks). The X
 * requests are signed with OAuth 1.0a exactly as the adapter signs them; the stand-in verifies
 * the signature with its own implementation.
 */
import { oauth1Header } from "../../app/destinations/x/oauth1";
import { sha256Hex, TEST_CUSTOMER } from "./hashes";
import type { Standins } from "./types";

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function call(url: string, init: RequestInit): Promise<CallResult> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, headers: res.headers, body, text };
}

const cred = (s: Standins, kind: "microsoft" | "reddit" | "x", name: string): string => {
  const value = s.credentials[kind][name];
  if (value === undefined) throw new Error(`no credential ${kind}.${name}`);
  return value;
};

const post = (body: unknown, headers: Record<string, string>): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

export function microsoftCall(s: Standins, body: unknown, o: { token?: string | null; tagId?: string } = {}): Promise<CallResult> {
  const token = o.token === undefined ? cred(s, "microsoft", "accessToken") : o.token;
  return call(`${s.urls.microsoft}/v1/${o.tagId ?? cred(s, "microsoft", "tagId")}/events`, post(body, token === null ? {} : { authorization: `Bearer ${token}` }));
}

export function redditCall(s: Standins, body: unknown, o: { token?: string | null; pixelId?: string } = {}): Promise<CallResult> {
  const token = o.token === undefined ? cred(s, "reddit", "accessToken") : o.token;
  return call(
    `${s.urls.reddit}/api/v3/pixels/${o.pixelId ?? cred(s, "reddit", "pixelId")}/conversion_events`,
    post(body, token === null ? {} : { authorization: `Bearer ${token}` }),
  );
}

export function xCall(
  s: Standins,
  body: unknown,
  o: { now: number; pixelId?: string; version?: string; consumerSecret?: string; tokenSecret?: string; authorization?: string },
): Promise<CallResult> {
  const url = `${s.urls.x}/${o.version ?? "12"}/measurement/conversions/${o.pixelId ?? cred(s, "x", "pixelId")}`;
  const authorization =
    o.authorization ??
    oauth1Header(
      "POST",
      url,
      body,
      {
        consumerKey: cred(s, "x", "consumerKey"),
        consumerSecret: o.consumerSecret ?? cred(s, "x", "consumerSecret"),
        token: cred(s, "x", "accessToken"),
        tokenSecret: o.tokenSecret ?? cred(s, "x", "accessTokenSecret"),
      },
      o.now,
    );
  return call(url, post(body, { authorization }));
}

const PAGE = "https://shop.example.com/checkouts/cn/abc/thank-you";
const EMAIL_NO_DOTS = sha256Hex("johnsmith@gmail.com");
const PHONE_E164 = sha256Hex("+16505551212");

export function microsoftEvent(nowS: number, over: Record<string, unknown> = {}, user: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventType: "custom",
    eventId: "order-100234",
    eventName: "purchase",
    eventTime: nowS - 60,
    eventSourceUrl: PAGE,
    adStorageConsent: "G",
    userData: {
      em: EMAIL_NO_DOTS,
      ph: PHONE_E164,
      clientIpAddress: TEST_CUSTOMER.ip,
      clientUserAgent: TEST_CUSTOMER.userAgent,
      msclkid: "2d7a1f0c9b3e4a5f8c6d1e2f3a4b5c6d",
      ...user,
    },
    customData: { value: 142.52, currency: "USD", transactionId: "100234", pageType: "purchase" },
    ...over,
  };
}

export function redditEvent(nowMs: number, over: Record<string, unknown> = {}, user: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_at: nowMs - 60_000,
    action_source: "WEBSITE",
    type: { tracking_type: "PURCHASE" },
    click_id: "AQAAAZWuiA0DAAAAAB_Kb2VYbSMGSUx1ZXGrY2h6bUZb",
    event_source_url: PAGE,
    user: { email: EMAIL_NO_DOTS, phone_number: PHONE_E164, ip_address: TEST_CUSTOMER.ip, user_agent: TEST_CUSTOMER.userAgent, ...user },
    metadata: { conversion_id: "order-100234", value: 142.52, currency: "USD", item_count: 1 },
    ...over,
  };
}

export function xConversion(nowMs: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    conversion_time: new Date(nowMs - 60_000).toISOString(),
    event_id: "o87ne",
    identifiers: [
      { twclid: "23opevjt88psuo13lu8d020qkn" },
      { hashed_email: sha256Hex("john.smith@gmail.com") },
      { hashed_phone_number: PHONE_E164 },
      { ip_address: TEST_CUSTOMER.ip, user_agent: TEST_CUSTOMER.userAgent },
    ],
    conversion_id: "order-100234",
    value: 142.52,
    price_currency: "USD",
    number_items: 1,
    ...over,
  };
}
