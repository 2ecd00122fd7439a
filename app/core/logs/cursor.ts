/**
 * Keyset pagination, newest first: the cursor names the last row shown (its time and
 * id), the next page starts strictly after it. Opaque to the browser (base64url JSON).
 */
export interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify({ t: c.at.toISOString(), i: c.id }), "utf8").toString("base64url");
}

export function decodeCursor(text: string | undefined | null): Cursor | null {
  if (!text) return null;
  try {
    const raw = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown;
    if (!raw || typeof raw !== "object") return null;
    const { t, i } = raw as { t?: unknown; i?: unknown };
    if (typeof t !== "string" || typeof i !== "string" || i.length === 0 || i.length > 64) return null;
    const at = new Date(t);
    return Number.isNaN(at.getTime()) ? null : { at, id: i };
  } catch {
    return null;
  }
}

/** Split a fetched page of limit+1 rows into the page and the cursor for the next one. */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => Cursor): { rows: T[]; next: string | null } {
  if (rows.length <= limit) return { rows, next: null };
  const page = rows.slice(0, limit);
  return { rows: page, next: encodeCursor(key(page[page.length - 1]!)) };
}
