import type { AdminJobHandler } from "./admin-jobs.server";
import { replayFailedHandler } from "~/services/replay.server";
import { platformDiagnosticsHandler, type DiagnosticsReadDeps } from "~/services/platform-diagnostics.server";

/** kind → handler. An export adds its handler here. */
export const adminJobHandlers: readonly AdminJobHandler[] = [replayFailedHandler];

/** Every handler, with those that need the worker's key and platform URLs (platform read-backs, ADR 0041). */
export function adminJobHandlersFor(deps: DiagnosticsReadDeps): readonly AdminJobHandler[] {
  return [...adminJobHandlers, platformDiagnosticsHandler(deps)];
}
