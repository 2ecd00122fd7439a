import { useEffect, useState, type ReactNode } from "react";

/** Renders children after hydration only (charts measure the DOM; the server renders the fallback). */
export function ClientOnly({ children, fallback = null }: { children: () => ReactNode; fallback?: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return <>{mounted ? children() : fallback}</>;
}
