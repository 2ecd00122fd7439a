import { useEffect } from "react";
import { useRevalidator } from "@remix-run/react";

/** While `active` (a background job is queued or running), reload the page's data every second. */
export function useRevalidateWhile(active: boolean): void {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(t);
  }, [active, revalidator]);
}
