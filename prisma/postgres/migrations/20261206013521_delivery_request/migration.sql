-- CreateTable
CREATE TABLE "DeliveryRequest" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "body" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeliveryRequest_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "claimToken" TEXT,
ADD COLUMN     "requestId" TEXT;

-- Keep the bodies already stored: one request row per delivery row that had one.
INSERT INTO "DeliveryRequest" ("id", "shop", "destinationId", "body", "createdAt")
SELECT 'legacy-' || "id", "shop", "destinationId", "requestBody", "updatedAt" FROM "Delivery" WHERE "requestBody" IS NOT NULL;
UPDATE "Delivery" SET "requestId" = 'legacy-' || "id" WHERE "requestBody" IS NOT NULL;

-- AlterTable
ALTER TABLE "Delivery" DROP COLUMN "requestBody";

-- CreateIndex
CREATE INDEX "DeliveryRequest_shop_createdAt_idx" ON "DeliveryRequest"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "Delivery_requestId_idx" ON "Delivery"("requestId");
