import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";
import { logger } from "./logger";

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForPrisma = globalThis as unknown as { heraldPrisma?: PrismaClient };

/**
 * DATABASE_URL with `-c TimeZone=UTC` added to the options it may already carry: node-postgres lets
 * an `options` in the URL replace one given beside it, which would drop the time zone silently.
 */
export function utcConnectionString(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set(
    "options",
    [url.searchParams.get("options"), "-c TimeZone=UTC"].filter(Boolean).join(" "),
  );
  return url.toString();
}

function createClient(): PrismaClient {
  // Columns are `timestamp` holding UTC. Raw SQL compares and sets them with now(), which Postgres
  // converts in the session's time zone: in a database whose default zone is not UTC (Debian sets
  // it from the system's) the reconciler saw every stuck delivery as hours in the future.
  const adapter = new PrismaPg(
    { connectionString: utcConnectionString(env.DATABASE_URL), max: env.DATABASE_POOL_SIZE },
    {
      onPoolError: (error) =>
        logger.warn({ err: error }, "an idle Postgres connection was lost; the pool reconnects"),
    },
  );
  return new PrismaClient({ adapter });
}

/** One client per process (kept on globalThis so Next's dev reloads don't leak pools). */
function getDb(): PrismaClient {
  globalForPrisma.heraldPrisma ??= createClient();
  return globalForPrisma.heraldPrisma;
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get: (_target, property) => {
    const client = getDb();
    const value = client[property as keyof PrismaClient];
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export async function disconnectDb(): Promise<void> {
  await globalForPrisma.heraldPrisma?.$disconnect();
  globalForPrisma.heraldPrisma = undefined;
}
