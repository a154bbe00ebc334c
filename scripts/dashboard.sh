#!/usr/bin/env bash
# Brings the dashboard up on the embedded database (nothing else to run): installs what is
# missing, builds, and serves http://127.0.0.1:${PORT:-3000}.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-tools.sh
pnpm install --frozen-lockfile --reporter=append-only >/dev/null
# A refused address is said at once, not after the build.
# tsx from the web app directly (not through pnpm exec), so the refusal is the only output and exit 2 stays 2.
tsx=apps/web/node_modules/.bin/tsx
(cd apps/web && "../../$tsx" server.ts --check --hostname "${HOST:-127.0.0.1}" --port "${PORT:-3000}")
export TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1
echo 'cc-bridge: building the dashboard (about a minute the first time, seconds when nothing changed)…' >&2
pnpm exec turbo run build --filter=@cc-bridge/web --output-logs=errors-only
# server.ts refuses any address but loopback until sign-in exists, and says why.
cd apps/web
exec "../../$tsx" server.ts --hostname "${HOST:-127.0.0.1}" --port "${PORT:-3000}"
