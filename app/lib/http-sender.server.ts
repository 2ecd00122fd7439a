import type { HttpRequestSpec, HttpResponseSnapshot } from "~/core/delivery/http";

export type SendResult =
  | { kind: "response"; response: HttpResponseSnapshot; durationMs: number }
  | { kind: "network-error"; error: string; timedOut: boolean; durationMs: number };

/**
 * The ONE place that performs outbound HTTP for destinations. Never throws:
 * non-2xx statuses are returned for the adapter to classify; network errors
 * and timeouts come back as values.
 */
/** A platform read (diagnostics): a GET without body, or a POST. Same I/O, same answers. */
export type ReadRequestSpec = { method: "GET" | "POST"; url: string; headers: Record<string, string>; body?: unknown; encoding?: "json" | "form" };

export async function sendRequest(spec: HttpRequestSpec | ReadRequestSpec, opts: { timeoutMs: number; now?: () => number } ): Promise<SendResult> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const form = spec.encoding === "form";
    const res = await fetch(spec.url, {
      method: spec.method,
      headers: { "content-type": form ? "application/x-www-form-urlencoded" : "application/json", ...spec.headers },
      body:
        spec.body === undefined
          ? undefined
          : form
            ? new URLSearchParams(spec.body as Record<string, string>).toString()
            : JSON.stringify(spec.body),
      signal: controller.signal,
    });
    const text = await res.text();
    let body: unknown = text;
    if (text && (res.headers.get("content-type") ?? "").includes("json")) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text; // malformed JSON stays text; the adapter decides
      }
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    return { kind: "response", response: { status: res.status, headers, body }, durationMs: Math.round(now() - started) };
  } catch (error) {
    const timedOut = controller.signal.aborted;
    return {
      kind: "network-error",
      error: timedOut ? `timed out after ${opts.timeoutMs} ms` : error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      timedOut,
      durationMs: Math.round(now() - started),
    };
  } finally {
    clearTimeout(timer);
  }
}
