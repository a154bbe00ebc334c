#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for the tests (Debian's `postgresql` package) on
# 127.0.0.1:${PGPORT:-54329}, unless one answers there already. Prints its URL.
set -euo pipefail
port=${PGPORT:-54329}
dir=${CC_BRIDGE_TEST_PGDATA:-/tmp/cc-bridge-test-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
url="postgresql://postgres@127.0.0.1:${port}/postgres"

if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then echo "$url"; exit 0; fi

run_as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ ! -s "$dir/PG_VERSION" ]; then
  rm -rf "$dir"; mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  run_as_postgres "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 >/dev/null
fi
run_as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
  -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
echo "$url"
