import { z } from "zod";
import type { Db } from "~/db.server";
import { ShopSettingsSchema, readShopSettings, saveShopSettings, type ShopSettings } from "~/data/shops.server";

export type SettingsField = keyof ShopSettings;

/**
 * The settings form as posted (all strings): numbers parsed strictly (empty or
 * "12abc" is an error, not 0), the checkbox present/absent. ShopSettingsSchema then
 * decides what is allowed, so the page and every other reader agree.
 */
const strictNumber = z.preprocess((v) => (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : v), z.number({ error: "Enter a number" }));
export const SettingsFormSchema = z.object({
  attributionLookbackDays: strictNumber,
  sessionTimeoutMinutes: strictNumber,
  retentionDays: strictNumber,
  deliveryThresholdPercent: strictNumber,
  proxySubpath: z.string().trim(),
  botFiltering: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
  // One field of app ids, separated by commas, spaces or new lines; absent or empty = none.
  // "unattributed" | "acquiring_channel"; ShopSettingsSchema checks the value (absent = default).
  renewalAttribution: z.string().optional(),
  upsellAppIds: z.preprocess((v) => (typeof v === "string" ? [...new Set(v.split(/[\s,]+/).filter((id) => id !== ""))] : v === undefined ? [] : v), z.array(z.string())),
});

export type SaveSettingsResult = { kind: "saved"; settings: ShopSettings } | { kind: "invalid"; fieldErrors: Partial<Record<SettingsField, string>> };

export async function getSettings(db: Db, shop: string): Promise<ShopSettings> {
  return readShopSettings(db, shop);
}

/** Validate the posted form (pure: no database). */
export function parseSettingsForm(form: Record<string, FormDataEntryValue>): SaveSettingsResult {
  const fieldErrors: Partial<Record<SettingsField, string>> = {};
  const collect = (issues: readonly z.core.$ZodIssue[]) => {
    for (const issue of issues) {
      const key = issue.path[0] as SettingsField | undefined;
      if (key && !fieldErrors[key]) fieldErrors[key] = messageOf(key, issue);
    }
  };
  const form1 = SettingsFormSchema.safeParse(form);
  if (!form1.success) {
    collect(form1.error.issues);
    return { kind: "invalid", fieldErrors };
  }
  const parsed = ShopSettingsSchema.safeParse(form1.data);
  if (!parsed.success) {
    collect(parsed.error.issues);
    return { kind: "invalid", fieldErrors };
  }
  return { kind: "saved", settings: parsed.data };
}

/** Validate, then write only when every field is valid (an invalid form changes nothing). */
export async function saveSettingsForm(db: Db, shop: string, form: Record<string, FormDataEntryValue>): Promise<SaveSettingsResult> {
  const result = parseSettingsForm(form);
  if (result.kind === "saved") await saveShopSettings(db, shop, result.settings);
  return result;
}

const LIMITS: Partial<Record<SettingsField, string>> = {
  attributionLookbackDays: "a whole number of days from 1 to 90",
  sessionTimeoutMinutes: "a whole number of minutes from 5 to 240",
  retentionDays: "a whole number of days from 7 to 730",
  deliveryThresholdPercent: "a percentage from 0 to 100",
  proxySubpath: "1 to 30 lowercase letters, digits or hyphens",
  upsellAppIds: "app ids as whole numbers (at most 50), separated by commas",
  renewalAttribution: "one of the listed choices",
};

function messageOf(field: SettingsField, issue: z.core.$ZodIssue): string {
  const limit = LIMITS[field];
  return limit ? `Enter ${limit}` : issue.message;
}
