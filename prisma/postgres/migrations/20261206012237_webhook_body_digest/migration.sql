-- DropIndex
DROP INDEX "WebhookDelivery_shop_webhookId_key";

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "bodyDigest" TEXT;

-- CreateIndex
CREATE INDEX "WebhookDelivery_bodyDigest_idx" ON "WebhookDelivery"("bodyDigest");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_shop_webhookId_bodyDigest_key" ON "WebhookDelivery"("shop", "webhookId", "bodyDigest");

