import { z } from "zod";
import type { ConversionContent } from "~/core/conversions/conversion";

/**
 * Which Shopify id identifies a line item in the platform's product catalog.
 * Catalog matching (dynamic ads, per-product reporting) only works when the
 * content id equals the catalog item id, and that depends on how the merchant's
 * catalog was created; Shopify's own sales-channel feeds key items by variant,
 * so "variant" is the default. Falls back to the product id when the chosen id
 * is missing on an item.
 */
export const ContentIdSourceSchema = z.enum(["variant", "product", "sku"]);
export type ContentIdSource = z.infer<typeof ContentIdSourceSchema>;

export function contentId(content: ConversionContent, source: ContentIdSource): string {
  switch (source) {
    case "variant":
      return content.variantId ?? content.id;
    case "sku":
      return content.sku !== undefined && content.sku.trim() !== "" ? content.sku : (content.variantId ?? content.id);
    case "product":
      return content.id;
  }
}
