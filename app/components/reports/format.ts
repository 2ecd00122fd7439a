/** Display helpers shared by the report pages (client-safe). */
export const percent = (share: number | null | undefined, digits = 1) => (share === null || share === undefined ? "—" : `${(share * 100).toFixed(digits)}%`);
export const count = (n: number) => n.toLocaleString("en-US");
export const humanize = (key: string) => key.replace(/_/g, " ").replace(/^\w/, (c) => c.toUpperCase());
