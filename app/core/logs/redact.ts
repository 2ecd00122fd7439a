/**
 * What the admin may show of a payload as sent or a platform's answer: hashes stay
 * (they are what the platform received), raw personal data and credentials never do.
 * Pure: no I/O. Applied on the way out, so older rows are covered too.
 */

const HASH = /^[0-9a-f]{64}$/i;
const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
const IPV4 = /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g;
/** IPv6: at least three hex groups separated by colons (avoids times like 12:30). */
const IPV6 = /\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:?){1,6}\b/gi;
/** Phone-looking runs: + and 8-15 digits, with usual separators. */
const PHONE = /\+\d[\d\s().-]{7,18}\d/g;

/**
 * Keys whose values are credentials (a platform token may sit in a body, a query or a
 * header). The one list: logs (lib/logger.server.ts), payloads as stored, requests shown
 * in the admin and the admin's log views all ask `isSecretKey`.
 */
const SECRET_KEY = /token|secret|password|api[_-]?key|authorization|signature|^sig$|^hmac$|credential/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}
/** Keys that carry an IP address in clear (Meta client_ip_address, TikTok ip, GA4 ip_override…). */
const IP_KEY = /(^|_)ip($|_)|ip_?address|ip_override/i;
/** Keys that carry an email or phone number (hashed fields keep their hash). */
const PERSONAL_KEY = /^(em|ph|email|phone|phone_number|email_address)$/i;
/**
 * Keys that carry a name or address in clear (Klaviyo's profile: first_name, location.city…).
 * Hashed values keep their hash like everywhere else.
 */
const NAME_OR_ADDRESS_KEY = /^(first_name|last_name|address1|address2|city|zip|region)$/i;

export const REDACTED = {
  secret: "[secret]",
  ip: "[ip hidden]",
  email: "[email hidden]",
  phone: "[phone hidden]",
  personal: "[hidden]",
} as const;

/** A path segment that is a token, not a word or an id: 16+ letters and digits mixed, no hyphen. */
function isPathToken(segment: string): boolean {
  return /^[A-Za-z0-9_]{16,}$/.test(segment) && /[0-9]/.test(segment) && /[A-Za-z]/.test(segment);
}

/** A URL with credential-like query parameters (and personal data in any parameter) replaced. */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return redactText(text);
  }
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_KEY.test(key) || /^(key|code|access_token|id_token)$/i.test(key)) url.searchParams.set(key, REDACTED.secret);
    else url.searchParams.set(key, redactText(url.searchParams.get(key) ?? ""));
  }
  // Checkout, cart and order-status links carry access tokens in the path (/checkouts/cn/<token>).
  url.pathname = url.pathname
    .split("/")
    .map((seg) => (isPathToken(seg) ? "[token]" : seg))
    .join("/");
  if (url.username || url.password) {
    url.username = "";
    url.password = "";
  }
  return url.toString();
}

/** Free text (an error message, a response body): emails, phone numbers, IPs and URL tokens removed. */
export function redactText(text: string): string {
  return text
    .replace(/https?:\/\/[^\s"'<>]+/g, (u) => (u === text ? u : redactUrl(u)))
    .replace(/([?&](?:access_token|token|api_key|key|secret|signature)=)[^&\s"']+/gi, `$1${REDACTED.secret}`)
    .replace(EMAIL, REDACTED.email)
    .replace(IPV4, REDACTED.ip)
    .replace(IPV6, (m) => (HASH.test(m) ? m : REDACTED.ip))
    .replace(PHONE, REDACTED.phone);
}

function redactString(key: string | undefined, value: string): string {
  if (key !== undefined && SECRET_KEY.test(key)) return REDACTED.secret;
  if (HASH.test(value)) return value; // a SHA-256 hash: shown as the platform got it
  if (key !== undefined && IP_KEY.test(key)) return REDACTED.ip;
  if (key !== undefined && PERSONAL_KEY.test(key)) return /@/.test(value) ? REDACTED.email : REDACTED.phone;
  if (key !== undefined && NAME_OR_ADDRESS_KEY.test(key)) return REDACTED.personal;
  if (/^https?:\/\//i.test(value)) return redactUrl(value);
  return redactText(value);
}

/** Deep copy of a JSON value with personal data and credentials replaced; hashes kept. */
export function redactPayload(value: unknown, key?: string): unknown {
  if (typeof value === "string") return redactString(key, value);
  if (Array.isArray(value)) return value.map((v) => redactPayload(v, key));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactPayload(v, k);
    return out;
  }
  return value;
}

/** A stored JSON text (or plain text) ready to show, pretty-printed. */
export function redactStoredBody(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text === "") return null;
  try {
    return JSON.stringify(redactPayload(JSON.parse(text) as unknown), null, 2);
  } catch {
    return redactText(text);
  }
}

/**
 * Deep copy with the value of every credential key replaced; everything else kept as it
 * was (a payload "as sent": hashes and all). Personal data is hidden later, on display.
 */
export function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED.secret : scrubSecrets(v);
    return out;
  }
  return value;
}

/** A request URL as sent, with only the credential query parameters replaced. */
export function redactUrlSecrets(url: string): string {
  try {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()]) if (isSecretKey(k)) u.searchParams.set(k, REDACTED.secret);
    return u.toString().replaceAll(encodeURIComponent(REDACTED.secret), REDACTED.secret);
  } catch {
    return url.replace(/([?&][^=&]*(?:token|secret|key)[^=&]*=)[^&]*/gi, `$1${REDACTED.secret}`);
  }
}

/** Request headers with credential values replaced (a bearer scheme keeps its word). */
export function redactHeaderSecrets(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!isSecretKey(k)) out[k] = v;
    else if (/^bearer /i.test(v)) out[k] = `Bearer ${REDACTED.secret}`;
    else out[k] = REDACTED.secret;
  }
  return out;
}
