#!/usr/bin/env bash
# The whole test suite: typecheck, unit tests, integration tests against a real tmux server, a
# real Docker Engine, the embedded database and a real PostgreSQL server, and the dashboard's
# end-to-end tests in Chromium. Installs and starts what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-tools.sh --test
pnpm install --frozen-lockfile --reporter=append-only >/dev/null
TEST_DATABASE_URL=$(bash scripts/start-postgres.sh)
# turbo builds the dashboard before its e2e task; Playwright need not build it again.
export TEST_DATABASE_URL TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1 E2E_SKIP_BUILD=1

# The linter touches no Docker or tmux, so it may use both cores; it fails on any warning.
pnpm exec turbo run lint lint:root "$@"
# One task at a time: the suites share one Docker Engine and clean up test containers by label.
pnpm exec turbo run typecheck test test:e2e --concurrency=1 "$@"
