import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  // generate needs no connection; the fallback only keeps it from failing without one
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://127.0.0.1:5432/herald" },
});
