-- CreateTable
CREATE TABLE "OAuthGrant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "refreshToken" TEXT NOT NULL,
    "accessToken" TEXT NOT NULL DEFAULT '',
    "accessExpiresAt" DATETIME,
    "scope" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'active',
    "problem" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "refreshLeaseUntil" DATETIME,
    "connectedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "OAuthGrant_shop_provider_key" ON "OAuthGrant"("shop", "provider");

