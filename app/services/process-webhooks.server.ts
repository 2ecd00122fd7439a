import type { Db, DbProvider } from "~/db.server";
import { webhookRetryDelayMs } from "~/core/delivery/backoff";
import { claimWebhooks, failWebhook, finishWebhook, type ClaimedWebhook } from "~/data/webhooks.server";
import { eraseFreedBytes, type RedactionTable } from "~/data/erasure.server";
import { isAppInstalled, markInstalled } from "~/data/shops.server";
import type { Logger } from "~/lib/logger.server";
import { applyOrderEditWebhook, applyOrderWebhook, applyRefundWebhook } from "./orders.server";
import { applyBillingAttemptWebhook, applyDraftOrderWebhook, applySubscriptionContractWebhook } from "./order-links.server";
import type { HandlerResult, ProcessDeps } from "./webhook-handler";
import { handleCustomerCreated } from "./customers.server";
import { handleAppUninstalled, handleCustomerDataRequest, handleCustomerRedact, handleScopesUpdate, handleShopRedact } from "./privacy.server";

export type { HandlerResult, ProcessDeps };

const MAX_ATTEMPTS = 12;

const COMPLIANCE = new Set(["customers/data_request", "customers/redact", "shop/redact", "app/uninstalled"]);

async function handle(deps: ProcessDeps, w: ClaimedWebhook): Promise<HandlerResult> {
  const raw = w.rawBody ?? "";
  const at = new Date(deps.now());
  if (!COMPLIANCE.has(w.topic) && !(await isAppInstalled(deps.db, w.shop))) {
    return { kind: "rejected", reason: "the app is not installed on this shop (uninstalled or redacted)" };
  }
  switch (w.topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/paid":
    case "orders/cancelled":
      return applyOrderWebhook(deps, w.shop, raw, at, { receivedAt: w.createdAt });
    case "refunds/create":
      return applyRefundWebhook(deps, w.shop, raw, at);
    case "orders/edited":
      return applyOrderEditWebhook(deps, w.shop, raw, at);
    case "draft_orders/create":
    case "draft_orders/update":
      // Revenue is counted from the order a completed draft creates; the draft's customer,
      // staff member, note attributes and tags are kept for that order to inherit (ADR 0024).
      return applyDraftOrderWebhook(deps, w.shop, raw, at);
    case "subscription_contracts/create":
    case "subscription_contracts/update":
      return applySubscriptionContractWebhook(deps, w.shop, raw, at);
    case "subscription_billing_attempts/success":
    case "subscription_billing_attempts/failure":
      return applyBillingAttemptWebhook(deps, w.shop, raw, at);
    case "customers/create":
      return handleCustomerCreated(deps, w.shop, raw, at);
    case "app/uninstalled":
      return handleAppUninstalled(deps, w.shop, at);
    case "app/scopes_update":
      await markInstalled(deps.db, w.shop, at);
      return handleScopesUpdate(deps, w.shop, raw);
    case "customers/data_request":
      return handleCustomerDataRequest(deps, w.shop, raw, at);
    case "customers/redact":
      return handleCustomerRedact(deps, w.shop, raw, at);
    case "shop/redact":
      return handleShopRedact(deps, w.shop, raw, at);
    default:
      return { kind: "rejected", reason: `unknown topic ${w.topic}` };
  }
}

/** Process stored webhooks (oldest first). A bug in a handler never loses the webhook: it is retried, then kept as failed. */
export async function processWebhooksTick(deps: ProcessDeps, limit = 100): Promise<number> {
  const now = new Date(deps.now());
  const claimed = await claimWebhooks(deps.db, deps.provider, { now, limit, leaseMs: 60_000 });
  for (const w of claimed) {
    const log = deps.log.child({ shop: w.shop, topic: w.topic, webhookId: w.webhookId });
    try {
      const result = await handle(deps, w);
      if (result.kind === "retry-later") {
        const delay = webhookRetryDelayMs(w.attempts);
        await failWebhook(deps.db, w.id, { error: result.reason, retryAt: new Date(deps.now() + delay), attempts: w.attempts, maxAttempts: MAX_ATTEMPTS });
      } else {
        await finishWebhook(deps.db, w.id, {
          status: result.kind,
          note: result.kind === "rejected" ? result.reason : result.note,
          at: new Date(deps.now()),
        });
        if (result.kind === "rejected") log.warn("webhook rejected", { reason: result.reason });
        if (result.kind === "processed" && result.erase) {
          // The redaction itself is done and recorded; a failed checkpoint/VACUUM must not
          // make it run again. The next redaction (or autovacuum) finishes the job.
          await eraseFreedBytes(deps.db, deps.provider, result.erase).catch((error: unknown) => log.error("erasing freed bytes after a redaction failed", { error }));
        }
      }
    } catch (error) {
      log.error("webhook processing failed; will retry", { error });
      const delay = webhookRetryDelayMs(w.attempts);
      await failWebhook(deps.db, w.id, { error: error instanceof Error ? error.message : String(error), retryAt: new Date(deps.now() + delay), attempts: w.attempts, maxAttempts: MAX_ATTEMPTS });
    }
  }
  return claimed.length;
}
