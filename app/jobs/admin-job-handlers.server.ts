import type { AdminJobHandler } from "./admin-jobs.server";
import { replayFailedHandler } from "~/services/replay.server";

/** kind → handler. An export adds its handler here. */
export const adminJobHandlers: readonly AdminJobHandler[] = [replayFailedHandler];
