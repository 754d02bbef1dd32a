#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on a loopback port and print the TEST_DATABASE_URL of its test
# database. Used by .ci/run (as root, on a clean Debian machine); works the same on a developer's machine:
#   export TEST_DATABASE_URL=$(.ci/postgres.sh)       # stop it later with: .ci/postgres.sh stop
# Installs Debian's postgresql package when no server binaries are found.
set -euo pipefail
PORT="${PG_TEST_PORT:-55432}"
DATA="${PG_TEST_DATA:-/tmp/coach-pg-test}"
run_as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
BIN="$(bindir || true)"
if [ "${1:-}" = stop ]; then
  [ -n "$BIN" ] && [ -d "$DATA" ] && run_as_postgres "$BIN/pg_ctl" -D "$DATA/db" -m fast stop >&2 || true
  rm -rf "$DATA"
  exit 0
fi
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "installing postgresql (Debian package)" >&2
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
  BIN="$(bindir)"
fi

if [ ! -f "$DATA/db/PG_VERSION" ]; then
  rm -rf "$DATA"
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
  # The socket (in $DATA, for this script) trusts; TCP wants the password, so the URL must carry it.
  run_as_postgres "$BIN/initdb" -D "$DATA/db" -U postgres --auth-local=trust --auth-host=scram-sha-256 --no-sync >&2
fi
if ! run_as_postgres "$BIN/pg_ctl" -D "$DATA/db" status >/dev/null 2>&1; then
  # fsync off: a test cluster is thrown away, and the suite should not pay for durable commits.
  run_as_postgres "$BIN/pg_ctl" -D "$DATA/db" -l "$DATA/server.log" -w \
    -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2
fi
psql() { run_as_postgres "$BIN/psql" -h "$DATA" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'coach_test'")" != 1 ]; then
  # CREATEDB: each test file makes a database of its own, so files running in parallel never share tables.
  psql -d postgres -c "CREATE ROLE coach_test LOGIN CREATEDB PASSWORD 'coach-test-password'" >&2
fi
if [ "$(psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'coach_test'")" != 1 ]; then
  psql -d postgres -c "CREATE DATABASE coach_test OWNER coach_test" >&2
fi
echo "postgres://coach_test:coach-test-password@127.0.0.1:$PORT/coach_test"
