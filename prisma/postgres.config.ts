// Prisma CLI config for the scale mode (PostgreSQL through node-postgres).
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
process.env.DATABASE_URL = url;

/**
 * Prisma 6.19's JS schema engine reads catalog columns of type `name` (oid 19),
 * which adapter-pg cannot map ("Column type 'name' could not be deserialized").
 * Reporting them as text (oid 25) makes `migrate deploy` work. Used only here,
 * for the CLI; the app's client uses a plain adapter (see docs/machines.md).
 */
class NameAsTextPool extends pg.Pool {
  // pg.Pool.query has many overloads; this override passes every one through unchanged.
  override query(...args: any[]): any {
    const result = (super.query as any)(...args);
    const fix = (r: any) => {
      for (const f of r?.fields ?? []) if (f.dataTypeID === 19) f.dataTypeID = 25;
      return r;
    };
    return result && typeof result.then === "function" ? result.then(fix) : result;
  }
}

function schemaOf(connectionString: string): string | undefined {
  try {
    return new URL(connectionString).searchParams.get("schema") ?? undefined;
  } catch {
    return undefined;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "postgres/schema.prisma",
  migrations: { path: "postgres/migrations" },
  async adapter() {
    const schema = schemaOf(url);
    // The subclass is a pg.Pool; the cast only bridges the two packages' copies of pg's types.
    return new PrismaPg(new NameAsTextPool({ connectionString: url }) as any, schema ? { schema } : undefined);
  },
});
