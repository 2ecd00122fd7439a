-- A delivery's identity gains the SHA-256 of its signed body (ADR 0014).
-- Rebuilt rather than ALTER TABLE … ADD COLUMN so the column sits where the schema puts it.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_WebhookDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" TEXT,
    "topic" TEXT NOT NULL,
    "apiVersion" TEXT,
    "triggeredAt" DATETIME,
    "bodyDigest" TEXT,
    "rawBody" TEXT,
    "status" TEXT NOT NULL DEFAULT 'received',
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    "processedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_WebhookDelivery" ("id", "shop", "webhookId", "eventId", "topic", "apiVersion", "triggeredAt", "rawBody", "status", "error", "attempts", "lockedUntil", "processedAt", "createdAt", "updatedAt")
SELECT "id", "shop", "webhookId", "eventId", "topic", "apiVersion", "triggeredAt", "rawBody", "status", "error", "attempts", "lockedUntil", "processedAt", "createdAt", "updatedAt" FROM "WebhookDelivery";
DROP TABLE "WebhookDelivery";
ALTER TABLE "new_WebhookDelivery" RENAME TO "WebhookDelivery";
CREATE INDEX "WebhookDelivery_status_lockedUntil_idx" ON "WebhookDelivery"("status", "lockedUntil");
CREATE INDEX "WebhookDelivery_bodyDigest_idx" ON "WebhookDelivery"("bodyDigest");
CREATE INDEX "WebhookDelivery_status_createdAt_idx" ON "WebhookDelivery"("status", "createdAt");
CREATE UNIQUE INDEX "WebhookDelivery_shop_webhookId_bodyDigest_key" ON "WebhookDelivery"("shop", "webhookId", "bodyDigest");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
