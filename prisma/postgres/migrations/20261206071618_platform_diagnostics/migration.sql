-- CreateTable
CREATE TABLE "PlatformDiagnostic" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "verdict" TEXT NOT NULL DEFAULT '{}',
    "error" TEXT,
    "httpStatus" INTEGER NOT NULL DEFAULT 0,
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlatformDiagnostic_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PlatformDiagnostic_shop_destinationId_fetchedAt_idx" ON "PlatformDiagnostic"("shop", "destinationId", "fetchedAt");

