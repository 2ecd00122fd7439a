import type { FieldText } from "../destination";

/** The catalog-id choice, worded the same for every platform that has it. */
export const CONTENT_ID_TEXT: FieldText = {
  label: "Catalog item id",
  help: "Which Shopify id matches the item ids of your product catalog on this platform (Shopify's own feeds use the variant id).",
};
