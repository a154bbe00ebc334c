#!/usr/bin/env bash
# Installs what cc-bridge needs and is missing, on Debian: pnpm (from npm), and with `--test`
# also tmux, the Docker Engine, PostgreSQL, Chromium, busybox-static (for test images) and
# time (/usr/bin/time -v, for bench/cli.ts).
# Starts the Docker Engine when none answers. Safe to run again: it only does what is missing.
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "12.21.0" ]; then
  echo "» installing pnpm 12.21.0" >&2
  as_root npm install -g --silent pnpm@12.21.0 >/dev/null
fi

packages=(tmux)
if [ "$want_test" = 1 ]; then packages+=(docker.io postgresql chromium busybox-static time); fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "» installing Debian packages: ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$want_test" = 1 ] && ! timeout 5 docker info >/dev/null 2>&1; then
  echo "» starting the Docker Engine (no bridge network: test containers run with --network none)" >&2
  as_root sh -c 'nohup dockerd --bridge=none --iptables=false --ip-masq=false >/tmp/dockerd.log 2>&1 &'
  for _ in $(seq 60); do timeout 5 docker info >/dev/null 2>&1 && break; sleep 0.5; done
  timeout 5 docker info >/dev/null 2>&1 || { echo "the Docker Engine did not start; see /tmp/dockerd.log" >&2; exit 1; }
fi
