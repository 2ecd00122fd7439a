-- CreateIndex
CREATE INDEX "PixelEvent_shop_customerId_idx" ON "PixelEvent"("shop", "customerId");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_emailHash_idx" ON "PixelEvent"("shop", "emailHash");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_phoneHash_idx" ON "PixelEvent"("shop", "phoneHash");

