/** Configuration shared by the test harness and the demo (never used in production). */
export const TEST_API_KEY = "trueline-test-api-key";
export const TEST_API_SECRET = "trueline-test-api-secret";
export const TEST_ENCRYPTION_KEY = "0f".repeat(32);
export const TEST_SHOP = "trueline-test.myshopify.com";

export type TestDbKind = "sqlite" | "postgres";
export function testDbKind(): TestDbKind {
  const v = process.env.TEST_DATABASE ?? "sqlite";
  if (v !== "sqlite" && v !== "postgres") throw new Error(`TEST_DATABASE must be sqlite or postgres, got ${v}`);
  return v;
}
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
