# Sourced by scripts/test.sh: starts a throw-away PostgreSQL server (Debian's package, installed
# by ensure_test_tools) in target/pg (or /tmp when the postgres user cannot reach target/) on a
# free loopback port, exports TEST_POSTGRES_URL for the
# tests, and stops it (removing its files) when the calling script exits. PostgreSQL refuses to
# run as root, so as root the server runs as the `postgres` user the package created.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
pg_dir="$PWD/target/pg"
pg_as=()
if [ "$(id -u)" -eq 0 ]; then
  pg_as=(runuser -u postgres --)
fi

stop_test_postgres() {
  "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}

start_test_postgres() {
  stop_test_postgres
  mkdir -p "$pg_dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$pg_dir"
    # A checkout under a directory the postgres user cannot enter (such as /root): the cluster
    # goes to a temporary directory instead.
    if ! runuser -u postgres -- test -w "$pg_dir"; then
      rmdir "$pg_dir"
      pg_dir=$(mktemp -d /tmp/dashboard-test-pg.XXXXXX)
      chown postgres:postgres "$pg_dir"
    fi
  fi
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$pg_dir/initdb.log"
  # fsync off: the cluster lives for one test run. 300 connections: three replicas, the
  # benchmarks and the unit tests' databases at once.
  "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
    start >/dev/null
  export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

trap stop_test_postgres EXIT
start_test_postgres
