/**
 * Format checks the stand-ins share. A stand-in cannot invert a hash, so it checks what can be
 * checked: that fields the platform wants hashed ARE a lowercase SHA-256 hex digest, and that
 * fields it wants in clear (IP, user agent, click ids, cookies) are NOT one.
 * Messages name the field path only, never the value (no raw PII in rejected()).
 */
import { isIP } from "node:net";

const SHA256_LOWER_HEX = /^[0-9a-f]{64}$/;
const SHA256_ANY_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * None of the platforms publishes how far in the future an event_time may be. A clock-skew
 * allowance of 10 minutes is this stand-in's choice; its purpose is to catch unit mistakes
 * (milliseconds sent where seconds are expected land tens of thousands of years ahead).
 */
export const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0;
}

/** Why `value` is not a lowercase SHA-256 hex digest, or null when it is. */
export function hashProblem(value: unknown): string | null {
  if (typeof value !== "string") return "must be a string";
  if (SHA256_LOWER_HEX.test(value)) return null;
  if (SHA256_ANY_HEX.test(value))
    return "must be lowercase hex (upper-case hex digest sent)";
  return "must be a SHA-256 hex digest (value is not hashed)";
}

/** True when a value that must be sent in clear looks like a SHA-256 digest instead. */
export function looksHashed(value: string): boolean {
  return SHA256_ANY_HEX.test(value);
}

/**
 * Checks a field that is "string or list of strings, each hashed" (Meta/Snap style when
 * `allowScalar`, Pinterest style arrays otherwise). Returns problems as "path: message".
 */
export function hashedListProblems(
  path: string,
  value: unknown,
  allowScalar: boolean
): string[] {
  if (typeof value === "string") {
    if (!allowScalar)
      return [`${path}: must be an array of SHA-256 hex strings`];
    const problem = hashProblem(value);
    return problem ? [`${path}: ${problem}`] : [];
  }
  if (!Array.isArray(value))
    return [
      `${path}: must be ${
        allowScalar ? "a string or " : ""
      }an array of strings`,
    ];
  if (value.length === 0) return [`${path}: must not be an empty array`];
  const problems: string[] = [];
  value.forEach((item, i) => {
    const problem = hashProblem(item);
    if (problem) problems.push(`${path}[${i}]: ${problem}`);
  });
  return problems;
}

/** For fields the platform wants in clear: a non-empty string that is not a SHA-256 digest. */
export function clearTextProblem(path: string, value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0)
    return `${path}: must be a non-empty string`;
  if (looksHashed(value))
    return `${path}: must be sent unhashed (looks like a SHA-256 digest)`;
  return null;
}

/** Client IPs are sent raw: IPv4 or IPv6 literal. */
export function ipProblem(path: string, value: unknown): string | null {
  if (typeof value !== "string") return `${path}: must be a string`;
  if (looksHashed(value))
    return `${path}: must be the raw IP address, not a hash`;
  if (isIP(value) === 0) return `${path}: is not an IPv4 or IPv6 address`;
  return null;
}

export function isIso4217(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z]{3}$/.test(value);
}

export function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * Unix-seconds event time: an integer, not in the future (beyond FUTURE_TOLERANCE_MS), and not
 * older than `maxAgeMs` when given. Returns the kind of problem so callers can pick the
 * platform's error (Meta answers "too old" with its own subcode).
 */
export function secondsTimeProblem(
  path: string,
  value: unknown,
  now: number,
  maxAgeMs: number | null
): { kind: "type" | "future" | "too-old"; message: string } | null {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    return {
      kind: "type",
      message: `${path}: must be an integer unix timestamp in seconds`,
    };
  }
  const ms = value * 1000;
  if (ms > now + FUTURE_TOLERANCE_MS) {
    const hint =
      value > 1e11 ? " (looks like milliseconds; seconds expected)" : "";
    return { kind: "future", message: `${path}: is in the future${hint}` };
  }
  if (maxAgeMs !== null && now - ms > maxAgeMs) {
    return {
      kind: "too-old",
      message: `${path}: is older than the platform accepts (${Math.round(
        maxAgeMs / DAY_MS
      )} days)`,
    };
  }
  return null;
}

/** First value of a header that may repeat. */
export function header(
  headers: Record<string, string | string[] | undefined>,
  name: string
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Token from "Authorization: Bearer <token>", or undefined. */
export function bearerToken(
  headers: Record<string, string | string[] | undefined>
): string | undefined {
  const value = header(headers, "authorization");
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value) : null;
  return match?.[1];
}
