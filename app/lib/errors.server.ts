import { log as defaultLog, scrub, type Logger } from "./logger.server";

/**
 * The one error path (ADR 0013): every unhandled error, from Express or from Remix,
 * is logged here with the request id the client also receives, and answered with a
 * generic 500. Only the error's name, code, the first line of its message (cut and
 * scrubbed) and its stack frames are logged: a database error's message can carry
 * the parameters of a whole flush (other shops' rows, shoppers' IPs), which must
 * never reach a log line or a response.
 */
export interface ErrorContext {
  requestId?: string | null;
  method?: string;
  /** The path only: the query of an app proxy request carries the shop and its signature. */
  path?: string;
}

export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: typeof error, message: String(scrub(String(error).split("\n")[0]!.slice(0, 200))) };
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? "")
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 8)
    .map((l) => l.trim());
  return {
    name: error.name,
    ...(typeof code === "string" || typeof code === "number" ? { code: String(code).slice(0, 40) } : {}),
    message: scrub(error.message.split("\n")[0]!.slice(0, 200)),
    frames: scrub(frames),
  };
}

export function reportError(error: unknown, context: ErrorContext, logger: Logger = defaultLog): void {
  logger.error("unhandled error", { requestId: context.requestId ?? undefined, method: context.method, path: context.path, error: describeError(error) });
}

/** The body of the generic 500: no stack, no SQL, no parameters, just the id to quote. */
export function genericErrorBody(requestId: string | null | undefined): { error: string; requestId: string | null } {
  return { error: "internal error", requestId: requestId ?? null };
}
