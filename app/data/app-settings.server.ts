import type { Db } from "~/db.server";

/** A process-wide setting (no shop), or null. */
export async function readAppSetting(db: Db, key: string): Promise<string | null> {
  const row = await db.appSetting.findUnique({ where: { key } });
  return row?.value ?? null;
}

/** Store `value` under `key` unless a row exists (two processes booting at once: the first wins). */
export async function insertAppSettingIfAbsent(db: Db, key: string, value: string): Promise<void> {
  await db.$executeRaw`INSERT INTO "AppSetting" ("key", "value", "createdAt") VALUES (${key}, ${value}, ${new Date()}) ON CONFLICT ("key") DO NOTHING`;
}
