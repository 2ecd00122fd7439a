-- DropIndex
DROP INDEX "PixelEvent_processedAt_receivedAt_idx";

