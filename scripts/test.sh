#!/usr/bin/env bash
# Every test suite: unit + integration (vitest, real Postgres and Redis), then the dashboard in
# Debian's Chromium (Playwright) against a production build.
set -euo pipefail
cd "$(dirname "$0")/.."

timed() {
  local started=$SECONDS
  "$@"
  echo "test: '$*' took $((SECONDS - started)) s"
}
timed npx vitest run
timed npm run build
timed npx playwright test
