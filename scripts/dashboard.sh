#!/usr/bin/env bash
# Brings the dashboard up on the embedded database (nothing else to run): installs what is
# missing, builds, and serves http://127.0.0.1:${PORT:-3000}.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-tools.sh
pnpm install --frozen-lockfile --reporter=append-only >/dev/null
export TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1
pnpm exec turbo run build --filter=@cc-bridge/web --output-logs=errors-only
echo "» cc-bridge dashboard on http://${HOST:-127.0.0.1}:${PORT:-3000}" >&2
exec pnpm --filter @cc-bridge/web exec next start -H "${HOST:-127.0.0.1}" -p "${PORT:-3000}"
