/**
 * RFC 4180 CSV (https://www.rfc-editor.org/rfc/rfc4180): fields joined by commas,
 * records by CRLF; a field holding a comma, quote, CR or LF is wrapped in double
 * quotes with inner quotes doubled. No library: this is the whole rule.
 *
 * Spreadsheet formula injection (OWASP "CSV Injection"): a text field starting with
 * = + - @ TAB or CR is prefixed with a single quote so Excel/Sheets show it as text.
 * Numbers are written by the caller as strings and are never prefixed: pass
 * `{ numeric: true }` columns through `csvRecord(fields, numericColumns)`.
 */

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function escapeCsvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "number" ? String(value) : value;
  if (typeof value === "string" && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(fields: ReadonlyArray<string | number | null | undefined>): string {
  return fields.map(escapeCsvField).join(",");
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  return [csvRecord(header), ...rows.map(csvRecord)].join("\r\n") + "\r\n";
}

/** Inverse of toCsv for tests and round trips (RFC 4180 quoting; no formula-prefix removal). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
