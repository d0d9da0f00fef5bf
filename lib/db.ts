import { PrismaPg } from "@prisma/adapter-pg";
import type { ClientBase, PoolConfig } from "pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";
import { logger } from "./logger";

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForPrisma = globalThis as unknown as { heraldPrisma?: PrismaClient };

/**
 * Pool settings every Herald connection shares. Columns are `timestamp` holding UTC, and raw SQL
 * compares and sets them with now(), which Postgres converts in the session's time zone: in a
 * database whose default zone is not UTC (Debian sets it from the system's) the reconciler saw
 * every stuck delivery as hours in the future. So each connection sets UTC when it opens, with a
 * statement rather than a startup `options` parameter, which PgBouncer refuses; PgBouncer (in
 * transaction mode too) then sets the client's TimeZone on whichever server connection serves it.
 */
export const utcSessions = {
  // pg-pool awaits this before handing the connection out (its types say void).
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  onConnect: (client: ClientBase) => client.query("SET TIME ZONE 'UTC'"),
} satisfies PoolConfig;

function createClient(): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_SIZE, ...utcSessions },
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
