/**
 * What must never appear in a log line: raw email addresses, phone numbers,
 * IPv4 addresses of shoppers, Shopify access tokens, ad platform tokens.
 * Used over every app process's output of a whole test run (test/global-setup.ts).
 */
const PATTERNS: Array<[string, RegExp]> = [
  ["email", /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g],
  // E.164 (+ and 8-15 digits, separators allowed) or a national number written 3-3-4;
  // bare digit runs are order and product ids, which logs may hold.
  ["phone", /\+\d[\d ().-]{6,18}\d|(?<!\d)\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?!\d)/g],
  ["ipv4", /(?<![\d.])(?!127\.0\.0\.1(?![\d.]))(?!0\.0\.0\.0(?![\d.]))(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])/g],
  ["shopify token", /\bshp(?:at|ua|ca|pa|ss)_[A-Za-z0-9_]+/g],
  ["bearer token", /Bearer\s+[A-Za-z0-9._~+/-]{16,}/g],
];

export interface LogLeak {
  kind: string;
  /** Where (file:line), never the value itself. */
  at: string;
}

export function findPersonalData(text: string, source = "logs"): LogLeak[] {
  const leaks: LogLeak[] = [];
  text.split("\n").forEach((line, i) => {
    for (const [kind, re] of PATTERNS) {
      re.lastIndex = 0;
      if (re.test(line)) leaks.push({ kind, at: `${source}:${i + 1}` });
    }
  });
  return leaks;
}
