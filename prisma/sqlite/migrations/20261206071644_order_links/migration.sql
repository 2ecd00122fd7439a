-- CreateTable
CREATE TABLE "OrderLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "linkId" TEXT NOT NULL,
    "orderId" TEXT,
    "relatedId" TEXT,
    "facts" TEXT NOT NULL DEFAULT '{}',
    "version" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AttributionCredit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "weight" REAL NOT NULL,
    "revenue" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "campaign" TEXT,
    "orderAt" DATETIME NOT NULL,
    "renewal" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_AttributionCredit" ("campaign", "channel", "createdAt", "currency", "id", "model", "orderAt", "orderId", "revenue", "sessionId", "shop", "weight") SELECT "campaign", "channel", "createdAt", "currency", "id", "model", "orderAt", "orderId", "revenue", "sessionId", "shop", "weight" FROM "AttributionCredit";
DROP TABLE "AttributionCredit";
ALTER TABLE "new_AttributionCredit" RENAME TO "AttributionCredit";
CREATE INDEX "AttributionCredit_shop_model_orderAt_idx" ON "AttributionCredit"("shop", "model", "orderAt");
CREATE UNIQUE INDEX "AttributionCredit_shop_orderId_model_sessionId_key" ON "AttributionCredit"("shop", "orderId", "model", "sessionId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "OrderLink_shop_orderId_idx" ON "OrderLink"("shop", "orderId");

-- CreateIndex
CREATE INDEX "OrderLink_shop_relatedId_idx" ON "OrderLink"("shop", "relatedId");

-- CreateIndex
CREATE UNIQUE INDEX "OrderLink_shop_kind_linkId_key" ON "OrderLink"("shop", "kind", "linkId");

