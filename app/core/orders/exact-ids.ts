/**
 * Exact Shopify ids from the raw webhook body.
 *
 * Shopify ids are 64-bit integers sent as JSON numbers. `authenticate.webhook`
 * hands us `JSON.parse(rawBody)`, which rounds anything above 2^53: Shopify's
 * own documented sample id 820982911946154508 comes back as 820982911946154500
 * (docs/platform/shopify.md, constraint 7). Node 20's `JSON.parse` reviver gets no source
 * text (checked on 20.20: the TC39 "JSON.parse source text access" context
 * argument is undefined), so this module walks the raw text once with a small
 * validating JSON scanner and keeps the literal digits of every id-like value.
 *
 * What it keeps:
 * - `byPath`: every integer literal (or all-digit string) whose key is `id`,
 *   ends in `_id`, or is an id list (`orders_to_redact`, `orders_requested`),
 *   by dotted path: `id`, `customer.id`, `line_items.0.id`, `orders_to_redact.2`.
 * - `gidByPath`: every string under an `admin_graphql_api*` key. A gid is a
 *   string, so its numeric tail is exact even after JSON.parse; it is preferred.
 *
 * Nested keys never shadow top-level ones: `line_items.0.id` is not `id`.
 */

import { numericShopifyId } from "~/core/conversions/event-id";

export interface ExactIds {
  /** The resource's own id (order, refund, draft order, contract): gid tail, else top-level `id`. */
  id: string | null;
  /** Top-level `order_id` (refunds, draft orders, billing attempts), preferring `admin_graphql_api_order_id`. */
  orderId: string | null;
  /** `customer.id` (preferring `customer.admin_graphql_api_id`), else top-level `customer_id`. */
  customerId: string | null;
  checkoutId: string | null;
  locationId: string | null;
  userId: string | null;
  appId: string | null;
  subscriptionContractId: string | null;
  shopId: string | null;
  /** Every id-like integer literal, by dotted path. */
  byPath: Readonly<Record<string, string>>;
  /** Every `admin_graphql_api*` string, by dotted path. */
  gidByPath: Readonly<Record<string, string>>;
}

/** Arrays whose elements are bare ids. */
const ID_LIST_KEYS = new Set(["orders_to_redact", "orders_requested"]);
const MAX_DEPTH = 256;

function isIdKey(key: string | null): boolean {
  return key !== null && (key === "id" || key.endsWith("_id") || ID_LIST_KEYS.has(key));
}

interface Sink {
  numbers: Record<string, string>;
  gids: Record<string, string>;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER_RE = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const STRING_BODY_RE = /[^"\\\u0000-\u001f]*/y;
const ESCAPE_RE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

function skipWs(s: string, i: number): number {
  while (i < s.length && WS.has(s.charCodeAt(i))) i++;
  return i;
}

/** `i` points at the opening quote. Returns the index after the closing quote, or -1. */
function scanString(s: string, i: number): number {
  i++;
  for (;;) {
    STRING_BODY_RE.lastIndex = i;
    STRING_BODY_RE.exec(s);
    i = STRING_BODY_RE.lastIndex;
    const c = s.charAt(i);
    if (c === '"') return i + 1;
    if (c !== "\\") return -1; // end of input or a raw control character
    ESCAPE_RE.lastIndex = i;
    if (!ESCAPE_RE.test(s)) return -1;
    i = ESCAPE_RE.lastIndex;
  }
}

function decodeString(literal: string): string {
  // Validated by scanString; only pay for JSON.parse when there is an escape.
  return literal.includes("\\") ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}

function child(path: string, segment: string): string {
  return path === "" ? segment : `${path}.${segment}`;
}

/**
 * Scans one JSON value starting at `i`; `key` is the nearest object key above
 * it (array elements inherit their array's key). Returns the index after the
 * value, or -1 on malformed input.
 */
function scanValue(s: string, i: number, path: string, key: string | null, depth: number, sink: Sink): number {
  if (depth > MAX_DEPTH) return -1;
  i = skipWs(s, i);
  const c = s.charAt(i);
  if (c === "{") {
    i = skipWs(s, i + 1);
    if (s.charAt(i) === "}") return i + 1;
    for (;;) {
      if (s.charAt(i) !== '"') return -1;
      const keyEnd = scanString(s, i);
      if (keyEnd < 0) return -1;
      const name = decodeString(s.slice(i, keyEnd));
      i = skipWs(s, keyEnd);
      if (s.charAt(i) !== ":") return -1;
      i = scanValue(s, i + 1, child(path, name), name, depth + 1, sink);
      if (i < 0) return -1;
      i = skipWs(s, i);
      const next = s.charAt(i);
      if (next === "}") return i + 1;
      if (next !== ",") return -1;
      i = skipWs(s, i + 1);
    }
  }
  if (c === "[") {
    i = skipWs(s, i + 1);
    if (s.charAt(i) === "]") return i + 1;
    for (let index = 0; ; index++) {
      i = scanValue(s, i, child(path, String(index)), key, depth + 1, sink);
      if (i < 0) return -1;
      i = skipWs(s, i);
      const next = s.charAt(i);
      if (next === "]") return i + 1;
      if (next !== ",") return -1;
      i = i + 1;
    }
  }
  if (c === '"') {
    const end = scanString(s, i);
    if (end < 0) return -1;
    if (key !== null && (isIdKey(key) || key.startsWith("admin_graphql_api"))) {
      const value = decodeString(s.slice(i, end));
      if (key.startsWith("admin_graphql_api")) sink.gids[path] = value;
      else if (/^\d{1,24}$/.test(value)) sink.numbers[path] = value;
    }
    return end;
  }
  if (c === "-" || (c >= "0" && c <= "9")) {
    NUMBER_RE.lastIndex = i;
    const match = NUMBER_RE.exec(s);
    if (!match) return -1;
    const isInteger = match[1] === undefined && match[2] === undefined;
    if (isInteger && isIdKey(key) && !match[0].startsWith("-")) sink.numbers[path] = match[0];
    return NUMBER_RE.lastIndex;
  }
  for (const literal of ["true", "false", "null"]) {
    if (s.startsWith(literal, i)) return i + literal.length;
  }
  return -1;
}

function gidTail(gids: Record<string, string>, path: string): string | null {
  const gid = gids[path];
  return gid === undefined ? null : numericShopifyId(gid);
}

/**
 * Pulls exact ids out of a raw webhook body. Null when the body is not a JSON
 * object (a body that `JSON.parse` accepted always scans).
 */
export function extractExactIds(rawBody: string): ExactIds | null {
  const sink: Sink = { numbers: {}, gids: {} };
  const start = skipWs(rawBody, 0);
  if (rawBody.charAt(start) !== "{") return null;
  const end = scanValue(rawBody, start, "", null, 0, sink);
  if (end < 0 || skipWs(rawBody, end) !== rawBody.length) return null;
  const n = sink.numbers;
  const g = sink.gids;
  return {
    id: gidTail(g, "admin_graphql_api_id") ?? n["id"] ?? null,
    orderId: gidTail(g, "admin_graphql_api_order_id") ?? n["order_id"] ?? null,
    customerId:
      gidTail(g, "customer.admin_graphql_api_id") ??
      n["customer.id"] ??
      gidTail(g, "admin_graphql_api_customer_id") ??
      n["customer_id"] ??
      null,
    checkoutId: n["checkout_id"] ?? null,
    locationId: n["location_id"] ?? null,
    userId: n["user_id"] ?? null,
    appId: n["app_id"] ?? null,
    subscriptionContractId:
      gidTail(g, "admin_graphql_api_subscription_contract_id") ?? n["subscription_contract_id"] ?? null,
    shopId: n["shop_id"] ?? null,
    byPath: n,
    gidByPath: g,
  };
}

/**
 * The exact id at `path`, preferring the sibling gid: for "line_items.3.id"
 * that is "line_items.3.admin_graphql_api_id". Null when neither is present.
 */
export function exactIdAt(ids: ExactIds | null, path: string): string | null {
  if (ids === null) return null;
  const dot = path.lastIndexOf(".");
  if (path.slice(dot + 1) === "id") {
    const gidPath = dot < 0 ? "admin_graphql_api_id" : `${path.slice(0, dot)}.admin_graphql_api_id`;
    const tail = gidTail(ids.gidByPath as Record<string, string>, gidPath);
    if (tail !== null) return tail;
  }
  return ids.byPath[path] ?? null;
}

/** The exact elements of an id list ("orders_to_redact") in document order. */
export function exactIdList(ids: ExactIds | null, key: string): string[] {
  if (ids === null) return [];
  const prefix = `${key}.`;
  const found: Array<[number, string]> = [];
  for (const [path, value] of Object.entries(ids.byPath)) {
    const rest = path.slice(prefix.length);
    if (path.startsWith(prefix) && /^\d+$/.test(rest)) found.push([Number(rest), value]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

/**
 * Best exact form of an id we only have as a parsed value: the exact string
 * when known, else the parsed number if it is still exact (≤ 2^53), else null
 * (a rounded id must never be used as a key).
 */
export function resolveId(exact: string | null | undefined, parsed: unknown): string | null {
  if (exact) return exact;
  if (typeof parsed === "string" && /^\d{1,24}$/.test(parsed)) return parsed;
  if (typeof parsed === "number" && Number.isSafeInteger(parsed) && parsed >= 0) return String(parsed);
  return null;
}
