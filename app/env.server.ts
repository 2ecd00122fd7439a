import { z } from "zod";
import { DESTINATION_KINDS } from "./destinations/destination";

/**
 * Every environment variable the app reads, validated once at boot.
 * A missing or malformed variable stops the boot with ONE line naming it.
 * Keep .env.example and the README's configuration table in step with this.
 */

const url = z.url();

const BaseUrlOverridesSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be JSON, e.g. {\"meta\":\"http://127.0.0.1:4010\"}" });
      return z.NEVER;
    }
  })
  .pipe(z.partialRecord(z.enum(DESTINATION_KINDS), z.url()));

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    SHOPIFY_API_KEY: z.string().min(1),
    SHOPIFY_API_SECRET: z.string().min(1),
    SHOPIFY_APP_URL: url,
    /** Comma-separated; shopify.app.toml is the source of truth when Shopify manages installs. */
    SCOPES: z.string().optional(),
    /** file:… selects embedded SQLite (default); postgres://… or postgresql://… selects PostgreSQL. */
    DATABASE_URL: z
      .string()
      .default("file:./data/trueline.sqlite")
      .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v), "must start with file:, postgres:// or postgresql://"),
    /** 32 random bytes, base64 or hex: encrypts destination secrets and Shopify tokens at rest. */
    ENCRYPTION_KEY: z
      .string()
      .refine((v) => decodeKey(v) !== null, "must be 32 bytes as base64 (44 chars) or hex (64 chars)"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000), // 0 = any free port (tests)
    HOST: z.string().default("0.0.0.0"),
    /** inline: the delivery/processing worker runs in the web process (embedded default). off: web only (scale mode). */
    WORKER_MODE: z.enum(["inline", "off"]).default("inline"),
    /**
     * How often an idle worker looks for work without being woken (ms). Stored work wakes
     * it at once (in process; on PostgreSQL by LISTEN/NOTIFY), so this is only the fallback.
     */
    WORKER_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /** Proxy rate limits (requests per minute). */
    RATE_LIMIT_SHOP_PER_MIN: z.coerce.number().int().positive().default(60_000),
    RATE_LIMIT_VISITOR_PER_MIN: z.coerce.number().int().positive().default(120),
    /** Per shopper address (the first of X-Forwarded-For, as Shopify's proxy forwards it), across shops. */
    RATE_LIMIT_IP_PER_MIN: z.coerce.number().int().positive().default(600),
    /** A whole request (headers and body) must arrive within this many ms, or 408 and the socket closes. */
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
    /** At most this many open sockets; more are refused by the server. */
    HTTP_MAX_CONNECTIONS: z.coerce.number().int().positive().default(1024),
    /**
     * Local stand-ins for the ad platforms (tests, demo). Refused in production so no
     * merchant can aim the server at an internal address.
     */
    DESTINATION_BASE_URLS: BaseUrlOverridesSchema.optional(),
    /**
     * Local stand-in for Shopify's Admin GraphQL API (tests, demo): the admin's
     * onboarding calls {this}/admin/api/{version}/graphql.json instead of the shop.
     * Refused in production, like DESTINATION_BASE_URLS.
     */
    SHOPIFY_ADMIN_API_URL: url.optional(),
    /**
     * The app's Google OAuth 2.0 client (a "Web application" client in Google Cloud, with
     * {SHOPIFY_APP_URL}/oauth/google-ads/callback as an authorised redirect URI). Unset:
     * "Connect Google Ads" is not offered (ADR 0030). Both or neither.
     */
    GOOGLE_OAUTH_CLIENT_ID: z.string().trim().min(1).optional(),
    GOOGLE_OAUTH_CLIENT_SECRET: z.string().trim().min(1).optional(),
    /**
     * Google Ads API developer token, sent as `developer-token` when set. Google sunset
     * developer tokens on 2026-09-09 (access now belongs to the Cloud project of the OAuth
     * client; the header is optional and ignored), so this is optional.
     */
    GOOGLE_ADS_DEVELOPER_TOKEN: z.string().trim().min(1).max(256).optional(),
    /**
     * Local stand-in replacing both https://accounts.google.com (consent screen) and
     * https://oauth2.googleapis.com (token endpoint). Refused in production.
     */
    GOOGLE_OAUTH_BASE_URL: url.optional(),
    /**
     * The app's LinkedIn developer app (Conversions API product, approved for programmatic
     * refresh tokens, with {SHOPIFY_APP_URL}/oauth/linkedin/callback as a redirect URL).
     * Unset: the LinkedIn form asks for a pasted access token (ADR 0036/0045). Both or neither.
     */
    LINKEDIN_OAUTH_CLIENT_ID: z.string().trim().min(1).optional(),
    LINKEDIN_OAUTH_CLIENT_SECRET: z.string().trim().min(1).optional(),
    /** Local stand-in replacing https://www.linkedin.com/oauth/v2/*. Refused in production. */
    LINKEDIN_OAUTH_BASE_URL: url.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && isExampleKey(env.ENCRYPTION_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: ["ENCRYPTION_KEY"],
        message: "is the example key from .env.example, refused when NODE_ENV=production (generate one: openssl rand -hex 32)",
      });
    }
    if (env.NODE_ENV === "production" && env.DESTINATION_BASE_URLS) {
      ctx.addIssue({
        code: "custom",
        path: ["DESTINATION_BASE_URLS"],
        message: "is refused when NODE_ENV=production (stand-ins are for tests and the demo only)",
      });
    }
    if ((env.GOOGLE_OAUTH_CLIENT_ID === undefined) !== (env.GOOGLE_OAUTH_CLIENT_SECRET === undefined)) {
      const missing = env.GOOGLE_OAUTH_CLIENT_ID === undefined ? "GOOGLE_OAUTH_CLIENT_ID" : "GOOGLE_OAUTH_CLIENT_SECRET";
      ctx.addIssue({ code: "custom", path: [missing], message: "is required when the other half of the Google OAuth client is set" });
    }
    if ((env.LINKEDIN_OAUTH_CLIENT_ID === undefined) !== (env.LINKEDIN_OAUTH_CLIENT_SECRET === undefined)) {
      const missing = env.LINKEDIN_OAUTH_CLIENT_ID === undefined ? "LINKEDIN_OAUTH_CLIENT_ID" : "LINKEDIN_OAUTH_CLIENT_SECRET";
      ctx.addIssue({ code: "custom", path: [missing], message: "is required when the other half of the LinkedIn OAuth client is set" });
    }
    if (env.NODE_ENV === "production" && env.LINKEDIN_OAUTH_BASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["LINKEDIN_OAUTH_BASE_URL"],
        message: "is refused when NODE_ENV=production (stand-ins are for tests and the demo only)",
      });
    }
    if (env.NODE_ENV === "production" && env.GOOGLE_OAUTH_BASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["GOOGLE_OAUTH_BASE_URL"],
        message: "is refused when NODE_ENV=production (stand-ins are for tests and the demo only)",
      });
    }
    if (env.NODE_ENV === "production" && env.SHOPIFY_ADMIN_API_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["SHOPIFY_ADMIN_API_URL"],
        message: "is refused when NODE_ENV=production (stand-ins are for tests and the demo only)",
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

/** The key .env.example ships (32 zero bytes), in any encoding: never a production key. */
export function isExampleKey(text: string): boolean {
  const key = decodeKey(text);
  return key !== null && key.every((b) => b === 0);
}

export function decodeKey(text: string): Buffer | null {
  const trimmed = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  return buf.length === 32 ? buf : null;
}

/** Parse, or throw an Error whose message is one line naming the first bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? "environment");
  const given = source[name];
  const what = given === undefined || given === "" ? "is missing" : issue.message.startsWith("is ") ? issue.message : `is invalid: ${issue.message}`;
  throw new EnvError(`Invalid environment: ${name} ${what}`);
}

export class EnvError extends Error {
  override name = "EnvError";
}

let cached: Env | undefined;
/** The validated environment (parsed on first use; server.mjs forces it at boot). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
