import { useEffect } from "react";
import { useNavigation } from "@remix-run/react";
import { ProgressBar } from "@shopify/polaris";

/** A thin progress bar while Remix loads or submits (the page's loading state). */
export function NavigationProgress() {
  const navigation = useNavigation();
  if (navigation.state === "idle") return null;
  return (
    <div role="progressbar" aria-label={navigation.state === "submitting" ? "Saving" : "Loading"} data-testid="navigation-progress">
      <ProgressBar progress={navigation.state === "submitting" ? 60 : 30} size="small" />
    </div>
  );
}

/** Show an App Bridge toast when `message` changes to a non-empty value (client only). */
export function useToastOnChange(message: string | null | undefined, token: unknown, isError = false) {
  // App Bridge's `shopify` global exists only in the browser (useAppBridge throws during SSR).
  useEffect(() => {
    if (message && typeof window !== "undefined" && window.shopify) window.shopify.toast.show(message, { isError });
    // Deliberately keyed on `token` alone: the same message twice (a new token) toasts twice.
  }, [token]);
}
