/** Keeps requests free of `undefined` keys, so stored JSON and toEqual agree. */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Trimmed value, or undefined when missing or blank. */
export function nonEmpty(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value === undefined || value === "" ? undefined : value;
}
