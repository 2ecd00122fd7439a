import { expect } from "vitest";
import { buildContext, buildConversion, buildStorefrontConversion, withoutIdentity } from "./factory";
import { response, type AdapterCases, type BuildCase, type ResponseCase } from "./types";
import type { GoogleAdsConfig } from "~/destinations/google-ads/config";

/**
 * Fixture tables for google-ads.test.ts. Hashes computed in the shell,
 * independently of the code under test:
 *   printf '%s' 'johnsmith@gmail.com' | sha256sum
 * Date: date -u -d @1762902353 '+%Y-%m-%d %H:%M:%S+00:00' → 2025-11-11 23:05:53+00:00
 */
const H = {
  /** " John.Smith@Gmail.com " → Google rules → "johnsmith@gmail.com" */
  email: "3586de92bb3636d0885a12eff961429a32e4ebd764b96f50d85d016f9338d586",
  /** "(650) 555-1212" + US → "+16505551212" (Google hashes E.164 WITH "+") */
  phone: "1e231c66011e7a2d867a9cfae267a6aff103cf4913640b6e71a99850fc0ffbc8",
  /** "07911 123456" + GB → "+447911123456" */
  phoneGb: "20b18ac9de7b3aad174961827d8e451c410af9aedfd1d699927f4b29b81aa1fa",
} as const;

export const CONFIG: GoogleAdsConfig = {
  customerId: "1234567890",
  conversionActionId: "987654321",
  developerToken: "dev-token-abc",
  accessToken: "ya29.access-token",
  enhancedConversions: true,
  uploadWithoutClickId: false,
};

const URL = "https://googleads.googleapis.com/v25/customers/1234567890:uploadClickConversions";
const HEADERS = {
  authorization: "Bearer ya29.access-token",
  "developer-token": "dev-token-abc",
  "content-type": "application/json",
};

const GCLID = "EAIaIQobChMI8ZqL3YDSggMVbBKtBh0ZVg5bEAAYASAAEgJp5fD_BwE";

const CONVERSION = {
  gclid: GCLID,
  conversionAction: "customers/1234567890/conversionActions/987654321",
  conversionDateTime: "2025-11-11 23:05:53+00:00",
  conversionValue: 142.52,
  currencyCode: "USD",
  orderId: "purchase-5975031431338",
  userIdentifiers: [{ hashedEmail: H.email }, { hashedPhoneNumber: H.phone }],
  consent: { adUserData: "GRANTED" },
};

function request(conversion: object, opts: { validateOnly?: boolean; url?: string; headers?: Record<string, string> } = {}) {
  return {
    kind: "request" as const,
    request: {
      method: "POST" as const,
      url: opts.url ?? URL,
      headers: opts.headers ?? HEADERS,
      body: { conversions: [conversion], partialFailure: true, validateOnly: opts.validateOnly ?? false },
    },
  };
}

const { gclid: _gclid, ...WITHOUT_CLICK_ID } = CONVERSION;

export const buildCases: BuildCase<GoogleAdsConfig>[] = [
  {
    name: "two orders from one click in the same second → the batch is refused, so each goes alone",
    events: [buildConversion(), buildConversion({ eventId: "purchase-5975031431999", orderId: "5975031431999" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: "two conversions with the same click and time go in separate requests" },
  },
  {
    name: "custom goals and the issue 13 storefront steps are not uploaded (one conversion action, for purchases)",
    events: [buildConversion({ name: "lead", eventId: "sh-0a1b2c3d-lead", goal: { source: "quote_request" } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'Google Ads uploads purchases only, not "lead"' },
  },
  {
    name: "purchase with gclid → click conversion with hashed email and +E.164 phone",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext(),
    expected: request(CONVERSION),
  },
  {
    name: "presentment currency → buyer's EUR value",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ currency: "presentment" }),
    expected: request({ ...CONVERSION, conversionValue: 131.1, currencyCode: "EUR" }),
  },
  {
    name: "test mode → validateOnly true (validated, not recorded)",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ testMode: true }),
    expected: request(CONVERSION, { validateOnly: true }),
  },
  {
    name: "baseUrlOverride replaces scheme and host, keeps path",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ baseUrlOverride: "http://127.0.0.1:4010" }),
    expected: request(CONVERSION, { url: "http://127.0.0.1:4010/v25/customers/1234567890:uploadClickConversions" }),
  },
  {
    name: "manager account → login-customer-id header",
    events: [buildConversion()],
    config: { ...CONFIG, loginCustomerId: "5556667777" },
    ctx: buildContext(),
    expected: request(CONVERSION, { headers: { ...HEADERS, "login-customer-id": "5556667777" } }),
  },
  {
    name: "no gclid → gbraid (one click id only)",
    events: [buildConversion({ clickIds: { gclid: undefined } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({ ...WITHOUT_CLICK_ID, gbraid: "0AAAAADdQK7S7Z1H5eCw3W0QkzxpAbCdEf" }),
  },
  {
    name: "only wbraid → wbraid",
    events: [buildConversion({ clickIds: { gclid: undefined, gbraid: " " } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({ ...WITHOUT_CLICK_ID, wbraid: "CjkKCQiAwJWdBhCYARIoAGwoQYMo4cGo5Yq1mTKjAWbqsWlC9fXq" }),
  },
  {
    name: "no click id → skip",
    events: [buildConversion({ clickIds: { gclid: undefined, gbraid: undefined, wbraid: undefined } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: "no Google click id (gclid, gbraid or wbraid)" },
  },
  {
    name: "no click id, uploadWithoutClickId → identifiers only (enhanced conversions for leads)",
    events: [buildConversion({ clickIds: { gclid: undefined, gbraid: undefined, wbraid: undefined } })],
    config: { ...CONFIG, uploadWithoutClickId: true },
    ctx: buildContext(),
    expected: request(WITHOUT_CLICK_ID),
  },
  {
    name: "no click id and no email or phone, uploadWithoutClickId → skip",
    events: [withoutIdentity(buildConversion())],
    config: { ...CONFIG, uploadWithoutClickId: true },
    ctx: buildContext(),
    expected: { kind: "skip", reason: "no Google click id and no email or phone to match on" },
  },
  {
    name: "two conversions → one request with both rows, in order",
    events: [buildConversion(), buildConversion({ eventId: "purchase-2", clickIds: { gclid: undefined } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: {
      kind: "request",
      request: {
        method: "POST",
        url: URL,
        headers: HEADERS,
        body: {
          conversions: [CONVERSION, { ...WITHOUT_CLICK_ID, gbraid: "0AAAAADdQK7S7Z1H5eCw3W0QkzxpAbCdEf", orderId: "purchase-2" }],
          partialFailure: true,
          validateOnly: false,
        },
      },
    },
  },
  {
    name: "developer token unset (sunset) → no developer-token header; manager id → login-customer-id",
    events: [buildConversion()],
    config: { ...CONFIG, developerToken: undefined, loginCustomerId: "1112223334" },
    ctx: buildContext(),
    expected: request(CONVERSION, {
      headers: { authorization: "Bearer ya29.access-token", "content-type": "application/json", "login-customer-id": "1112223334" },
    }),
  },
  {
    name: "no identity at all → skip",
    events: [withoutIdentity(buildConversion())],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: "no Google click id (gclid, gbraid or wbraid)" },
  },
  {
    name: "enhanced conversions off → no user identifiers",
    events: [buildConversion()],
    config: { ...CONFIG, enhancedConversions: false },
    ctx: buildContext(),
    expected: request({
      gclid: GCLID,
      conversionAction: CONVERSION.conversionAction,
      conversionDateTime: CONVERSION.conversionDateTime,
      conversionValue: 142.52,
      currencyCode: "USD",
      orderId: "purchase-5975031431338",
      consent: { adUserData: "GRANTED" },
    }),
  },
  {
    name: "click id but no user data, no consent record → conversion without identifiers or consent",
    events: [{ ...buildConversion({ user: { email: undefined, phone: undefined } }), consent: null }],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      gclid: GCLID,
      conversionAction: CONVERSION.conversionAction,
      conversionDateTime: CONVERSION.conversionDateTime,
      conversionValue: 142.52,
      currencyCode: "USD",
      orderId: "purchase-5975031431338",
    }),
  },
  {
    name: "marketing declined → adUserData DENIED",
    events: [buildConversion({ consent: { analytics: true, marketing: false, saleOfData: true } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({ ...CONVERSION, consent: { adUserData: "DENIED" } }),
  },
  {
    name: "UK phone → +44 E.164; plain email keeps its dots outside gmail",
    events: [buildConversion({ user: { email: "Person@Example.com", phone: "07911 123456", country: "GB" } })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      ...CONVERSION,
      userIdentifiers: [
        { hashedEmail: "542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345" },
        { hashedPhoneNumber: H.phoneGb },
      ],
    }),
  },
  {
    name: "no value → conversion without value and currency (action default applies)",
    events: [buildConversion({ value: undefined })],
    config: CONFIG,
    ctx: buildContext(),
    expected: request({
      gclid: GCLID,
      conversionAction: CONVERSION.conversionAction,
      conversionDateTime: CONVERSION.conversionDateTime,
      orderId: "purchase-5975031431338",
      userIdentifiers: CONVERSION.userIdentifiers,
      consent: { adUserData: "GRANTED" },
    }),
  },
  {
    name: "add_to_cart → skip (only purchases are uploaded)",
    events: [buildStorefrontConversion("add_to_cart")],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'Google Ads uploads purchases only, not "add_to_cart"' },
  },
  {
    name: "refund without the purchase it adjusts → skip",
    events: [buildConversion({ eventId: "refund-998877", name: "refund" })],
    config: CONFIG,
    ctx: buildContext(),
    expected: { kind: "skip", reason: 'no purchase to adjust for "refund"' },
  },
  {
    name: "cancel → RETRACTION of the purchase, by its order id, at the cancel time",
    events: [
      buildConversion({
        eventId: "cancel-5975031431338",
        name: "cancel",
        occurredAt: 1_762_902_353_000 + 3_600_000,
        adjustment: { type: "retraction", purchaseEventId: "purchase-5975031431338", purchaseOccurredAt: 1_762_902_353_000 },
      }),
    ],
    config: CONFIG,
    ctx: buildContext(),
    expected: {
      kind: "request",
      request: {
        method: "POST",
        url: "https://googleads.googleapis.com/v25/customers/1234567890:uploadConversionAdjustments",
        headers: expect.any(Object),
        body: {
          conversionAdjustments: [
            {
              conversionAction: "customers/1234567890/conversionActions/987654321",
              adjustmentType: "RETRACTION",
              adjustmentDateTime: "2025-11-12 00:05:53+00:00",
              orderId: "purchase-5975031431338",
            },
          ],
          partialFailure: true,
          validateOnly: false,
        },
      },
    },
  },
  {
    name: "older than 90 days → skip",
    events: [buildConversion()],
    config: CONFIG,
    ctx: buildContext({ now: 1_762_902_353_000 + 90 * 86_400_000 }),
    expected: { kind: "skip", reason: "older than Google Ads' 90-day click-through window" },
  },
];

const FAILURE_TYPE = "type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure";

function rowError(index: number, code: string, message: string) {
  return {
    errorCode: { conversionUploadError: code },
    message,
    location: { fieldPathElements: [{ fieldName: "conversions", index }, { fieldName: "gclid" }] },
  };
}

function partialFailure(errors: object[]) {
  return {
    partialFailureError: {
      code: 3,
      message: "partial failure",
      details: [{ "@type": FAILURE_TYPE, errors, requestId: "req-1" }],
    },
    results: [{}],
    jobId: "1234567890123",
  };
}

function rpcError(code: number, status: string, message: string, errors: object[] = []) {
  return {
    error: {
      code,
      message,
      status,
      details: errors.length > 0 ? [{ "@type": FAILURE_TYPE, errors, requestId: "req-2" }] : undefined,
    },
  };
}

export const responseCases: ResponseCase[] = [
  {
    name: "200 without partial failure → delivered, job id kept",
    response: response(200, {
      results: [{ gclid: GCLID, conversionAction: CONVERSION.conversionAction, conversionDateTime: CONVERSION.conversionDateTime }],
      jobId: "1234567890123",
    }),
    expected: { kind: "delivered", note: "job 1234567890123" },
  },
  {
    name: "200 validateOnly (empty body) → delivered",
    response: response(200, {}),
    expected: { kind: "delivered" },
  },
  {
    name: "ORDER_ID_ALREADY_IN_USE → delivered (an earlier attempt landed)",
    response: response(200, partialFailure([rowError(0, "ORDER_ID_ALREADY_IN_USE", "The order ID was already used.")])),
    expected: { kind: "per-event", outcomes: [{ kind: "delivered", note: "already uploaded (ORDER_ID_ALREADY_IN_USE)" }] },
  },
  {
    name: "CLICK_CONVERSION_ALREADY_EXISTS → delivered",
    response: response(200, partialFailure([rowError(0, "CLICK_CONVERSION_ALREADY_EXISTS", "Already exists.")])),
    expected: {
      kind: "per-event",
      outcomes: [{ kind: "delivered", note: "already uploaded (CLICK_CONVERSION_ALREADY_EXISTS)" }],
    },
  },
  {
    name: "TOO_RECENT_EVENT → retry in 6 hours",
    response: response(200, partialFailure([rowError(0, "TOO_RECENT_EVENT", "Retry after 6 hours.")])),
    expected: {
      kind: "per-event",
      outcomes: [{ kind: "retry", reason: "TOO_RECENT_EVENT: Retry after 6 hours.", retryAfterMs: 21_600_000 }],
    },
  },
  {
    name: "UNPARSEABLE_GCLID → fail",
    response: response(200, partialFailure([rowError(0, "UNPARSEABLE_GCLID", "The gclid could not be decoded.")])),
    expected: {
      kind: "per-event",
      outcomes: [{ kind: "fail", reason: "UNPARSEABLE_GCLID: The gclid could not be decoded." }],
    },
  },
  {
    name: "CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS → config-error",
    response: response(200, partialFailure([rowError(0, "CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS", "Accept the terms.")])),
    expected: {
      kind: "per-event",
      outcomes: [{ kind: "config-error", reason: "CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS: Accept the terms." }],
    },
  },
  {
    name: "per-row outcomes are index-aligned; rows without an error were uploaded",
    eventCount: 3,
    response: response(
      200,
      partialFailure([
        rowError(2, "EXPIRED_EVENT", "Click is outside the window."),
        rowError(0, "NO_CONVERSION_ACTION_FOUND", "No such action."),
      ]),
    ),
    expected: {
      kind: "per-event",
      outcomes: [
        { kind: "config-error", reason: "NO_CONVERSION_ACTION_FOUND: No such action." },
        { kind: "delivered" },
        { kind: "fail", reason: "EXPIRED_EVENT: Click is outside the window." },
      ],
    },
  },
  {
    name: "two errors on one row → the more serious wins",
    response: response(
      200,
      partialFailure([
        rowError(0, "TOO_RECENT_EVENT", "Retry after 6 hours."),
        rowError(0, "INVALID_USER_IDENTIFIER", "Hash the identifiers."),
      ]),
    ),
    expected: {
      kind: "per-event",
      outcomes: [{ kind: "fail", reason: "INVALID_USER_IDENTIFIER: Hash the identifiers." }],
    },
  },
  {
    name: "unreadable partial failure → fail every row, never delivered",
    eventCount: 2,
    response: response(200, { partialFailureError: { code: 3, message: "Something odd." } }),
    expected: {
      kind: "per-event",
      outcomes: [
        { kind: "fail", reason: "partial failure: Something odd." },
        { kind: "fail", reason: "partial failure: Something odd." },
      ],
    },
  },
  {
    name: "401 UNAUTHENTICATED → config-error",
    response: response(401, rpcError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")),
    expected: {
      kind: "config-error",
      reason: "HTTP 401 UNAUTHENTICATED: Request had invalid authentication credentials.",
    },
  },
  {
    name: "403 developer token not approved → config-error",
    response: response(
      403,
      rpcError(403, "PERMISSION_DENIED", "The caller does not have permission", [
        { errorCode: { authorizationError: "DEVELOPER_TOKEN_NOT_APPROVED" }, message: "The developer token is only approved for use with test accounts." },
      ]),
    ),
    expected: {
      kind: "config-error",
      reason:
        "HTTP 403 PERMISSION_DENIED: DEVELOPER_TOKEN_NOT_APPROVED: The developer token is only approved for use with test accounts.",
    },
  },
  {
    name: "400 with an authentication error → config-error",
    response: response(
      400,
      rpcError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", [
        { errorCode: { authenticationError: "CUSTOMER_NOT_FOUND" }, message: "No customer found for the provided customer id." },
      ]),
    ),
    expected: {
      kind: "config-error",
      reason: "HTTP 400 INVALID_ARGUMENT: CUSTOMER_NOT_FOUND: No customer found for the provided customer id.",
    },
  },
  {
    name: "400 with a request error → fail",
    response: response(
      400,
      rpcError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", [
        { errorCode: { requestError: "REQUIRED_FIELD_MISSING" }, message: "Required field was not specified." },
      ]),
    ),
    expected: {
      kind: "fail",
      reason: "HTTP 400 INVALID_ARGUMENT: REQUIRED_FIELD_MISSING: Required field was not specified.",
    },
  },
  {
    name: "404 → config-error (unknown customer or sunset API version)",
    response: response(404, "<html>Not Found</html>"),
    expected: {
      kind: "config-error",
      reason: "HTTP 404: <html>Not Found</html> (customer id not found, or API v25 has been sunset)",
    },
  },
  {
    name: "429 with quota retryDelay → retry after it",
    response: response(
      429,
      rpcError(429, "RESOURCE_EXHAUSTED", "Too many requests.", [
        {
          errorCode: { quotaError: "RESOURCE_TEMPORARILY_EXHAUSTED" },
          message: "Too many requests. Retry in 30 seconds.",
          details: { quotaErrorDetails: { rateScope: "DEVELOPER", rateName: "Number of operations", retryDelay: "30s" } },
        },
      ]),
    ),
    expected: {
      kind: "retry",
      reason: "HTTP 429 RESOURCE_EXHAUSTED: RESOURCE_TEMPORARILY_EXHAUSTED: Too many requests. Retry in 30 seconds.",
      retryAfterMs: 30_000,
    },
  },
  {
    name: "429 with Retry-After header → header wins",
    response: response(429, rpcError(429, "RESOURCE_EXHAUSTED", "Quota."), { "Retry-After": "12" }),
    expected: { kind: "retry", reason: "HTTP 429 RESOURCE_EXHAUSTED: Quota.", retryAfterMs: 12_000 },
  },
  {
    name: "429 without any delay → retry with the caller's backoff",
    response: response(429, ""),
    expected: { kind: "retry", reason: "HTTP 429: no details" },
  },
  {
    name: "503 UNAVAILABLE → retry",
    response: response(503, rpcError(503, "UNAVAILABLE", "The service is currently unavailable.")),
    expected: { kind: "retry", reason: "HTTP 503 UNAVAILABLE: The service is currently unavailable." },
  },
  {
    name: "500 with HTTP-date Retry-After → retry measured against Date",
    response: response(500, "oops", { "retry-after": "Tue, 11 Nov 2025 23:11:53 GMT", date: "Tue, 11 Nov 2025 23:10:53 GMT" }),
    expected: { kind: "retry", reason: "HTTP 500: oops", retryAfterMs: 60_000 },
  },
];

/** Raw identity values that must never appear in a serialised request. */
export const RAW_PII = ["John.Smith@Gmail.com", "johnsmith@gmail.com", "6505551212", "Raphaël", "O'Brien"];

export const googleAdsCases: AdapterCases<GoogleAdsConfig> = {
  config: CONFIG,
  rawPii: RAW_PII,
  buildCases,
  responseCases,
  // Purchases are click conversions; refunds, cancellations and edits adjust them (ADR 0026).
  eventNames: {
    page_view: null,
    view_content: null,
    search: null,
    add_to_cart: null,
    initiate_checkout: null,
    add_payment_info: null,
    purchase: "purchase",
    view_item_list: null,
    view_cart: null,
    remove_from_cart: null,
    add_shipping_info: null,
    lead: null,
    sign_up: null,
    subscribe: null,
    contact: null,
    refund: "adjustment (RESTATEMENT or RETRACTION)",
    cancel: "adjustment (RETRACTION)",
    order_edit: "adjustment (RESTATEMENT)",
  },
  purpose: "marketing",
  testEventCaveats: [{ name: "the test endpoint answers for everything", config: CONFIG, expected: null }],
  configAccepts: [
    {
      name: "the ids as the Ads UI shows them, with defaults",
      input: { customerId: " 123-456-7890 ", conversionActionId: "987654321", loginCustomerId: "", developerToken: "dev", accessToken: "ya29.x" },
      expected: {
        customerId: "1234567890",
        conversionActionId: "987654321",
        loginCustomerId: undefined,
        developerToken: "dev",
        accessToken: "ya29.x",
        enhancedConversions: true,
        uploadWithoutClickId: false,
      },
    },
    {
      name: "no tokens in the form (the app supplies them: OAuth grant, app config)",
      input: { customerId: "1234567890", conversionActionId: "1" },
      expected: { customerId: "1234567890", conversionActionId: "1", loginCustomerId: undefined, enhancedConversions: true, uploadWithoutClickId: false },
    },
  ],
  configRejects: [
    { name: "empty", input: {} },
    { name: "short customer id", input: { customerId: "12345", conversionActionId: "1", developerToken: "d", accessToken: "a" } },
    { name: "action id not a number", input: { customerId: "1234567890", conversionActionId: "Purchase", developerToken: "d", accessToken: "a" } },
    {
      name: "bad manager id",
      input: { customerId: "1234567890", conversionActionId: "1", loginCustomerId: "12", developerToken: "d", accessToken: "a" },
    },
  ],
  secretFields: ["developerToken", "accessToken"],
};
