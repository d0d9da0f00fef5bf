import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  // generate needs no connection; the fallback only keeps it from failing without one. Migrations
  // go to Postgres itself, not to a pooler (DIRECT_DATABASE_URL, as lib/env.ts reads it).
  datasource: {
    url:
      process.env.DIRECT_DATABASE_URL ||
      process.env.DATABASE_URL ||
      "postgresql://127.0.0.1:5432/herald",
  },
});
