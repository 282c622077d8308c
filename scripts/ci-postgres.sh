#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server (Debian's package, installed when absent) on a free port,
# runs the given command with TEST_DATABASE_URL pointing at it, and stops and removes it after.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=${PGPORT_TEST:-55433}
data=$(mktemp -d /tmp/workorder-pg.XXXXXX)
run_as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$data"
cleanup() {
  run_as_postgres "'$bin/pg_ctl' -D '$data' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT
run_as_postgres "'$bin/initdb' -D '$data' -A trust -U postgres" >/dev/null
run_as_postgres "'$bin/pg_ctl' -D '$data' -l '$data/server.log' -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off\" start" >/dev/null
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" "$@"
