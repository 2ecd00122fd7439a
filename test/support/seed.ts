import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { createDb, type Db } from "~/db.server";
import { decodeKey } from "~/env.server";
import { EncryptedSessionStorage } from "~/lib/encrypted-session-storage.server";
import { saveDestination } from "~/data/destinations.server";
import { markInstalled } from "~/data/shops.server";
import { destinations } from "~/destinations/registry";
import type { DestinationKind, DestinationAdapter } from "~/destinations/destination";
import { DestinationPolicySchema } from "~/destinations/policy";
import { TEST_ENCRYPTION_KEY } from "./env";

export const testKey = () => decodeKey(TEST_ENCRYPTION_KEY)!;

export async function openDb(url: string): Promise<Db> {
  const { db, ready } = createDb(url);
  await ready;
  return db;
}

/** An installed shop: the offline session Shopify's token exchange would have stored (tokens encrypted). */
export async function seedInstalledShop(db: Db, shop: string): Promise<void> {
  const storage = new EncryptedSessionStorage(new PrismaSessionStorage(db as never), testKey());
  const session = new Session({ id: `offline_${shop}`, shop, state: "seeded", isOnline: false, scope: "read_orders,write_pixels,read_customer_events", accessToken: "shpat_test_offline_token_0001" });
  await storage.storeSession(session);
  await markInstalled(db, shop, new Date());
}

export async function seedDestination(
  db: Db,
  shop: string,
  kind: DestinationKind,
  config: Record<string, unknown>,
  policy: Record<string, unknown> = {},
) {
  const adapter = (destinations as Partial<Record<DestinationKind, DestinationAdapter<unknown>>>)[kind]!;
  return saveDestination(db, testKey(), {
    shop,
    kind,
    label: adapter.displayName,
    config,
    secretFields: adapter.secretFields,
    policy: DestinationPolicySchema.parse(policy),
  });
}
