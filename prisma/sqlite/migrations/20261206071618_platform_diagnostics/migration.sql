-- CreateTable
CREATE TABLE "PlatformDiagnostic" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "verdict" TEXT NOT NULL DEFAULT '{}',
    "error" TEXT,
    "httpStatus" INTEGER NOT NULL DEFAULT 0,
    "fetchedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "PlatformDiagnostic_shop_destinationId_fetchedAt_idx" ON "PlatformDiagnostic"("shop", "destinationId", "fetchedAt");

