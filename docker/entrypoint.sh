#!/bin/sh
# Herald's image runs one role: `web` (dashboard, API, intake) or `worker` (any number of them).
# Both apply pending migrations first (safe when several start at once: one transaction-scoped
# lock), to DIRECT_DATABASE_URL when set (Postgres itself, behind PgBouncer), else DATABASE_URL.
# Anything else is run as a command (e.g. `sh`).
set -eu
role="${1:-web}"
case "$role" in
  web | worker) ;;
  *) exec "$@" ;;
esac
node --import tsx scripts/migrate.ts
if [ "$role" = web ]; then
  exec node server/dist/index.cjs
fi
HERALD_WORKER_PREBUILT=1 exec node worker/start.mjs
