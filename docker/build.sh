#!/bin/sh
# The build steps of Herald's image, in the two phases the Dockerfile runs (dependencies, then the
# app), and the only way scripts/image-check.sh builds its clean copy: what CI proves is what the
# image does.
set -eu
export HUSKY=0 NEXT_TELEMETRY_DISABLED=1 PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/bin/false}"

case "${1:-}" in
  dependencies)
    # Exactly the lock file (postinstall generates the Prisma client from prisma/schema.prisma).
    npm ci --no-audit --no-fund
    ;;
  app)
    # The Next build, then the web and worker bundles the roles run, then only what runs stays.
    npm run build
    node server/build.mjs
    node worker/build.mjs
    npm prune --omit=dev --no-audit --no-fund
    rm -rf .next/cache
    ;;
  *)
    echo "usage: docker/build.sh dependencies|app" >&2
    exit 2
    ;;
esac
