import type { Db } from "~/db.server";
import { insertAppSettingIfAbsent, readAppSetting } from "~/data/app-settings.server";
import { EnvError } from "~/env.server";
import { decryptText, encryptText } from "~/lib/crypto.server";

export const KEY_CHECK_SETTING = "encryption_key_check";
const KEY_CHECK_TEXT = "trueline encryption key check v1";

/**
 * A key check value (ADR 0013): at first boot a known text is sealed with ENCRYPTION_KEY
 * and stored; every later boot must open it, or the boot stops with one line naming the
 * variable. Without it a wrong key boots, and every admin page, webhook and delivery
 * fails later on the first secret it decrypts.
 */
export async function verifyEncryptionKey(db: Db, key: Buffer): Promise<"stored" | "verified"> {
  let sealed = await readAppSetting(db, KEY_CHECK_SETTING);
  let stored: "stored" | "verified" = "verified";
  if (sealed === null) {
    await insertAppSettingIfAbsent(db, KEY_CHECK_SETTING, encryptText(key, KEY_CHECK_TEXT));
    sealed = await readAppSetting(db, KEY_CHECK_SETTING);
    stored = "stored";
  }
  let opened: string | null = null;
  try {
    opened = decryptText(key, sealed ?? "");
  } catch {
    opened = null;
  }
  if (opened !== KEY_CHECK_TEXT) {
    throw new EnvError("Invalid environment: ENCRYPTION_KEY does not open this database's data (it is not the key this database was first booted with)");
  }
  return stored;
}
