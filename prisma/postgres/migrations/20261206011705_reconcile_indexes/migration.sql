-- CreateIndex
CREATE INDEX "WebhookDelivery_status_createdAt_idx" ON "WebhookDelivery"("status", "createdAt");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_cartToken_idx" ON "PixelEvent"("shop", "cartToken");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_profileId_idx" ON "PixelEvent"("shop", "profileId");

-- CreateIndex
CREATE INDEX "PixelEvent_processedAt_occurredAt_id_idx" ON "PixelEvent"("processedAt", "occurredAt", "id");

-- CreateIndex
CREATE INDEX "Order_shop_profileId_shopifyCreatedAt_idx" ON "Order"("shop", "profileId", "shopifyCreatedAt");

-- CreateIndex
CREATE INDEX "Order_shop_cartToken_idx" ON "Order"("shop", "cartToken");

