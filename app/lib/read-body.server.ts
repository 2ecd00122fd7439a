/**
 * How much of an oversized body is read and thrown away before the connection is
 * given up: a client still uploading when we answer 413 would otherwise see its
 * connection reset instead of the answer (and a kept-alive socket would die under
 * the next request).
 */
const DRAIN_BYTES = 1 << 20;

export type BodyResult = { kind: "ok"; text: string } | { kind: "too-large"; limit: number };

/** Read a request body as UTF-8, stopping (without buffering the rest) past `limit` bytes. */
export async function readBodyCapped(request: Request, limit: number): Promise<BodyResult> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) return { kind: "too-large", limit };
  if (!request.body) return { kind: "ok", text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return size > limit ? { kind: "too-large", limit } : { kind: "ok", text: Buffer.concat(chunks).toString("utf8") };
    size += value.byteLength;
    if (size > limit) {
      chunks.length = 0;
      if (size > limit + DRAIN_BYTES) {
        await reader.cancel().catch(() => undefined);
        return { kind: "too-large", limit };
      }
      continue;
    }
    chunks.push(value);
  }
}
