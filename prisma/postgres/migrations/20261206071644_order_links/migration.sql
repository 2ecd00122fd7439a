-- AlterTable
ALTER TABLE "AttributionCredit" ADD COLUMN     "renewal" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "OrderLink" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "linkId" TEXT NOT NULL,
    "orderId" TEXT,
    "relatedId" TEXT,
    "facts" TEXT NOT NULL DEFAULT '{}',
    "version" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OrderLink_shop_orderId_idx" ON "OrderLink"("shop", "orderId");

-- CreateIndex
CREATE INDEX "OrderLink_shop_relatedId_idx" ON "OrderLink"("shop", "relatedId");

-- CreateIndex
CREATE UNIQUE INDEX "OrderLink_shop_kind_linkId_key" ON "OrderLink"("shop", "kind", "linkId");

