-- CreateTable
CREATE TABLE "AdminJob" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "params" TEXT NOT NULL DEFAULT '{}',
    "cursor" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdminJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AdminJob_shop_kind_createdAt_idx" ON "AdminJob"("shop", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "AdminJob_status_lockedUntil_idx" ON "AdminJob"("status", "lockedUntil");

