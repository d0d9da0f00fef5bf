#!/usr/bin/env bash
# Every test suite: unit + integration (vitest, real Postgres and Redis), then the dashboard in
# Debian's Chromium (Playwright) against a production build.
set -euo pipefail
cd "$(dirname "$0")/.."

npx vitest run
npm run build
npx playwright test
