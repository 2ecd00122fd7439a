import type { z } from "zod";
import type { DestinationAdapter } from "./destination";

/**
 * The settings form of a destination, derived from the adapter itself: the field
 * list and control types come from `configSchema` (so a new config key shows up in
 * the form without touching the admin), secrets from `secretFields`; labels and
 * help text from the adapter's `formText` (its folder's facts.ts). Pure: no React, no env.
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
  const appSupplied = new Set(adapter.appSuppliedFields ?? []);
  return Object.entries(shape).filter(([key]) => !appSupplied.has(key)).map(([key, schema]) => {
    const def = baseDef(schema);
    const text = adapter.formText[key];
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
