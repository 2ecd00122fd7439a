/**
 * Timestamps on admin pages: UTC, written out the same on the server and in the browser
 * (no hydration mismatch, no dependence on the viewer's locale). "minute" for states
 * ("Paused since …"), "second" for logs, where attempts seconds apart must read apart.
 */
export function formatUtc(iso: string | null | undefined, precision: "minute" | "second" = "minute"): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.toISOString().slice(0, precision === "second" ? 19 : 16).replace("T", " ")} UTC`;
}
