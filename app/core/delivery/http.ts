// An HTTP exchange as data: what an adapter asks to send and what came back. Adapters
// (app/destinations) build and read these; app/lib/http-sender.server.ts does the I/O.

export interface HttpRequestSpec {
  method: "POST";
  url: string;
  headers: Record<string, string>;
  /** JSON-serialisable body (or, with `encoding: "form"`, a flat record of strings). */
  body: unknown;
  /** How the body goes on the wire: JSON (default) or application/x-www-form-urlencoded (OAuth token endpoints). */
  encoding?: "json" | "form";
}

export interface HttpResponseSnapshot {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the body was JSON, else the text (possibly ""). */
  body: unknown;
}
