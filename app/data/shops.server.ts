import { z } from "zod";
import type { Prisma } from "@trueline/db-sqlite";
import type { Db } from "~/db.server";
import { asBool, runnerOf, statement } from "./sql.server";

/** Merchant settings (admin Settings page). Validated on every read; unknown keys dropped. */
export const ShopSettingsSchema = z.object({
  attributionLookbackDays: z.number().int().min(1).max(90).default(30),
  sessionTimeoutMinutes: z.number().int().min(5).max(240).default(30),
  retentionDays: z.number().int().min(7).max(730).default(180),
  botFiltering: z.boolean().default(true),
  proxySubpath: z.string().regex(/^[a-z0-9-]{1,30}$/).default("trueline"),
  deliveryThresholdPercent: z.number().min(0).max(100).default(95),
  /** App ids (the number Shopify shows as the order's app) of post-purchase upsell apps that create a separate order. */
  upsellAppIds: z.array(z.string().regex(/^\d{1,20}$/)).max(50).default([]),
});
export type ShopSettings = z.infer<typeof ShopSettingsSchema>;

type Tx = Db | Prisma.TransactionClient;

const READ_SETTINGS = statement("shop.settings", `SELECT "settings" FROM "Shop" WHERE "Shop"."domain" = ?`);

/** On every webhook and pixel pass: a prepared statement (app/data/sql.server.ts). */
export async function readShopSettings(db: Tx, shop: string): Promise<ShopSettings> {
  const [row] = await runnerOf(db).all(READ_SETTINGS, [shop]);
  const parsed = ShopSettingsSchema.safeParse(row ? JSON.parse(String(row.settings)) : {});
  return parsed.success ? parsed.data : ShopSettingsSchema.parse({});
}

export async function saveShopSettings(db: Tx, shop: string, settings: ShopSettings): Promise<void> {
  const text = JSON.stringify(settings);
  await db.shop.upsert({ where: { domain: shop }, create: { domain: shop, settings: text }, update: { settings: text } });
}

export async function markInstalled(db: Tx, shop: string, at: Date): Promise<void> {
  await db.shop.upsert({ where: { domain: shop }, create: { domain: shop, installedAt: at }, update: { uninstalledAt: null } });
}

export async function markUninstalled(db: Tx, shop: string, at: Date): Promise<void> {
  await db.shop.upsert({ where: { domain: shop }, create: { domain: shop, uninstalledAt: at }, update: { uninstalledAt: at } });
}

export async function isUninstalled(db: Tx, shop: string): Promise<boolean> {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } });
  return Boolean(row?.uninstalledAt);
}

/**
 * Is the app installed on this shop? The one definition, used by the app proxy (ingest) and
 * by webhook processing. An offline session means installed (Shopify's token exchange stores
 * one on install and on reinstall, before anything writes a Shop row); without one, the Shop
 * row must exist and not be uninstalled. After app/uninstalled (sessions deleted,
 * uninstalledAt set) or shop/redact (everything deleted) the answer is false.
 */
const IS_INSTALLED = statement(
  "shop.installed",
  `SELECT EXISTS (SELECT 1 FROM "Session" WHERE "Session"."shop" = ? AND "Session"."isOnline" = ?) AS "offline",
     (SELECT "uninstalledAt" IS NULL FROM "Shop" WHERE "Shop"."domain" = ?) AS "installed"`,
);

/** One prepared statement (every ingest request and every webhook asks). */
export async function isAppInstalled(db: Tx, shop: string): Promise<boolean> {
  const [row] = await runnerOf(db).all(IS_INSTALLED, [shop, false, shop]);
  return asBool(row?.offline) || asBool(row?.installed);
}

/** Deletes the shop's row (shop/redact, after its data). */
export async function deleteShopRow(db: Tx, shop: string): Promise<void> {
  await db.shop.deleteMany({ where: { domain: shop } });
}

/** Deletes the shop's Shopify sessions (app/uninstalled). */
export async function deleteShopSessions(db: Tx, shop: string): Promise<void> {
  await db.session.deleteMany({ where: { shop } });
}

/** Records the scopes now granted on every session of the shop (app/scopes_update). */
export async function setShopSessionScopes(db: Tx, shop: string, scope: string): Promise<void> {
  await db.session.updateMany({ where: { shop }, data: { scope } });
}
