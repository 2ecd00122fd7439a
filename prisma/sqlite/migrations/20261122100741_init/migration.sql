-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
    "domain" TEXT NOT NULL PRIMARY KEY,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" TEXT,
    "topic" TEXT NOT NULL,
    "apiVersion" TEXT,
    "triggeredAt" DATETIME,
    "rawBody" TEXT,
    "status" TEXT NOT NULL DEFAULT 'received',
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    "processedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PixelEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "clientId" TEXT NOT NULL,
    "visitorId" TEXT,
    "profileId" TEXT,
    "sessionId" TEXT,
    "url" TEXT,
    "referrer" TEXT,
    "checkoutToken" TEXT,
    "orderId" TEXT,
    "cartToken" TEXT,
    "customerId" TEXT,
    "emailHash" TEXT,
    "phoneHash" TEXT,
    "consent" TEXT NOT NULL,
    "isBot" BOOLEAN NOT NULL DEFAULT false,
    "data" TEXT NOT NULL DEFAULT '{}',
    "identity" TEXT NOT NULL DEFAULT '{}',
    "userAgent" TEXT,
    "ip" TEXT,
    "processedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Profile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "emailHash" TEXT,
    "phoneHash" TEXT,
    "identifiers" TEXT NOT NULL DEFAULT '{}',
    "mergedIntoId" TEXT,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ProfileAlias" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "profileId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "VisitSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "profileId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "lastEventAt" DATETIME NOT NULL,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "channel" TEXT NOT NULL,
    "source" TEXT,
    "medium" TEXT,
    "campaign" TEXT,
    "adSet" TEXT,
    "ad" TEXT,
    "platform" TEXT,
    "campaignKey" TEXT,
    "landingUrl" TEXT,
    "referrer" TEXT,
    "clickIds" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "name" TEXT,
    "kind" TEXT NOT NULL,
    "isTest" BOOLEAN NOT NULL DEFAULT false,
    "sourceName" TEXT,
    "shopifyCreatedAt" DATETIME NOT NULL,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME,
    "financialStatus" TEXT,
    "currency" TEXT NOT NULL,
    "totalPrice" TEXT NOT NULL,
    "presentmentCurrency" TEXT NOT NULL,
    "presentmentTotal" TEXT NOT NULL,
    "refundedTotal" TEXT NOT NULL DEFAULT '0',
    "customerId" TEXT,
    "emailHash" TEXT,
    "phoneHash" TEXT,
    "checkoutToken" TEXT,
    "cartToken" TEXT,
    "facts" TEXT NOT NULL,
    "matchStatus" TEXT NOT NULL DEFAULT 'pending',
    "matchMethod" TEXT,
    "profileId" TEXT,
    "sessionId" TEXT,
    "explanation" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Conversion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "orderId" TEXT,
    "occurredAt" DATETIME NOT NULL,
    "payload" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Destination" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "pausedAt" DATETIME,
    "pausedReason" TEXT,
    "config" TEXT NOT NULL DEFAULT '{}',
    "secrets" TEXT NOT NULL DEFAULT '',
    "policy" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "conversionId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lockedUntil" DATETIME,
    "lockedBy" TEXT,
    "firstQueuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "occurredAt" DATETIME NOT NULL,
    "lastError" TEXT,
    "requestBody" TEXT,
    "deliveredAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "DeliveryAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "deliveryId" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "httpStatus" INTEGER,
    "responseBody" TEXT,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AttributionCredit" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "PrivacyRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "customerId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'done',
    "export" TEXT,
    "summary" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_lockedUntil_idx" ON "WebhookDelivery"("status", "lockedUntil");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_shop_webhookId_key" ON "WebhookDelivery"("shop", "webhookId");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_checkoutToken_idx" ON "PixelEvent"("shop", "checkoutToken");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_orderId_idx" ON "PixelEvent"("shop", "orderId");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_clientId_occurredAt_idx" ON "PixelEvent"("shop", "clientId", "occurredAt");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_occurredAt_idx" ON "PixelEvent"("shop", "occurredAt");

-- CreateIndex
CREATE INDEX "PixelEvent_processedAt_receivedAt_idx" ON "PixelEvent"("processedAt", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "PixelEvent_shop_eventId_key" ON "PixelEvent"("shop", "eventId");

-- CreateIndex
CREATE INDEX "Profile_shop_customerId_idx" ON "Profile"("shop", "customerId");

-- CreateIndex
CREATE INDEX "Profile_shop_emailHash_idx" ON "Profile"("shop", "emailHash");

-- CreateIndex
CREATE INDEX "ProfileAlias_profileId_idx" ON "ProfileAlias"("profileId");

-- CreateIndex
CREATE UNIQUE INDEX "ProfileAlias_shop_key_key" ON "ProfileAlias"("shop", "key");

-- CreateIndex
CREATE INDEX "VisitSession_shop_clientId_lastEventAt_idx" ON "VisitSession"("shop", "clientId", "lastEventAt");

-- CreateIndex
CREATE INDEX "VisitSession_shop_profileId_startedAt_idx" ON "VisitSession"("shop", "profileId", "startedAt");

-- CreateIndex
CREATE INDEX "VisitSession_shop_startedAt_idx" ON "VisitSession"("shop", "startedAt");

-- CreateIndex
CREATE INDEX "Order_shop_checkoutToken_idx" ON "Order"("shop", "checkoutToken");

-- CreateIndex
CREATE INDEX "Order_shop_customerId_idx" ON "Order"("shop", "customerId");

-- CreateIndex
CREATE INDEX "Order_shop_shopifyCreatedAt_idx" ON "Order"("shop", "shopifyCreatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shop_orderId_key" ON "Order"("shop", "orderId");

-- CreateIndex
CREATE INDEX "Conversion_shop_orderId_idx" ON "Conversion"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Conversion_shop_eventId_key" ON "Conversion"("shop", "eventId");

-- CreateIndex
CREATE INDEX "Destination_shop_idx" ON "Destination"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Destination_shop_kind_label_key" ON "Destination"("shop", "kind", "label");

-- CreateIndex
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Delivery_shop_status_idx" ON "Delivery"("shop", "status");

-- CreateIndex
CREATE INDEX "Delivery_conversionId_idx" ON "Delivery"("conversionId");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_destinationId_eventId_key" ON "Delivery"("destinationId", "eventId");

-- CreateIndex
CREATE INDEX "DeliveryAttempt_deliveryId_idx" ON "DeliveryAttempt"("deliveryId");

-- CreateIndex
CREATE INDEX "AttributionCredit_shop_model_orderAt_idx" ON "AttributionCredit"("shop", "model", "orderAt");

-- CreateIndex
CREATE UNIQUE INDEX "AttributionCredit_shop_orderId_model_sessionId_key" ON "AttributionCredit"("shop", "orderId", "model", "sessionId");

-- CreateIndex
CREATE INDEX "PrivacyRequest_shop_kind_idx" ON "PrivacyRequest"("shop", "kind");

