import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Kept out of the server bundle: native/dynamic requires and the worker-only SDKs.
  serverExternalPackages: ["pino", "bullmq", "ioredis", "pg", "@prisma/adapter-pg", "recheck", "@aws-sdk/client-lambda"],
  poweredByHeader: false,
  // `next build` type-checks the app only; `npm run typecheck` covers tests and the benchmark too.
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
