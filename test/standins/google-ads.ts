/**
 * Google Ads API stand-in: POST /v{N}/customers/{customer_id}:uploadClickConversions (REST).
 *
 * Docs: https://developers.google.com/google-ads/api/reference/rpc/latest/ConversionUploadService
 *       https://developers.google.com/google-ads/api/reference/rpc/latest/UploadClickConversionsRequest
 *       https://developers.google.com/google-ads/api/docs/best-practices/partial-failures
 *       https://developers.google.com/google-ads/api/reference/rpc/latest/ConversionUploadErrorEnum.ConversionUploadError
 *       https://developers.google.com/google-ads/api/docs/api-policy/developer-token (sunset)
 * Field names and enum texts follow googleapis/googleapis google/ads/googleads/v19 protos
 * (services/conversion_upload_service.proto, errors/conversion_upload_error.proto, errors/date_error.proto).
 *
 * - Auth: `Authorization: Bearer <OAuth token>`. The `developer-token` header is accepted and
 *   ignored: Google sunset developer tokens on 2026-09-09 ("optional and ignored by the API servers").
 * - `partial_failure` must be true (else PARTIAL_FAILURE_MODE_REQUIRED). Bad rows come back in
 *   `partialFailureError` (google.rpc.Status with a GoogleAdsFailure detail) and an empty result.
 * - Request JSON is read in both proto field spellings (snake_case and lowerCamelCase, as the
 *   REST gateway does); responses use lowerCamelCase.
 */
import {
  bearerToken,
  hashProblem,
  isNonEmptyString,
  isRecord,
  looksHashed,
} from "./checks";
import {
  parseJson,
  traceId,
  type AcceptedEvent,
  type HandlerContext,
  type Outcome,
  type PlatformStandin,
  type Refusal,
  type Reply,
  type StandinRequest,
} from "./server";
import { accessTokenValid, googleOAuth, handleGoogleOAuth } from "./google-oauth";

export const GOOGLE_ADS_CREDENTIALS = {
  customerId: "1234567890",
  accessToken: "ya29.standin-google-ads-oauth-token",
  /** Sent by older clients; the stand-in, like Google since the sunset, ignores it. */
  developerToken: "STANDINdevTOKEN0000001",
  conversionActionId: "987654321",
  conversionAction: "customers/1234567890/conversionActions/987654321",
  /** A manager (MCC) account that manages customerId: accepted in login-customer-id. */
  managerCustomerId: "9998887776",
} as const;

/** The account's conversion actions, as googleAds:search lists them. */
export const GOOGLE_ADS_CONVERSION_ACTIONS = [
  { id: "987654321", name: "Purchase (Trueline)", type: "UPLOAD_CLICKS", status: "ENABLED" },
  { id: "987654322", name: "Offline purchase (CRM)", type: "UPLOAD_CLICKS", status: "ENABLED" },
  { id: "55501", name: "Website purchase (tag)", type: "WEBPAGE", status: "ENABLED" },
  { id: "55502", name: "Old import", type: "UPLOAD_CLICKS", status: "REMOVED" },
] as const;

/** "Upload fewer than 2001 events in a single request." (TOO_MANY_CONVERSIONS_IN_REQUEST) */
const MAX_CONVERSIONS = 2000;
const MAX_USER_IDENTIFIERS = 5;
/** "yyyy-mm-dd hh:mm:ss+|-hh:mm", e.g. "2019-01-01 12:32:45-08:00". */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;
const CONVERSION_ACTION = /^customers\/(\d+)\/conversionActions\/(\d+)$/;
const CLICK_ID = /^[A-Za-z0-9_-]+$/;
const CONSENT_VALUES = ["GRANTED", "DENIED", "UNSPECIFIED", "UNKNOWN"];

interface AdsError {
  errorCode: Record<string, string>;
  message: string;
  location?: {
    fieldPathElements: Array<{ fieldName: string; index?: number }>;
  };
}

/** Read a proto field in either JSON spelling. */
function field(obj: Record<string, unknown>, snake: string): unknown {
  if (obj[snake] !== undefined) return obj[snake];
  return obj[snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
}

function failureDetail(
  version: string,
  errors: AdsError[]
): Record<string, unknown> {
  return {
    "@type": `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`,
    errors,
    requestId: traceId(),
  };
}

function rpcError(
  httpStatus: number,
  status: string,
  message: string,
  version: string,
  errors?: AdsError[]
): Reply {
  const error: Record<string, unknown> = { code: httpStatus, message, status };
  if (errors) error.details = [failureDetail(version, errors)];
  return { status: httpStatus, body: { error } };
}

function at(
  index: number,
  ...rest: Array<{ fieldName: string; index?: number }>
): AdsError["location"] {
  return { fieldPathElements: [{ fieldName: "conversions", index }, ...rest] };
}

function dateTimeError(value: unknown): string | null {
  if (typeof value !== "string")
    return "INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET";
  const m = DATE_TIME.exec(value);
  if (!m) return "INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET";
  const [, y, mo, d, h, mi, s, , oh, om] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  const valid =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo! - 1 &&
    date.getUTCDate() === d &&
    h! < 24 &&
    mi! < 60 &&
    s! < 60 &&
    oh! <= 14 &&
    om! < 60;
  return valid ? null : "INVALID_FIELD_VALUES_IN_DATE_TIME";
}

interface Row {
  errors: AdsError[];
  actionId: string | null;
  clickKey: string | null;
  orderKey: string | null;
}

function checkRow(conversion: unknown, i: number): Row {
  const errors: AdsError[] = [];
  const row: Row = { errors, actionId: null, clickKey: null, orderKey: null };
  if (!isRecord(conversion)) {
    errors.push({
      errorCode: { requestError: "INVALID_INPUT" },
      message: "Conversion must be an object.",
      location: at(i),
    });
    return row;
  }
  const action = field(conversion, "conversion_action");
  if (action === undefined) {
    errors.push({
      errorCode: { fieldError: "REQUIRED" },
      message: "The required field was not present.",
      location: at(i, { fieldName: "conversion_action" }),
    });
  } else {
    const m =
      typeof action === "string" ? CONVERSION_ACTION.exec(action) : null;
    if (!m)
      errors.push({
        errorCode: { requestError: "RESOURCE_NAME_MALFORMED" },
        message: "Resource name is malformed.",
        location: at(i, { fieldName: "conversion_action" }),
      });
    // "validation will ignore the customer id and use the conversion action id as the sole identifier"
    else if (m[2] !== GOOGLE_ADS_CREDENTIALS.conversionActionId) {
      errors.push({
        errorCode: { conversionUploadError: "NO_CONVERSION_ACTION_FOUND" },
        message:
          "The conversion action specified in the upload request cannot be found. Make sure it's available in this account.",
        location: at(i, { fieldName: "conversion_action" }),
      });
    } else row.actionId = m[2];
  }

  const dateTime = field(conversion, "conversion_date_time");
  if (dateTime === undefined) {
    errors.push({
      errorCode: { fieldError: "REQUIRED" },
      message: "The required field was not present.",
      location: at(i, { fieldName: "conversion_date_time" }),
    });
  } else {
    const code = dateTimeError(dateTime);
    if (code) {
      const message =
        code === "INVALID_FIELD_VALUES_IN_DATE_TIME"
          ? "Given field values do not correspond to a valid date time."
          : "The string date time's format should be yyyy-mm-dd hh:mm:ss+|-hh:mm.";
      errors.push({
        errorCode: { dateError: code },
        message,
        location: at(i, { fieldName: "conversion_date_time" }),
      });
    }
  }

  const clicks: Array<[string, unknown]> = (
    ["gclid", "gbraid", "wbraid"] as const
  )
    .map((name): [string, unknown] => [name, field(conversion, name)])
    .filter(([, value]) => value !== undefined && value !== "");
  for (const [name, value] of clicks) {
    if (
      typeof value !== "string" ||
      looksHashed(value) ||
      !CLICK_ID.test(value)
    ) {
      errors.push({
        errorCode: {
          conversionUploadError: `UNPARSEABLE_${name.toUpperCase()}`,
        },
        message: `The imported ${name} could not be decoded.`,
        location: at(i, { fieldName: name }),
      });
    }
  }
  const names = clicks.map(([name]) => name);
  if (names.includes("gbraid") && names.includes("wbraid")) {
    errors.push({
      errorCode: { conversionUploadError: "GBRAID_WBRAID_BOTH_SET" },
      message:
        "Can't use both gbraid and wbraid parameters. Use only 1 and try again.",
      location: at(i, { fieldName: "wbraid" }),
    });
  } else if (clicks.length > 1) {
    // The docs ask for at most one click id per conversion; the exact error for gclid+braid is not published.
    errors.push({
      errorCode: { fieldError: "VALUE_MUST_BE_UNSET" },
      message: "Set only one of gclid, gbraid or wbraid.",
      location: at(i, { fieldName: names[1] ?? "gbraid" }),
    });
  }

  const identifiers = field(conversion, "user_identifiers");
  if (identifiers !== undefined) {
    if (!Array.isArray(identifiers)) {
      errors.push({
        errorCode: { requestError: "INVALID_INPUT" },
        message: "user_identifiers must be a list.",
        location: at(i, { fieldName: "user_identifiers" }),
      });
    } else {
      if (identifiers.length > MAX_USER_IDENTIFIERS) {
        errors.push({
          errorCode: { collectionSizeError: "TOO_MANY" },
          message: `At most ${MAX_USER_IDENTIFIERS} user identifiers per conversion.`,
          location: at(i, { fieldName: "user_identifiers" }),
        });
      }
      identifiers.forEach((identifier, j) => {
        const loc = at(i, { fieldName: "user_identifiers", index: j });
        if (!isRecord(identifier)) {
          errors.push({
            errorCode: { conversionUploadError: "INVALID_USER_IDENTIFIER" },
            message:
              "Make sure you hash user provided data using SHA-256 and ensure you are normalizing according to the guidelines.",
            location: loc,
          });
          return;
        }
        const keys = Object.keys(identifier).filter(
          (k) => k !== "user_identifier_source" && k !== "userIdentifierSource"
        );
        const supported = keys.filter((k) =>
          [
            "hashed_email",
            "hashedEmail",
            "hashed_phone_number",
            "hashedPhoneNumber",
          ].includes(k)
        );
        if (supported.length !== keys.length || keys.length === 0) {
          errors.push({
            errorCode: { conversionUploadError: "UNSUPPORTED_USER_IDENTIFIER" },
            message:
              "The provided user identifiers are not supported. Use only hashed email or phone number and try again.",
            location: loc,
          });
        } else if (keys.length > 1) {
          errors.push({
            errorCode: { conversionUploadError: "INVALID_USER_IDENTIFIER" },
            message: "A UserIdentifier holds exactly one identifier.",
            location: loc,
          });
        } else if (hashProblem(identifier[keys[0]!]) !== null) {
          errors.push({
            errorCode: { conversionUploadError: "INVALID_USER_IDENTIFIER" },
            message:
              "Make sure you hash user provided data using SHA-256 and ensure you are normalizing according to the guidelines.",
            location: loc,
          });
        }
      });
    }
  }
  if (
    clicks.length === 0 &&
    !(Array.isArray(identifiers) && identifiers.length > 0)
  ) {
    errors.push({
      errorCode: { fieldError: "REQUIRED" },
      message:
        "A click conversion needs a gclid, gbraid, wbraid or user_identifiers.",
      location: at(i, { fieldName: "gclid" }),
    });
  }

  const value = field(conversion, "conversion_value");
  if (
    value !== undefined &&
    !(typeof value === "number" && Number.isFinite(value))
  ) {
    errors.push({
      errorCode: { fieldError: "INVALID_VALUE" },
      message: "conversion_value must be a number.",
      location: at(i, { fieldName: "conversion_value" }),
    });
  }
  const currency = field(conversion, "currency_code");
  if (
    currency !== undefined &&
    !(typeof currency === "string" && /^[A-Z]{3}$/.test(currency))
  ) {
    errors.push({
      errorCode: { fieldError: "INVALID_VALUE" },
      message: "currency_code must be an ISO 4217 3-character code.",
      location: at(i, { fieldName: "currency_code" }),
    });
  }
  const orderId = field(conversion, "order_id");
  if (orderId !== undefined) {
    if (!isNonEmptyString(orderId)) {
      errors.push({
        errorCode: { fieldError: "INVALID_VALUE" },
        message: "order_id must be a non-empty string.",
        location: at(i, { fieldName: "order_id" }),
      });
    } else if (orderId.includes("@")) {
      errors.push({
        errorCode: { conversionUploadError: "ORDER_ID_CONTAINS_PII" },
        message:
          "Can't import events with order IDs containing personally-identifiable information (PII).",
        location: at(i, { fieldName: "order_id" }),
      });
    }
  }
  const consent = field(conversion, "consent");
  if (consent !== undefined) {
    const ok =
      isRecord(consent) &&
      ["ad_user_data", "ad_personalization"].every((k) => {
        const v = field(consent, k);
        return (
          v === undefined ||
          (typeof v === "string" && CONSENT_VALUES.includes(v))
        );
      });
    if (!ok)
      errors.push({
        errorCode: { fieldError: "INVALID_VALUE" },
        message: "consent values must be GRANTED or DENIED.",
        location: at(i, { fieldName: "consent" }),
      });
  }

  if (row.actionId !== null) {
    const click = clicks[0];
    if (click && typeof dateTime === "string")
      row.clickKey = `${row.actionId}|${click[0]}=${String(
        click[1]
      )}|${dateTime}`;
    if (isNonEmptyString(orderId)) row.orderKey = `${row.actionId}|${orderId}`;
  }
  return row;
}

function keysOf(conversion: unknown): {
  clickKey: string | null;
  orderKey: string | null;
} {
  const row = checkRow(conversion, 0);
  return { clickKey: row.clickKey, orderKey: row.orderKey };
}

/**
 * The checks every Google Ads API call passes (https://developers.google.com/google-ads/api/rest/auth):
 * `Authorization: Bearer` with a live OAuth access token (issued by the OAuth stand-in and not
 * expired on the stand-in clock, or the fixed seeded token); `login-customer-id`, when sent,
 * 10 digits without dashes naming the account itself or a manager of it; the customer id in
 * the path digits only and reachable. `developer-token` is accepted and ignored (sunset).
 */
function authFailure(req: StandinRequest, ctx: HandlerContext, version: string, customerId: string): Outcome | null {
  const token = bearerToken(req.headers);
  if (token === undefined) {
    return {
      reply: rpcError(401, "UNAUTHENTICATED", "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", version),
      refused: [{ reason: "Authorization Bearer header missing", body: null }],
    };
  }
  if (!ctx.credentialMatches("accessToken", token) && !accessTokenValid(token, ctx.now)) {
    return {
      reply: rpcError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", version),
      refused: [{ reason: "OAuth access token invalid, expired or revoked", body: null }],
    };
  }
  const login = req.headers["login-customer-id"];
  if (login !== undefined) {
    const value = Array.isArray(login) ? login.join(",") : login;
    if (!/^\d{10}$/.test(value)) {
      return {
        reply: rpcError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", version, [
          { errorCode: { authenticationError: "LOGIN_CUSTOMER_ID_PARAMETER_INVALID" }, message: "The login-customer-id parameter is invalid. It must be a 10-digit number without dashes." },
        ]),
        refused: [{ reason: "login-customer-id not 10 digits without dashes", body: null }],
      };
    }
    if (value !== GOOGLE_ADS_CREDENTIALS.customerId && value !== GOOGLE_ADS_CREDENTIALS.managerCustomerId) {
      return {
        reply: rpcError(403, "PERMISSION_DENIED", "The caller does not have permission", version, [
          { errorCode: { authorizationError: "USER_PERMISSION_DENIED" }, message: "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header." },
        ]),
        refused: [{ reason: "login-customer-id is not a manager of this account", body: null }],
      };
    }
  }
  if (!/^\d+$/.test(customerId)) {
    return {
      reply: rpcError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", version, [
        { errorCode: { authenticationError: "CLIENT_CUSTOMER_ID_INVALID" }, message: "Client customer ID is not a number." },
      ]),
      refused: [{ reason: "customer id in the path is not digits-only (no dashes)", body: null }],
    };
  }
  if (customerId !== GOOGLE_ADS_CREDENTIALS.customerId) {
    return {
      reply: rpcError(403, "PERMISSION_DENIED", "The caller does not have permission", version, [
        { errorCode: { authorizationError: "USER_PERMISSION_DENIED" }, message: "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header." },
      ]),
      refused: [{ reason: "customer id not accessible with this token", body: null }],
    };
  }
  return null;
}

/**
 * POST /vN/customers/{id}/googleAds:search with {"query": GAQL}: only the conversion-action
 * listing the admin runs is understood (FROM conversion_action, optional WHERE on type and
 * status with = 'X'); anything else is a QUERY_ERROR.
 */
function search(req: StandinRequest, ctx: HandlerContext, version: string, customerId: string): Outcome {
  if (req.method !== "POST") return { reply: rpcError(404, "NOT_FOUND", `Method ${req.method} not found.`, version), refused: [{ reason: `method ${req.method}`, body: null }] };
  const denied = authFailure(req, ctx, version, customerId);
  if (denied) return denied;
  const parsed = parseJson(req.raw);
  const query = parsed.ok && isRecord(parsed.value) ? parsed.value.query : undefined;
  const queryError = (message: string): Outcome => ({
    reply: rpcError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", version, [{ errorCode: { queryError: "UNEXPECTED_INPUT" }, message }]),
    refused: [{ reason: message, body: parsed.ok ? parsed.value : null }],
  });
  if (typeof query !== "string") return queryError("query (GAQL) missing");
  const from = /\bFROM\s+(\w+)/i.exec(query);
  if (!from || from[1] !== "conversion_action") return queryError("the stand-in only lists conversion_action");
  const wanted = (field: string) => new RegExp(`conversion_action\\.${field}\\s*=\\s*'([A-Z_]+)'`).exec(query)?.[1];
  const type = wanted("type");
  const status = wanted("status");
  const rows = GOOGLE_ADS_CONVERSION_ACTIONS.filter((a) => (type === undefined || a.type === type) && (status === undefined || a.status === status));
  return {
    reply: {
      status: 200,
      body: {
        results: rows.map((a) => ({
          conversionAction: { resourceName: `customers/${customerId}/conversionActions/${a.id}`, id: a.id, name: a.name, type: a.type, status: a.status },
        })),
        fieldMask: "conversionAction.id,conversionAction.name,conversionAction.type,conversionAction.status",
        queryResourceConsumption: "10",
      },
    },
  };
}

function handle(req: StandinRequest, ctx: HandlerContext): Outcome | null {
  const oauth = handleGoogleOAuth(req, ctx.now);
  if (oauth !== null) return oauth;
  const searchRoute = /^\/(v\d+)\/customers\/([^/:]+)\/googleAds:search$/.exec(req.pathname);
  if (searchRoute) return search(req, ctx, searchRoute[1] ?? "v0", searchRoute[2] ?? "");
  const adjustments = /^\/(v\d+)\/customers\/([^/:]+):uploadConversionAdjustments$/.exec(req.pathname);
  if (adjustments) return handleAdjustments(req, ctx, adjustments[1] ?? "v0", adjustments[2] ?? "");
  const route = /^\/(v\d+)\/customers\/([^/:]+):uploadClickConversions$/.exec(
    req.pathname
  );
  if (!route) return null;
  const version = route[1] ?? "v0";
  const customerId = route[2] ?? "";
  if (req.method !== "POST") {
    return {
      reply: rpcError(
        404,
        "NOT_FOUND",
        `Method ${req.method} not found.`,
        version
      ),
      refused: [{ reason: `method ${req.method}`, body: null }],
    };
  }
  const denied = authFailure(req, ctx, version, customerId);
  if (denied) return denied;
  const parsed = parseJson(req.raw);
  if (!parsed.ok || !isRecord(parsed.value)) {
    const reply = rpcError(
      400,
      "INVALID_ARGUMENT",
      "Invalid JSON payload received.",
      version
    );
    return {
      reply,
      refused: [
        { reason: "body is not a JSON object", body: req.raw.toString("utf8") },
      ],
    };
  }
  const body = parsed.value;
  const invalid = (errors: AdsError[], reason: string): Outcome => ({
    reply: rpcError(
      400,
      "INVALID_ARGUMENT",
      "Request contains an invalid argument.",
      version,
      errors
    ),
    refused: [{ reason, body }],
  });
  if (field(body, "partial_failure") !== true) {
    return invalid(
      [
        {
          errorCode: { partialFailureError: "PARTIAL_FAILURE_MODE_REQUIRED" },
          message:
            "The partial failure field was false in the request. This method requires this field be set to true.",
        },
      ],
      "partial_failure is not true"
    );
  }
  const conversions = field(body, "conversions");
  if (!Array.isArray(conversions) || conversions.length === 0) {
    return invalid(
      [
        {
          errorCode: { fieldError: "REQUIRED" },
          message: "The required field was not present.",
          location: { fieldPathElements: [{ fieldName: "conversions" }] },
        },
      ],
      "conversions missing or empty"
    );
  }
  if (conversions.length > MAX_CONVERSIONS) {
    return invalid(
      [
        {
          errorCode: {
            conversionUploadError: "TOO_MANY_CONVERSIONS_IN_REQUEST",
          },
          message: "Upload fewer than 2001 events in a single request.",
        },
      ],
      `batch of ${conversions.length} conversions over the ${MAX_CONVERSIONS} limit`
    );
  }
  const jobId = field(body, "job_id");
  if (
    jobId !== undefined &&
    !(
      Number.isInteger(Number(jobId)) &&
      Number(jobId) >= 0 &&
      Number(jobId) < 2 ** 31
    )
  ) {
    return invalid(
      [
        {
          errorCode: { conversionUploadError: "INVALID_JOB_ID" },
          message:
            "The provided job id in the request is not within the allowed range. A job ID must be a positive integer in the range [1, 2^31).",
        },
      ],
      "job_id out of range"
    );
  }
  const validateOnly = field(body, "validate_only") === true;

  // Duplicates: against conversions accepted earlier (not validate-only) and within this request.
  const seenClicks = new Set<string>();
  const seenOrders = new Set<string>();
  for (const event of ctx.received) {
    if (event.test || event.eventName.startsWith(ADJUSTMENT_PREFIX)) continue;
    const keys = keysOf(event.body);
    if (keys.clickKey) seenClicks.add(keys.clickKey);
    if (keys.orderKey) seenOrders.add(keys.orderKey);
  }
  const requestClicks = new Set<string>();
  const requestOrders = new Set<string>();
  const rows = conversions.map((conversion, i) => {
    const row = checkRow(conversion, i);
    if (row.errors.length === 0 && row.orderKey) {
      if (seenOrders.has(row.orderKey)) {
        row.errors.push({
          errorCode: { conversionUploadError: "ORDER_ID_ALREADY_IN_USE" },
          message:
            "The imported event includes an order ID that was previously recorded, so the event was not processed.",
          location: at(i, { fieldName: "order_id" }),
        });
      } else if (requestOrders.has(row.orderKey)) {
        row.errors.push({
          errorCode: { conversionUploadError: "DUPLICATE_ORDER_ID" },
          message:
            "Imported events include multiple conversions with the same order ID and were not processed. Make sure order IDs are unique and try again.",
          location: at(i, { fieldName: "order_id" }),
        });
      }
    }
    if (row.errors.length === 0 && row.clickKey) {
      if (seenClicks.has(row.clickKey)) {
        row.errors.push({
          errorCode: {
            conversionUploadError: "CLICK_CONVERSION_ALREADY_EXISTS",
          },
          message:
            "The imported event has the same click and conversion_date_time as an existing conversion. Use a unique conversion_date_time or order ID for each unique event and try again.",
          location: at(i),
        });
      } else if (requestClicks.has(row.clickKey)) {
        row.errors.push({
          errorCode: {
            conversionUploadError: "DUPLICATE_CLICK_CONVERSION_IN_REQUEST",
          },
          message:
            "Multiple events have the same click and conversion_date_time. Make sure your conversion_date_time is correctly configured and try again.",
          location: at(i),
        });
      }
    }
    if (row.errors.length === 0) {
      if (row.orderKey) requestOrders.add(row.orderKey);
      if (row.clickKey) requestClicks.add(row.clickKey);
    }
    return row;
  });

  const { conversions: _conversions, ...envelope } = body;
  const accepted: AcceptedEvent[] = [];
  const refused: Refusal[] = [];
  const results: Array<Record<string, unknown>> = [];
  rows.forEach((row, i) => {
    const conversion = conversions[i];
    if (row.errors.length > 0) {
      refused.push({
        reason: row.errors
          .map((e) => `${Object.values(e.errorCode)[0]}: ${e.message}`)
          .join("; "),
        body: conversion,
      });
      results.push({});
      return;
    }
    const c = conversion as Record<string, unknown>;
    const orderId = field(c, "order_id");
    accepted.push({
      eventId: typeof orderId === "string" ? orderId : null,
      eventName: String(field(c, "conversion_action")),
      test: validateOnly,
      body: conversion,
      envelope,
      notes: [],
    });
    const result: Record<string, unknown> = {
      conversionAction: field(c, "conversion_action"),
      conversionDateTime: field(c, "conversion_date_time"),
    };
    for (const name of ["gclid", "gbraid", "wbraid"])
      if (field(c, name) !== undefined) result[name] = field(c, name);
    const identifiers = field(c, "user_identifiers");
    if (identifiers !== undefined) result.userIdentifiers = identifiers;
    results.push(result);
  });

  const responseBody: Record<string, unknown> = {
    jobId: String(jobId ?? 2 ** 31 + Math.floor(ctx.now % 1_000_000)),
  };
  // "Results are not returned when validate_only is true."
  if (!validateOnly) responseBody.results = results;
  const errors = rows.flatMap((row) => row.errors);
  if (errors.length > 0) {
    const describe = (e: AdsError): string => {
      const path = (e.location?.fieldPathElements ?? [])
        .map((el) =>
          el.index === undefined ? el.fieldName : `${el.fieldName}[${el.index}]`
        )
        .join(".");
      return `${e.message}, at ${path}`;
    };
    responseBody.partialFailureError = {
      code: 3,
      message: errors.map(describe).join(", "),
      details: [failureDetail(version, errors)],
    };
  }
  return { reply: { status: 200, body: responseBody }, accepted, refused };
}

/**
 * POST /v{N}/customers/{customer_id}:uploadConversionAdjustments
 * (ConversionAdjustmentUploadService; https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers/uploadConversionAdjustments,
 * https://developers.google.com/google-ads/api/reference/rpc/v25/ConversionAdjustment,
 * https://developers.google.com/google-ads/api/reference/rpc/v25/ConversionAdjustmentUploadErrorEnum.ConversionAdjustmentUploadError).
 * Checks what Google documents: partial_failure true; a known conversion action; adjustment_type
 * RETRACTION or RESTATEMENT; adjustment_date_time in the documented format and AFTER the
 * conversion (ADJUSTMENT_PRECEDES_CONVERSION); the conversion found by order_id among the click
 * conversions this stand-in accepted (CONVERSION_NOT_FOUND); no adjustment of a retracted
 * conversion (CONVERSION_ALREADY_RETRACTED); a restatement carries restatement_value.adjusted_value
 * (the value AFTER the change) and a retraction none. A restatement no later than an earlier one
 * is accepted with a note: Google treats it as a duplicate and ignores it.
 * Accepted adjustments are recorded with eventName "adjustment:{TYPE}" and eventId = order_id.
 */
export const ADJUSTMENT_PREFIX = "adjustment:";

function dateTimeMs(value: string): number {
  const m = DATE_TIME.exec(value);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offset = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === "-" ? -1 : 1);
  return utc - offset;
}

function handleAdjustments(req: StandinRequest, ctx: HandlerContext, version: string, customerId: string): Outcome {
  const token = bearerToken(req.headers);
  if (token === undefined || !ctx.credentialMatches("accessToken", token)) {
    return {
      reply: rpcError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", version),
      refused: [{ reason: "OAuth access token missing or invalid", body: null }],
    };
  }
  if (req.method !== "POST" || customerId !== GOOGLE_ADS_CREDENTIALS.customerId) {
    return {
      reply: rpcError(403, "PERMISSION_DENIED", "The caller does not have permission", version),
      refused: [{ reason: `method ${req.method} or customer id not accessible`, body: null }],
    };
  }
  const parsed = parseJson(req.raw);
  if (!parsed.ok || !isRecord(parsed.value)) {
    return { reply: rpcError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.", version), refused: [{ reason: "body is not a JSON object", body: null }] };
  }
  const body = parsed.value;
  if (field(body, "partial_failure") !== true) {
    const errors = [{ errorCode: { partialFailureError: "PARTIAL_FAILURE_MODE_REQUIRED" }, message: "The partial failure field was false in the request. This method requires this field be set to true." }];
    return { reply: rpcError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", version, errors), refused: [{ reason: "partial_failure is not true", body }] };
  }
  const list = field(body, "conversion_adjustments");
  if (!Array.isArray(list) || list.length === 0) {
    const errors = [{ errorCode: { fieldError: "REQUIRED" }, message: "The required field was not present." }];
    return { reply: rpcError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", version, errors), refused: [{ reason: "conversion_adjustments missing or empty", body }] };
  }
  const validateOnly = field(body, "validate_only") === true;
  const { conversion_adjustments: _a, conversionAdjustments: _b, ...envelope } = body;
  // The click conversions accepted for real, and the adjustments already made, by action|order id.
  const purchases = new Map<string, number>();
  const retracted = new Set<string>();
  const lastRestatement = new Map<string, number>();
  for (const event of ctx.received) {
    if (event.test || !isRecord(event.body)) continue;
    const action = field(event.body, "conversion_action");
    const orderId = field(event.body, "order_id");
    const key = `${String(action)}|${String(orderId)}`;
    if (event.eventName.startsWith(ADJUSTMENT_PREFIX)) {
      const at = dateTimeMs(String(field(event.body, "adjustment_date_time")));
      if (event.eventName.endsWith("RETRACTION")) retracted.add(key);
      else lastRestatement.set(key, Math.max(at, lastRestatement.get(key) ?? -Infinity));
    } else purchases.set(key, dateTimeMs(String(field(event.body, "conversion_date_time"))));
  }
  const accepted: AcceptedEvent[] = [];
  const refused: Refusal[] = [];
  const errors: AdsError[] = [];
  const results: Array<Record<string, unknown>> = [];
  const loc = (i: number, name?: string): AdsError["location"] => ({
    fieldPathElements: [{ fieldName: "conversion_adjustments", index: i }, ...(name ? [{ fieldName: name }] : [])],
  });
  list.forEach((adj, i) => {
    const rowErrors: AdsError[] = [];
    const push = (family: string, code: string, message: string, name?: string) => rowErrors.push({ errorCode: { [family]: code }, message, location: loc(i, name) });
    if (!isRecord(adj)) {
      push("requestError", "INVALID_INPUT", "Conversion adjustment must be an object.");
    } else {
      const action = field(adj, "conversion_action");
      const m = typeof action === "string" ? CONVERSION_ACTION.exec(action) : null;
      if (!m || m[2] !== GOOGLE_ADS_CREDENTIALS.conversionActionId) {
        push("conversionAdjustmentUploadError", "NO_CONVERSION_ACTION_FOUND", "The conversion action specified in the adjustment request cannot be found. Make sure it's available in this account.", "conversion_action");
      }
      const type = field(adj, "adjustment_type");
      if (type !== "RETRACTION" && type !== "RESTATEMENT") push("requestError", "INVALID_ENUM_VALUE", "adjustment_type must be RETRACTION or RESTATEMENT here.", "adjustment_type");
      const when = field(adj, "adjustment_date_time");
      const dateProblem = dateTimeError(when);
      if (dateProblem) push("dateError", dateProblem, "The string date time's format should be yyyy-mm-dd hh:mm:ss+|-hh:mm.", "adjustment_date_time");
      const orderId = field(adj, "order_id");
      const restatement = field(adj, "restatement_value");
      if (type === "RESTATEMENT") {
        const value = isRecord(restatement) ? field(restatement, "adjusted_value") : undefined;
        if (!(typeof value === "number" && Number.isFinite(value) && value >= 0)) push("fieldError", "REQUIRED", "A restatement needs restatement_value.adjusted_value (the value after the change).", "restatement_value");
        const currency = isRecord(restatement) ? field(restatement, "currency_code") : undefined;
        if (currency !== undefined && !(typeof currency === "string" && /^[A-Z]{3}$/.test(currency))) push("fieldError", "INVALID_VALUE", "currency_code must be an ISO 4217 3-character code.", "restatement_value");
      } else if (type === "RETRACTION" && restatement !== undefined) {
        push("fieldError", "VALUE_MUST_BE_UNSET", "A retraction carries no restatement_value.", "restatement_value");
      }
      if (!isNonEmptyString(orderId)) {
        push("fieldError", "REQUIRED", "order_id (or gclid_date_time_pair) identifies the conversion to adjust.", "order_id");
      } else if (rowErrors.length === 0) {
        const key = `${String(action)}|${orderId}`;
        const at = dateTimeMs(String(when));
        const conversionAt = purchases.get(key);
        if (conversionAt === undefined) push("conversionAdjustmentUploadError", "CONVERSION_NOT_FOUND", "The conversion for this conversion action and conversion identifier can't be found.", "order_id");
        else if (retracted.has(key)) push("conversionAdjustmentUploadError", "CONVERSION_ALREADY_RETRACTED", "The conversion was already retracted. This adjustment was not processed.");
        else if (!(at > conversionAt)) push("conversionAdjustmentUploadError", "ADJUSTMENT_PRECEDES_CONVERSION", "Adjustment has an adjustment_date_time that occurred before the associated conversion.", "adjustment_date_time");
      }
    }
    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      refused.push({ reason: rowErrors.map((e) => `${Object.values(e.errorCode)[0]}: ${e.message}`).join("; "), body: adj });
      results.push({});
      return;
    }
    const a = adj as Record<string, unknown>;
    const key = `${String(field(a, "conversion_action"))}|${String(field(a, "order_id"))}`;
    const at = dateTimeMs(String(field(a, "adjustment_date_time")));
    const notes: string[] = [];
    if (field(a, "adjustment_type") === "RESTATEMENT" && at <= (lastRestatement.get(key) ?? -Infinity)) {
      notes.push("restatement not later than an earlier one: Google treats it as a duplicate and ignores it");
    }
    accepted.push({ eventId: String(field(a, "order_id")), eventName: `${ADJUSTMENT_PREFIX}${String(field(a, "adjustment_type"))}`, test: validateOnly, body: adj, envelope, notes });
    if (!validateOnly) {
      if (field(a, "adjustment_type") === "RETRACTION") retracted.add(key);
      else lastRestatement.set(key, at);
    }
    results.push({ conversionAction: field(a, "conversion_action"), adjustmentType: field(a, "adjustment_type"), adjustmentDateTime: field(a, "adjustment_date_time"), orderId: field(a, "order_id") });
  });
  const responseBody: Record<string, unknown> = { jobId: String(2 ** 31 + Math.floor(ctx.now % 1_000_000)) };
  if (!validateOnly) responseBody.results = results;
  if (errors.length > 0) {
    responseBody.partialFailureError = { code: 3, message: errors.map((e) => e.message).join(", "), details: [failureDetail(version, errors)] };
  }
  return { reply: { status: 200, body: responseBody }, accepted, refused };
}

/** Fault answers cannot see the request path, so they name one fixed API version in @type. */
const FAULT_VERSION = "v19";

function statusReply(status: number): Reply {
  if (status === 429) {
    return rpcError(
      429,
      "RESOURCE_EXHAUSTED",
      "Too many requests.",
      FAULT_VERSION,
      [
        {
          errorCode: { quotaError: "RESOURCE_TEMPORARILY_EXHAUSTED" },
          message: "Too many requests. Retry in 30 seconds.",
        },
      ]
    );
  }
  if (status === 503) {
    return rpcError(
      503,
      "UNAVAILABLE",
      "The service is currently unavailable.",
      FAULT_VERSION,
      [
        {
          errorCode: { internalError: "TRANSIENT_ERROR" },
          message: "The service encountered a transient error.",
        },
      ]
    );
  }
  if (status === 504) {
    return rpcError(
      504,
      "DEADLINE_EXCEEDED",
      "Deadline exceeded.",
      FAULT_VERSION,
      [
        {
          errorCode: { internalError: "DEADLINE_EXCEEDED" },
          message: "The request took longer than a deadline.",
        },
      ]
    );
  }
  return rpcError(
    status,
    status >= 500 ? "INTERNAL" : "UNKNOWN",
    "Internal error encountered.",
    FAULT_VERSION,
    [
      {
        errorCode: { internalError: "INTERNAL_ERROR" },
        message: "An internal error has occurred.",
      },
    ]
  );
}

export const googleAdsStandin: PlatformStandin = {
  kind: "google-ads",
  credentials: { ...GOOGLE_ADS_CREDENTIALS },
  handle,
  statusReply,
  // Google Ads signals throttling with HTTP 429 RESOURCE_EXHAUSTED and a QuotaError detail.
  rateLimitReply: () => statusReply(429),
  reset: () => googleOAuth.reset(),
};
