import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

const good = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://trueline.example.com",
  ENCRYPTION_KEY: "a".repeat(64),
};

describe("parseEnv", () => {
  it("accepts a minimal environment and fills defaults", () => {
    const env = parseEnv(good);
    expect(env.DATABASE_URL).toBe("file:./data/trueline.sqlite");
    expect(env.WORKER_MODE).toBe("inline");
    expect(env.PORT).toBe(3000);
  });
  it.each([
    [{ ...good, SHOPIFY_API_SECRET: undefined }, "Invalid environment: SHOPIFY_API_SECRET is missing"],
    [{ ...good, SHOPIFY_APP_URL: "not a url" }, "Invalid environment: SHOPIFY_APP_URL is invalid: Invalid URL"],
    [{ ...good, ENCRYPTION_KEY: "short" }, "Invalid environment: ENCRYPTION_KEY is invalid: must be 32 bytes as base64 (44 chars) or hex (64 chars)"],
    [{ ...good, DATABASE_URL: "mysql://x" }, "Invalid environment: DATABASE_URL is invalid: must start with file:, postgres:// or postgresql://"],
    [
      { ...good, NODE_ENV: "production", DESTINATION_BASE_URLS: '{"meta":"http://127.0.0.1:1"}' },
      "Invalid environment: DESTINATION_BASE_URLS is refused when NODE_ENV=production (stand-ins are for tests and the demo only)",
    ],
    [{ ...good, DESTINATION_BASE_URLS: '{"nope":"http://x"}' }, "Invalid environment: DESTINATION_BASE_URLS is invalid"],
    [
      { ...good, NODE_ENV: "production", SHOPIFY_ADMIN_API_URL: "http://127.0.0.1:1" },
      "Invalid environment: SHOPIFY_ADMIN_API_URL is refused when NODE_ENV=production (stand-ins are for tests and the demo only)",
    ],
    [
      { ...good, NODE_ENV: "production", GOOGLE_OAUTH_BASE_URL: "http://127.0.0.1:1" },
      "Invalid environment: GOOGLE_OAUTH_BASE_URL is refused when NODE_ENV=production (stand-ins are for tests and the demo only)",
    ],
    [{ ...good, GOOGLE_OAUTH_CLIENT_ID: "id.apps.googleusercontent.com" }, "Invalid environment: GOOGLE_OAUTH_CLIENT_SECRET is missing"],
  ])("names the bad variable in one line (%#)", (source, message) => {
    let thrown: Error | undefined;
    try {
      parseEnv(source as Record<string, string | undefined>);
    } catch (e) {
      thrown = e as Error;
    }
    expect(thrown?.message.startsWith(message)).toBe(true);
    expect(thrown?.message.includes("\n")).toBe(false);
  });
  it("accepts stand-in URLs outside production", () => {
    const env = parseEnv({ ...good, NODE_ENV: "test", DESTINATION_BASE_URLS: '{"meta":"http://127.0.0.1:4010"}' });
    expect(env.DESTINATION_BASE_URLS).toEqual({ meta: "http://127.0.0.1:4010" });
  });
});

describe("the example key", () => {
  const exampleKey = /^ENCRYPTION_KEY=(.*)$/m.exec(readFileSync(new URL("../.env.example", import.meta.url), "utf8"))![1]!.trim();
  it("is refused when NODE_ENV=production, in one line naming ENCRYPTION_KEY (in hex and in base64)", () => {
    for (const key of [exampleKey, Buffer.alloc(32).toString("base64")]) {
      expect(() => parseEnv({ ...good, NODE_ENV: "production", ENCRYPTION_KEY: key })).toThrow(/^Invalid environment: ENCRYPTION_KEY is the example key from \.env\.example/);
    }
  });
  it("is accepted outside production (the demo and `shopify app dev` use it)", () => {
    expect(parseEnv({ ...good, NODE_ENV: "development", ENCRYPTION_KEY: exampleKey }).ENCRYPTION_KEY).toBe(exampleKey);
    expect(parseEnv({ ...good, NODE_ENV: "production" }).NODE_ENV).toBe("production");
  });
});
