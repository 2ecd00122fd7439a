import type { z } from "zod";
import type { DestinationAdapter, DestinationKind } from "./destination";

/**
 * The settings form of a destination, derived from the adapter itself: the field
 * list and control types come from `configSchema` (so a new config key shows up in
 * the form without touching the admin), secrets from `secretFields`; labels and
 * help text come from the small per-kind map below. Pure: no React, no env.
 */

export type ConfigFieldControl =
  | { type: "text" }
  | { type: "secret" }
  | { type: "select"; options: string[] }
  | { type: "checkbox" };

export interface ConfigField {
  key: string;
  label: string;
  help?: string;
  required: boolean;
  control: ConfigFieldControl;
  /** Sent only in test mode (shown next to the test-mode switch). */
  testOnly: boolean;
}

interface FieldText {
  label: string;
  help?: string;
}

const CONTENT_ID: FieldText = {
  label: "Catalog item id",
  help: "Which Shopify id matches the item ids of your product catalog on this platform (Shopify's own feeds use the variant id).",
};

/** Labels and help per kind and config key. Keys missing here fall back to a humanised key. */
export const FIELD_TEXT: Record<DestinationKind, Record<string, FieldText>> = {
  meta: {
    pixelId: { label: "Pixel (dataset) id", help: "Events Manager → Data sources → your pixel: the number under its name." },
    accessToken: { label: "Conversions API access token", help: "Events Manager → your pixel → Settings → Conversions API → Generate access token." },
    testEventCode: { label: "Test event code", help: "Events Manager → Test events (e.g. TEST12345). Sent only while test mode is on." },
    contentIdSource: CONTENT_ID,
  },
  tiktok: {
    pixelCode: { label: "Pixel code", help: "TikTok Events Manager → your pixel: the letters-and-digits code (e.g. C4ABCDEF12345678)." },
    accessToken: { label: "Events API access token", help: "Events Manager → your pixel → Settings → Events API → Generate access token." },
    testEventCode: { label: "Test event code", help: "Events Manager → Test events. Sent only while test mode is on." },
    purchaseEventName: { label: "Purchase event name", help: "The TikTok event your ad campaigns optimise on." },
    contentIdSource: CONTENT_ID,
  },
  ga4: {
    measurementId: { label: "Measurement ID", help: "Admin → Data streams → your web stream: G-XXXXXXXXXX (not the numeric stream id)." },
    apiSecret: { label: "Measurement Protocol API secret", help: "Admin → Data streams → your web stream → Measurement Protocol API secrets → Create." },
    region: { label: "Collection region", help: "eu sends to region1.google-analytics.com (EU data collection)." },
    contentIdSource: CONTENT_ID,
  },
  "google-ads": {
    customerId: { label: "Customer id", help: "The 10-digit Google Ads account number shown top right in Google Ads (dashes allowed)." },
    conversionActionId: { label: "Conversion action id", help: "Goals → Conversions → your \"Import from clicks\" action: the ctId number in its URL." },
    loginCustomerId: { label: "Manager account id", help: "Only when you sign in through a manager (MCC) account." },
    developerToken: { label: "Developer token", help: "Google Ads API Center → Developer token." },
    accessToken: { label: "OAuth access token", help: "An access token with the adwords scope." },
    enhancedConversions: { label: "Enhanced conversions", help: "Send hashed email and phone. Requires the customer data terms accepted in Google Ads." },
  },
  pinterest: {
    adAccountId: { label: "Ad account id", help: "Ads Manager → the number in the account switcher (up to 18 digits)." },
    accessToken: { label: "Conversion access token", help: "Ads Manager → Conversions → Conversion access token → Generate." },
    contentIdSource: CONTENT_ID,
  },
  snapchat: {
    pixelId: { label: "Snap Pixel id", help: "Ads Manager → Events Manager → your pixel: a UUID like 1ec32188-754e-4be2-8e55-c949a984a39f." },
    accessToken: { label: "Conversions API token", help: "Ads Manager → Business Details → Conversions API tokens → Generate." },
    contentIdSource: CONTENT_ID,
  },
};

/** Keys only used in the platform's test mode. */
const TEST_ONLY_KEYS = new Set(["testEventCode"]);

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  entries?: Record<string, string>;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The base type under defaults, optionals and preprocess/transform pipes. */
function baseDef(schema: z.ZodType): Def {
  let def = defOf(schema);
  for (let i = 0; i < 20; i++) {
    if ((def.type === "default" || def.type === "optional" || def.type === "nullable" || def.type === "prefault") && def.innerType) {
      def = defOf(def.innerType);
    } else if (def.type === "pipe" && def.in && def.out) {
      const inner = baseDef(def.in);
      def = inner.type === "transform" ? defOf(def.out) : inner;
    } else {
      break;
    }
  }
  return def;
}

function humanise(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The form fields of one adapter, in configSchema order. */
export function configFields(adapter: DestinationAdapter<unknown>): ConfigField[] {
  const shape = (adapter.configSchema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.entries(shape).map(([key, schema]) => {
    const def = baseDef(schema);
    const text = FIELD_TEXT[adapter.kind]?.[key];
    const control: ConfigFieldControl = adapter.secretFields.includes(key)
      ? { type: "secret" }
      : def.type === "enum" && def.entries
        ? { type: "select", options: Object.values(def.entries) }
        : def.type === "boolean"
          ? { type: "checkbox" }
          : { type: "text" };
    return {
      key,
      label: text?.label ?? humanise(key),
      help: text?.help,
      required: !schema.safeParse(undefined).success,
      control,
      testOnly: TEST_ONLY_KEYS.has(key),
    };
  });
}
