-- CreateTable
CREATE TABLE "DeliveryRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "body" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Keep the bodies already stored: one request row per delivery row that had one.
INSERT INTO "DeliveryRequest" ("id", "shop", "destinationId", "body", "createdAt")
SELECT 'legacy-' || "id", "shop", "destinationId", "requestBody", "updatedAt" FROM "Delivery" WHERE "requestBody" IS NOT NULL;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Delivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "conversionId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lockedUntil" DATETIME,
    "lockedBy" TEXT,
    "firstQueuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "occurredAt" DATETIME NOT NULL,
    "lastError" TEXT,
    "requestId" TEXT,
    "claimToken" TEXT,
    "deliveredAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Delivery" ("attempts", "conversionId", "createdAt", "deliveredAt", "destinationId", "eventId", "eventName", "firstQueuedAt", "id", "lastError", "lockedBy", "lockedUntil", "nextAttemptAt", "occurredAt", "shop", "status", "updatedAt", "requestId") SELECT "attempts", "conversionId", "createdAt", "deliveredAt", "destinationId", "eventId", "eventName", "firstQueuedAt", "id", "lastError", "lockedBy", "lockedUntil", "nextAttemptAt", "occurredAt", "shop", "status", "updatedAt", CASE WHEN "requestBody" IS NOT NULL THEN 'legacy-' || "id" END FROM "Delivery";
DROP TABLE "Delivery";
ALTER TABLE "new_Delivery" RENAME TO "Delivery";
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");
CREATE INDEX "Delivery_shop_status_idx" ON "Delivery"("shop", "status");
CREATE INDEX "Delivery_conversionId_idx" ON "Delivery"("conversionId");
CREATE INDEX "Delivery_requestId_idx" ON "Delivery"("requestId");
CREATE UNIQUE INDEX "Delivery_destinationId_eventId_key" ON "Delivery"("destinationId", "eventId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "DeliveryRequest_shop_createdAt_idx" ON "DeliveryRequest"("shop", "createdAt");

