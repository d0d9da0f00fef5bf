#!/usr/bin/env bash
# The container image's build and start, proven without Docker (no daemon runs here): a clean copy
# of this repository's HEAD (git clone, then without .git, like the image's build context) is
# built with docker/build.sh's two phases, exactly as the Dockerfile runs them, then both roles
# start through docker/entrypoint.sh from the prebuilt bundles. Web must answer /api/health and
# the worker print its ready line; both health checks of docker-compose.yml must pass; both must
# stop cleanly on SIGTERM. Uses this machine's Postgres and Redis (a database and a key prefix of
# its own, removed afterwards).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

pinned="$(sed -n 's/^RUN npm install -g npm@\([0-9.]*\).*/\1/p' "$root/Dockerfile")"
if [ "$(npm --version)" != "$pinned" ]; then
  echo "image-check: npm $(npm --version) here, but the Dockerfile installs npm $pinned" >&2
  exit 1
fi

work="$(mktemp -d)"
database="${IMAGE_CHECK_DATABASE:-herald_image_check}"
postgres="${IMAGE_CHECK_POSTGRES:-postgresql://postgres@127.0.0.1:5432}"
redis_url="${IMAGE_CHECK_REDIS_URL:-redis://127.0.0.1:6379/0}"
prefix="herald-image-check-$$"
port="${IMAGE_CHECK_PORT:-3240}"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  psql -q "$postgres/postgres" -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli -u "$redis_url" --scan --pattern "$prefix:*" | xargs -r redis-cli -u "$redis_url" del >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

git clone -q "$root" "$work/herald"
rm -rf "$work/herald/.git"
cd "$work/herald"
echo "image-check: $(git -C "$root" rev-parse --short HEAD) in $work/herald"
SECONDS=0
sh docker/build.sh dependencies
echo "image-check: dependencies in ${SECONDS}s"
SECONDS=0
sh docker/build.sh app
echo "image-check: app built in ${SECONDS}s"
for bundle in server/dist/index.cjs worker/dist/index.mjs .next/BUILD_ID; do
  [ -f "$bundle" ] || { echo "image-check: $bundle was not built" >&2; exit 1; }
done
if [ -d node_modules/vitest ] || [ -d node_modules/eslint ]; then
  echo "image-check: development packages were not pruned" >&2
  exit 1
fi

# The environment docker-compose.yml gives both roles, on this machine's services.
export NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT="$port" \
  DATABASE_URL="$postgres/$database" REDIS_URL="$redis_url" HERALD_QUEUE_PREFIX="$prefix" \
  HERALD_ENCRYPTION_KEY="$(openssl rand -base64 32)" NEXTAUTH_SECRET="$(openssl rand -base64 32)" \
  NEXTAUTH_URL="http://127.0.0.1:$port" HERALD_ADMIN_PASSWORD="image-check-password" \
  HERALD_LOG_LEVEL=info
docker/entrypoint.sh web >web.log 2>&1 &
pids+=("$!")
docker/entrypoint.sh worker >worker.log 2>&1 &
pids+=("$!")

waited=0
until curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && grep -q "worker ready" worker.log; do
  if [ "$waited" -ge 120 ]; then
    echo "image-check: web or worker not ready after 120 s" >&2
    tail -n 30 web.log worker.log >&2
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done
echo "image-check: web answers /api/health and the worker is ready (${waited}s)"
curl -fsS "http://127.0.0.1:$port/api/health"
echo

# docker-compose.yml's health checks, as the containers would run them.
node -e "fetch('http://127.0.0.1:$port/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
node --import tsx docker/worker-health.ts
echo "image-check: both health checks pass"

for pid in "${pids[@]}"; do kill -TERM "$pid"; done
for pid in "${pids[@]}"; do
  status=0
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 143 ]; then
    echo "image-check: a role exited with $status on SIGTERM" >&2
    tail -n 30 web.log worker.log >&2
    exit 1
  fi
done
pids=()
grep -q "worker stopped" worker.log || { echo "image-check: the worker did not stop cleanly" >&2; exit 1; }
echo "image-check: ok"
