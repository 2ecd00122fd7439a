/**
 * Structured JSON logs, one line per entry, scoped (shop, eventId, destination).
 * Privacy: raw email, phone, address, IP and tokens never reach logs. Keys that
 * name personal data or secrets are replaced, and string values are scrubbed of
 * anything shaped like an email, a phone number, a bearer token or an IP address.
 */
import { isSecretKey } from "~/core/logs/redact";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys naming personal data (credential keys come from the one list, core/logs/redact.ts). */
const PERSONAL_KEY = /(e-?mail|phone|address|first_?name|last_?name|^name$|zip|postal|city|province|street|ip$|^ip_|browser_?ip|client_?ip|cookie)/i;
const isSensitiveKey = (key: string) => PERSONAL_KEY.test(key) || isSecretKey(key);

const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
// "+" followed by digits, or digit groups with separators; bare digit runs are ids.
const PHONE = /\+\d[\d\s().-]{6,}\d|\(?\b\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{3,4}\b/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const BEARER = /\b(bearer|token|access_token=)[\s:=]*[A-Za-z0-9._~+/=-]{8,}/gi;

// Request ids, row ids and event ids are UUIDs: kept whole. Their digit-only middle groups
// ("…-4316-8412-9012-…", about one id in 200) are shaped like a phone number, and scrubbing
// them broke the id a 500 answer and its log line share (ADR 0013).
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

function scrubText(text: string): string {
  return text.replace(EMAIL, "[email]").replace(BEARER, "$1 [secret]").replace(IPV4, "[ip]").replace(PHONE, "[phone]");
}

export function scrub(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (typeof value === "string") {
    let out = "";
    let last = 0;
    for (const m of value.matchAll(UUID)) {
      out += scrubText(value.slice(last, m.index)) + m[0];
      last = m.index + m[0].length;
    }
    return out + scrubText(value.slice(last));
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrub(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: scrub(value.message), stack: scrub(value.stack?.split("\n").slice(0, 6).join("\n")) };
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSensitiveKey(k) && v !== null && v !== undefined && typeof v !== "boolean" ? "[redacted]" : scrub(v, depth + 1);
    }
    return out;
  }
  return value;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: Record<string, unknown>): Logger;
}

export function createLogger(opts: { level?: Level; scope?: Record<string, unknown>; write?: (line: string) => void } = {}): Logger {
  const min = ORDER[opts.level ?? ((process.env.LOG_LEVEL as Level | undefined) ?? "info")] ?? ORDER.info;
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const scope = opts.scope ?? {};
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const entry = { t: new Date().toISOString(), level, msg: scrub(msg), ...(scrub({ ...scope, ...fields }) as object) };
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (more) => createLogger({ ...opts, scope: { ...scope, ...more } }),
  };
}

export const log = createLogger();
